"""Mail telemetry as a stall cause short of a bounce (issue 12): what a stalled step's email
events suggest, on the flag, in triage and with the matching intervention.

Opened at least N business days ago (og-config "opened not done days", 3 by default) and still
not done: the step may be long or confusing. Sent N business days ago and never delivered, or
delivered and never opened: it may be in spam. A bounce or complaint says more, and wins.

Sign up (step 1, 2 business days expected) went out on Monday 2 November; nothing was heard, so
the no-activity rule has the customer stalled from Monday 9 November.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from fakes.block_kit import message_error
from guide import messages
from guide.config import read_config
from guide.mail_health import BOUNCE, CLICK, DELIVERY, OPEN, MailEvent, mail_health
from guide.reading import read_book
from guide.stalls import defaults, read_stall_inputs
from guide.stalls.model import EMAIL_SPAM, LONG_STEP
from guide.tick.decide import Flag, TickPlan, decide
from guide.triage import triage_rows
from guide.workbook import Snapshot
from sheets.schema import ACTIVITY, CONFIG
from tests.stall_world import World, step, table

ADDRESS = "priya@acme.example"
THURSDAY = date(2026, 11, 12)
LONG_STEP_IDEA = next(
    r["suggestion"] for r in defaults.INTERVENTIONS if r["stall kind"] == LONG_STEP
)
SPAM_IDEA = next(r["suggestion"] for r in defaults.INTERVENTIONS if r["stall kind"] == EMAIL_SPAM)

Event = tuple[str, str, MailEvent]  # at, customer id, event


def world(holidays: str = "", done: str = "") -> World:
    return World(
        steps=[step("signup", 2, 1, title="Sign up"), step("connect", 3, 2, title="Connect")],
        sends=[("signup", "2026-11-02 09:00", done)],
        holidays=holidays,
    )


def signup(name: str, reason: str = "") -> MailEvent:
    return MailEvent(name, "step signup", ADDRESS, reason)


def snapshot_with(w: World, *events: Event, config: dict[str, str] | None = None) -> Snapshot:
    snapshot = w.snapshot()
    rows = [
        {"at": at, "customer id": who, "kind": "mail event", "name": e.name, "detail": e.detail()}
        for at, who, e in events
    ]
    snapshot.tables[ACTIVITY.name] = table(ACTIVITY.name, rows)
    if config:
        settings = [
            {"key": "timezone", "value": "UTC"},
            *({"key": k, "value": v} for k, v in config.items()),
        ]
        if w.holidays:
            settings.append({"key": "holidays", "value": w.holidays})
        snapshot.tables[CONFIG.name] = table(CONFIG.name, settings)
    return snapshot


def tick(snapshot: Snapshot, today: date = THURSDAY) -> tuple[TickPlan, Flag, dict[str, Any]]:
    book = read_book(snapshot)
    extra = read_stall_inputs(snapshot, book)
    plan = decide(book, today, extra, mail_health(snapshot[ACTIVITY.name], ZoneInfo("UTC")))
    (flag,) = [e for e in plan.effects if isinstance(e, Flag)]
    (row,) = triage_rows(book, today, plan, extra)
    return plan, flag, row


def opened(at: str) -> Event:
    return (at, "C1", signup(OPEN))


# --- opened, not done: the step may be confusing -------------------------------------------


def test_opened_n_minus_1_business_days_ago_gives_no_hint_yet() -> None:
    # Given Sign up's email was opened on Tuesday; by Thursday that is 2 business days
    _, flag, row = tick(snapshot_with(world(), opened("2026-11-10 08:00")))
    # Then the flag and triage say nothing about the mail
    assert flag.mail_hint == "" and flag.mail_cause == ""
    assert row["last mail event"] == ""
    assert LONG_STEP not in flag.assessment.kinds


def test_opened_exactly_n_business_days_ago_suggests_a_confusing_step() -> None:
    # Given Sign up's email was opened on Monday: 3 business days by Thursday
    _, flag, row = tick(snapshot_with(world(), opened("2026-11-09 08:00")))
    hint = (
        "step 1 email opened 3 business days ago and still not done: "
        "the step may be long or confusing"
    )
    # Then the flag carries the hint, with the long-step intervention first, and no address fix
    assert flag.mail_hint == hint and flag.mail_cause == ""
    assert LONG_STEP in flag.assessment.kinds
    assert flag.assessment.interventions[0].suggestion == LONG_STEP_IDEA
    # And triage shows it as the last mail event, with the stall kind
    assert row["last mail event"] == hint
    assert LONG_STEP in str(row["stall kinds"])


def test_a_click_counts_as_opened() -> None:
    _, flag, _ = tick(snapshot_with(world(), ("2026-11-09 08:00", "C1", signup(CLICK))))
    assert flag.mail_hint.startswith("step 1 email opened 3 business days ago")


def test_a_holiday_is_not_a_business_day_for_the_hint() -> None:
    # Given Wednesday 11 November is a team holiday
    holiday = world(holidays="2026-11-11")
    # When the email was opened on Monday: Tuesday and Thursday are 2 business days
    _, flag, _ = tick(snapshot_with(holiday, opened("2026-11-09 08:00")))
    assert flag.mail_hint == ""
    # When it was opened the Friday before: Monday, Tuesday and Thursday are 3
    _, flag, _ = tick(snapshot_with(holiday, opened("2026-11-06 08:00")))
    assert flag.mail_hint.startswith("step 1 email opened 3 business days ago")


def test_n_comes_from_og_config() -> None:
    events = (opened("2026-11-09 08:00"),)
    _, flag, _ = tick(snapshot_with(world(), *events, config={"opened not done days": "4"}))
    assert flag.mail_hint == ""
    _, flag, _ = tick(snapshot_with(world(), *events, config={"opened not done days": "2"}))
    assert flag.mail_hint.startswith("step 1 email opened 3 business days ago")


def test_opened_then_done_gives_no_hint() -> None:
    # Given Sign up's email was opened, then Sign up was done; Connect went out and stalls
    w = World(
        steps=[step("signup", 2, 1, title="Sign up"), step("connect", 3, 2, title="Connect")],
        sends=[
            ("signup", "2026-11-02 09:00", "2026-11-03 10:00"),
            ("connect", "2026-11-03 10:00", ""),
        ],
    )
    plan = decide_on(snapshot_with(w, opened("2026-11-02 12:00")), date(2026, 11, 16))
    # Then the stall on Connect is flagged, and Sign up's open says nothing about it
    (flag,) = [e for e in plan.effects if isinstance(e, Flag)]
    assert flag.step_id == "connect" and flag.mail_hint == ""
    assert "C1" not in plan.mail_problems


def decide_on(snapshot: Snapshot, today: date) -> TickPlan:
    book = read_book(snapshot)
    extra = read_stall_inputs(snapshot, book)
    return decide(book, today, extra, mail_health(snapshot[ACTIVITY.name], ZoneInfo("UTC")))


# --- never delivered, or never opened: it may be in spam -------------------------------------

# Telemetry is on when og-activity holds some other email's delivery and opens.
ANOTHER_DELIVERED: Event = (
    "2026-11-02 09:01",
    "C2",
    MailEvent(DELIVERY, "step signup", "x@y.example"),
)
ANOTHER_OPENED: Event = ("2026-11-02 10:00", "C2", MailEvent(OPEN, "step signup", "x@y.example"))


def test_sent_and_never_delivered_suggests_spam() -> None:
    _, flag, row = tick(snapshot_with(world(), ANOTHER_DELIVERED, ANOTHER_OPENED))
    hint = "step 1 email sent 8 business days ago and never delivered: it may be in spam"
    assert flag.mail_hint == hint and row["last mail event"] == hint
    assert EMAIL_SPAM in flag.assessment.kinds
    assert flag.assessment.interventions[0].suggestion == SPAM_IDEA


def test_delivered_and_never_opened_suggests_spam() -> None:
    delivered = ("2026-11-02 09:01", "C1", signup(DELIVERY))
    _, flag, row = tick(snapshot_with(world(), delivered, ANOTHER_OPENED))
    hint = "step 1 email delivered 8 business days ago and never opened: it may be in spam"
    assert flag.mail_hint == hint and row["last mail event"] == hint
    assert flag.assessment.interventions[0].suggestion == SPAM_IDEA


def test_delivered_n_minus_1_business_days_ago_and_not_opened_gives_no_hint_yet() -> None:
    # Given a reminder of Sign up went out and was delivered on Tuesday (the first send's
    # delivery is not recorded): 2 business days by Thursday
    delivered = ("2026-11-10 09:01", "C1", MailEvent(DELIVERY, "step signup reminder", ADDRESS))
    _, flag, _ = tick(snapshot_with(world(), delivered, ANOTHER_OPENED))
    assert flag.mail_hint == ""


def test_without_telemetry_nothing_is_read_into_silence() -> None:
    # Given og-activity holds no mail events at all (the configuration set is not wired)
    _, flag, row = tick(snapshot_with(world()))
    # Then "never delivered" is not claimed
    assert flag.mail_hint == "" and row["last mail event"] == ""


def test_delivered_without_open_tracking_is_not_never_opened() -> None:
    delivered = ("2026-11-02 09:01", "C1", signup(DELIVERY))
    _, flag, _ = tick(snapshot_with(world(), delivered))
    assert flag.mail_hint == ""


# --- a bounce still wins ---------------------------------------------------------------------


def test_a_bounce_wins_over_every_hint() -> None:
    bounced = ("2026-11-02 09:02", "C1", signup(BOUNCE, "mailbox does not exist"))
    for events in (
        (bounced, opened("2026-11-03 08:00")),  # opened long ago, not done
        (bounced, ANOTHER_DELIVERED, ANOTHER_OPENED),  # never delivered
    ):
        _, flag, row = tick(snapshot_with(world(), *events))
        cause = "step 1 email bounced: mailbox does not exist"
        assert flag.mail_cause == cause and flag.mail_hint == ""
        assert row["last mail event"] == cause


# --- the flag --------------------------------------------------------------------------------


def test_the_flag_shows_the_hint_and_its_intervention_within_block_kit_limits() -> None:
    snapshot = snapshot_with(world(), opened("2026-11-09 08:00"))
    _, flag, _ = tick(snapshot)
    book = read_book(snapshot)
    customer, (sign_up, _) = book.customers[0], book.plans["standard"]
    text, blocks = messages.flag_blocks(
        customer, sign_up, customer.journey_id(), flag.waited_days, "<@U1>", False,
        flag.assessment, mail_cause=flag.mail_cause, mail_hint=flag.mail_hint,
    )  # fmt: skip
    assert flag.mail_hint in blocks[0]["text"]["text"]
    ideas = next(b["text"]["text"] for b in blocks if "Suggested interventions" in str(b))
    assert ideas.split("\n")[1] == f"• {LONG_STEP_IDEA}"
    # The address is fine: no "fix the contact email"
    assert messages.MAIL_FIX not in str(blocks)
    assert message_error(text, blocks) is None


def test_opened_not_done_days_is_read_with_bounds() -> None:
    def config(value: str) -> tuple[int, list[str]]:
        problems: list[Any] = []
        rows = [{"key": "opened not done days", "value": value}]
        found = read_config(table(CONFIG.name, rows), problems)
        return found.opened_not_done_days, [str(p) for p in problems]

    assert config("5") == (5, [])
    for bad in ("0", "61", "soon"):
        days, problems = config(bad)
        assert days == 3 and len(problems) == 1 and "opened not done days" in problems[0]
