"""What an assessment says beyond the rules: blockers by owner, the customer's context, the
interventions for the kinds of stall found, drafts, and rows people typed wrong."""

from __future__ import annotations

from datetime import date

from guide.reading import read_book
from guide.stalls import read_stall_inputs
from guide.stalls.drafts import draft_email
from tests.stall_world import World, rule, step

SENT = "2026-11-02 09:00"


def test_given_an_open_step_of_ours_and_one_of_the_customer_s_then_both_are_blockers() -> None:
    world = World(
        [
            step("api", 20, 1, title="API configuration"),
            step(
                "migration", 2, 2, title="Data migration", **{"owned by": "us", "assignee": "Alex"}
            ),
        ],
        [("api", SENT, ""), ("migration", "2026-11-09 09:00", "")],
        customer={"arr": "$48,000", "segment": "Enterprise"},
    )
    found = world.on(date(2026, 11, 18))
    assert [b.describe() for b in found.blockers] == [
        "API configuration: waiting on customer, 12 days",
        "Data migration: ours, Alex, 5 days overdue",
    ]
    assert found.severity == "medium"  # the migration: more than 3 days overdue
    assert found.kinds == ("internal_blocker",)
    assert [i.kind for i in found.interventions] == ["internal_blocker"]
    context = found.context
    assert (context.arr, context.segment, context.days_in_onboarding, context.target_days) == (
        "$48,000",
        "Enterprise",
        12,
        22,
    )


def quiet(**more: object) -> World:
    return World(
        [step("connect", 1, 1)],
        [("connect", SENT, "")],
        rules=[rule("no_activity", "5", "medium"), rule("no_response", "7", "high")],
        **more,  # type: ignore[arg-type]
    )


def test_given_a_customer_never_heard_from_then_quiet_after_purchase_and_maybe_spam() -> None:
    found = quiet().on(date(2026, 11, 11))
    assert found.kinds == ("email_spam", "quiet_after_purchase")
    assert found.interventions[0].subject == "Did our emails reach you, {first_name}?"


def test_given_a_customer_active_before_then_busy_or_forgot() -> None:
    found = quiet(activity=[("2026-11-02 14:00", "activity", "login")]).on(date(2026, 11, 11))
    assert found.kinds == ("busy_or_forgot",)


def test_given_a_bounce_then_email_spam_is_among_the_kinds() -> None:
    world = quiet(
        activity=[
            ("2026-11-02 14:00", "activity", "login"),
            ("2026-11-02 09:05", "mail event", "bounce"),
        ]
    )
    assert world.on(date(2026, 11, 11)).kinds == ("email_spam", "busy_or_forgot")


def test_given_a_customer_working_on_a_long_step_then_long_step() -> None:
    world = World(
        [step("configure", 2, 1)],
        [("configure", SENT, "")],
        activity=[("2026-11-09 11:00", "activity", "settings.opened")],
        rules=[rule("step_overdue", "3", "medium")],
    )
    assert world.on(date(2026, 11, 10)).kinds == ("long_step",)


def test_given_a_paused_or_finished_customer_then_never_stalled() -> None:
    for customer in ({"paused": True}, {"finished": True}, {"handed off to": "Alex"}):
        world = World([step("connect", 1, 1)], [("connect", SENT, "")], customer=customer)
        assert world.on(date(2026, 11, 30)).severity is None, customer


def test_given_a_draft_then_placeholders_are_filled_and_unknown_ones_left_as_typed() -> None:
    _book, extra, customer = World([step("connect", 1, 1)]).read()
    (spam,) = extra.interventions["email_spam"]
    subject, body = draft_email(spam, customer, "Connect", 8, "https://guide.example/done?t=x")
    assert subject == "Did our emails reach you, Priya?"
    assert "“Connect” in 8 days" in body and "https://guide.example/done?t=x" in body
    assert body.endswith("Best,\nSam")
    unknown = spam.__class__("x", "y", "{first_name} {nickname}", "")
    assert draft_email(unknown, customer, "", 0, "")[0] == "Priya {nickname}"


def test_given_rows_people_typed_wrong_then_each_is_a_problem_and_the_rest_is_read() -> None:
    world = World(
        [step("connect", 1, 1)],
        rules=[
            rule("no_activity", "5", "medium"),
            rule("gone_fishing", "5", "medium"),
            rule("no_activity", "1.5x", "medium"),
            rule("no_response", "7", "urgent"),
        ],
        activity=[("2026-11-03 10:00", "activity", "login"), ("2026-11-03", "telepathy", "x")],
        segments=[{"segment": "smb"}],
    )
    snapshot = world.snapshot()
    extra = read_stall_inputs(snapshot, read_book(snapshot))
    assert [(p.tab, p.row, p.column) for p in extra.problems] == [
        ("og-stall-rules", 3, "condition"),
        ("og-stall-rules", 4, "threshold days"),
        ("og-stall-rules", 5, "severity"),
        ("og-segments", 2, "expected days"),
        ("og-activity", 3, "kind"),
    ]
    assert [r.condition for r in extra.rules] == ["no_activity"]
    assert extra.heard["C1"].last_heard is not None
