"""Every button press, modal submission and done-link click, carried out as one unit of work.

Under the workbook lock: one fresh read, the checks, one write holding the changes and exactly
one audit row; then, once the write has landed, the outside effects (an email, a Slack message)
and the flag updated. Checks raise ``ActionError`` before anything is sent or written; an email
or Slack message that fails after the write is reported in the answer, and the action stands.
Infrastructure errors (``WorkbookError``, ``LockBusy``, ``WorkbookBroken``) pass through
unchanged: nothing was written; retry.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from guide import cells, commands, trail
from guide.actions import (
    calls,
    closing,
    enroll,
    holds,
    outreach,
    permissions,
    steps,
    tasks,
    undo,
)
from guide.actions.context import CustomerWork, Done, find_customer, update_flag
from guide.actions.permissions import UndoGrant
from guide.commands import Answer, Command
from guide.ports import Ports
from guide.unit_of_work import ACTION_WAIT_SECONDS, Work, at, unit_of_work
from sheets.schema import APPEND_ONLY, AUDIT, TICK_READS

__all__ = ["perform"]

log = logging.getLogger("guide.actions")

_HANDLERS: dict[type, Callable[[CustomerWork, Any], Done]] = {
    commands.Finish: steps.finish,
    commands.Pause: holds.pause,
    commands.Resume: holds.resume,
    commands.HandOff: holds.hand_off,
    commands.ClearHandOff: holds.clear_hand_off,
    commands.Nudge: steps.nudge,
    commands.MarkDone: steps.mark_done,
    commands.Reenroll: enroll.reenroll,
    commands.Undo: undo.undo,
    commands.SendDraft: outreach.send_draft,
    commands.ScheduleCall: calls.schedule_call,
    commands.Cancel: closing.cancel,
    commands.TaskDone: tasks.task_done,
}

# What a command reads whole beyond the tick's tabs. The others read og-audit and
# og-sends-archive for their header only (they only append to them), so their read never grows
# with history; an undo needs the customer's trail and the archived journey.
_FULL_READS: dict[type, tuple[str, ...]] = {commands.Undo: APPEND_ONLY}


def perform(
    ports: Ports,
    command: Command,
    now: datetime,
    *,
    wait_seconds: float = ACTION_WAIT_SECONDS,
) -> Answer:
    """Carry ``command`` out at ``now`` (aware) as one unit of work; see the module docstring."""
    full = _FULL_READS.get(type(command), ())
    with unit_of_work(
        ports,
        at(now),
        wait_seconds=wait_seconds,
        reads=(*TICK_READS, *full),
        header_only=tuple(t for t in APPEND_ONLY if t not in full),
    ) as work:
        customer = find_customer(work.book, command.customer_id)
        actor = getattr(command, "actor_id", "")
        # A done link's journey is checked by the link's own rules (steps.step_status).
        flag_journey = (
            "" if isinstance(command, commands.MarkDone) else getattr(command, "journey_id", "")
        )
        permissions.check(work.book.config, customer, actor, flag_journey)
        unit = CustomerWork(work, customer, work.book.states.get(customer.customer_id))
        done = tasks.offer_task_done(unit, _HANDLERS[type(command)](unit, command))
        grant = _undo_grant(work, command, customer.customer_id, actor)
        work.after_commit.append(lambda: update_flag(unit, done, grant))
    log.info("%s %s by %s", type(command).__name__, customer.customer_id, command.by)
    message = " ".join([done.message, *work.warnings])
    return Answer(command, message, customer.name, unit.journey_id, done.checklist)


def _undo_grant(work: Work, command: Command, customer_id: str, actor: str) -> UndoGrant | None:
    """A Slack press's Undo, for the presser, bound to the audit row this press writes."""
    if not actor or isinstance(command, commands.Undo):
        return None
    for append in reversed(work.changes.appends):
        values = append.values
        if (
            append.tab == AUDIT.name
            and cells.text(values.get("customer id")) == customer_id
            and cells.text(values.get("action")) in trail.UNDOABLE
        ):
            audit_id = cells.text(values.get("audit id"))
            return permissions.undo_grant(customer_id, audit_id, actor, work.now)
    return None
