"""A broken workbook structure stops everything, end to end: the CLI tick, an action and the
tick's Lambda handler.

Given the demo workbook with og-sends renamed (or a required column gone from its header), a
tick would take every customer in progress for one who was never mailed and send step 1 again.
So the tick exits 2 with one line naming the tab (and column), sends nothing and leaves the
file byte for byte as it was; an action refuses and changes nothing; the Lambda handler logs an
error, counts a ``WorkbookBroken`` metric and fails the invocation.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import openpyxl
import pytest

from adapters.xlsx_workbook import XlsxWorkbook
from app.bootstrap import ports_from_env
from app.cli import main
from app.demo import build_demo
from functions.tick import handler
from guide import commands as cmd
from guide.actions import perform
from guide.unit_of_work import WorkbookBroken
from tests.conftest import MakePorts
from tests.integration.test_tick_handler import FakeLambdaContext, event

TODAY = date(2026, 11, 23)


def rename_tab(path: Path, old: str, new: str) -> None:
    book = openpyxl.load_workbook(path)
    book[old].title = new
    book.save(path)


def rename_header(path: Path, tab: str, old: str, new: str) -> None:
    book = openpyxl.load_workbook(path)
    for cell in book[tab][1]:
        if cell.value == old:
            cell.value = new
    book.save(path)


@pytest.fixture
def demo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The demo workbook before its first tick, in local mode."""
    workbook = tmp_path / "onboarding.xlsx"
    build_demo(XlsxWorkbook(workbook), TODAY)
    for name in ("OG_SPREADSHEET_ID", "OG_SECRET_NAME"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("OG_WORKBOOK", str(workbook))
    monkeypatch.setenv("OG_OUTBOX", str(tmp_path / "outbox"))
    monkeypatch.setenv("OG_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("POWERTOOLS_METRICS_NAMESPACE", "OnboardingGuideTests")
    monkeypatch.setenv("POWERTOOLS_SERVICE_NAME", "onboarding-guide")
    ports_from_env.cache_clear()
    yield workbook
    ports_from_env.cache_clear()


def sent(outbox: Path) -> list[Path]:
    """The emails and Slack payloads in the outbox (not its own bookkeeping files)."""
    return sorted(p for p in outbox.rglob("*") if p.suffix in (".eml", ".json"))


def test_given_og_sends_renamed_when_the_cli_ticks_then_exit_2_one_line_nothing_sent_or_written(
    demo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given a person renamed og-sends (to keep an old copy, say)
    rename_tab(demo, "og-sends", "og-sends (old)")
    before = demo.read_bytes()
    # When the tick runs from the command line
    code = main(["tick", "--today", TODAY.isoformat()])
    # Then it exits 2 with one line that names the tab
    err = capsys.readouterr().err
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and "og-sends" in err and "missing" in err
    # And nobody was mailed or flagged, and the workbook is byte for byte what it was
    assert sent(demo.parent / "outbox") == []
    assert demo.read_bytes() == before


def test_given_a_required_column_gone_when_the_cli_ticks_then_the_line_names_tab_and_column(
    demo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given og-sends' 'step id' header was retyped as something else
    rename_header(demo, "og-sends", "step id", "step")
    before = demo.read_bytes()
    # When the tick runs
    code = main(["tick", "--today", TODAY.isoformat()])
    # Then one line names both the tab and the column, and nothing happened
    err = capsys.readouterr().err
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and "og-sends" in err and "step id" in err
    assert sent(demo.parent / "outbox") == []
    assert demo.read_bytes() == before


def test_given_og_sends_renamed_when_a_person_pauses_then_the_action_refuses_and_changes_nothing(
    demo: Path, make_ports: MakePorts
) -> None:
    # Given og-sends renamed
    rename_tab(demo, "og-sends", "og-sends (old)")
    before = demo.read_bytes()
    ports = make_ports(XlsxWorkbook(demo))
    # When a person pauses a customer
    at = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
    with pytest.raises(WorkbookBroken, match="og-sends"):
        perform(ports, cmd.Pause("C001", "Sam Rivera", "waiting on legal"), at)
    # Then nothing changed
    assert demo.read_bytes() == before


def test_given_og_sends_renamed_when_the_lambda_ticks_then_an_error_log_a_metric_and_a_failure(
    demo: Path, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    # Given og-sends renamed
    rename_tab(demo, "og-sends", "og-sends (old)")
    before = demo.read_bytes()
    # When the scheduled tick's handler runs
    with pytest.raises(WorkbookBroken):
        handler(event("tick.json"), FakeLambdaContext())  # type: ignore[arg-type]
    # Then it logged an error naming the tab and counted a WorkbookBroken metric
    errors = [r for r in caplog.records if r.levelname == "ERROR"]
    assert errors and "og-sends" in str(errors[0].__dict__.get("problems"))
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines() if x.startswith("{")]
    metrics = [x for x in lines if "_aws" in x]
    assert [x["WorkbookBroken"] for x in metrics if "WorkbookBroken" in x] == [[1.0]]
    # And nothing was sent or written
    assert sent(demo.parent / "outbox") == []
    assert demo.read_bytes() == before
