"""Each owner's App Home tab, against the fake Slack: published by the tick's refresh, only when
a view changed, after an action, and when its owner opens it (a signed Events API request)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from app.slack_app import build_app
from app.slack_endpoint import SlackEndpoint
from app.slack_home import refresh_homes, refreshing_homes
from fakes.slack_signing import SlackWithResponses, signed_event
from guide.actions import perform
from guide.tick.decide import decide
from tests.integration.endpoints import NOW, SECRET, TODAY, TOKEN, Demo, flag_for
from tests.integration.slack_requests import app_home_opened, signed_json
from tests.integration.test_slack_actions import press, send

SAM, ALEX, MORGAN = "U01SAMRIVERA", "U02ALEXCHEN", "U03MORGAN"


@pytest.fixture
def endpoint(slack: SlackWithResponses, demo: Demo) -> SlackEndpoint:
    client = WebClient(token=TOKEN, base_url=slack.api_url)
    app = build_app(
        client,
        SECRET,
        team_id="T0001",
        ports=lambda: demo.ports,
        perform=refreshing_homes(perform),  # as app.slack_endpoint wires it
        clock=lambda: NOW,
    )
    return SlackEndpoint(app, SECRET, in_lambda=False)


def refresh(demo: Demo) -> int:
    book = demo.book()
    return refresh_homes(demo.ports, book, decide(book, TODAY).statuses, today=TODAY)


def on_home(slack: SlackWithResponses, user: str) -> list[str]:
    """The customer ids on ``user``'s Home tab, top to bottom."""
    found = []
    for block in slack.homes[user]["blocks"]:
        for element in block.get("elements", []):
            value = element.get("value") or ""
            if value.startswith("{"):
                found.append(json.loads(value)["c"])
                break
    return found


def test_each_owner_gets_their_own_customers_stalled_first_and_the_manager_the_team(
    slack: SlackWithResponses, demo: Demo
) -> None:
    # When the tick's refresh runs (the demo's own tick published the Homes of its decision)
    before = len(slack.calls_to("views.publish"))
    published = refresh(demo)
    # Then each person on the team list and the manager has a valid Home, published once more
    # only where the view changed since the tick's (Alex's has not)
    assert published == len(slack.calls_to("views.publish")) - before == 2
    assert sorted(slack.homes) == sorted([SAM, ALEX, MORGAN])
    assert all(view["type"] == "home" for view in slack.homes.values())
    # Alex sees Fjord; Sam sees his own, stalled Evergreen first, never Fjord
    assert on_home(slack, ALEX) == ["C006"]
    sam = on_home(slack, SAM)
    assert sam[0] == "C005" and "C006" not in sam and "C010" not in sam  # C010 is finished
    # Morgan, the manager, sees the team's, escalated Fjord on top
    assert on_home(slack, MORGAN)[:2] == ["C006", "C005"]
    # with phase progress, days waited, and the flag's buttons
    words = json.dumps(slack.homes[SAM]["blocks"])
    assert "Step 2 of 4" in words and "waiting 8 business days" in words
    assert "og_finish" in words and "og_nudge" in words


def test_a_second_refresh_with_nothing_changed_publishes_nothing(
    slack: SlackWithResponses, demo: Demo
) -> None:
    # Given every Home published once
    refresh(demo)
    before = len(slack.calls_to("views.publish"))
    # When the refresh runs again on the same workbook
    again = refresh(demo)
    # Then Slack is not called at all
    assert again == 0 and len(slack.calls_to("views.publish")) == before


def test_an_action_republishes_the_owners_home_without_the_finished_customer(
    slack: SlackWithResponses, demo: Demo, endpoint: SlackEndpoint
) -> None:
    # Given the Homes as the tick left them
    refresh(demo)
    assert "C005" in on_home(slack, SAM)
    flag_for(slack.messages, "C005")
    before = len(slack.calls_to("views.publish"))
    # When Sam finishes Evergreen from its flag
    send(endpoint, signed_event(press(slack, "og_finish", "C005"), SECRET))
    # Then Sam's and the manager's Homes follow at once, Alex's is left alone
    published = [call["user_id"] for call in slack.calls_to("views.publish")[before:]]
    assert sorted(published) == sorted([SAM, MORGAN])
    assert "C005" not in on_home(slack, SAM)
    # and the tick's next refresh finds nothing new to publish
    assert refresh(demo) == 0


def test_opening_the_home_tab_publishes_it_for_whoever_opened_it(
    slack: SlackWithResponses, endpoint: SlackEndpoint
) -> None:
    # When Alex opens the app's Home tab (Slack sends a signed app_home_opened event)
    before = len(slack.calls_to("views.publish"))
    answer = send(endpoint, signed_json(app_home_opened(ALEX), SECRET))
    # Then Slack gets its 200 and Alex's Home is published with his customers
    assert answer["statusCode"] == 200
    assert [c["user_id"] for c in slack.calls_to("views.publish")[before:]] == [ALEX]
    assert on_home(slack, ALEX) == ["C006"]


def test_someone_off_the_team_list_gets_an_empty_home(
    slack: SlackWithResponses, endpoint: SlackEndpoint
) -> None:
    send(endpoint, signed_json(app_home_opened("U09STRANGER"), SECRET))
    assert on_home(slack, "U09STRANGER") == []
    assert "Nobody to look after" in json.dumps(slack.homes["U09STRANGER"])


def test_the_events_api_handshake_echoes_the_challenge(endpoint: SlackEndpoint) -> None:
    # Given Slack verifying the events URL (signed, naming no workspace)
    handshake: dict[str, Any] = {
        "token": "legacy-verification-token",
        "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
        "type": "url_verification",
    }
    # When it reaches the endpoint, Then the challenge comes back
    answer = send(endpoint, signed_json(handshake, SECRET))
    assert answer["statusCode"] == 200
    assert handshake["challenge"] in answer["body"]


def test_a_home_view_slack_would_refuse_is_refused_by_the_fake(slack: SlackWithResponses) -> None:
    # A modal where a Home belongs: Slack says invalid_arguments, and so does the fake
    client = WebClient(token=TOKEN, base_url=slack.api_url)
    with pytest.raises(SlackApiError):
        client.views_publish(user_id=SAM, view={"type": "modal", "blocks": []})
    assert SAM not in slack.homes
