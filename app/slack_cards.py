"""A customer's card in Block Kit, for ``/onboarding`` answers and the App Home.

A card is a section (who, where they stand, how long) and a row of buttons carrying the flag's
own button values (``guide.messages.action_value``), so a press lands on the flag's listeners in
``app.slack_app``. "Open flag" is a link button; Slack still posts its press, which
``OPEN_FLAG`` acknowledges and nothing more.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from guide import slack_limits as fit
from guide.messages import (
    CLEAR_HAND_OFF,
    FLAG_BUTTONS,
    NUDGE,
    RESUME,
    Button,
    action_value,
    actions_block,
)
from guide.portfolio import Card
from guide.ports import NotifierError, Ports

OPEN_FLAG = "og_open_flag"
# A link for a card's flag, or "" for none (the permalink costs a Slack call: the caller decides).
FlagLink = Callable[[Card], str]


def permalinks(ports: Ports) -> FlagLink:
    """Each card's flag by its permalink (one ``chat.getPermalink`` each); none on a failure."""

    def link(card: Card) -> str:
        try:
            return ports.notifier.permalink(card.flag_channel, card.flag_ts)
        except NotifierError:
            return ""  # the card stands without its link

    return link


def summary(card: Card) -> str:
    """One card's words, escaped mrkdwn."""
    c = card.customer
    head = f"*{fit.typed(c.name)}* ({fit.typed(c.customer_id)}), {fit.typed(card.state)}"
    lines = [head]
    if card.step:
        where = f"Step {card.step_number} of {card.step_count}: *{fit.typed(card.step)}*"
        if card.waited_days:
            where += f", waiting {card.waited_days} business days"
        if card.stalled:
            where += f" ({card.stalled_days} past expected)"
        lines.append(where)
    elif card.detail:
        lines.append(fit.typed(card.detail))
    if c.owner:
        lines.append(f"Owner: {fit.typed(c.owner)}")
    return "\n".join(lines)


def _buttons(card: Card, full: bool) -> tuple[Button, ...]:
    if card.customer.paused:
        return (RESUME,)
    if card.customer.handed_off_to:
        return (CLEAR_HAND_OFF,)
    if not card.active:
        return ()
    return FLAG_BUTTONS if full else (NUDGE,)


def card_blocks(card: Card, index: int, link: FlagLink, *, full: bool) -> list[dict[str, Any]]:
    """The section and its buttons; ``full``: every flag button, else Nudge (and the flag)."""
    blocks: list[dict[str, Any]] = [fit.section(summary(card))]
    value = action_value(card.customer.customer_id, card.journey_id, card.step_id)
    # The flag's own row (Finish asks first), under a block id unique in the message or view.
    elements = list(actions_block(value, _buttons(card, full))["elements"])
    url = link(card) if card.flag_ts else ""
    if url:
        elements.append(
            {
                "type": "button",
                "action_id": OPEN_FLAG,
                "text": fit.plain("Open flag", fit.BUTTON_TEXT),
                "url": url,
            }
        )
    if elements:
        blocks.append({"type": "actions", "block_id": f"og_card_{index}", "elements": elements})
    return blocks


def cards_blocks(
    found: list[Card], link: FlagLink, *, full: bool, room: int
) -> list[dict[str, Any]]:
    """As many cards as ``room`` blocks hold (two each), then a line saying how many more."""
    blocks: list[dict[str, Any]] = []
    shown = 0
    for index, card in enumerate(found):
        more = card_blocks(card, index, link, full=full)
        if len(blocks) + len(more) > room - 1:
            break
        blocks.extend(more)
        shown += 1
    if shown < len(found):
        blocks.append(fit.context(f"… and {len(found) - shown} more not shown here."))
    return blocks
