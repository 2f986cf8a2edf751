"""The tick's Lambda handler with the samples in events/, and the command line, in local mode.

Given the demo workbook on disk and the local-mode environment (as the README sets it up), the
same handler EventBridge Scheduler invokes runs the tick, and the CLI prints what it did.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from adapters.outbox import OutboxEntry, read_outbox
from adapters.xlsx_workbook import XlsxWorkbook
from app.bootstrap import ports_from_env
from app.cli import main
from app.demo import build_demo
from functions.tick import handler
from sheets.schema import TABS

EVENTS = Path(__file__).resolve().parents[2] / "events"
TODAY = date(2026, 11, 23)
LOCAL_MODE = ("OG_WORKBOOK", "OG_OUTBOX", "OG_STATE_DIR", "OG_SPREADSHEET_ID", "OG_SECRET_NAME")


@dataclass
class FakeLambdaContext:
    """What Powertools' ``inject_lambda_context`` reads from the real one."""

    function_name: str = "onboarding-guide-tick"
    memory_limit_in_mb: int = 256
    invoked_function_arn: str = (
        "arn:aws:lambda:us-east-1:123456789012:function:onboarding-guide-tick"
    )
    aws_request_id: str = "c6af9ac6-7b61-11e6-9a41-93e812345678"


@dataclass
class Local:
    workbook: Path
    outbox: Path


def event(name: str, **changes: Any) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((EVENTS / name).read_text())
    return {**loaded, **changes}


def sheet(path: Path) -> dict[str, list[list[Any]]]:
    snapshot = XlsxWorkbook(path).read([t.name for t in TABS])
    return {name: [t.header, *t.rows] for name, t in snapshot.tables.items()}


@pytest.fixture
def no_local_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    """None of the guide's variables set; whatever a test (or `demo`) sets is undone after."""
    for name in LOCAL_MODE:
        monkeypatch.setenv(name, "")  # recorded, so teardown restores the original
        monkeypatch.delenv(name)


