"""The Notifier contract: the outbox folder and slack_sdk against a fake Slack API behave alike."""

from __future__ import annotations

import multiprocessing
import socket
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from adapters.outbox import OutboxNotifier, read_outbox
from adapters.slack_notifier import SlackNotifier, web_client
from fakes.slack_server import FakeSlackServer
from guide.ports import Notifier, NotifierError, SlackMessage

TOKEN = "xoxb-test-token"
CHANNEL = "C0FLAGS"
FLAG = SlackMessage(
    channel=CHANNEL,
    text="Acme is stuck on 'connect your data' (9 days)",
    blocks=[
        {"type": "section", "text": {"type": "mrkdwn", "text": "*Acme* is stuck"}},
        {
            "type": "actions",
            "elements": [
                {
                    "type": "button",
                    "action_id": "finish",
                    "text": {"type": "plain_text", "text": "Finish"},
                }
            ],
        },
    ],
)
DONE = SlackMessage(channel=CHANNEL, text="Finished by Sam", blocks=[])
MODAL = {
    "type": "modal",
    "callback_id": "pause",
    "title": {"type": "plain_text", "text": "Pause"},
    "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "Pause *Acme*?"}}],
}


@dataclass
class NotifierHarness:
    notifier: Notifier
    message: Callable[[str, str], dict[str, Any]]  # (channel, ts) -> its text and blocks now
    modals: Callable[[], list[dict[str, Any]]]


def _outbox(folder: Path) -> NotifierHarness:
    def message(channel: str, ts: str) -> dict[str, Any]:
        # Replay the calls in order: the post, then every update to the same message.
        state: dict[str, Any] = {}
        for entry in read_outbox(folder):
            call = entry.payload
            if call.get("channel") == channel and call.get("ts") == ts:
                state = {"text": call["text"], "blocks": call["blocks"]}
        return state

    def modals() -> list[dict[str, Any]]:
        return [e.payload["view"] for e in read_outbox(folder) if e.payload.get("view")]

    return NotifierHarness(OutboxNotifier(folder), message, modals)


def _slack(server: FakeSlackServer) -> NotifierHarness:
    def message(channel: str, ts: str) -> dict[str, Any]:
        found = server.message(channel, ts)
        return {"text": found["text"], "blocks": found["blocks"]}

    def modals() -> list[dict[str, Any]]:
        return [{k: v for k, v in view.items() if k != "id"} for view in server.views.values()]

    return NotifierHarness(SlackNotifier(web_client(TOKEN, server.api_url)), message, modals)


@pytest.fixture
def slack() -> Iterator[FakeSlackServer]:
    with FakeSlackServer(token=TOKEN, channels={CHANNEL}) as server:
        yield server


@pytest.fixture(params=["outbox", "slack"])
def harness(request: pytest.FixtureRequest, tmp_path: Path) -> NotifierHarness:
    if request.param == "outbox":
        return _outbox(tmp_path / "outbox")
    return _slack(request.getfixturevalue("slack"))


def test_a_posted_flag_can_be_found_by_its_channel_and_ts(harness: NotifierHarness) -> None:
    # When a flag is posted
    posted = harness.notifier.post(FLAG)
    # Then it is in the channel, as written
    assert posted.channel == CHANNEL
    assert harness.message(posted.channel, posted.ts) == {"text": FLAG.text, "blocks": FLAG.blocks}


def test_updating_a_flag_replaces_its_text_and_buttons(harness: NotifierHarness) -> None:
    # Given a posted flag
    posted = harness.notifier.post(FLAG)
    # When it is updated after an action
    harness.notifier.update(posted.channel, posted.ts, DONE)
    # Then the same message now says what was done, with no buttons left to press
    assert harness.message(posted.channel, posted.ts) == {"text": DONE.text, "blocks": []}


def test_a_posted_flag_has_a_permalink_a_person_can_open(harness: NotifierHarness) -> None:
    # Given two posted flags
    first, second = harness.notifier.post(FLAG), harness.notifier.post(FLAG)
    # When each is asked for its permalink
    links = [harness.notifier.permalink(p.channel, p.ts) for p in (first, second)]
    # Then each is a web link, one per message, naming the message's ts as Slack's links do
    assert all(link.startswith(("https://", "http://")) for link in links)
    assert links[0] != links[1] and first.ts.replace(".", "") in links[0]


def test_each_post_gets_a_new_slack_style_ts_that_increases(harness: NotifierHarness) -> None:
    # When three flags are posted
    stamps = [harness.notifier.post(FLAG).ts for _ in range(3)]
    # Then each ts is Slack-shaped, unique and later than the one before
    assert all(len(ts.split(".")) == 2 and ts.replace(".", "").isdigit() for ts in stamps)
    assert [float(ts) for ts in stamps] == sorted({float(ts) for ts in stamps})


