"""The ``/onboarding`` slash command, and the one call that adds it and the App Home to the app.

    /onboarding stalls [3|7|14|30]   the stalled, at least that many business days past expected
    /onboarding mine                 the caller's own customers (the manager: the team's)
    /onboarding <company or id>      one customer's card, with the flag's buttons

Slack wants an answer within 3 seconds, and a cold read of the sheet can take longer, so the ack
says "Looking…" at once and the answer follows through the command's ``response_url`` (a Bolt
lazy listener: in Lambda the function re-invokes itself). Both are ephemeral: only the caller
sees them. One read of the workbook, no lock (nothing is written); where each customer stands is
the tick's own decision (``guide.tick.decide``), shown as the tick would report it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from slack_bolt import Ack, App, Respond

from app.slack_cards import OPEN_FLAG, FlagLink, card_blocks, cards_blocks, permalinks
from app.slack_home import register_home
from guide import slack_limits as fit
from guide.calendar import team_time
from guide.portfolio import Card, cards, find, is_manager, stalled_for, visible_to
from guide.ports import LockBusy, Ports, WorkbookError
from guide.reading import read_book
from guide.tick.decide import decide
from guide.unit_of_work import WorkbookBroken
from sheets.schema import APPEND_ONLY, TICK_READS

log = logging.getLogger(__name__)
COMMAND = "/onboarding"
LOOKING = "Looking…"
USAGE = (
    "`/onboarding stalls [3|7|14|30]`: who is stalled (at least that many business days past "
    "expected)\n`/onboarding mine`: your own customers\n"
    "`/onboarding &lt;company or id&gt;`: one customer, with the flag's buttons"
)
UNREADABLE = "The onboarding sheet could not be read just now. Please try again in a minute."
NOT_ON_TEAM = (
    "This command is for the onboarding team: ask for your Slack id to be added to og-config's "
    "team list."
)
MESSAGE_ROOM = fit.MESSAGE_BLOCKS - 1  # one block for the answer's first line


class Reply:
    """An answer: a first line, and cards under it."""

    def __init__(self, text: str, found: list[Card] | None = None, *, full: bool = False):
        self.text, self.found, self.full = text, found or [], full

    def blocks(self, link: FlagLink) -> list[dict[str, Any]]:
        head = fit.section(fit.cut_mrkdwn(self.text, fit.SECTION_TEXT))
        if self.full and self.found:
            return [head, *card_blocks(self.found[0], 0, link, full=True)]
        return [head, *cards_blocks(self.found, link, full=False, room=MESSAGE_ROOM)]


def answer(ports: Ports, user_id: str, text: str, now: datetime) -> Reply:
    """What ``/onboarding text`` says to ``user_id``: one read, then the tick's statuses."""
    words = text.split()
    if not words or words[0].casefold() == "help":
        return Reply(USAGE)
    book = read_book(ports.workbook.read(TICK_READS, header_only=APPEND_ONLY))
    config = book.config
    if not (is_manager(config, user_id) or config.member(user_id)):
        return Reply(NOT_ON_TEAM)
    today = team_time(now, config.timezone).date()
    found = cards(book, decide(book, today).statuses, today)
    verb = words[0].casefold()
    if verb == "stalls" and len(words) <= 2:
        return _stalls(found, words[1:], config.triage_thresholds)
    if verb == "mine" and len(words) == 1:
        mine = visible_to(config, user_id, found)
        stalled = sum(1 for c in mine if c.stalled)
        return Reply(f"Your customers: {len(mine)}, {stalled} stalled.", mine)
    card, candidates = find(found, text)
    if card is not None:
        return Reply(f"Where {fit.typed(card.customer.name)} stands:", [card], full=True)
    said = fit.typed(text.strip(), 100)
    if candidates:
        names = ", ".join(
            f"{fit.typed(c.customer.company)} ({fit.typed(c.customer.customer_id)})"
            for c in candidates[:20]
        )
        return Reply(f"'{said}' could be more than one customer; name one by id: {names}.")
    return Reply(f"No customer has the id or company name '{said}'.\n{USAGE}")


def _stalls(found: list[Card], args: list[str], thresholds: tuple[int, ...]) -> Reply:
    at_least = 1
    if args:
        if not args[0].isdigit() or int(args[0]) not in thresholds:
            allowed = ", ".join(str(t) for t in thresholds)
            return Reply(f"Pick one of og-config's stall thresholds: {allowed}.")
        at_least = int(args[0])
    stalled = stalled_for(found, at_least)
    if not stalled:
        return Reply(f"Nobody is stalled {at_least} or more business days past expected.")
    return Reply(
        f"{len(stalled)} stalled {at_least} or more business days past expected, longest first:",
        stalled,
    )


def register(app: App, *, ports: Callable[[], Ports], clock: Callable[[], datetime]) -> None:
    """Add ``/onboarding``, the Home tab's listener, and the "Open flag" link's ack to ``app``.
    Call it before any catch-all action listener: Bolt runs the first that matches."""

    def ack_looking(ack: Ack, command: dict[str, Any]) -> None:
        words = str(command.get("text") or "").split()
        if not words or words[0].casefold() == "help":
            ack(text=USAGE, response_type="ephemeral")
            return
        ack(text=LOOKING, response_type="ephemeral")

    def reply(command: dict[str, Any], respond: Respond) -> None:
        text = str(command.get("text") or "")
        if not text.split() or text.split()[0].casefold() == "help":
            return  # answered in the ack
        the_ports = ports()
        try:
            said = answer(the_ports, str(command.get("user_id") or ""), text, clock())
        except (WorkbookError, WorkbookBroken, LockBusy):
            log.warning("%s %r: the sheet could not be read", COMMAND, text, exc_info=True)
            respond(text=UNREADABLE, response_type="ephemeral")
            return
        blocks = said.blocks(permalinks(the_ports))
        respond(text=fit.cut(said.text, 3000), blocks=blocks, response_type="ephemeral")

    def ack_now(ack: Ack) -> None:
        ack()  # a link button: Slack opened the link; there is nothing to do

    app.command(COMMAND)(ack=ack_looking, lazy=[reply])
    app.action(OPEN_FLAG)(ack_now)
    register_home(app, ports, clock)
