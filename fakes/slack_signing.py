"""Slack requests as Slack sends them: real payload shapes, signed, inside Function URL events.

    payload = block_actions("og_finish", flag_value("C-1"), response_url=slack.response_url())
    event = signed_event(payload, SECRET)
    handler(event, LocalContext("slack-actions"))

Signatures are made the way Slack makes them (``v0=`` HMAC-SHA256 of ``v0:{timestamp}:{body}``),
checked here against ``slack_sdk.signature.SignatureVerifier`` so the two cannot drift.
``SlackWithResponses`` adds what the button handler also talks to: ``response_url`` hooks and
``chat.postEphemeral``.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
from typing import Any
from urllib.parse import urlencode

from slack_sdk.signature import SignatureVerifier

from app.function_url import function_url_event
from fakes.slack_server import FakeSlackServer

TEAM = "T0001"
USER = {"id": "U01SAMRIVERA", "username": "sam", "name": "sam", "team_id": TEAM}
CHANNEL = "C0FLAGS"
_seq = itertools.count(1)


def signature(secret: str, timestamp: str, body: bytes) -> str:
    base = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def signed_headers(secret: str, body: bytes, timestamp: float | None = None) -> dict[str, str]:
    stamp = str(int(time.time() if timestamp is None else timestamp))
    headers = {
        "content-type": "application/x-www-form-urlencoded",
        "x-slack-request-timestamp": stamp,
        "x-slack-signature": signature(secret, stamp, body),
        "user-agent": "Slackbot 1.0 (+https://api.slack.com/robots)",
    }
    if timestamp is None:  # a fresh signature must pass Slack's own verifier
        assert SignatureVerifier(secret).is_valid(body, stamp, headers["x-slack-signature"])
    return headers


def form_body(payload: dict[str, Any]) -> bytes:
    """How Slack posts interactivity: a form with one ``payload`` field of JSON."""
    return urlencode({"payload": json.dumps(payload)}).encode()


def signed_event(
    payload: dict[str, Any] | None,
    secret: str,
    *,
    body: bytes | None = None,
    timestamp: float | None = None,
    retry_num: int | None = None,
    path: str = "/slack/events",
) -> dict[str, Any]:
    """A Function URL event for one Slack request (``body`` overrides the payload's form)."""
    raw = form_body(payload or {}) if body is None else body
    headers = signed_headers(secret, raw, timestamp)
    if retry_num is not None:
        headers["x-slack-retry-num"] = str(retry_num)
        headers["x-slack-retry-reason"] = "http_timeout"
    return function_url_event("POST", path, headers=headers, body=raw)


def flag_value(customer_id: str, journey_id: str = "", step_id: str = "connect") -> str:
    journey = journey_id or f"{customer_id}/standard/2026-11-02"
    return json.dumps({"c": customer_id, "j": journey, "s": step_id}, separators=(",", ":"))


def block_actions(
    action_id: str,
    value: str,
    *,
    team_id: str = TEAM,
    user: dict[str, str] | None = None,
    response_url: str = "",
    action_ts: str | None = None,
    message_ts: str = "1763800000.000100",
    text: str = "Acme is stuck on 'Connect your data' for 5 business days (expected 3)",
) -> dict[str, Any]:
    """A button press on a message, as Slack sends it."""
    n = next(_seq)
    return {
        "type": "block_actions",
        "user": user or USER,
        "api_app_id": "A0GUIDE",
        "token": "legacy-verification-token",
        "container": {
            "type": "message",
            "message_ts": message_ts,
            "channel_id": CHANNEL,
            "is_ephemeral": False,
        },
        "trigger_id": f"{n}.{n}.trigger{n}",
        "team": {"id": team_id, "domain": "acme"},
        "enterprise": None,
        "is_enterprise_install": False,
        "channel": {"id": CHANNEL, "name": "onboarding"},
        "message": {"type": "message", "ts": message_ts, "text": text, "blocks": []},
        "state": {"values": {}},
        "response_url": response_url,
        "actions": [
            {
                "action_id": action_id,
                "block_id": "og_flag_actions",
                "text": {"type": "plain_text", "text": action_id, "emoji": True},
                "value": value,
                "type": "button",
                "action_ts": action_ts or f"{time.time():.6f}{n}",
            }
        ],
    }


def view_submission(
    view: dict[str, Any],
    values: dict[str, dict[str, Any]],
    *,
    view_id: str = "",
    team_id: str = TEAM,
    user: dict[str, str] | None = None,
) -> dict[str, Any]:
    """A modal submitted: ``view`` as it was opened, ``values`` as Slack reports the inputs
    (``{block_id: {action_id: element_state}}``)."""
    n = next(_seq)
    return {
        "type": "view_submission",
        "team": {"id": team_id, "domain": "acme"},
        "user": user or USER,
        "api_app_id": "A0GUIDE",
        "token": "legacy-verification-token",
        "trigger_id": f"{n}.{n}.trigger{n}",
        "view": {
            **view,
            "id": view_id or view.get("id") or f"V{n:08d}",
            "team_id": team_id,
            "state": {"values": values},
            "hash": f"{n}.hash",
            "app_id": "A0GUIDE",
            "bot_id": "B0GUIDE",
        },
        "response_urls": [],
        "is_enterprise_install": False,
        "enterprise": None,
    }


def text_value(text: str) -> dict[str, Any]:
    return {"type": "plain_text_input", "value": text}


def select_value(value: str) -> dict[str, Any]:
    return {"type": "static_select", "selected_option": {"value": value}}


class SlackWithResponses(FakeSlackServer):
    """The fake Web API, plus ``response_url`` hooks and ``chat.postEphemeral``, recorded."""

    def __init__(self, token: str | None = None) -> None:
        super().__init__(token=token)
        self.responses: list[dict[str, Any]] = []

    def response_url(self) -> str:
        return f"{self.api_url}hooks/{next(_seq)}"

    def handle(
        self, method: str, params: dict[str, Any], auth: str | None
    ) -> tuple[int, dict[str, Any], dict[str, str]]:
        if method.startswith("hooks/"):
            with self._lock:
                self.responses.append({"hook": method, **params})
            return 200, {"ok": True}, {}
        return super().handle(method, params, auth)

    def _api_chat_postEphemeral(self, params: dict[str, Any]) -> dict[str, Any]:
        self.responses.append({"hook": "chat.postEphemeral", **params})
        return {"ok": True, "message_ts": self._next_ts()}

    def said(self) -> list[str]:
        """Everything the presser was told, in order."""
        with self._lock:
            return [str(r.get("text", "")) for r in self.responses]
