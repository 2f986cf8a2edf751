"""Who may press a flag's buttons, an old flag's buttons, and the Undo a press leaves behind.

Signed Slack payloads against the demo workbook and the fake Slack Web API, as in
test_slack_actions.py. The demo's og-config: team Sam Rivera (U01SAMRIVERA) and Alex Chen
(U02ALEXCHEN), manager U03MORGAN; Evergreen (C005) is Sam's and stalled.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

import pytest
from slack_sdk import WebClient

from app.function_url import LocalContext
from app.slack_app import build_app
from app.slack_endpoint import SlackEndpoint
from fakes.slack_signing import (
    SlackWithResponses,
    block_actions,
    flag_value,
    signed_event,
    text_value,
    view_submission,
)
from guide.actions import perform
from tests.integration.endpoints import NOW, SECRET, TOKEN, Demo, flag_for

CONTEXT = LocalContext("SlackActionsFunction")
SAM = {"id": "U01SAMRIVERA", "username": "sam", "name": "sam", "team_id": "T0001"}
ALEX = {"id": "U02ALEXCHEN", "username": "alex", "name": "alex", "team_id": "T0001"}
MORGAN = {"id": "U03MORGAN", "username": "morgan", "name": "morgan", "team_id": "T0001"}
STRANGER = {"id": "U0STRANGER", "username": "eve", "name": "eve", "team_id": "T0001"}


class Clock:
    """The endpoint's clock, moved on by a test."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock(NOW)


@pytest.fixture
def endpoint(slack: SlackWithResponses, demo: Demo, clock: Clock) -> SlackEndpoint:
    client = WebClient(token=TOKEN, base_url=slack.api_url)
    app = build_app(
        client, SECRET, team_id="T0001", ports=lambda: demo.ports, perform=perform, clock=clock
    )
    return SlackEndpoint(app, SECRET, in_lambda=False)


def send(endpoint: SlackEndpoint, payload: dict[str, Any]) -> dict[str, Any]:
    """Deliver one signed request and let the work after the answer finish."""
    answer = endpoint.handle(signed_event(payload, SECRET), CONTEXT)
    assert endpoint.lazy is not None
    endpoint.lazy.wait()
    return answer


def press(
    slack: SlackWithResponses, action_id: str, value: str, ts: str, user: dict[str, str]
) -> dict[str, Any]:
    return block_actions(
        action_id, value, message_ts=ts, user=user, response_url=slack.response_url()
    )


def pause(
    slack: SlackWithResponses, endpoint: SlackEndpoint, user: dict[str, str], value: str = ""
) -> None:
    """``user`` presses Pause on Evergreen's flag and submits the modal with a note."""
    _, ts, flag = flag_for(slack.messages, "C005")
    send(endpoint, press(slack, "og_pause", value or flag, ts, user))
    call = slack.calls_to("views.open")[-1]
    view = json.loads(call["view"]) if isinstance(call["view"], str) else call["view"]
    send(endpoint, view_submission(view, {"note": {"note": text_value("back in May")}}, user=user))


def undo_button(slack: SlackWithResponses, channel: str, ts: str) -> str:
    """The value of the Undo button on the flag as it stands now."""
    for block in slack.message(channel, ts).get("blocks", []):
        for element in block.get("elements", []):
            if element.get("action_id") == "og_undo":
                return str(element["value"])
    raise AssertionError("the flag has no Undo button")


# --- who may act ---------------------------------------------------------------------------


def test_a_strangers_finish_changes_nothing_and_tells_them_who_can(
    slack: SlackWithResponses, endpoint: SlackEndpoint, demo: Demo
) -> None:
    # Given Evergreen's flag, and someone in the workspace who is not on the team
    channel, ts, value = flag_for(slack.messages, "C005")
    before, flag = demo.fingerprint(), slack.message(channel, ts)
    # When they press Finish
    send(endpoint, press(slack, "og_finish", value, ts, STRANGER))
    # Then nothing changed, the flag included, and they alone were told who can
    assert demo.fingerprint() == before and slack.message(channel, ts) == flag
    (said,) = slack.responses
    assert said["response_type"] == "ephemeral"
    assert said["text"].startswith("Only the owner (<@U01SAMRIVERA>)")
    assert "the manager (<@U03MORGAN>)" in said["text"] and "nothing was done" in said["text"]


def test_a_strangers_pause_submission_changes_nothing(
    slack: SlackWithResponses, endpoint: SlackEndpoint, demo: Demo
) -> None:
    before = demo.fingerprint()
    pause(slack, endpoint, STRANGER)
    assert demo.fingerprint() == before
    assert any(said.startswith("Only the owner") for said in slack.said())


@pytest.mark.parametrize(
    ("who", "user", "named"),
    [
        ("the owner", SAM, "Sam Rivera"),
        ("a team member", ALEX, "Alex Chen"),
        ("the manager", MORGAN, MORGAN["name"]),
    ],
)
def test_the_owner_a_team_member_and_the_manager_may_finish(
    slack: SlackWithResponses,
    endpoint: SlackEndpoint,
    demo: Demo,
    who: str,
    user: dict[str, str],
    named: str,
) -> None:
    _, ts, value = flag_for(slack.messages, "C005")
    send(endpoint, press(slack, "og_finish", value, ts, user))
    evergreen = demo.book().customer("C005")
    assert evergreen is not None and evergreen.finished, who
    # 'finished by' is the person's name from the team list, not their Slack handle
    assert evergreen.finished_by == named


