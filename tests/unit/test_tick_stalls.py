"""The tick with stall intelligence: what the engine finds becomes the tick's flag, task,
escalation and og-sends rows, once per stall."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

from guide.config import read_config
from guide.model import Problem
from guide.reading import read_book
from guide.stalls import read_stall_inputs
from guide.stalls.model import Task
from guide.tick.decide import DoneByEvent, Flag, OpenTask, SendStep, decide
from sheets.schema import CONFIG
from tests.builders import table
from tests.stall_world import World, step

J1 = "C1/standard/2026-11-02"
NEXT_MON = date(2026, 11, 9)


def world(**more: object) -> World:
    return World(
        steps=[
            step("signup", 2, 1, title="Sign up", **{"done when": "user.activated"}),
            step("connect", 3, 2, title="Connect"),
        ],
        **more,  # type: ignore[arg-type]
    )


def test_a_step_done_by_an_event_is_recorded_and_the_next_step_goes_out() -> None:
    # Given Sign up is marked done by 'user.activated', which the product sent on Tuesday
    w = world(
        sends=[("signup", "2026-11-02 09:00", "")],
        activity=[("2026-11-03 14:30", "event", "user.activated")],
    )
    book, extra, _ = w.read()
    # When Wednesday's tick runs
    plan = decide(book, date(2026, 11, 4), extra)
    # Then og-sends learns it was done at the event's time, and Connect is mailed
    assert plan.effects == [
        DoneByEvent("C1", J1, "signup", datetime(2026, 11, 3, 14, 30), "user.activated"),
        SendStep("C1", J1, "connect"),
    ]


def test_a_step_done_by_an_event_before_it_was_ever_sent_is_never_mailed() -> None:
    # Given the customer activated before the tick first mailed Sign up
    w = world(activity=[("2026-11-02 08:00", "event", "user.activated")])
    book, extra, _ = w.read()
    plan = decide(book, date(2026, 11, 2), extra)
    # Then Sign up is recorded done (sent at = done at = the event) and Connect goes out
    assert [type(e).__name__ for e in plan.effects] == ["DoneByEvent", "SendStep"]
    assert plan.effects[1] == SendStep("C1", J1, "connect")


def test_a_new_stall_opens_one_task_and_a_tick_after_it_opens_none() -> None:
    w = world(sends=[("signup", "2026-11-02 09:00", "")])
    book, extra, _ = w.read()
    first = decide(book, NEXT_MON, extra)
    (task,) = [e for e in first.effects if isinstance(e, OpenTask)]
    assert task == OpenTask("C1", "Unblock onboarding: Acme \u2013 no activity", "Sam")
    # When the flag failed (og-state does not know it) but the task was written
    written = Task(2, "T-C1-20261109", "C1", task.title, "Sam", None, "open")
    again = decide(book, NEXT_MON, replace(extra, tasks=[written]))
    # Then the flag is tried again, and no second task is opened
    assert [type(e) for e in again.effects] == [Flag]


def test_og_activity_problems_are_the_ticks_problems() -> None:
    w = world(activity=[("not a date", "activity", "")])
    snapshot = w.snapshot()
    book = read_book(snapshot)
    plan = decide(book, NEXT_MON, read_stall_inputs(snapshot, book))
    assert [p.tab for p in plan.problems] == ["og-activity"]


def test_an_owner_with_their_own_manager_escalates_to_them() -> None:
    rows = [
        ["team", "Sam | U0SAM | sam@example.com | manager: U0LEAD"],
        ["team", "Alex | U0ALEX"],
        ["manager", "U0BOSS"],
    ]
    problems: list[Problem] = []
    config = read_config(table(CONFIG.name, [{"key": k, "value": v} for k, v in rows]), problems)
    assert not problems
    sam = config.member("Sam")
    assert sam is not None and (sam.slack_id, sam.email) == ("U0SAM", "sam@example.com")
    assert config.manager_of("Sam") == "U0LEAD"
    assert config.manager_of("Alex") == "U0BOSS"
    assert config.manager_of("Nobody") == "U0BOSS"
