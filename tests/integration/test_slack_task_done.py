"""The flag's Task done, from a signed Slack press to og-tasks, the audit, the flag and undo.

Signed Slack payloads against the demo workbook and the fake Slack Web API, as in
test_slack_who_may_act.py. The demo's first tick flagged Evergreen Health (C005) to Sam and
opened its intervention task, T-C005-20261123, in og-tasks.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from adapters.xlsx_workbook import XlsxWorkbook
from app.function_url import LocalContext
from app.slack_endpoint import SlackEndpoint
from fakes.slack_signing import SlackWithResponses, block_actions, signed_event
from guide import cells
from guide.actions import perform
from guide.commands import Pause, Resume, Undo
from guide.workbook import Changes
from tests.integration.endpoints import NOW, SECRET, Demo, flag_for
from tests.integration.test_slack_actions import make_endpoint

CONTEXT = LocalContext("SlackActionsFunction")
SAM = {"id": "U01SAMRIVERA", "username": "sam", "name": "sam", "team_id": "T0001"}
STRANGER = {"id": "U0STRANGER", "username": "eve", "name": "eve", "team_id": "T0001"}
TASK = "T-C005-20261123"


@pytest.fixture
def endpoint(slack: SlackWithResponses, demo: Demo) -> SlackEndpoint:
    return make_endpoint(slack, demo.ports)


def send(endpoint: SlackEndpoint, payload: dict[str, Any]) -> dict[str, Any]:
    """Deliver one signed request and let the work after the answer finish."""
    answer = endpoint.handle(signed_event(payload, SECRET), CONTEXT)
    assert endpoint.lazy is not None
    endpoint.lazy.wait()
    return answer


def press_task_done(
    slack: SlackWithResponses, endpoint: SlackEndpoint, user: dict[str, str]
) -> dict[str, Any]:
    """``user`` presses Task done on Evergreen's flag, with the value the flag carries."""
    channel, ts, _ = flag_for(slack.messages, "C005")
    (value,) = [
        e["value"] for e in actions(slack.message(channel, ts)) if e["action_id"] == "og_task_done"
    ]
    payload = block_actions(
        "og_task_done", value, message_ts=ts, user=user, response_url=slack.response_url()
    )
    return send(endpoint, payload)


def actions(message: dict[str, Any]) -> list[dict[str, Any]]:
    return [e for b in message.get("blocks", []) for e in b.get("elements", []) if "action_id" in e]


def task_row(demo: Demo) -> dict[str, str]:
    table = XlsxWorkbook(demo.workbook_path).read(["og-tasks"])["og-tasks"]
    (record,) = [r for _, r in table.records() if cells.text(r.get("task id")) == TASK]
    return {k: cells.text(v) for k, v in record.items()}


def audit_actions(demo: Demo) -> list[str]:
    table = XlsxWorkbook(demo.workbook_path).read(["og-audit"])["og-audit"]
    return [
        cells.text(r.get("action"))
        for _, r in table.records()
        if cells.text(r.get("customer id")) == "C005"
    ]


def test_the_flag_offers_task_done_while_the_stalls_task_is_open(
    slack: SlackWithResponses, demo: Demo
) -> None:
    assert task_row(demo)["status"] == "open"
    # Given the tick flagged Evergreen and opened its task: the flag carries Task done
    channel, ts, _ = flag_for(slack.messages, "C005")
    ids = [e["action_id"] for e in actions(slack.message(channel, ts))]
    assert "og_task_done" in ids


def test_a_press_closes_the_task_audits_it_and_updates_the_flag(
    slack: SlackWithResponses, endpoint: SlackEndpoint, demo: Demo
) -> None:
    channel, ts, _ = flag_for(slack.messages, "C005")
    # When Sam presses Task done
    assert press_task_done(slack, endpoint, SAM)["statusCode"] == 200
    # Then the task is done, when and by whom (his name on the team list)
    row = task_row(demo)
    assert (row["status"], row["done by"]) == ("done", "Sam Rivera")
    assert row["done at"] == "2026-11-23 10:30"
    # and audited, with the task's before and after
    assert audit_actions(demo)[-1] == "task done"
    table = XlsxWorkbook(demo.workbook_path).read(["og-audit"])["og-audit"]
    *_, (_, last) = table.records()
    before, after = json.loads(cells.text(last["before"])), json.loads(cells.text(last["after"]))
    assert before["og-tasks"][0]["status"] == "open"
    assert after["og-tasks"][0] == {
        "task_id": TASK,
        "status": "done",
        "done_at": "2026-11-23 10:30",
        "done_by": "Sam Rivera",
    }
    # and the flag says so, without the button, with Sam's Undo
    flag = slack.message(channel, ts)
    assert "task done by Sam Rivera" in flag["text"]
    ids = [e["action_id"] for e in actions(flag)]
    assert "og_task_done" not in ids and "og_undo" in ids
    assert any(said.startswith("Marked Evergreen Health's task done") for said in slack.said())


