"""Each stall rule at the edges of its threshold: business days, holidays, segment overrides.

The calendar: November 2026, Monday the 2nd to Friday the 20th; a step goes out at 09:00.
"""

from __future__ import annotations

from datetime import date, datetime

from guide.stalls import steps_done_by_events
from tests.stall_world import World, fired, rule, step

SENT = "2026-11-02 09:00"


def nov(day: int) -> date:
    return date(2026, 11, day)


# -- step_overdue: more than 3 business days past a 2-day step (waited more than 5) ---------


def overdue_world(**more: object) -> World:
    rules = more.pop("rules", [rule("step_overdue", "3", "medium")])
    return World([step("connect", 2, 1)], [("connect", SENT, "")], rules=rules, **more)  # type: ignore[arg-type]


def test_given_a_step_three_days_overdue_then_it_is_not_stalled_and_on_the_fourth_it_is() -> None:
    world = overdue_world()
    assert world.on(nov(9)).severity is None  # waited 5: 3 days overdue
    found = world.on(nov(10))
    assert fired(found) == {("step_overdue", "medium")}
    assert (found.fired[0].days, found.fired[0].since, found.fired[0].step_id) == (
        4,
        nov(10),
        "connect",
    )


def test_given_a_weekend_in_between_then_it_does_not_count() -> None:
    world = overdue_world()
    assert world.on(nov(7)).severity is None  # Saturday: still 4 business days
    assert world.on(nov(8)).severity is None


def test_given_a_holiday_on_the_fourth_day_then_the_stall_is_seen_the_next_business_day() -> None:
    world = overdue_world(holidays="2026-11-10")
    assert world.on(nov(10)).severity is None
    found = world.on(nov(11))
    assert found.severity == "medium" and found.fired[0].since == nov(11)


def test_given_a_rule_for_the_segment_then_it_replaces_the_rule_for_any_segment() -> None:
    rules = [
        rule("step_overdue", "3", "medium"),
        rule("step_overdue", "5", "medium", segment="Enterprise"),
    ]
    enterprise = overdue_world(rules=rules, customer={"segment": "enterprise"})
    assert enterprise.on(nov(11)).severity is None  # waited 7: 5 overdue, not more
    assert enterprise.on(nov(12)).severity == "medium"
    assert overdue_world(rules=rules).on(nov(10)).severity == "medium"  # smb keeps "any"


def test_given_a_segment_that_doubles_every_step_then_its_steps_have_twice_the_time() -> None:
    world = overdue_world(
        segments=[{"segment": "enterprise", "multiplier": 2}], customer={"segment": "enterprise"}
    )
    assert world.on(nov(11)).severity is None  # expected 4, waited 7
    assert world.on(nov(12)).severity == "medium"


def test_given_a_segment_with_its_own_days_for_a_step_then_those_replace_the_plan_s() -> None:
    world = overdue_world(
        segments=[
            {"segment": "enterprise", "multiplier": 2},
            {"segment": "enterprise", "step id": "connect", "expected days": 10},
        ],
        customer={"segment": "enterprise"},
    )
    assert world.on(nov(19)).severity is None  # waited 13 of 10 + 3
    assert world.on(nov(20)).severity == "medium"


def test_given_a_resume_then_the_open_step_s_clock_starts_again() -> None:
    world = overdue_world(state={"resumed at": "2026-11-05 10:00"})
    assert world.on(nov(12)).severity is None  # 5 business days since the resume
    assert world.on(nov(13)).severity == "medium"


# -- phase_overdue: a phase over 1.5x its expected days ----------------------------------


def phase_world() -> World:
    steps = [
        step("account", 2, 1, phase="Setup"),
        step("connect", 2, 2),  # blank: the phase above
        step("launch", 5, 3, phase="Launch"),
    ]
    sends = [("account", SENT, "2026-11-04 10:00"), ("connect", "2026-11-05 09:00", "")]
    return World(steps, sends, rules=[rule("phase_overdue", "1.5x", "high")])


def test_given_a_phase_at_one_and_a_half_times_its_days_then_it_is_not_yet_overdue() -> None:
    found = phase_world().on(nov(11))  # 2 days on the first step + 4 on the second = 6 of 4
    assert found.severity is None
    assert (found.context.phase, found.context.phase_days, found.context.phase_expected_days) == (
        "Setup",
        6,
        4,
    )


def test_given_a_phase_past_one_and_a_half_times_its_days_then_it_is_high() -> None:
    found = phase_world().on(nov(12))
    assert fired(found) == {("phase_overdue", "high")}
    assert (found.fired[0].phase, found.fired[0].days, found.fired[0].since) == (
        "Setup",
        7,
        nov(12),
    )


def test_given_a_segment_with_its_own_phase_days_then_the_phase_is_measured_against_them() -> None:
    world = phase_world()
    world.segments = [{"segment": "smb", "phase": "setup", "expected days": 6}]
    assert world.on(nov(16)).severity is None  # 2 + 7 = 9 of 6 x 1.5
    assert world.on(nov(17)).severity == "high"


