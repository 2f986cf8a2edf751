"""Escalation, as the owner and the manager see it over several ticks.

Given the demo workbook (Evergreen Health's step is stalled and flagged to Sam; Fjord Travel has
been stuck past the escalation threshold), When the daily tick runs day after day, Then the owner
has one flag per stall to act on, updated when it escalates, the manager is told once with a link
to it, and a manager's message that failed is tried again until it goes.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from app.demo import build_demo
from fakes.memory_workbook import InMemoryWorkbook
from guide.ports import Notifier, NotifierError, Ports, Posted, SlackMessage
from tests.conftest import MakePorts
from tests.unit.tick_world import MON, TUE, WED, audits, buttons, calls, edit, tick

SAM, ALEX, MANAGER = "U01SAMRIVERA", "U02ALEXCHEN", "U03MORGAN"
FLAG_ACTIONS = ["og_finish", "og_pause", "og_handoff", "og_nudge"]


@pytest.fixture
def workbook() -> InMemoryWorkbook:
    workbook = InMemoryWorkbook()
    build_demo(workbook, MON)
    return workbook


@pytest.fixture
def ports(workbook: InMemoryWorkbook, make_ports: MakePorts) -> Ports:
    return make_ports(workbook)


class ManagerUnreachable:
    """Slack as it is, except that posts to the manager fail (say, their DM is closed)."""

    def __init__(self, inner: Notifier) -> None:
        self.inner = inner

    def post(self, message: SlackMessage) -> Posted:
        if message.channel == MANAGER:
            raise NotifierError(
                "Slack chat.postMessage failed: channel_not_found", "channel_not_found"
            )
        return self.inner.post(message)

    def update(self, channel: str, ts: str, message: SlackMessage) -> None:
        self.inner.update(channel, ts, message)

    def open_modal(self, trigger_id: str, view: dict[str, Any]) -> None:
        self.inner.open_modal(trigger_id, view)

    def whisper(
        self, user_id: str, text: str, *, response_url: str = "", channel: str = ""
    ) -> None:
        self.inner.whisper(user_id, text, response_url=response_url, channel=channel)

    def permalink(self, channel: str, ts: str) -> str:
        return self.inner.permalink(channel, ts)


def fjord(posts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [p for p in posts if "Fjord Travel" in p["text"]]


def test_a_failed_escalation_is_tried_again_by_the_next_tick_until_it_succeeds(
    workbook: InMemoryWorkbook, ports: Ports, outbox: Path
) -> None:
    # Given Monday's tick could not reach the manager about Fjord Travel
    monday = tick(replace(ports, notifier=ManagerUnreachable(ports.notifier)), MON)
    assert any("escalate:C006/" in p.message for p in monday.failures)
    assert fjord(calls(outbox, "chat.postMessage", MANAGER)) == []
    # When Tuesday's tick runs with Slack reachable
    tick(ports, TUE)
    # Then the manager is told, once, and the owner's flag is not posted or changed again
    assert len(fjord(calls(outbox, "chat.postMessage", MANAGER))) == 1
    assert len(fjord(calls(outbox, "chat.postMessage", ALEX))) == 1
    assert fjord(calls(outbox, "chat.update", ALEX)) == []
    assert workbook.row("og-state", "customer id", "C006")["escalated at"] == "2026-11-24 09:00"
    # And a tick after a successful escalation never sends it again
    tick(ports, WED)
    assert len(fjord(calls(outbox, "chat.postMessage", MANAGER))) == 1
    # (the stall's intervention task, issue 11, is opened once, with the first flag)
    assert audits(workbook, "C006") == [
        ("guide", "open task"),
        ("guide", "flag"),
        ("guide", "tell manager"),
    ]


def test_escalation_updates_the_owners_flag_and_the_manager_gets_a_link_to_it(
    workbook: InMemoryWorkbook, ports: Ports, outbox: Path
) -> None:
    # Given Monday's tick flagged Evergreen Health's stall to Sam
    tick(ports, MON)
    (flag,) = [p for p in calls(outbox, "chat.postMessage", SAM) if "Evergreen" in p["text"]]
    # When the stall passes the escalation threshold by Tuesday's tick
    edit(workbook, "og-config", "key", "escalate after days", value="1")
    tick(ports, TUE)
    # Then Sam's flag itself says it is escalated, with its buttons: no second flag to press
    (update,) = [p for p in calls(outbox, "chat.update", SAM) if "Evergreen" in p["text"]]
    assert update["ts"] == flag["ts"] and update["text"].startswith("Escalated: Evergreen")
    # (Task done: Monday's intervention task is still open; the last, "View plan", is a signed
    # link to the staff page, not an action)
    assert buttons(update) == [
        *FLAG_ACTIONS, "og_draft", "og_call", "og_cancel", "og_task_done", "og_plan"
    ]  # fmt: skip
    assert len([p for p in calls(outbox, "chat.postMessage", SAM) if "Evergreen" in p["text"]]) == 1
    # And the manager's message links to that flag
    (told,) = [p for p in calls(outbox, "chat.postMessage", MANAGER) if "Evergreen" in p["text"]]
    link = ports.notifier.permalink(SAM, flag["ts"])
    assert link in told["text"] and link in told["blocks"][0]["text"]["text"]
    state = workbook.row("og-state", "customer id", "C005")
    assert (state["flag level"], state["flag ts"]) == (2, flag["ts"])
    # And the audit reads: flagged, then escalated, then the manager told
    assert audits(workbook, "C005")[-3:] == [
        ("guide", "flag"),
        ("guide", "escalate"),
        ("guide", "tell manager"),
    ]


def test_an_escalation_with_no_live_flag_posts_one_as_before(
    workbook: InMemoryWorkbook, ports: Ports, outbox: Path
) -> None:
    # Given Fjord Travel's owner has no flag yet (its stall is escalated from the start)
    # When the tick runs
    tick(ports, MON)
    # Then the owner gets one flag, posted, saying it is escalated, and no update is tried
    (flag,) = fjord(calls(outbox, "chat.postMessage", ALEX))
    assert flag["text"].startswith("Escalated: Fjord Travel")
    assert fjord(calls(outbox, "chat.update")) == []
    (told,) = fjord(calls(outbox, "chat.postMessage", MANAGER))
    assert ports.notifier.permalink(ALEX, flag["ts"]) in told["text"]