def test_a_button_on_a_flag_of_an_earlier_journey_does_nothing_and_says_so(
    slack: SlackWithResponses, endpoint: SlackEndpoint, demo: Demo
) -> None:
    # Given a flag from Evergreen's onboarding before a re-enroll
    _, ts, _ = flag_for(slack.messages, "C005")
    old = flag_value("C005", journey_id="C005/standard/2026-01-05", step_id="invite-teammate")
    before = demo.fingerprint()
    # When the owner presses its Finish, and its Pause
    send(endpoint, press(slack, "og_finish", old, ts, SAM))
    pause(slack, endpoint, SAM, value=old)
    # Then nothing changed, and each press was told why
    assert demo.fingerprint() == before
    said = [s for s in slack.said() if "earlier onboarding" in s]
    assert len(said) == 2
    assert (
        said[0] == "This flag is from an earlier onboarding of Evergreen Health; nothing was done."
    )


# --- undo on the flag ----------------------------------------------------------------------


def test_after_a_pause_the_presser_can_undo_it_from_the_flag(
    slack: SlackWithResponses, endpoint: SlackEndpoint, demo: Demo
) -> None:
    # Given Sam paused Evergreen from its flag
    channel, ts, _ = flag_for(slack.messages, "C005")
    pause(slack, endpoint, SAM)
    assert demo.book().customer("C005").paused  # type: ignore[union-attr]
    # Then the flag offers Sam an Undo
    flag = slack.message(channel, ts)
    assert "<@U01SAMRIVERA> can undo this until" in json.dumps(flag["blocks"])
    # When Sam presses it
    send(endpoint, press(slack, "og_undo", undo_button(slack, channel, ts), ts, SAM))
    # Then Evergreen is not paused, and the flag says what was undone, with no Undo left
    assert not demo.book().customer("C005").paused  # type: ignore[union-attr]
    flag = slack.message(channel, ts)
    assert "pause undone by sam" in flag["text"]
    assert "og_undo" not in json.dumps(flag["blocks"])
    assert any(said.startswith("Undid the pause by sam") for said in slack.said())


def test_someone_elses_undo_press_is_refused(
    slack: SlackWithResponses, endpoint: SlackEndpoint, demo: Demo
) -> None:
    channel, ts, _ = flag_for(slack.messages, "C005")
    pause(slack, endpoint, SAM)
    paused = demo.fingerprint()
    # When Alex, on the team, presses Sam's Undo
    send(endpoint, press(slack, "og_undo", undo_button(slack, channel, ts), ts, ALEX))
    # Then nothing changed and Alex is told whose it is
    assert demo.fingerprint() == paused
    assert slack.said()[-1].startswith("Only <@U01SAMRIVERA>, who pressed the button")


def test_an_undo_pressed_after_15_minutes_is_refused(
    slack: SlackWithResponses, endpoint: SlackEndpoint, demo: Demo, clock: Clock
) -> None:
    channel, ts, _ = flag_for(slack.messages, "C005")
    pause(slack, endpoint, SAM)
    paused = demo.fingerprint()
    # When Sam presses Undo 16 minutes later
    clock.now = NOW + timedelta(minutes=16)
    send(endpoint, press(slack, "og_undo", undo_button(slack, channel, ts), ts, SAM))
    # Then nothing changed, and Sam is pointed at the admin command
    assert demo.fingerprint() == paused
    assert "are up" in slack.said()[-1] and "admin undo C005" in slack.said()[-1]


def test_an_undo_after_a_later_action_is_refused(
    slack: SlackWithResponses, endpoint: SlackEndpoint, demo: Demo
) -> None:
    # Given Sam paused Evergreen, and the pause's Undo as it was offered
    channel, ts, _ = flag_for(slack.messages, "C005")
    pause(slack, endpoint, SAM)
    undo_pause = undo_button(slack, channel, ts)
    # and then Sam resumed them from the flag
    send(endpoint, press(slack, "og_resume", "C005", ts, SAM))
    resumed = demo.fingerprint()
    # When the pause's Undo is pressed (a client that still shows the old flag)
    send(endpoint, press(slack, "og_undo", undo_pause, ts, SAM))
    # Then the resume is not undone in its place: nothing changed, and Sam is told why
    assert demo.fingerprint() == resumed
    assert "has changed since that action" in slack.said()[-1]
    assert "the resume by sam" in slack.said()[-1]


def test_a_finish_undone_from_the_flag_brings_the_journey_back(
    slack: SlackWithResponses, endpoint: SlackEndpoint, demo: Demo
) -> None:
    # Given Alex, on the team, finished Evergreen from its flag
    channel, ts, value = flag_for(slack.messages, "C005")
    send(endpoint, press(slack, "og_finish", value, ts, ALEX))
    assert demo.book().customer("C005").finished  # type: ignore[union-attr]
    # When Alex presses the Undo the flag now offers
    send(endpoint, press(slack, "og_undo", undo_button(slack, channel, ts), ts, ALEX))
    # Then Evergreen is not finished, its journey is live again, and Alex hears the email went
    book = demo.book()
    evergreen = book.customer("C005")
    assert evergreen is not None and not evergreen.finished
    assert book.journey_sends(evergreen.journey_id())
    assert "finish undone by alex" in slack.message(channel, ts)["text"]
    assert "an email cannot be unsent" in slack.said()[-1]