# -- no_activity: five business days without a sign, once the step in hand is overdue -------


def quiet_world(**more: object) -> World:
    rules = more.pop(
        "rules", [rule("no_activity", "5", "medium"), rule("no_activity", "10", "high")]
    )
    return World(
        [step("connect", 1, 1)],
        [("connect", SENT, "")],
        activity=[("2026-11-03 10:00", "activity", "login")],
        rules=rules,  # type: ignore[arg-type]
        **more,  # type: ignore[arg-type]
    )


def test_given_four_quiet_days_then_not_stalled_and_five_then_medium() -> None:
    world = quiet_world()
    assert world.on(nov(9)).severity is None
    found = world.on(nov(10))
    assert fired(found) == {("no_activity", "medium")}
    assert (found.fired[0].days, found.fired[0].since) == (5, nov(10))


def test_given_ten_quiet_days_then_high() -> None:
    world = quiet_world()
    assert world.on(nov(16)).severity == "medium"
    assert world.on(nov(17)).severity == "high"


def test_given_a_holiday_then_quiet_days_are_business_days() -> None:
    world = quiet_world(holidays="2026-11-10")
    assert world.on(nov(10)).severity is None
    assert world.on(nov(11)).severity == "medium"


def test_given_a_segment_rule_switched_off_then_that_segment_is_not_flagged_for_it() -> None:
    rules = [
        rule("no_activity", "5", "medium"),
        rule("no_activity", "5", "medium", segment="enterprise", enabled=False),
    ]
    assert quiet_world(rules=rules, customer={"segment": "enterprise"}).on(nov(10)).severity is None
    assert quiet_world(rules=rules).on(nov(10)).severity == "medium"


def test_given_a_customer_inside_the_step_s_time_then_silence_is_not_a_stall() -> None:
    world = World(
        [step("migrate", 10, 1)],
        [("migrate", SENT, "")],
        rules=[rule("no_activity", "5", "medium"), rule("no_activity", "10", "high")],
    )
    assert world.on(nov(16)).severity is None  # 10 quiet days, but 10 are expected
    found = world.on(nov(17))
    assert fired(found) == {("no_activity", "medium"), ("no_activity", "high")}
    assert {f.since for f in found.fired} == {nov(17)}


# -- no_response: seven business days since the step email, unanswered -----------------------


def reply_world(**more: object) -> World:
    return World(
        [step("connect", 1, 1)],
        [("connect", SENT, "")],
        rules=[rule("no_response", "7", "high")],
        **more,  # type: ignore[arg-type]
    )


def test_given_six_days_without_a_reply_then_not_stalled_and_seven_then_high() -> None:
    world = reply_world()
    assert world.on(nov(10)).severity is None
    found = world.on(nov(11))
    assert fired(found) == {("no_response", "high")}
    assert [b.describe() for b in found.blockers][-1] == "No reply since 2 Nov"


def test_given_a_reply_after_the_step_email_then_there_is_no_no_response() -> None:
    world = reply_world(activity=[("2026-11-03 12:00", "response", "email reply")])
    assert world.on(nov(11)).severity is None


def test_given_a_holiday_then_the_reply_clock_skips_it() -> None:
    world = reply_world(holidays="2026-11-11")
    assert world.on(nov(11)).severity is None
    assert world.on(nov(12)).severity == "high"


# -- not_activated and integration_pending: a "done when" event not seen ---------------------


def event_world(event: str, condition: str, activity: list[tuple[str, str, str]]) -> World:
    return World(
        [step("activate", 2, 1, **{"done when": event})],
        [("activate", SENT, "")],
        activity=activity,
        rules=[rule(condition, "2", "high")],
    )


def test_given_no_activation_event_then_not_activated_fires_past_its_threshold() -> None:
    world = event_world("user.activated", "not_activated", [])
    assert world.on(nov(6)).severity is None  # waited 4 = 2 expected + 2
    assert fired(world.on(nov(9))) == {("not_activated", "high")}


def test_given_an_integration_step_then_its_condition_is_integration_pending() -> None:
    world = event_world("integration.connected", "integration_pending", [])
    assert fired(world.on(nov(9))) == {("integration_pending", "high")}


def test_given_the_event_then_the_step_is_done_by_it_and_nothing_fires() -> None:
    world = event_world(
        "user.activated", "not_activated", [("2026-11-04 15:00", "event", "user.activated")]
    )
    assert world.on(nov(9)).severity is None
    book, extra, customer = world.read()
    assert steps_done_by_events(book, extra, customer) == [
        ("C1/standard/2026-11-02", "activate", datetime(2026, 11, 4, 15, 0))
    ]


def test_given_the_event_before_the_journey_started_then_it_does_not_count() -> None:
    world = event_world(
        "user.activated", "not_activated", [("2026-10-30 15:00", "event", "user.activated")]
    )
    assert world.on(nov(9)).severity == "high"
    assert steps_done_by_events(*world.read()) == []
