"""Each owner's App Home tab: their customers, stalled first, with the flag's buttons.

Refreshed three ways, all through ``views.publish`` (Slack's Tier 4, ~100 a minute):

- ``refresh_homes`` after a tick's commit: one publish per person whose view changed, never one
  per customer. The ledger is the memory: the key holds a hash of the view, so a view already
  published (this run or an earlier one) is not published again. The view names the day, so the
  first tick of a day republishes each Home once and the day counts move on.
- ``refreshing_homes`` wraps the ``perform`` the Slack endpoint runs (wired in
  ``app.slack_endpoint``): after an action, the customer's owner's and the manager's Homes,
  from one read, published even if an earlier run had published the same view (an undo brings
  a view back that the ledger has already seen).
- ``app_home_opened``: the person who opens the tab gets it fresh, always.

The primary blocker shown is the current step and how long it has waited (the tick's status);
the stall engine's blockers can take its place once the tick hands them over.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Collection, Iterable
from datetime import UTC, date, datetime
from typing import Any

from slack_bolt import Ack, App

from app.slack_cards import FlagLink, cards_blocks, permalinks
from guide import slack_limits as fit
from guide.calendar import team_time
from guide.commands import Answer, Command
from guide.model import Book
from guide.portfolio import Card, cards, homes, is_manager, owner_of, slack_user_id, visible_to
from guide.ports import AlreadyInProgress, LockBusy, NotifierError, Ports, WorkbookError
from guide.reading import read_book
from guide.tick.decide import Status, decide
from guide.unit_of_work import WorkbookBroken
from sheets.schema import APPEND_ONLY, TICK_READS

log = logging.getLogger(__name__)
Perform = Callable[[Ports, Command, datetime], Answer]
HOME_BLOCKS = 100  # Slack's limit for a Home view


def home_view(
    user_id: str, found: list[Card], today: date, manager: bool, link: FlagLink
) -> dict[str, Any]:
    stalled = sum(1 for c in found if c.stalled)
    whose = "Your team's onboarding customers" if manager else "Your onboarding customers"
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": fit.plain(whose, fit.HEADER_TEXT)},
        fit.context(f"{today:%A %-d %B %Y}: {len(found)} customers, {stalled} stalled."),
    ]
    if not found:
        blocks.append(fit.section("Nobody to look after right now."))
    blocks.extend(cards_blocks(found, link, full=True, room=HOME_BLOCKS - len(blocks)))
    return {"type": "home", "blocks": blocks}


def _hash(view: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(view, sort_keys=True).encode()).hexdigest()[:32]


def _stand_in(card: Card) -> str:
    """Where the flag is, for the view's hash: the permalink is only fetched to publish."""
    return f"https://slack.invalid/{card.flag_channel}/{card.flag_ts}"


def refresh_homes(
    ports: Ports,
    book: Book,
    statuses: Iterable[Status],
    *,
    today: date | None = None,
    users: Collection[str] | None = None,
    force: bool = False,
) -> int:
    """Publish each Home whose view changed (only ``users``' when given; every one when
    ``force``); return how many ``views.publish`` calls were made. A failure is logged and the
    next Home is tried: a stale Home tab is not worth failing a tick or an action for."""
    day = today or team_time(datetime.now(UTC), book.config.timezone).date()
    published = 0
    found_all = cards(book, statuses, day)
    views = homes(book.config, found_all)
    for asked in users or ():
        if slack_user_id(asked):  # someone off the team list opened the tab: an empty Home
            views.setdefault(asked, visible_to(book.config, asked, found_all))
    for user, found in views.items():
        if users is not None and user not in users:
            continue
        manager = is_manager(book.config, user)
        key = f"home:{user}:{_hash(home_view(user, found, day, manager, _stand_in))}"
        ran = False

        def publish(
            user: str = user, found: list[Card] = found, manager: bool = manager
        ) -> dict[str, Any]:
            nonlocal ran
            ran = True
            ports.notifier.publish_home(
                user, home_view(user, found, day, manager, permalinks(ports))
            )
            return {"published": True}

        try:
            if force:
                publish()
                ports.ledger.once(key, lambda: {"published": True})
            else:
                ports.ledger.once(key, publish)
        except (NotifierError, AlreadyInProgress):
            log.warning("Home tab of %s not refreshed", user, exc_info=True)
        published += ran
    return published


def refresh_for(ports: Ports, now: datetime, *, users: Collection[str] | None, force: bool) -> int:
    """One read (no lock: nothing is written), where everyone stands, the Homes refreshed."""
    book = read_book(ports.workbook.read(TICK_READS, header_only=APPEND_ONLY))
    today = team_time(now, book.config.timezone).date()
    return refresh_homes(
        ports, book, decide(book, today).statuses, today=today, users=users, force=force
    )


def refreshing_homes(perform: Perform) -> Perform:
    """``perform``, then the acted-on customer's owner's and the manager's Homes refreshed: the
    hook of the action path. After the action's answer is settled; it never changes it."""

    def perform_then_refresh(ports: Ports, command: Command, now: datetime) -> Answer:
        answer = perform(ports, command, now)
        try:
            book = read_book(ports.workbook.read(TICK_READS, header_only=APPEND_ONLY))
            customer = book.customer(command.customer_id)
            owner = owner_of(book.config, customer) if customer else None
            users = {m.slack_id for m in book.config.team if is_manager(book.config, m.slack_id)}
            users |= {book.config.manager.strip()}
            if owner is not None and owner.slack_id:
                users.add(owner.slack_id)
            today = team_time(now, book.config.timezone).date()
            statuses = decide(book, today).statuses
            refresh_homes(ports, book, statuses, today=today, users=users, force=True)
        except (WorkbookError, WorkbookBroken, LockBusy, NotifierError):
            log.warning("Home tabs not refreshed after %s", type(command).__name__, exc_info=True)
        return answer

    return perform_then_refresh


def register_home(app: App, ports: Callable[[], Ports], clock: Callable[[], datetime]) -> None:
    """``app_home_opened``: acked at once, the tab published after the answer."""

    def ack_now(ack: Ack) -> None:
        ack()

    def publish_opened(event: dict[str, Any]) -> None:
        if event.get("tab", "home") != "home":
            return  # the Messages tab: nothing of ours to show there
        user = str(event.get("user") or "")
        try:
            refresh_for(ports(), clock(), users={user}, force=True)
        except (WorkbookError, WorkbookBroken):
            log.warning(
                "Home tab of %s not published: the sheet is unreadable", user, exc_info=True
            )

    app.event("app_home_opened")(ack=ack_now, lazy=[publish_opened])
