"""Slack text is safe and fits: whatever a person typed in the sheet lands in Slack escaped (so
a company called ``<!channel>`` pings nobody) and cut to Slack's limits (so a 5,000-character
name still gets its flag instead of an ``invalid_blocks`` refusal)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

import pytest

from app import slack_views as views
from fakes.block_kit import message_error, view_error
from guide import journey, messages, slack_limits
from guide.model import Book, Customer, GuideState, Step, TeamMember
from guide.reading import read_book
from tests.builders import customer, send, snapshot

HOSTILE = "<!channel> <@U123> a & b"
LONG = "Kestrel & Sons <Holdings> " * 200  # 5,200 characters, escapes all along
WHEN = datetime(2026, 11, 9, 9, 0)

Message = tuple[str, list[dict[str, Any]]]


def book_with(company: str, title: str = "Connect your data", **row: str) -> Book:
    plans = [
        {
            "plan": "standard",
            "order": 1,
            "step id": "connect",
            "title": title,
            "expected days": 3,
            "owned by": "customer",
        }
    ]
    return read_book(
        snapshot(
            [customer("C1", company=company, **row)],
            sends=[send("C1", "connect", "2026-11-02")],
            plans=plans,
        )
    )


def the_customer(book: Book) -> tuple[Customer, Step]:
    return book.customers[0], book.plans["standard"][0]


def stall_flag(book: Book) -> Message:
    c, step = the_customer(book)
    return messages.flag_blocks(c, step, c.journey_id(), 5, "<@U0SAM>", escalated=True)


def escalation(book: Book) -> Message:
    c, step = the_customer(book)
    return messages.escalation_blocks(c, step, 12, "<@U0SAM>")


def flag_note(book: Book) -> Message:
    c, _ = the_customer(book)
    state = GuideState(row=2, customer_id="C1", journey_id=c.journey_id(), flag_step="connect")
    return journey.flag_note(c, state, f"paused by sam: {c.name}", (messages.RESUME,))


def handoff_message(book: Book) -> Message:
    c, _ = the_customer(book)
    state = GuideState(
        row=2, customer_id="C1", handed_off_to=c.name, handed_off_at=WHEN, handed_off_by="sam"
    )
    return journey.handoff_message(book, c, state, TeamMember(c.name, "U0ALI"), c.name)


BUILDERS: dict[str, Callable[[Book], Message]] = {
    "stall flag": stall_flag,
    "escalation": escalation,
    "flag note": flag_note,
    "hand-off message": handoff_message,
}


def texts(node: Any) -> Iterator[str]:
    """Every ``text`` string anywhere in a block tree."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "text" and isinstance(value, str):
                yield value
            else:
                yield from texts(value)
    elif isinstance(node, list):
        for item in node:
            yield from texts(item)


@pytest.mark.parametrize("build", BUILDERS.values(), ids=BUILDERS.keys())
def test_given_a_company_named_like_slack_markup_then_text_and_blocks_show_it_escaped(
    build: Callable[[Book], Message],
) -> None:
    # Given a company whose name is Slack control markup
    book = book_with(HOSTILE, **{"contact name": HOSTILE, "owner": HOSTILE})
    # When the message about it is built
    text, blocks = build(book)
    # Then the top-level text (what notifications show) and the blocks carry it escaped
    escaped = "&lt;!channel&gt; &lt;@U123&gt; a &amp; b"
    assert escaped in text
    assert any(escaped in t for t in texts(blocks))
    # And nowhere does it become a live @channel ping, a mention or a bare ampersand
    for t in [text, *texts(blocks)]:
        assert "<!channel>" not in t and "<@U123>" not in t and "a & b" not in t


@pytest.mark.parametrize("build", BUILDERS.values(), ids=BUILDERS.keys())
def test_given_a_5000_character_company_and_step_title_then_slack_accepts_the_message(
    build: Callable[[Book], Message],
) -> None:
    # Given a company name and a step title far over any Slack limit
    book = book_with(LONG, title=LONG, **{"contact name": LONG, "owner": LONG})
    # When the message is built
    text, blocks = build(book)
    # Then Slack's Block Kit rules accept it, and the cut is shown with an ellipsis
    assert message_error(text, blocks) is None
    assert slack_limits.ELLIPSIS in text
    assert any(slack_limits.ELLIPSIS in t for t in texts(blocks))
    # And no cut leaves half an escape behind
    for t in [text, *texts(blocks)]:
        assert not any(t.endswith(half) for half in ("&", "&a", "&am", "&amp", "&l", "&lt"))


