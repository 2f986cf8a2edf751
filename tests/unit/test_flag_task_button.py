"""The flag's Task done is offered only while the customer has an og-tasks row open (issue 11).

A first flag always comes with its intervention task (opened by the same tick, or still open
from before), so it carries the button. An escalation redraws the flag: the button is back only
if a task is still open, not after the task was closed in the sheet or from the flag.
"""

from __future__ import annotations

from datetime import date

import pytest

from guide.reading import read_book
from guide.stalls import read_stall_inputs
from guide.tick.decide import ESCALATED, Flag, decide
from sheets.schema import TASKS
from tests.stall_world import World, step, table

J1 = "C1/standard/2026-11-02"
FLAGGED = {
    "journey id": J1,
    "flag channel": "D0SAM",
    "flag ts": "1.1",
    "flag step": "signup",
    "flag level": 1,
    "flagged at": "2026-11-09 09:00",
}


def flag_on(day: date, *, flagged: bool, task_status: str | None) -> Flag:
    w = World(
        steps=[step("signup", 2, 1, title="Sign up")],
        sends=[("signup", "2026-11-02 09:00", "")],
        state=FLAGGED if flagged else None,
    )
    snapshot = w.snapshot()
    if task_status is not None:
        task = {"task id": "T-C1-20261109", "customer id": "C1", "title": "Unblock onboarding"}
        snapshot.tables[TASKS.name] = table(TASKS.name, [{**task, "status": task_status}])
    book = read_book(snapshot)
    (flag,) = [e for e in decide(book, day, read_stall_inputs(snapshot, book)).effects
               if isinstance(e, Flag)]  # fmt: skip
    return flag


def test_a_first_flag_offers_task_done_for_the_task_it_opens() -> None:
    assert flag_on(date(2026, 11, 9), flagged=False, task_status=None).task_open


@pytest.mark.parametrize(("status", "offered"), [("open", True), ("", True), ("done", False)])
def test_an_escalated_flag_offers_task_done_only_while_the_task_is_open(
    status: str, offered: bool
) -> None:
    # Given the stall was flagged on the 9th, and its task is as the sheet says
    flag = flag_on(date(2026, 11, 20), flagged=True, task_status=status)
    # When it escalates, the flag is redrawn with Task done only for an open task
    assert flag.level == ESCALATED
    assert flag.task_open is offered
