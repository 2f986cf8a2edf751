"""og-config values a person typed out of bounds: reported, replaced by the default, and the
tick goes on (issue 8, item 14).

Given the demo workbook, When someone types a link lifetime of a million years into og-config,
Then the tick still sends its emails, with links that last the default 30 days, and reports the
setting with its allowed range.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from adapters.xlsx_workbook import XlsxWorkbook
from app.demo import build_demo
from guide.tick import run_tick
from guide.workbook import Changes
from sheets.schema import CONFIG
from tests.conftest import NOW, MakePorts


def test_a_huge_link_ttl_is_reported_and_the_tick_sends_with_the_default(
    tmp_path: Path, make_ports: MakePorts
) -> None:
    workbook = XlsxWorkbook(tmp_path / "onboarding.xlsx")
    build_demo(workbook, date(2026, 11, 20))
    snapshot = workbook.read([CONFIG.name])
    changes = Changes()
    changes.append(CONFIG.name, {"key": "link ttl days", "value": "365000000"})
    workbook.commit(snapshot, changes)

    report = run_tick(make_ports(workbook), NOW)

    assert report.emails, "the tick went on and sent the day's emails"
    (problem,) = [str(p) for p in report.problems if "link ttl days" in str(p)]
    assert "allowed 1 to 365" in problem and "using 30" in problem
