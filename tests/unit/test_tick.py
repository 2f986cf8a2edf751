"""The tick's decision, one outcome at a time: given a sheet and a day, what should happen."""

from __future__ import annotations

from datetime import date
from typing import Any

from guide.reading import read_book
from guide.tick.decide import (
    Enroll,
    Escalate,
    FinishJourney,
    Flag,
    NoticeResume,
    OpenTask,
    SendStep,
    TickPlan,
    decide,
)
from tests.builders import config_rows, customer, send, snapshot

MON, TUE, WED, THU, FRI = (date(2026, 11, d) for d in (2, 3, 4, 5, 6))
NEXT_MON = date(2026, 11, 9)
J1 = "C1/standard/2026-11-02"


def tick(customers: list[dict[str, Any]], today: date, **kw: Any) -> TickPlan:
    return decide(read_book(snapshot(customers, **kw)), today)


def flag_state(step: str, level: int) -> dict[str, Any]:
    return {
        "customer id": "C1",
        "journey id": J1,
        "flag step": step,
        "flag level": level,
        "flag channel": "U0SAM",
        "flag ts": "1.2",
    }


def test_a_new_customer_gets_the_first_step_email() -> None:
    assert tick([customer("C1")], MON).effects == [SendStep("C1", J1, "connect")]


def test_a_row_with_no_start_date_is_enrolled_today_and_mailed() -> None:
    plan = tick([customer("C1", **{"started on": ""})], WED)
    assert plan.effects == [Enroll("C1", WED), SendStep("C1", "C1/standard/2026-11-04", "connect")]


def test_finished_paused_and_handed_off_customers_are_left_alone() -> None:
    plan = tick(
        [
            customer("C1", finished=True, **{"finished on": "2026-10-30"}),
            customer("C2", paused="x"),
            customer("C3", **{"handed off to": "Alex"}),
        ],
        MON,
        states=[  # each hold already recorded, as the tick records one made in the sheet
            {"customer id": "C2", "paused at": "2026-10-30 09:00"},
            {"customer id": "C3", "handed off to": "Alex", "handed off at": "2026-10-30 09:00"},
        ],
    )
    assert plan.effects == []
    assert [s.state for s in plan.statuses] == ["finished", "paused", "handed off"]


def test_the_next_step_goes_out_when_the_current_one_is_done() -> None:
    sends = [send("C1", "connect", "2026-11-02 09:00", done="2026-11-03 10:00")]
    plan = tick([customer("C1")], WED, sends=sends)
    assert plan.effects == [SendStep("C1", J1, "invite")]
    assert (plan.statuses[0].state, plan.statuses[0].step) == ("next step", "Invite")


def test_a_step_within_its_expected_days_is_on_track_and_quiet() -> None:
    sends = [send("C1", "connect", "2026-11-02 09:00")]
    plan = tick([customer("C1")], THU, sends=sends)  # 3 business days, 3 expected
    assert plan.effects == [] and plan.statuses[0].state == "on track"


def test_a_step_past_its_expected_days_is_overdue_but_a_stall_only_when_a_rule_fires() -> None:
    """Issue 11: a stall is what og-stall-rules say (the PRD's defaults here), not "one day
    past expected" as before. Connect (3 days) sent Monday: by Friday it is 1 day overdue, not
    a stall; by the next Monday nothing has been heard for 5 business days (no_activity,
    medium), so the owner is flagged, once, and gets one intervention task."""
    sends = [send("C1", "connect", "2026-11-02 09:00")]
    friday = tick([customer("C1")], FRI, sends=sends)
    assert friday.effects == [] and friday.statuses[0].state == "overdue"
    assert tick([customer("C1")], NEXT_MON, sends=sends).effects == [
        Flag("C1", J1, "connect", 5, 2, level=1, severity="medium"),
        OpenTask("C1", "Unblock onboarding: Company C1 – no activity", "Sam"),
    ]
    again = tick([customer("C1")], NEXT_MON, sends=sends, states=[flag_state("connect", 1)])
    assert again.effects == [] and again.statuses[0].state == "stalled"


def test_weekends_do_not_make_a_step_stall() -> None:
    sends = [send("C1", "connect", "2026-11-05 09:00")]  # Thursday
    assert tick([customer("C1")], NEXT_MON, sends=sends).effects == []  # Fri + Mon = 2 days


def test_holidays_from_og_config_do_not_count() -> None:
    sends = [send("C1", "connect", "2026-11-02 09:00")]
    plan = tick([customer("C1")], FRI, sends=sends, config=config_rows(holidays="2026-11-04"))
    assert plan.effects == []