def test_a_modal_opens_with_the_view_given(harness: NotifierHarness) -> None:
    # When a modal is opened for a button press
    harness.notifier.open_modal("1337.42.abcd", MODAL)
    # Then that view is what was opened
    assert harness.modals() == [MODAL]


def test_a_rate_limited_post_is_retried_and_succeeds(slack: FakeSlackServer) -> None:
    # Given Slack answers the next post with 429 Retry-After: 0
    notifier = SlackNotifier(web_client(TOKEN, slack.api_url))
    slack.rate_limit_next("chat.postMessage", retry_after=0)
    # When a flag is posted
    posted = notifier.post(FLAG)
    # Then it was sent again and landed once
    assert len(slack.calls_to("chat.postMessage")) == 2
    assert [key for key in slack.messages] == [(CHANNEL, posted.ts)]


def test_retries_on_rate_limit_are_bounded(slack: FakeSlackServer) -> None:
    # Given Slack keeps answering 429
    notifier = SlackNotifier(web_client(TOKEN, slack.api_url))
    for _ in range(5):
        slack.rate_limit_next("chat.postMessage", retry_after=0)
    # When a flag is posted, Then it gives up with Slack's code instead of retrying forever
    with pytest.raises(NotifierError) as raised:
        notifier.post(FLAG)
    assert raised.value.code == "ratelimited"
    assert len(slack.calls_to("chat.postMessage")) < 5


def test_unknown_channel_raises_an_error_naming_slacks_code(slack: FakeSlackServer) -> None:
    # Given a channel Slack does not know
    notifier = SlackNotifier(web_client(TOKEN, slack.api_url))
    # When a flag is posted there, Then the error names the method and Slack's code
    with pytest.raises(NotifierError, match=r"chat\.postMessage.*channel_not_found") as raised:
        notifier.post(SlackMessage(channel="C0GONE", text="hello"))
    assert raised.value.code == "channel_not_found"


def test_an_error_slack_answers_once_is_not_retried(slack: FakeSlackServer) -> None:
    # Given Slack refuses the next update
    notifier = SlackNotifier(web_client(TOKEN, slack.api_url))
    posted = notifier.post(FLAG)
    slack.fail_next("chat.update", "cant_update_message")
    # When the flag is updated, Then the refusal surfaces and the message is unchanged
    with pytest.raises(NotifierError, match="cant_update_message"):
        notifier.update(posted.channel, posted.ts, DONE)
    assert slack.message(CHANNEL, posted.ts)["text"] == FLAG.text


def test_a_wrong_token_is_reported_as_invalid_auth(slack: FakeSlackServer) -> None:
    notifier = SlackNotifier(web_client("xoxb-wrong", slack.api_url))
    with pytest.raises(NotifierError) as raised:
        notifier.post(FLAG)
    assert raised.value.code == "invalid_auth"


def test_flags_are_posted_without_link_previews(slack: FakeSlackServer) -> None:
    SlackNotifier(web_client(TOKEN, slack.api_url)).post(FLAG)
    (call,) = slack.calls_to("chat.postMessage")
    assert (call["unfurl_links"], call["unfurl_media"]) == (False, False)


def test_slack_out_of_reach_is_a_notifier_error() -> None:
    # Given a Slack URL where nothing listens
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    notifier = SlackNotifier(web_client(TOKEN, f"http://127.0.0.1:{port}/api/", timeout=2))
    # When a flag is posted, Then the failure is a NotifierError, not a raw socket error
    with pytest.raises(NotifierError, match="could not be reached"):
        notifier.post(FLAG)


def _post_flags(folder: str, count: int, start: Any) -> None:
    start.wait()
    notifier = OutboxNotifier(folder)
    for _ in range(count):
        notifier.post(FLAG)


def test_two_processes_writing_one_outbox_never_share_a_number_or_ts(tmp_path: Path) -> None:
    # Given two processes posting to the same outbox folder at the same moment
    context = multiprocessing.get_context("spawn")
    start = context.Event()
    workers = [
        context.Process(target=_post_flags, args=(str(tmp_path), 15, start)) for _ in range(2)
    ]
    for worker in workers:
        worker.start()
    time.sleep(0.2)
    start.set()
    for worker in workers:
        worker.join(timeout=60)
    # Then all thirty files are there, numbered 1..30, each with its own increasing ts
    entries = read_outbox(tmp_path)
    assert [e.number for e in entries] == list(range(1, 31))
    stamps = [float(e.payload["ts"]) for e in entries]
    assert stamps == sorted(set(stamps))
    assert entries[0].path.name == "0001-slack-post-c0flags.json"
