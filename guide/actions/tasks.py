"""The flag's Task done: the customer's open og-tasks rows marked done by the presser.

A stall's flag comes with an intervention task (``guide.tick.effects.stalls.open_task``), and a
call scheduled from the flag adds another; both are the flag's work, so the button closes every
task of the customer still open, and the flag and the answer name each one. A person may also
close a task in the sheet (its status): the button then finds nothing open and says so, writing
nothing, as it does when pressed twice.

Audited as "task done" with each task's status, done at and done by before and after, so an
undo (``guide.actions.restore``) opens the tasks again.

Any action that leaves the flag live (its Nudge showing) keeps Task done on it while a task is
open once the action's write lands (``offer_task_done``): a nudge does not close the task, an
undo of a Task done opens it again, and a call scheduled from the flag adds one.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from guide import cells, commands, messages
from guide.actions.context import CustomerWork, Done
from guide.commands import ActionError, AlreadyDone
from guide.model import Customer
from guide.stalls.model import task_open
from sheets.schema import TASKS

ACTION = "task done"
DONE = "done"


@dataclass(frozen=True)
class TaskRow:
    """One og-tasks row of the customer, with what closing it changes."""

    row: int
    task_id: str
    title: str
    status: str  # as typed; empty reads as open
    done_at: str
    done_by: str

    @property
    def open(self) -> bool:
        return task_open(self.status)

    def view(self) -> dict[str, Any]:
        """The fields a Task done changes, for the audit's before and after."""
        return {
            "task_id": self.task_id,
            "status": self.status,
            "done_at": self.done_at,
            "done_by": self.done_by,
        }


def customer_tasks(unit: CustomerWork) -> list[TaskRow]:
    """The customer's og-tasks rows, in sheet order; refused when the tab is missing."""
    table = unit.work.snapshot.tables.get(TASKS.name)
    if table is None or not table.exists:
        raise ActionError(
            "The sheet has no og-tasks tab (run the setup command); nothing was done.", "no_tasks"
        )
    found = []
    for row, record in table.records():
        task_id = cells.text(record.get("task id"))
        if not task_id or cells.text(record.get("customer id")) != unit.customer.customer_id:
            continue
        found.append(
            TaskRow(
                row,
                task_id,
                cells.text(record.get("title")),
                cells.text(record.get("status")),
                cells.text(record.get("done at")),
                cells.text(record.get("done by")),
            )
        )
    return found


def task_done(unit: CustomerWork, command: commands.TaskDone) -> Done:
    c, config = unit.customer, unit.book.config
    tasks = customer_tasks(unit)
    still_open = [t for t in tasks if t.open]
    if not still_open:
        raise _nothing_open(c, tasks)
    # 'done by' names a person, as 'finished by' does: the presser's name on the team list.
    by = config.name_of(command.by, command.actor_id)
    before, after = [], []
    for t in still_open:
        unit.changes.set(TASKS.name, t.row, "status", DONE)
        unit.changes.set(TASKS.name, t.row, "done at", unit.when)
        unit.changes.set(TASKS.name, t.row, "done by", by)
        before.append(t.view())
        after.append({**t.view(), "status": DONE, "done_at": unit.when, "done_by": by})
    titles = ", ".join(f"'{t.title or t.task_id}'" for t in still_open)
    unit.audit(by, ACTION, {"og-tasks": before}, {"og-tasks": after}, titles)
    what = "task" if len(still_open) == 1 else f"{len(still_open)} tasks"
    return Done(
        f"Marked {c.name}'s {what} done: {titles}.",
        flag=f"{what} done by {by} at {unit.when}: {titles}",
        buttons=messages.buttons_for(c.finished, c.paused, c.handed_off_to),
    )


def _nothing_open(c: Customer, tasks: list[TaskRow]) -> ActionError:
    """Pressed twice, or closed in the sheet first: say which task and by whom, write nothing."""
    if not tasks:
        return ActionError(f"{c.name} has no task in og-tasks; nothing was done.", "no_task")
    last = tasks[-1]
    by = f" by {last.done_by}" if last.done_by else ""
    at = f" at {last.done_at}" if last.done_at else ""
    return AlreadyDone(
        f"{c.name}'s task '{last.title or last.task_id}' is already {last.status or DONE}"
        f"{by}{at}; nothing was changed."
    )


def offer_task_done(unit: CustomerWork, done: Done) -> Done:
    """``done`` with Task done among the flag's buttons when the flag stays live (Nudge is on it)
    and the customer has an og-tasks row open once this action's write lands."""
    buttons = done.buttons
    if messages.NUDGE not in buttons or messages.TASK_DONE in buttons or not _open_after(unit):
        return done
    return replace(done, buttons=(*buttons, messages.TASK_DONE))


def _open_after(unit: CustomerWork) -> bool:
    table = unit.work.snapshot.tables.get(TASKS.name)
    if table is None or not table.exists:
        return False
    changes, cid = unit.changes, unit.customer.customer_id
    status = {e.row: e.value for e in changes.edits if e.tab == TASKS.name and e.column == "status"}
    now = [replace(t, status=cells.text(status.get(t.row, t.status))) for t in customer_tasks(unit)]
    now += [
        TaskRow(0, "", "", cells.text(a.values.get("status")), "", "")
        for a in changes.appends
        if a.tab == TASKS.name and cells.text(a.values.get("customer id")) == cid
    ]
    return any(t.open for t in now)
