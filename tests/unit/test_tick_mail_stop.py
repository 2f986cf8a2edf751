"""A hard bounce or a complaint stops the tick's mail to that address, and says so.

Given og-activity holds a bounce of the step email to the customer's address, When the tick
decides, Then no step goes to that address, the status says why and what to do, a flag for the
stall names the cause, and the triage row shows it; once a person fixes the address in the
sheet, the next tick mails the new one.
"""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from guide import messages
from guide.mail_health import BOUNCE, COMPLAINT, MailEvent, mail_health
from guide.reading import read_book
from guide.stalls import read_stall_inputs
from guide.tick.decide import Flag, SendStep, TickPlan, decide
from guide.triage import triage_rows
from guide.workbook import Snapshot
from sheets.schema import ACTIVITY
from tests.stall_world import World, step, table

J1 = "C1/standard/2026-11-02"
ADDRESS = "priya@acme.example"
BOUNCED = "step 1 email bounced: mailbox does not exist"


def world(**more: object) -> World:
    return World(
        steps=[step("signup", 2, 1, title="Sign up"), step("connect", 3, 2, title="Connect")],
        **more,  # type: ignore[arg-type]
    )


def with_mail(snapshot: Snapshot, *events: tuple[str, MailEvent]) -> Snapshot:
    rows = [
        {"at": at, "customer id": "C1", "kind": "mail event", "name": e.name, "detail": e.detail()}
        for at, e in events
    ]
    snapshot.tables[ACTIVITY.name] = table(ACTIVITY.name, rows)
    return snapshot


def tick(snapshot: Snapshot, today: date) -> TickPlan:
    book = read_book(snapshot)
    extra = read_stall_inputs(snapshot, book)
    return decide(book, today, extra, mail_health(snapshot[ACTIVITY.name], ZoneInfo("UTC")))


def bounce(address: str = ADDRESS) -> MailEvent:
    return MailEvent(BOUNCE, "step signup", address, "mailbox does not exist")


def test_a_bounced_address_gets_no_next_step_and_the_status_says_how_to_fix_it() -> None:
    # Given Sign up is done, and its email had bounced at the address the sheet holds
    w = world(sends=[("signup", "2026-11-02 09:00", "2026-11-03 10:00")])
    snapshot = with_mail(w.snapshot(), ("2026-11-02 09:05", bounce()))
    # When Wednesday's tick decides
    plan = tick(snapshot, date(2026, 11, 4))
    # Then Connect is not mailed, and the status says why and what to do
    assert not [e for e in plan.effects if isinstance(e, SendStep)]
    (status,) = plan.statuses
    assert status.state == "mail stopped"
    assert status.detail == f"{BOUNCED} \u2014 fix the address in the sheet"


def test_once_the_address_is_fixed_in_the_sheet_the_next_step_goes_to_the_new_one() -> None:
    w = world(
        sends=[("signup", "2026-11-02 09:00", "2026-11-03 10:00")],
        customer={"contact email": "priya.n@acme.example"},
    )
    snapshot = with_mail(w.snapshot(), ("2026-11-02 09:05", bounce()))
    plan = tick(snapshot, date(2026, 11, 4))
    assert plan.effects == [SendStep("C1", J1, "connect")]


def test_a_stall_at_a_bounced_address_is_flagged_with_the_cause_and_shown_in_triage() -> None:
    # Given Sign up went out and bounced, and nothing was heard for a week
    w = world(sends=[("signup", "2026-11-02 09:00", "")])
    snapshot = with_mail(w.snapshot(), ("2026-11-02 09:05", bounce()))
    today = date(2026, 11, 9)
    plan = tick(snapshot, today)
    # Then the flag carries the cause, and its message shows it in parentheses
    (flag,) = [e for e in plan.effects if isinstance(e, Flag)]
    assert flag.mail_cause == BOUNCED
    book = read_book(snapshot)
    customer, (signup, _) = book.customers[0], book.plans["standard"]
    text, blocks = messages.flag_blocks(
        customer, signup, J1, flag.waited_days, "<@U1>", False, flag.assessment,
        mail_cause=flag.mail_cause,
    )  # fmt: skip
    assert f"({BOUNCED})" in text and f"({BOUNCED})" in blocks[0]["text"]["text"]
    assert messages.MAIL_FIX in str(blocks)
    # And the triage row names the last mail event
    (row,) = triage_rows(book, today, plan, read_stall_inputs(snapshot, book))
    assert row["last mail event"] == BOUNCED


def test_a_complaint_stops_mail_too() -> None:
    w = world(sends=[("signup", "2026-11-02 09:00", "2026-11-03 10:00")])
    complaint = MailEvent(COMPLAINT, "step signup", ADDRESS)
    plan = tick(with_mail(w.snapshot(), ("2026-11-02 12:00", complaint)), date(2026, 11, 4))
    assert plan.effects == []
    assert plan.statuses[0].detail.startswith("step 1 email marked as spam by the recipient")