@pytest.fixture
def local(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_local_mode: None) -> Iterator[Local]:
    workbook = tmp_path / "onboarding.xlsx"
    build_demo(XlsxWorkbook(workbook), TODAY)
    monkeypatch.setenv("OG_WORKBOOK", str(workbook))
    monkeypatch.setenv("OG_OUTBOX", str(tmp_path / "outbox"))
    monkeypatch.setenv("OG_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("POWERTOOLS_METRICS_NAMESPACE", "OnboardingGuideTests")
    monkeypatch.setenv("POWERTOOLS_SERVICE_NAME", "onboarding-guide")
    ports_from_env.cache_clear()
    yield Local(workbook, tmp_path / "outbox")
    ports_from_env.cache_clear()


def test_the_scheduled_tick_runs_and_returns_its_counts(local: Local) -> None:
    # When EventBridge Scheduler invokes the handler with the sample event
    result = handler(event("tick.json"), FakeLambdaContext())
    # Then it says what it did, and did it
    assert result == {
        "today": "2026-11-23",
        "dry_run": False,
        "Emails": 4,
        "Flags": 2,
        "Escalations": 1,
        "Stalls": 2,
        "SheetProblems": 4,
        "SheetWrites": 1,
    }
    kinds = [e.kind for e in read_outbox(local.outbox) if "-slack-home-" not in e.path.name]
    assert kinds.count("mail") == 4 and kinds.count("slack") == 3  # flags, and the manager
    # and after its write, each owner's and the manager's App Home
    assert len(homes(local.outbox)) == 3
    audit = sheet(local.workbook)["og-audit"]
    assert len(audit) == 1 + 8 + 2  # and a task opened for each of the two new stalls


def test_a_retried_invocation_in_a_warm_container_sends_nothing_new(local: Local) -> None:
    # Given the scheduled tick has run in this (warm) container
    handler(event("tick.json"), FakeLambdaContext())
    sent, written = read_outbox(local.outbox), sheet(local.workbook)
    # When the scheduler's retry lands on it with the same event
    result = handler(event("tick.json"), FakeLambdaContext())
    # Then nothing new is sent or written (the App Homes catch up once with what the first run
    # did: its Homes showed its decision, "new" where the step was about to go out)
    assert (result["Emails"], result["Flags"], result["Escalations"]) == (0, 0, 0)
    assert not_homes(read_outbox(local.outbox)) == not_homes(sent)
    assert sheet(local.workbook) == written
    # and a third run publishes no Home either
    published = homes(local.outbox)
    handler(event("tick.json"), FakeLambdaContext())
    assert homes(local.outbox) == published


def homes(outbox: Path) -> list[str]:
    return [e.path.name for e in read_outbox(outbox) if "-slack-home-" in e.path.name]


def not_homes(entries: list[OutboxEntry]) -> list[str]:
    return [e.path.name for e in entries if "-slack-home-" not in e.path.name]


def test_the_dry_run_event_changes_nothing(local: Local) -> None:
    before = sheet(local.workbook)
    result = handler(event("tick-dry-run.json"), FakeLambdaContext())
    # Then it says what a real tick would do, and does none of it
    assert result["today"] == "2026-11-23" and result["dry_run"] is True
    assert (result["Emails"], result["Flags"], result["Escalations"]) == (4, 2, 1)
    assert sheet(local.workbook) == before
    assert read_outbox(local.outbox) == []


@pytest.mark.parametrize(
    ("scheduled_time", "today"),
    [
        ("2026-11-25T14:00:00Z", "2026-11-25"),
        # 22:30 on the 23rd in New York: the team's day, not UTC's
        ("2026-11-24T03:30:00Z", "2026-11-23"),
    ],
)
def test_the_events_scheduled_time_decides_the_day(
    local: Local, scheduled_time: str, today: str
) -> None:
    result = handler(event("tick.json", scheduled_time=scheduled_time), FakeLambdaContext())
    assert result["today"] == today
    (enrolled,) = [r for r in sheet(local.workbook)["onboarding"] if r[0] == "C001"]
    assert enrolled[7] == today  # 'started on': the new customer's journey starts that day


def test_cli_dry_run_prints_the_decided_effects_and_changes_nothing(
    local: Local, capsys: pytest.CaptureFixture[str]
) -> None:
    before = sheet(local.workbook)
    assert main(["tick", "--today", "2026-11-23", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "Daily tick for Monday 23 November 2026  (dry run)" in out
    for effect in [
        "Acme Analytics (C001): enroll, journey starts 2026-11-23",
        "Birchwood Co (C002): email step 'connect-data'",
        "Dune Logistics (C004): email step 'invite-teammate'",
        "Evergreen Health (C005): flag the owner (high), 'invite-teammate' 8 business days",
        "Evergreen Health (C005): open a task for Sam Rivera: Unblock onboarding",
        "Fjord Travel (C006): escalate the owner's flag (high), 'connect-data' 18 business days",
        "Fjord Travel (C006): tell the manager",
        "Indigo Studio (C009): finish (wrap-up email, archive journey)",
    ]:
        assert effect in out
    assert sheet(local.workbook) == before
    assert read_outbox(local.outbox) == []


def test_cli_tick_without_a_workbook_exits_2_and_says_what_to_set(
    no_local_mode: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["tick"]) == 2
    err = capsys.readouterr().err
    assert "OG_WORKBOOK" in err and "OG_SPREADSHEET_ID" in err


def test_cli_demo_builds_a_workbook_ticks_it_and_reports(
    tmp_path: Path, no_local_mode: None, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "demo"
    assert main(["demo", "--dir", str(folder), "--today", "2026-11-23"]) == 0
    out = capsys.readouterr().out
    assert "Emails written (4)" in out
    assert "Slack flags posted (2)" in out
    assert "Problems to fix in the sheet (4)" in out
    assert "onboarding row 12, column 'plan': unknown plan 'standrad'" in out
    assert "Weekly digest" in out and "sent to morgan@example.com, sam@example.com" in out
    # the tick's 7 messages and the digest to its two recipients, and the 3 App Homes
    assert len(not_homes(read_outbox(folder / "outbox"))) == 9
    assert len(homes(folder / "outbox")) == 3
