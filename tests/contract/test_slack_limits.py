"""Slack's limits, end to end through the real ``slack_sdk`` client: the fake Slack API refuses
what real Slack refuses, and what the guide builds for the longest names still gets through."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from adapters.slack_notifier import SlackNotifier, web_client
from app import slack_views as views
from fakes.slack_server import FakeSlackServer
from guide import journey, messages
from guide.model import GuideState, TeamMember
from guide.ports import NotifierError, SlackMessage
from guide.reading import read_book
from tests.builders import customer, plan_rows, send, snapshot

TOKEN = "xoxb-test-token"
CHANNEL = "C0FLAGS"
LONG = "Kestrel & Sons <Holdings> " * 200  # 5,200 characters


@pytest.fixture
def slack() -> Iterator[FakeSlackServer]:
    with FakeSlackServer(token=TOKEN, channels={CHANNEL}) as server:
        yield server


@pytest.fixture
def notifier(slack: FakeSlackServer) -> SlackNotifier:
    return SlackNotifier(web_client(TOKEN, slack.api_url))


def section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def header(text: str) -> dict[str, Any]:
    return {"type": "header", "text": {"type": "plain_text", "text": text}}


def button(label: str = "Go", value: str = "C1") -> dict[str, Any]:
    return {
        "type": "actions",
        "elements": [
            {
                "type": "button",
                "action_id": "og_go",
                "text": {"type": "plain_text", "text": label},
                "value": value,
            }
        ],
    }


def modal(title: str) -> dict[str, Any]:
    return {"type": "modal", "title": {"type": "plain_text", "text": title}, "blocks": []}


# --- the fake refuses what Slack refuses -------------------------------------------------------


@pytest.mark.parametrize(
    ("fits", "too_big"),
    [
        (section("x" * 3000), section("x" * 3001)),
        (header("x" * 150), header("x" * 151)),
        (button(label="x" * 75), button(label="x" * 76)),
        (button(value="x" * 2000), button(value="x" * 2001)),
    ],
    ids=["section text", "header text", "button text", "button value"],
)
def test_a_block_one_character_over_its_limit_is_refused_as_invalid_blocks(
    notifier: SlackNotifier, slack: FakeSlackServer, fits: dict[str, Any], too_big: dict[str, Any]
) -> None:
    # Given a block exactly at Slack's limit, Then it posts
    notifier.post(SlackMessage(CHANNEL, "at the limit", [fits]))
    # When the same block is one character over, Then Slack refuses the whole message
    with pytest.raises(NotifierError) as refused:
        notifier.post(SlackMessage(CHANNEL, "over the limit", [too_big]))
    assert refused.value.code == "invalid_blocks"
    assert len(slack.messages) == 1


@pytest.mark.parametrize(
    "blocks",
    [
        [section("x")] * 51,
        [{"type": "section"}],
        [section("")],
        [{"type": "context", "elements": [{"type": "mrkdwn", "text": "x" * 3001}]}],
    ],
    ids=["51 blocks", "section without text or fields", "empty section text", "context text"],
)
def test_other_blocks_slack_refuses_are_refused(
    notifier: SlackNotifier, blocks: list[dict[str, Any]]
) -> None:
    with pytest.raises(NotifierError) as refused:
        notifier.post(SlackMessage(CHANNEL, "refused", blocks))
    assert refused.value.code == "invalid_blocks"


def test_a_top_level_text_over_40000_characters_is_msg_too_long(notifier: SlackNotifier) -> None:
    notifier.post(SlackMessage(CHANNEL, "x" * 40_000))
    with pytest.raises(NotifierError) as refused:
        notifier.post(SlackMessage(CHANNEL, "x" * 40_001))
    assert refused.value.code == "msg_too_long"


def test_an_update_over_the_limits_is_refused_and_leaves_the_message_as_it_was(
    notifier: SlackNotifier, slack: FakeSlackServer
) -> None:
    posted = notifier.post(SlackMessage(CHANNEL, "before", [section("before")]))
    with pytest.raises(NotifierError, match="invalid_blocks"):
        notifier.update(
            posted.channel, posted.ts, SlackMessage(CHANNEL, "after", [header("x" * 151)])
        )
    assert slack.message(posted.channel, posted.ts)["text"] == "before"


def test_a_modal_title_over_24_characters_does_not_open(
    notifier: SlackNotifier, slack: FakeSlackServer
) -> None:
    notifier.open_modal("1337.42.abcd", modal("x" * 24))
    with pytest.raises(NotifierError) as refused:
        notifier.open_modal("1337.42.abcd", modal("x" * 25))
    assert refused.value.code == "invalid_arguments"
    assert len(slack.views) == 1


# --- what the guide builds gets through ---------------------------------------------------------


def long_book() -> Any:
    plans = [{**row, "title": LONG} for row in plan_rows()]
    rows = [customer("C1", company=LONG, **{"contact name": LONG, "owner": LONG})]
    return read_book(snapshot(rows, sends=[send("C1", "connect", "2026-11-02")], plans=plans))


def test_a_5000_character_company_and_step_title_still_get_their_flag_and_its_update(
    notifier: SlackNotifier, slack: FakeSlackServer
) -> None:
    # Given a customer whose company name and current step title are 5,000 characters long
    book = long_book()
    c, step = book.customers[0], book.plans["standard"][0]
    # When the tick flags them, and later someone pauses them from the flag
    text, blocks = messages.flag_blocks(
        c, step, c.journey_id(), 5, messages.mrkdwn(c.owner), escalated=True
    )
    posted = notifier.post(SlackMessage(CHANNEL, text, blocks))
    state = GuideState(row=2, customer_id="C1", journey_id=c.journey_id(), flag_step="connect")
    note = journey.flag_note(c, state, f"paused by sam: {LONG}", (messages.RESUME,))
    notifier.update(posted.channel, posted.ts, SlackMessage(CHANNEL, *note))
    # Then Slack took both: the flag now says what was done, with its Resume button
    landed = slack.message(posted.channel, posted.ts)
    assert landed["text"] == note[0]
    assert landed["blocks"][-1]["elements"][0]["action_id"] == "og_resume"


def test_the_escalation_and_hand_off_for_such_a_customer_are_posted(
    notifier: SlackNotifier, slack: FakeSlackServer
) -> None:
    book = long_book()
    c, step = book.customers[0], book.plans["standard"][0]
    notifier.post(SlackMessage(CHANNEL, *messages.escalation_blocks(c, step, 12, "<@U0BOSS>")))
    member = TeamMember(LONG, "U0ALI")
    notifier.post(SlackMessage(CHANNEL, *journey.handoff_message(book, c, None, member, LONG)))
    assert len(slack.messages) == 2


@pytest.mark.parametrize("kind", ["pause", "nudge", "hand off"])
def test_the_modals_behind_such_a_flag_open(
    notifier: SlackNotifier, slack: FakeSlackServer, kind: str
) -> None:
    # Given the flag's text as Slack hands it back with a button press
    book = long_book()
    c, step = book.customers[0], book.plans["standard"][0]
    about, _ = messages.flag_blocks(c, step, c.journey_id(), 5, "<@U0SAM>", escalated=False)
    ref = views.FlagRef("C1", c.journey_id(), "connect", CHANNEL, "1.000001")
    team = [TeamMember(LONG, "U0ALI", "ali@example.com"), TeamMember("Sam", "U0SAM")]
    view = {
        "pause": lambda: views.pause_view(ref, about),
        "nudge": lambda: views.nudge_view(ref, about),
        "hand off": lambda: views.handoff_view(ref, about, team),
    }[kind]()
    # When it is opened, Then Slack opens it
    notifier.open_modal("1337.42.abcd", view)
    assert len(slack.views) == 1
