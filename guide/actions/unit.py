"""One action's working state, and the few rules every action shares."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from guide import audit, journey, messages, records
from guide.cells import stamp
from guide.commands import ActionError, UnknownCustomer
from guide.model import Book, Customer, GuideState
from guide.ports import NotifierError, SlackMessage
from guide.services import Services
from guide.workbook import Changes
from sheets.schema import AUDIT

log = logging.getLogger("guide.actions")


@dataclass
class Unit:
    """The book as read under the lock, the customer acted on, and the changes building up."""

    services: Services
    book: Book
    now: datetime  # aware: link expiry
    local: datetime  # team time, naive: how the sheet shows times
    customer: Customer
    state: GuideState | None
    changes: Changes = field(default_factory=Changes)

    def __post_init__(self) -> None:
        self.states = records.StateUpdates(self.book.states)

    @property
    def journey_id(self) -> str:
        return self.customer.journey_id()

    @property
    def when(self) -> str:
        return stamp(self.local)

    def state_after(self, **values: Any) -> GuideState:
        """The og-state record as it will be: for the audit's 'after'."""
        base = self.state or GuideState(row=0, customer_id=self.customer.customer_id)
        return replace(base, **values)

    def audit(
        self, by: str, action: str, before: dict[str, Any], after: dict[str, Any], detail: str
    ) -> None:
        """The action's one og-audit row, in the same write as its changes."""
        row = audit.row(
            self.local,
            by,
            action,
            self.customer.customer_id,
            self.journey_id,
            before,
            after,
            detail,
        )
        self.changes.append(AUDIT.name, row)


@dataclass
class Done:
    """What an action did: the person's message, and what the Slack flag should now say."""

    message: str
    flag: str | None = None  # None: the flag is left as it is
    buttons: tuple[messages.Button, ...] = ()
    # Slack effects after the write; each returns a warning for the person, or None.
    after_write: list[Callable[[], str | None]] = field(default_factory=list)
    checklist: tuple[tuple[str, str], ...] = ()


def find_customer(book: Book, customer_id: str) -> Customer:
    customer = book.customer(customer_id)
    if customer is not None:
        return customer
    problems = [p for p in book.problems if p.customer_id == customer_id]
    if problems:
        # On the sheet, but a row the guide cannot use: say what to fix, not "unknown".
        raise ActionError(
            f"{customer_id}'s row needs fixing before the guide can act on it: {problems[0]}",
            "invalid_row",
        )
    raise UnknownCustomer(customer_id)


def not_finished(customer: Customer, what: str) -> None:
    if customer.finished:
        raise ActionError(
            f"{customer.name} finished onboarding on {customer.finished_on or '?'}; "
            f"there is nothing to {what}.",
            "finished",
        )


def held(since: datetime | None, until: datetime) -> str:
    """How long something lasted, in the largest whole unit: '3 days', '1 hour'."""
    if since is None:
        return "an unknown time"
    minutes = max(int((until - since).total_seconds() // 60), 0)
    size, name = next(
        (s, n) for s, n in ((1440, "day"), (60, "hour"), (1, "minute")) if minutes >= s or s == 1
    )
    count = minutes // size
    return f"{count} {name}{'' if count == 1 else 's'}"


def update_flag(unit: Unit, done: Done) -> str | None:
    """Rewrite the customer's Slack flag to say what was done; a failure is a warning only."""
    state = unit.state
    if state is None or not state.flag_channel or not state.flag_ts or done.flag is None:
        return None
    text, blocks = journey.flag_note(unit.customer, state, done.flag, done.buttons)
    message = SlackMessage(state.flag_channel, text, blocks)
    try:
        unit.services.notifier.update(state.flag_channel, state.flag_ts, message)
    except NotifierError as err:
        log.warning("flag update failed for %s: %s", unit.customer.customer_id, err)
        return f"(The Slack flag could not be updated: {err}.)"
    return None