def test_a_flag_on_an_earlier_step_does_not_silence_a_new_stall() -> None:
    sends = [
        send("C1", "connect", "2026-11-02 09:00", done="2026-11-02 10:00"),
        send("C1", "invite", "2026-11-02 10:00"),
    ]
    # Next Monday: Invite (2 days) is 3 days overdue and nothing heard since Connect was done
    # 5 business days ago (no_activity). Before issue 11 this flagged on Friday, 1 day overdue.
    plan = tick([customer("C1")], NEXT_MON, sends=sends, states=[flag_state("connect", 1)])
    assert plan.effects == [
        Flag("C1", J1, "invite", 5, 3, level=1, severity="medium"),
        OpenTask("C1", "Unblock onboarding: Company C1 – no activity", "Sam"),
    ]


def test_past_the_escalation_threshold_the_owner_is_re_flagged_and_the_manager_told() -> None:
    sends = [send("C1", "connect", "2026-11-02 09:00")]
    today = date(2026, 11, 18)  # 12 business days, 9 overdue with threshold 9
    plan = tick(
        [customer("C1")],
        today,
        sends=sends,
        states=[flag_state("connect", 1)],
        config=config_rows(escalate_after_days="9"),
    )
    # 12 business days without a word is high (no_activity after 10): the flag says so
    assert plan.effects == [
        Flag("C1", J1, "connect", 12, 9, level=2, severity="high"),
        Escalate("C1", J1, "connect", 12, 9),
    ]
    done = tick(
        [customer("C1")],
        today,
        sends=sends,
        states=[{**flag_state("connect", 2), "escalated at": "2026-11-17 09:00"}],
        config=config_rows(escalate_after_days="9"),
    )
    assert done.effects == []


def test_every_step_done_finishes_the_journey() -> None:
    sends = [
        send("C1", s, "2026-11-02 09:00", done="2026-11-03 09:00")
        for s in ("connect", "invite", "checkin")
    ]
    assert tick([customer("C1")], WED, sends=sends).effects == [FinishJourney("C1", J1, by="guide")]


def test_a_re_enrolled_customer_starts_a_new_journey() -> None:
    old = [
        send("C1", s, "2026-10-01 09:00", done="2026-10-02 09:00", started="2026-10-01")
        for s in ("connect", "invite", "checkin")
    ]
    assert tick([customer("C1")], MON, sends=old).effects == [SendStep("C1", J1, "connect")]


def test_clearing_the_paused_box_in_the_sheet_is_noticed_and_the_journey_continues() -> None:
    state = {
        "customer id": "C1",
        "journey id": J1,
        "paused at": "2026-10-30 09:00",
        "pause note": "holiday",
    }
    sends = [send("C1", "connect", "2026-11-02 09:00", done="2026-11-02 10:00")]
    plan = tick([customer("C1")], TUE, sends=sends, states=[state])
    assert plan.effects == [NoticeResume("C1", "pause"), SendStep("C1", J1, "invite")]


def test_a_bad_row_is_reported_and_everyone_else_still_ticks() -> None:
    plan = tick([customer("C1", plan="nope"), customer("C2")], MON)
    assert plan.effects == [SendStep("C2", "C2/standard/2026-11-02", "connect")]
    assert len(plan.problems) == 1


def test_after_a_resume_the_stall_clock_starts_again() -> None:
    # Sent Monday, paused, resumed Thursday: by Friday it has waited 1 business day, not 4.
    state = {"customer id": "C1", "journey id": J1, "resumed at": "2026-11-05 09:00"}
    sends = [send("C1", "connect", "2026-11-02 09:00")]
    plan = tick([customer("C1")], FRI, sends=sends, states=[state])
    assert plan.effects == []
    assert plan.statuses[0].detail == "waiting 1 of 3 business days"


def test_nothing_is_sent_on_a_weekend_or_a_team_holiday() -> None:
    sends = [send("C1", "connect", "2026-10-01 09:00")]  # long stalled
    saturday = date(2026, 11, 7)
    weekend = tick([customer("C1"), customer("C2")], saturday, sends=sends)
    assert weekend.effects == [] and weekend.resting
    assert [s.state for s in weekend.statuses] == ["escalated", "new"]  # still shown
    holiday = tick([customer("C2")], WED, config=config_rows(holidays="2026-11-04"))
    assert holiday.effects == [] and holiday.resting
    assert not tick([customer("C2")], WED).resting
