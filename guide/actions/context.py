"""One action's working state, and the few rules every action shares."""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from guide import journey, messages
from guide import slack_limits as fit
from guide.actions.permissions import UndoGrant
from guide.commands import ActionError, UnknownCustomer
from guide.model import Book, Customer, GuideState
from guide.ports import NotifierError, Ports, SlackMessage
from guide.unit_of_work import AfterCommit, Work
from guide.workbook import Changes
from guide.writes import StateUpdates

log = logging.getLogger("guide.actions")


@dataclass
class CustomerWork:
    """A unit of work narrowed to the one customer an action is about."""

    work: Work
    customer: Customer
    state: GuideState | None  # the customer's og-state record as read, if any

    @property
    def ports(self) -> Ports:
        return self.work.ports

    @property
    def book(self) -> Book:
        return self.work.book

    @property
    def changes(self) -> Changes:
        return self.work.changes

    @property
    def states(self) -> StateUpdates:
        return self.work.states

    @property
    def now(self) -> datetime:
        return self.work.now

    @property
    def local(self) -> datetime:
        return self.work.local

    @property
    def when(self) -> str:
        return self.work.when

    @property
    def journey_id(self) -> str:
        return self.customer.journey_id()

    def state_after(self, **values: Any) -> GuideState:
        """The og-state record as it will be: for the audit's 'after'."""
        base = self.state or GuideState(row=0, customer_id=self.customer.customer_id)
        return replace(base, **values)

    def audit(
        self, by: str, action: str, before: dict[str, Any], after: dict[str, Any], detail: str
    ) -> None:
        """The action's one og-audit row, in the same write as its changes."""
        self.work.audit(
            by, action, self.customer.customer_id, self.journey_id, before, after, detail
        )

    def after_commit(self, effect: AfterCommit) -> None:
        """Run ``effect`` once the write has landed; it returns a warning for the person or
        None. An email or message must never go out for a change that was not saved."""
        self.work.after_commit.append(effect)


@dataclass
class Done:
    """What an action did: the person's message, and what the Slack flag should now say."""

    message: str
    flag: str | None = None  # None: the flag is left as it is
    buttons: tuple[messages.Button, ...] = ()
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


def update_flag(unit: CustomerWork, done: Done, undo: UndoGrant | None = None) -> str | None:
    """Rewrite the customer's Slack flag to say what was done, with an Undo for the presser when
    ``undo`` is given; a failure is a warning only."""
    state = unit.state
    if state is None or not state.flag_channel or not state.flag_ts or done.flag is None:
        return None
    text, blocks = journey.flag_note(unit.customer, state, done.flag, done.buttons)
    if undo is not None and len(undo.value()) <= fit.BUTTON_VALUE:
        blocks.extend(_undo_blocks(undo, unit.local + (undo.expires - unit.now)))
    message = SlackMessage(state.flag_channel, text, blocks)
    try:
        unit.ports.notifier.update(state.flag_channel, state.flag_ts, message)
    except NotifierError as err:
        log.warning("flag update failed for %s: %s", unit.customer.customer_id, err)
        return f"(The Slack flag could not be updated: {err}.)"
    return None


def _undo_blocks(grant: UndoGrant, until: datetime) -> list[dict[str, Any]]:
    """The flag's Undo: its own actions block (a block id is unique in a message, and its value
    differs from the flag's other buttons), and who may press it until when (team time)."""
    action_id, label, _ = messages.UNDO
    button = {
        "type": "button",
        "action_id": action_id,
        "text": fit.plain(label, fit.BUTTON_TEXT),
        "value": grant.value(),
    }
    return [
        {"type": "actions", "block_id": "og_undo_actions", "elements": [button]},
        fit.context(f"<@{grant.presser_id}> can undo this until {until:%H:%M}."),
    ]
