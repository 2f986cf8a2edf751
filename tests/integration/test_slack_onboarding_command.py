"""``/onboarding``, from a signed slash command to the ephemeral answer on its response_url.

The demo workbook after its tick (Evergreen stalled and Fjord escalated; Fjord is Alex's, the
rest Sam's), the fake Slack Web API, and the endpoint as Slack reaches it.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from app.slack_endpoint import SlackEndpoint
from fakes.slack_signing import SlackWithResponses, block_actions, signed_event
from tests.integration.endpoints import SECRET, Demo
from tests.integration.slack_requests import slash_command
from tests.integration.test_slack_actions import make_endpoint, send

SAM, ALEX, MORGAN = "U01SAMRIVERA", "U02ALEXCHEN", "U03MORGAN"


@pytest.fixture
def endpoint(slack: SlackWithResponses, demo: Demo) -> SlackEndpoint:
    return make_endpoint(slack, demo.ports)


def ask(
    slack: SlackWithResponses, endpoint: SlackEndpoint, text: str, user: str = SAM
) -> tuple[dict[str, Any], dict[str, Any]]:
    """(the HTTP answer's JSON, what came to the response_url after it)."""
    hook = slack.response_url()
    answer = send(endpoint, slash_command(text, SECRET, user_id=user, response_url=hook))
    assert answer["statusCode"] == 200 and answer["seconds"] < 3
    later = [r for r in slack.responses if r["hook"] == hook.split("/api/")[1]]
    return json.loads(answer["body"]), (later[-1] if later else {})


def customers_in(reply: dict[str, Any]) -> list[str]:
    """The customer ids on the reply's buttons, in order."""
    found = []
    for block in reply.get("blocks", []):
        for element in block.get("elements", []):
            value = element.get("value") or ""
            if value.startswith("{"):
                found.append(json.loads(value)["c"])
                break
    return found


def buttons(reply: dict[str, Any], customer_id: str) -> dict[str, dict[str, Any]]:
    for block in reply.get("blocks", []):
        elements = block.get("elements", [])
        if any(f'"c":"{customer_id}"' in (e.get("value") or "") for e in elements):
            return {e["action_id"]: e for e in elements}
    return {}


def test_stalls_is_acked_at_once_then_lists_the_stalled_longest_first_with_nudge_and_flag(
    slack: SlackWithResponses, endpoint: SlackEndpoint
) -> None:
    # When Sam asks who is stalled
    ack, reply = ask(slack, endpoint, "stalls")
    # Then Slack got "Looking…" inside its 3 seconds, only for Sam
    assert ack == {"text": "Looking…", "response_type": "ephemeral"}
    # and the answer lists the escalated Fjord before the stalled Evergreen, nobody else
    assert reply["response_type"] == "ephemeral"
    assert customers_in(reply) == ["C006", "C005"]
    # each with a Nudge (the flag's own button) and a link to its flag
    evergreen = buttons(reply, "C005")
    assert (
        evergreen["og_nudge"]["value"]
        == '{"c":"C005","j":"C005/standard/2026-11-05","s":"invite-teammate"}'
    )
    assert "/archives/" in evergreen["og_open_flag"]["url"]


def test_stalls_with_a_threshold_keeps_those_stalled_at_least_that_long(
    slack: SlackWithResponses, endpoint: SlackEndpoint
) -> None:
    # Evergreen is 6 business days past expected, Fjord 15
    _, reply = ask(slack, endpoint, "stalls 7")
    assert customers_in(reply) == ["C006"]
    # A number that is not one of og-config's thresholds is refused with the choices
    _, reply = ask(slack, endpoint, "stalls 5")
    assert customers_in(reply) == [] and "3, 7, 14, 30" in reply["text"]


def test_mine_lists_the_callers_own_customers_and_the_manager_sees_the_team(
    slack: SlackWithResponses, endpoint: SlackEndpoint
) -> None:
    # Alex owns only Fjord
    _, alex = ask(slack, endpoint, "mine", user=ALEX)
    assert customers_in(alex) == ["C006"]
    # Sam owns the rest that are live: his stalled Evergreen first, never Alex's Fjord
    _, sam = ask(slack, endpoint, "mine", user=SAM)
    assert customers_in(sam)[0] == "C005" and "C006" not in customers_in(sam)
    # Morgan, the manager, sees both
    _, morgan = ask(slack, endpoint, "mine", user=MORGAN)
    assert {"C005", "C006"} <= set(customers_in(morgan))
    # Someone off the team list is told how to get on it, and sees nobody
    _, stranger = ask(slack, endpoint, "mine", user="U09STRANGER")
    assert customers_in(stranger) == [] and "team list" in stranger["text"]


def test_a_company_name_in_any_case_shows_its_card_with_the_flags_buttons(
    slack: SlackWithResponses, endpoint: SlackEndpoint
) -> None:
    _, reply = ask(slack, endpoint, "evergreen HEALTH")
    assert customers_in(reply) == ["C005"]
    assert set(buttons(reply, "C005")) >= {"og_finish", "og_pause", "og_handoff", "og_nudge"}
    assert "Step 2 of 4" in json.dumps(reply["blocks"])
    # and an id works the same
    _, by_id = ask(slack, endpoint, "c006")
    assert customers_in(by_id) == ["C006"]


def test_an_unknown_company_is_said_plainly_with_the_usage(
    slack: SlackWithResponses, endpoint: SlackEndpoint
) -> None:
    _, reply = ask(slack, endpoint, "Nobody Inc")
    assert customers_in(reply) == []
    assert "No customer has the id or company name 'Nobody Inc'" in reply["text"]
    assert "/onboarding mine" in reply["text"]


def test_help_is_the_ack_itself_and_nothing_follows(
    slack: SlackWithResponses, endpoint: SlackEndpoint
) -> None:
    ack, reply = ask(slack, endpoint, "")
    assert "/onboarding stalls" in ack["text"] and reply == {}


def test_pressing_open_flag_is_acknowledged_without_a_word(
    slack: SlackWithResponses, endpoint: SlackEndpoint
) -> None:
    # Slack posts a link button's press too; the catch-all must not call it unknown
    hook = slack.response_url()
    payload = block_actions("og_open_flag", "", response_url=hook)
    answer = send(endpoint, signed_event(payload, SECRET))
    assert answer["statusCode"] == 200
    assert not [r for r in slack.responses if "not one this app knows" in str(r.get("text"))]
