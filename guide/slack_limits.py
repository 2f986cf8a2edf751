"""Slack's limits, and text made safe for them: the one place that knows both.

Slack refuses a whole message or modal when one field is too long (``invalid_blocks``), so a
5,000-character company name would cost the customer their flag. Everything a person typed goes
through here: escaped for mrkdwn first, then cut with an ellipsis on a boundary that never splits
an escape (``&amp;``) or one of our own ``<...>`` mentions and links.

The limits are Slack's documented Block Kit limits (characters), not taste; the tests' fake Slack
API enforces the same numbers.
"""

from __future__ import annotations

from typing import Any

# Messages (chat.postMessage / chat.update).
MESSAGE_TEXT = 40_000  # the top-level ``text``; longer is ``msg_too_long``
MESSAGE_BLOCKS = 50
# Blocks and their text objects.
SECTION_TEXT = 3000
SECTION_FIELD_TEXT = 2000
HEADER_TEXT = 150
CONTEXT_TEXT = 3000  # any text object, including a context element's
CONTEXT_ELEMENTS = 10
ACTIONS_ELEMENTS = 25
BLOCK_ID = 255
# Interactive elements.
BUTTON_TEXT = 75
BUTTON_VALUE = 2000
ACTION_ID = 255
OPTION_TEXT = 75
OPTION_VALUE = 150
OPTIONS = 100
PLACEHOLDER = 150
INPUT_LABEL = 2000
INPUT_HINT = 2000
INPUT_MAX_LENGTH = 3000  # the most a plain_text_input may allow
CONFIRM_TITLE = 100
CONFIRM_TEXT = 300
CONFIRM_BUTTON = 30
# Modals (views.open / views.update).
MODAL_TITLE = 24  # also the submit and close buttons
MODAL_BLOCKS = 100
PRIVATE_METADATA = 3000
CALLBACK_ID = 255

# How much of one typed value (a name, a title, a plan) a line of a message shows: enough to
# recognise it, small enough that a few of them always fit one section.
TYPED = 300

ELLIPSIS = "…"


def mrkdwn(text: str) -> str:
    """Escape the three characters Slack treats as control in mrkdwn."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def cut(text: str, limit: int) -> str:
    """Plain text (no mrkdwn) at most ``limit`` characters; a longer one ends in an ellipsis."""
    if len(text) <= limit:
        return text
    return text[: max(limit - len(ELLIPSIS), 0)] + ELLIPSIS


def cut_mrkdwn(text: str, limit: int) -> str:
    """Escaped mrkdwn at most ``limit`` characters, cut before a half escape or half mention.

    Every ``&`` and ``<`` left in escaped text is ours: an escape, or a mention or link."""
    if len(text) <= limit:
        return text
    kept = text[: max(limit - len(ELLIPSIS), 0)]
    amp = kept.rfind("&")
    if amp != -1 and ";" not in kept[amp:]:
        kept = kept[:amp]
    opened = kept.rfind("<")
    if opened > kept.rfind(">"):
        kept = kept[:opened]
    return kept + ELLIPSIS


def typed(value: str, limit: int = TYPED) -> str:
    """What a person typed, ready for mrkdwn: escaped, then cut to ``limit``."""
    return cut_mrkdwn(mrkdwn(value), limit)


def message(text: str, blocks: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    """A message's top-level text and blocks, within the message limits."""
    return cut_mrkdwn(text, MESSAGE_TEXT), blocks[:MESSAGE_BLOCKS]


def plain(text: str, limit: int) -> dict[str, Any]:
    """A ``plain_text`` object (shown as typed, no escaping) cut to ``limit``; never empty,
    which Slack refuses."""
    return {"type": "plain_text", "text": cut(text, limit) or ELLIPSIS}


def section(text: str) -> dict[str, Any]:
    """A mrkdwn section of already-escaped text."""
    return {"type": "section", "text": {"type": "mrkdwn", "text": cut_mrkdwn(text, SECTION_TEXT)}}


def context(text: str) -> dict[str, Any]:
    """A context block with one line of already-escaped mrkdwn."""
    line = cut_mrkdwn(text, CONTEXT_TEXT)
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": line}]}
