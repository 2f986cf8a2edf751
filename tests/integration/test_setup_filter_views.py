"""The setup command gives og-triage a filter view per og-config stall threshold, once, against
the fake Sheets API driven by the real gspread client."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from app.setup_workbook import setup_workbook
from fakes.sheets_server import FakeSheetsServer, gspread_workbook
from sheets.schema import TRIAGE


@pytest.fixture
def server() -> Iterator[FakeSheetsServer]:
    with FakeSheetsServer() as server:
        yield server


def test_given_a_new_spreadsheet_when_setup_runs_twice_then_og_triage_has_one_view_a_threshold(
    server: FakeSheetsServer,
) -> None:
    server.create_spreadsheet("book", {"Sheet1": [[]]})
    workbook = gspread_workbook(server, "book")

    setup_workbook(workbook)
    setup_workbook(workbook)

    views = server.filter_views("book", TRIAGE.name)
    assert [v["title"] for v in views] == [f"Stalled more than {d} days" for d in (3, 7, 14, 30)]
    days_stalled = TRIAGE.columns.index("days stalled")
    (spec,) = views[1]["filterSpecs"]
    assert spec["columnIndex"] == days_stalled
    assert spec["filterCriteria"]["condition"] == {
        "type": "NUMBER_GREATER",
        "values": [{"userEnteredValue": "7"}],
    }
    assert views[1]["sortSpecs"] == [{"dimensionIndex": days_stalled, "sortOrder": "DESCENDING"}]
