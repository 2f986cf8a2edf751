"""``report``: the funnel of a workbook, read once, as a table, JSON, CSV and a PNG chart.

The workbook is the demo's with past journeys added (``make report-chart`` draws the same), in a
real .xlsx file through the local workbook adapter, as an operator runs it.
"""

from __future__ import annotations

import csv
import io
import json
import struct
from datetime import date
from pathlib import Path

import pytest

from adapters.xlsx_workbook import XlsxWorkbook
from app.cli import main
from app.demo import build_demo
from app.funnel_demo import add_past_journeys

TODAY = date(2026, 11, 30)
RANGE = ["--from", "2026-06-01", "--to", "2026-11-30", "--today", "2026-11-30"]


@pytest.fixture(scope="module")
def workbook_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("report") / "onboarding.xlsx"
    workbook = XlsxWorkbook(path)
    build_demo(workbook, TODAY)
    add_past_journeys(workbook, TODAY)
    return path


def report(
    workbook_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    *args: str,
) -> str:
    for name in ("OG_SPREADSHEET_ID", "OG_OUTBOX", "OG_STATE_DIR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("OG_WORKBOOK", str(workbook_path))
    assert main(["report", *args]) == 0
    return capsys.readouterr().out


def test_given_past_journeys_then_json_gives_the_numbers_per_plan_and_step(
    workbook_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    data = json.loads(report(workbook_path, monkeypatch, capsys, *RANGE, "--json"))
    overall = data["overall"]
    assert overall["started"] > 100 and overall["finished"] > 80
    assert 0 < overall["on_time_rate"] < 1 and data["target"] == 0.85
    assert overall["p90_days"] >= overall["median_days"]
    standard = next(p for p in data["plans"] if p["plan"] == "standard")
    assert [s["step_id"] for s in standard["steps"]][:2] == ["connect-data", "invite-teammate"]
    assert standard["worst_step"] == "invite-teammate"  # the demo's slow step


def test_a_narrower_range_counts_only_journeys_started_in_it(
    workbook_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    wide = json.loads(report(workbook_path, monkeypatch, capsys, *RANGE, "--json"))
    narrow_range = ["--from", "2026-10-01", "--to", "2026-10-31", "--today", "2026-11-30"]
    narrow = json.loads(report(workbook_path, monkeypatch, capsys, *narrow_range, "--json"))
    assert 0 < narrow["overall"]["started"] < wide["overall"]["started"]
    assert (narrow["start"], narrow["end"]) == ("2026-10-01", "2026-10-31")


def test_csv_parses_with_a_row_per_group_and_per_step(
    workbook_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = list(
        csv.DictReader(io.StringIO(report(workbook_path, monkeypatch, capsys, *RANGE, "--csv")))
    )
    overall = rows[0]
    assert (overall["plan"], overall["segment"], overall["step"]) == ("", "", "")
    assert float(overall["on-time rate"]) < 1
    invite = [
        r
        for r in rows
        if r["plan"] == "standard" and r["segment"] == "" and r["step"] == "invite-teammate"
    ]
    assert len(invite) == 1 and int(invite[0]["step stalls"]) > 0


def test_the_table_names_the_step_with_most_stalls_and_the_chart_is_a_png(
    workbook_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    chart = tmp_path / "charts" / "funnel.png"
    text = report(workbook_path, monkeypatch, capsys, *RANGE, "--chart", str(chart))
    assert "target 85%" in text
    assert any("Invite a teammate" in line and "most stalls" in line for line in text.splitlines())
    data = chart.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])  # the IHDR chunk comes first
    assert 800 <= width <= 1200 and 900 <= height <= 2400  # a mail column at 2x, not a poster
    assert 20_000 < len(data) < 1_000_000