@pytest.mark.parametrize("limit", range(1, 40))
def test_cutting_escaped_text_never_splits_an_escape_and_keeps_to_the_limit(limit: int) -> None:
    # Given text that is mostly escapes
    escaped = slack_limits.mrkdwn("a&<b>&&" * 10)
    # When it is cut to any limit
    kept = slack_limits.cut_mrkdwn(escaped, limit)
    # Then it fits, ends in an ellipsis, and every & left still starts a whole escape
    assert len(kept) <= limit and kept.endswith(slack_limits.ELLIPSIS)
    body = kept.removesuffix(slack_limits.ELLIPSIS)
    assert body.replace("&amp;", "").replace("&lt;", "").replace("&gt;", "").count("&") == 0
    assert escaped.startswith(body)


def test_cutting_a_line_never_leaves_half_of_one_of_our_own_mentions() -> None:
    line = "Owner <@U0SAM> · <mailto:a@example.com|a@example.com>"
    kept = slack_limits.cut_mrkdwn(line, line.index("a@example.com|") + 3)
    assert kept == "Owner <@U0SAM> · " + slack_limits.ELLIPSIS


MODALS: dict[str, Callable[[views.FlagRef, str], dict[str, Any]]] = {
    "pause": views.pause_view,
    "nudge": views.nudge_view,
    "hand off": lambda ref, about: views.handoff_view(ref, about, [TeamMember("Sam", "U0SAM")]),
}


@pytest.mark.parametrize("build", MODALS.values(), ids=MODALS.keys())
def test_given_a_flag_about_a_5000_character_company_then_its_modal_fits_and_shows_the_cut(
    build: Callable[[views.FlagRef, str], dict[str, Any]],
) -> None:
    # Given the flag's text (what Slack hands back with a button press) for a very long name
    about, _ = stall_flag(book_with(LONG, title=LONG))
    # When the modal is built from it
    view = build(views.FlagRef("C1", "C1/standard/2026-11-02", "connect"), about)
    # Then Slack would open it, and the context shows where the text was cut, on a whole escape
    assert view_error(view) is None
    (context,) = view["blocks"][0]["elements"]
    assert context["text"].endswith(slack_limits.ELLIPSIS)
    assert not context["text"].removesuffix(slack_limits.ELLIPSIS).endswith(("&", "&a", "&am"))


def test_a_team_member_with_a_name_longer_than_an_option_allows_can_still_be_picked() -> None:
    # Given a team member whose name is over Slack's 150-character option value limit
    member = TeamMember("Alexandra " * 20, "U0ALEX", "alex@example.com")
    view = views.handoff_view(views.FlagRef("C1"), "Acme is stuck", [member])
    # When the hand-off modal is built
    (option,) = view["blocks"][1]["element"]["options"]
    # Then Slack accepts it, and what the option submits still finds that member
    assert view_error(view) is None
    assert option["text"]["text"].endswith(slack_limits.ELLIPSIS)
    picked = views.submitted(
        {"state": {"values": {"to": {"to": {"type": "static_select", "selected_option": option}}}}},
        "to",
    )
    assert picked in {member.name, member.slack_id, member.email} and picked == member.slack_id


def test_a_flag_for_a_customer_with_a_huge_id_keeps_a_button_value_slack_accepts() -> None:
    # Given a plan name far over a button value's 2,000 characters
    value = messages.action_value("C1", "C1/" + "p" * 3000 + "/2026-11-02", "connect")
    # Then the value fits and still names the customer, which is all a press needs
    assert len(value) <= slack_limits.BUTTON_VALUE
    assert views.button_customer(value) == ("C1", "", "")


def test_a_modal_for_a_flag_with_huge_ids_keeps_its_metadata_within_slacks_limit() -> None:
    ref = views.FlagRef("C1", "C1/" + "p" * 3000 + "/2026-11-02", "connect", "C0FLAGS", "1.2")
    metadata = ref.metadata()
    assert len(metadata) <= slack_limits.PRIVATE_METADATA
    back = views.FlagRef.from_metadata(metadata)
    assert back is not None and (back.customer_id, back.channel) == ("C1", "C0FLAGS")
