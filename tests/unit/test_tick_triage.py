"""The tick rewrites og-triage in its one write, from what its own decision found.

Given the demo workbook in memory, When the daily tick runs, Then og-triage holds one row per
onboarding not finished with the stall engine's columns filled, old rows are overwritten and
leftovers deleted, and the tick still reads once and writes once.
"""

from __future__ import annotations

import pytest

from app.demo import build_demo
from fakes.memory_workbook import InMemoryWorkbook
from guide.ports import Ports
from guide.workbook import CellValue
from sheets.schema import TRIAGE
from tests.conftest import MakePorts
from tests.unit.tick_world import MON, TUE, edit, tick


@pytest.fixture
def workbook() -> InMemoryWorkbook:
    workbook = InMemoryWorkbook()
    build_demo(workbook, MON)
    return workbook


@pytest.fixture
def ports(workbook: InMemoryWorkbook, make_ports: MakePorts) -> Ports:
    return make_ports(workbook)


def triage(workbook: InMemoryWorkbook) -> dict[str, dict[str, CellValue]]:
    return {str(r["customer id"]): r for r in workbook.rows(TRIAGE.name)}


def test_the_tick_fills_og_triage_with_the_stall_engines_columns_in_its_one_write(
    workbook: InMemoryWorkbook, ports: Ports
) -> None:
    workbook.reads = workbook.writes = 0
    report = tick(ports, MON)
    # Then one read and one write, og-triage among them
    assert (workbook.reads, workbook.writes) == (1, 1)
    rows = triage(workbook)
    # (one row per customer the tick read who is not finished, nor finishing in this write)
    open_ones = {
        s.customer_id for s in report.plan.statuses if s.state not in ("finished", "finishing")
    }
    assert set(rows) == open_ones and len(rows) > 5
    # And a stalled customer's row says why, as the flag does
    evergreen = rows["C005"]
    assessment = report.plan.assessments["C005"]
    assert evergreen["severity"] == assessment.severity == "high"
    assert evergreen["stall kinds"] == ", ".join(assessment.kinds)
    assert evergreen["phase"] == assessment.context.phase != ""
    assert evergreen["open tasks"] == 1  # the task this very tick opened
    assert str(evergreen["link to the flag"]).startswith("https://slack.com/app_redirect")
    # And the most severe come first
    severities = [str(r["severity"] or "") for r in workbook.rows(TRIAGE.name)]
    assert severities[0] == "high" and severities.index("") > severities.count("high") - 1


def test_a_second_tick_the_same_day_leaves_og_triage_as_it_is(
    workbook: InMemoryWorkbook, ports: Ports
) -> None:
    tick(ports, MON)
    before = workbook.rows(TRIAGE.name)
    assert before  # a flag, tasks and emails went out: the rows already say so
    workbook.writes = 0
    tick(ports, MON)
    assert workbook.rows(TRIAGE.name) == before
    assert workbook.writes == 0


def test_a_customer_finished_in_the_sheet_leaves_og_triage_and_no_row_is_left_behind(
    workbook: InMemoryWorkbook, ports: Ports
) -> None:
    tick(ports, MON)
    count = len(workbook.rows(TRIAGE.name))
    # When a person ticks Evergreen finished, and the next day's tick runs
    edit(workbook, "onboarding", "customer id", "C005", finished=True)
    tick(ports, TUE)
    # Then its row is gone, and the tab is one row shorter (the leftover deleted)
    rows = workbook.rows(TRIAGE.name)
    assert "C005" not in {r["customer id"] for r in rows}
    assert len(rows) == count - 1
    assert len(workbook.tabs[TRIAGE.name]) == count  # header + rows: nothing stale below
