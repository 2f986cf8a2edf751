"""Every button press, modal submission and done-link click, carried out as one unit of work.

Under the workbook lock: one fresh read, the checks, the outside effect through the ledger (so a
retried press never mails twice), one write holding the changes and exactly one audit row. Then,
still under the lock but outside the write, Slack is told. Checks raise ``ActionError`` before
anything is sent or written; a Slack message that fails after the write is reported in the
outcome, and the action stands. Infrastructure errors (``WorkbookError``, ``LockBusy``,
``MailerError``, ``AlreadyInProgress``) pass through unchanged: nothing was written; retry.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from guide import commands
from guide.actions import holds, steps
from guide.actions.unit import Done, Unit, find_customer, log, update_flag
from guide.commands import Command, Outcome
from guide.reading import read_book
from guide.services import ACTION_LEASE_SECONDS, WORKBOOK_LOCK, Services, team_time
from sheets.schema import APPEND_ONLY, TICK_READS

__all__ = ["perform"]

ACTION_WAIT_SECONDS = 20.0  # a tick holds the lock for seconds; a press waits that out

_HANDLERS: dict[type, Callable[[Unit, Any], Done]] = {
    commands.Finish: steps.finish,
    commands.Pause: holds.pause,
    commands.Resume: holds.resume,
    commands.HandOff: holds.hand_off,
    commands.ClearHandOff: holds.clear_hand_off,
    commands.Nudge: steps.nudge,
    commands.MarkDone: steps.mark_done,
}


def perform(
    services: Services,
    command: Command,
    now: datetime,
    *,
    wait_seconds: float = ACTION_WAIT_SECONDS,
) -> Outcome:
    """Carry ``command`` out at ``now`` (aware) as one unit of work; see the module docstring."""
    with services.lock.hold(
        WORKBOOK_LOCK, lease_seconds=ACTION_LEASE_SECONDS, wait_seconds=wait_seconds
    ):
        # The same tabs as a tick; og-audit and og-sends-archive are only appended to, so they
        # are read for their header, never their rows.
        snapshot = services.workbook.read(TICK_READS, header_only=APPEND_ONLY)
        book = read_book(snapshot)
        customer = find_customer(book, command.customer_id)
        local = team_time(now, book.config.timezone)
        unit = Unit(services, book, now, local, customer, book.states.get(customer.customer_id))
        done = _HANDLERS[type(command)](unit, command)
        unit.states.write(unit.changes)
        services.workbook.commit(snapshot, unit.changes)
        log.info("%s %s by %s", type(command).__name__, customer.customer_id, command.by)
        warnings = [step() for step in done.after_write]
        warnings.append(update_flag(unit, done))
    message = " ".join([done.message, *(w for w in warnings if w)])
    return Outcome(command, message, customer.name, unit.journey_id, done.checklist)