def test_a_second_press_says_it_is_done_and_writes_nothing(
    slack: SlackWithResponses, endpoint: SlackEndpoint, demo: Demo
) -> None:
    # Given Sam pressed Task done once (a second client still shows the button)
    press_task_done(slack, endpoint, SAM)
    _, ts, value = flag_for(slack.messages, "C005")
    done = demo.fingerprint()
    # When he presses it again
    payload = block_actions(
        "og_task_done", value, message_ts=ts, user=SAM, response_url=slack.response_url()
    )
    send(endpoint, payload)
    # Then nothing is written, and he hears it is already done and by whom
    assert demo.fingerprint() == done
    assert "is already done by Sam Rivera at 2026-11-23 10:30" in slack.said()[-1]


def test_a_task_closed_in_the_sheet_first_is_answered_and_nothing_is_written(
    slack: SlackWithResponses, endpoint: SlackEndpoint, demo: Demo
) -> None:
    # Given somebody set the task's status to "closed" in the sheet
    workbook = XlsxWorkbook(demo.workbook_path)
    table = workbook.read(["og-tasks"])["og-tasks"]
    (row,) = [n for n, r in table.records() if cells.text(r.get("task id")) == TASK]
    changes = Changes()
    changes.set("og-tasks", row, "status", "closed")
    workbook.commit(workbook.read(["og-tasks"]), changes)
    closed = demo.fingerprint()
    # When Sam presses Task done on the flag
    press_task_done(slack, endpoint, SAM)
    # Then nothing is written and he is told
    assert demo.fingerprint() == closed
    assert "is already closed" in slack.said()[-1]


def test_undo_opens_the_task_again_from_the_flag_and_from_the_admin_command(
    slack: SlackWithResponses, endpoint: SlackEndpoint, demo: Demo
) -> None:
    channel, ts, _ = flag_for(slack.messages, "C005")
    opened = task_row(demo)
    press_task_done(slack, endpoint, SAM)
    # When Sam presses the Undo the flag offers
    (undo,) = [
        e["value"] for e in actions(slack.message(channel, ts)) if e["action_id"] == "og_undo"
    ]
    payload = block_actions(
        "og_undo", undo, message_ts=ts, user=SAM, response_url=slack.response_url()
    )
    send(endpoint, payload)
    # Then the task row is as it was, and the flag offers Task done again
    assert task_row(demo) == opened
    assert "og_task_done" in [e["action_id"] for e in actions(slack.message(channel, ts))]
    assert audit_actions(demo)[-2:] == ["task done", "undo"]
    # And a second Task done is undone by the admin command just the same
    press_task_done(slack, endpoint, SAM)
    assert task_row(demo)["status"] == "done"
    perform(demo.ports, Undo("C005", "ops@cli"), NOW)
    assert task_row(demo) == opened


def test_a_strangers_press_changes_nothing_and_tells_them_who_can(
    slack: SlackWithResponses, endpoint: SlackEndpoint, demo: Demo
) -> None:
    before = demo.fingerprint()
    press_task_done(slack, endpoint, STRANGER)
    assert demo.fingerprint() == before
    assert task_row(demo)["status"] == "open"
    assert slack.said()[-1].startswith("Only the owner")


def test_after_a_pause_and_resume_the_live_flag_still_offers_task_done(
    slack: SlackWithResponses, endpoint: SlackEndpoint, demo: Demo
) -> None:
    # Given Sam paused Evergreen from the flag: the flag offers Resume only
    channel, ts, _ = flag_for(slack.messages, "C005")
    perform(demo.ports, Pause("C005", "sam", actor_id=SAM["id"]), NOW)
    assert [e["action_id"] for e in actions(slack.message(channel, ts))] == ["og_resume", "og_undo"]
    # When he resumes them, the flag is live again, and the task is still open
    perform(demo.ports, Resume("C005", "sam", actor_id=SAM["id"]), NOW)
    ids = [e["action_id"] for e in actions(slack.message(channel, ts))]
    assert "og_nudge" in ids and "og_task_done" in ids
