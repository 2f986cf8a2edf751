"""Slash commands and Events API requests as Slack sends them, signed, for the endpoint tests.

A slash command is a form (``command=/onboarding&text=...``); an event is a JSON body. Both are
signed the way Slack signs everything (``fakes.slack_signing``).
"""

from __future__ import annotations

import itertools
import json
from typing import Any
from urllib.parse import urlencode

from app.function_url import function_url_event
from fakes.slack_signing import TEAM, signed_headers

_seq = itertools.count(1)


def slash_command(
    text: str, secret: str, *, user_id: str, response_url: str, team_id: str = TEAM
) -> dict[str, Any]:
    n = next(_seq)
    body = urlencode(
        {
            "token": "legacy-verification-token",
            "team_id": team_id,
            "team_domain": "acme",
            "channel_id": "D0SAM",
            "channel_name": "directmessage",
            "user_id": user_id,
            "user_name": user_id.lower(),
            "command": "/onboarding",
            "text": text,
            "api_app_id": "A0GUIDE",
            "response_url": response_url,
            "trigger_id": f"{n}.{n}.trigger{n}",
        }
    ).encode()
    return function_url_event(
        "POST", "/slack/events", headers=signed_headers(secret, body), body=body
    )


def signed_json(payload: dict[str, Any], secret: str) -> dict[str, Any]:
    body = json.dumps(payload).encode()
    headers = {**signed_headers(secret, body), "content-type": "application/json"}
    return function_url_event("POST", "/slack/events", headers=headers, body=body)


def app_home_opened(user_id: str, team_id: str = TEAM) -> dict[str, Any]:
    n = next(_seq)
    return {
        "token": "legacy-verification-token",
        "team_id": team_id,
        "api_app_id": "A0GUIDE",
        "type": "event_callback",
        "event_id": f"Ev{n:08d}",
        "event_time": 1764500000 + n,
        "authorizations": [{"team_id": team_id, "user_id": "UBOT", "is_bot": True}],
        "event": {
            "type": "app_home_opened",
            "user": user_id,
            "channel": "D0HOME",
            "tab": "home",
            "event_ts": f"1764500000.{n:06d}",
        },
    }
