"""The stall flag as the PRD lays it out (section 5.1), for a customer with every kind of
blocker: a step waiting on the customer, one of ours with its assignee, and no reply.

Regenerate the snapshot deliberately with ``UPDATE_SNAPSHOTS=1``.
"""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path
from typing import Any

from fakes.block_kit import message_error
from guide import messages
from guide.stalls import Assessment, assess
from tests.stall_world import World, step

SNAPSHOTS = Path(__file__).parent / "snapshots"
FRIDAY = date(2026, 11, 20)
PLAN_URL = "https://guide.example/plan/C1?t=signed"


def every_blocker() -> World:
    return World(
        steps=[
            step("api", 3, 1, title="API configuration", phase="Setup"),
            step("migration", 2, 2, title="Data migration", **{"owned by": "us"}, assignee="Alex"),
        ],
        sends=[("api", "2026-11-02 09:00", ""), ("migration", "2026-11-03 09:00", "")],
        customer={"arr": "48,000", "segment": "enterprise", "company": "Acme & <Co>"},
    )


def flag(escalated: bool = False) -> tuple[str, list[dict[str, Any]], Assessment]:
    world = every_blocker()
    book, extra, customer = world.read()
    assessment = assess(book, extra, customer, FRIDAY)
    api = book.plans["standard"][0]
    # As the tick posts it: the stall's intervention task is open, so Task done is offered.
    text, blocks = messages.flag_blocks(
        customer, api, customer.journey_id(), 14, "<@U0SAM>", escalated, assessment, PLAN_URL,
        task_open=True,
    )  # fmt: skip
    return text, blocks, assessment


def test_a_flag_with_every_kind_of_blocker_matches_the_committed_snapshot() -> None:
    text, blocks, assessment = flag()
    # Given the engine found all three kinds of blocker, high
    assert {b.owner for b in assessment.blockers} == {"customer", "us"}
    assert any(b.no_reply_since for b in assessment.blockers)
    assert assessment.severity == "high"
    # Then the flag is the committed one, and Slack's Block Kit limits take it
    got = json.dumps({"text": text, "blocks": blocks}, indent=2, ensure_ascii=False) + "\n"
    expected = SNAPSHOTS / "stall_flag.json"
    if os.environ.get("UPDATE_SNAPSHOTS"):
        expected.write_text(got)
    assert got == expected.read_text()
    assert message_error(text, blocks) is None


def test_a_high_stall_mentions_the_owner_and_lists_blockers_context_and_interventions() -> None:
    _, blocks, _ = flag()
    headline = blocks[0]["text"]["text"]
    assert headline.startswith(":red_circle: <@U0SAM>: *Acme &amp; &lt;Co&gt;*")
    words = json.dumps(blocks)
    for expected in (
        "API configuration: waiting on customer",
        "Data migration: ours, Alex",
        "No reply since 2 Nov",
        "48,000",
        "enterprise",
        "Suggested interventions",
    ):
        assert expected in words
    actions = blocks[-1]["elements"]
    assert [a["action_id"] for a in actions][-5:] == [
        "og_draft", "og_call", "og_cancel", "og_task_done", "og_plan"
    ]  # fmt: skip
    assert actions[-1]["url"] == PLAN_URL and "value" not in actions[-1]


def test_without_a_plan_link_the_view_plan_button_is_left_out() -> None:
    world = every_blocker()
    book, _, customer = world.read()
    api = book.plans["standard"][0]
    _, blocks = messages.flag_blocks(customer, api, customer.journey_id(), 4, "<@U0SAM>", False)
    assert "og_plan" not in [a["action_id"] for a in blocks[-1]["elements"]]
    # and with no open task there is no Task done either
    assert "og_task_done" not in [a["action_id"] for a in blocks[-1]["elements"]]
    assert blocks[0]["text"]["text"].startswith(":large_orange_circle: *Acme")
