"""The Slack app manifest asks for exactly the bot scopes the code's Web API calls need."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
MANIFEST = ROOT / "slack" / "manifest.yaml"
# Each WebClient method the guide may call, and the bot scopes Slack requires for it.
SCOPES_OF = {
    "chat_postMessage": {"chat:write"},
    "chat_update": {"chat:write"},
    "chat_postEphemeral": {"chat:write"},
    "views_open": set(),  # needs a trigger_id, no scope
    "chat_getPermalink": set(),  # any message the bot can see; no scope of its own
    "views_publish": set(),  # the App Home; no scope of its own
}
# What the app declares beyond Web API calls, and the scope each needs.
FEATURE_SCOPES = {"slash_commands": {"commands"}}
CALL = re.compile(r"client\.(\w+)\b")


def manifest() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(MANIFEST.read_text())
    return loaded


def called_methods() -> set[str]:
    found = set()
    for folder in ("app", "adapters", "functions", "guide"):
        for source in (ROOT / folder).rglob("*.py"):
            found |= {m for m in CALL.findall(source.read_text()) if "_" in m and m[0].islower()}
    return {m for m in found if m.split("_")[0] in {"chat", "views", "conversations", "users"}}


def test_every_slack_method_the_code_calls_has_a_known_scope() -> None:
    unknown = called_methods() - set(SCOPES_OF)
    assert not unknown, f"add these to SCOPES_OF and the manifest: {unknown}"


def test_the_manifest_asks_for_those_scopes_and_no_more() -> None:
    needed = set().union(*(SCOPES_OF[m] for m in called_methods()))
    for feature, scopes in FEATURE_SCOPES.items():
        if manifest()["features"].get(feature):
            needed |= scopes
    asked = set(manifest()["oauth_config"]["scopes"]["bot"])
    assert asked == needed


def test_interactivity_is_on_and_points_at_a_placeholder_for_the_slack_url_output() -> None:
    interactivity = manifest()["settings"]["interactivity"]
    assert interactivity["is_enabled"] is True
    assert interactivity["request_url"] == "https://REPLACE-WITH-SlackUrl-OUTPUT/"


def test_the_slash_command_home_tab_and_its_event_point_at_the_same_placeholder() -> None:
    # Given the manifest
    features, settings = manifest()["features"], manifest()["settings"]
    # Then /onboarding is declared, the Home tab is on, and app_home_opened is subscribed,
    # all at the one Function URL the interactivity uses
    (command,) = features["slash_commands"]
    assert command["command"] == "/onboarding"
    assert command["url"] == "https://REPLACE-WITH-SlackUrl-OUTPUT/"
    assert features["app_home"]["home_tab_enabled"] is True
    events = settings["event_subscriptions"]
    assert events["request_url"] == "https://REPLACE-WITH-SlackUrl-OUTPUT/"
    assert events["bot_events"] == ["app_home_opened"]
