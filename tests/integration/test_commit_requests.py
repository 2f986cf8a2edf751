"""What a commit sends Google: few requests for many cells, and a body that means what the
documented ``CellData`` dicts mean.

Through the real gspread client against the fake Sheets server, which counts the batchUpdate
requests it receives by kind.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from adapters.gsheets_commit import SheetSize, batch_body, batch_requests, plain_requests
from adapters.workbook_plan import TabPlan
from fakes.sheets_requests import trim
from fakes.sheets_server import FakeSheetsServer, gspread_workbook
from guide.triage_write import rewrite
from guide.workbook import CellValue, Changes
from sheets.schema import TRIAGE

ROWS = 50


def triage_row(n: int, days: int) -> dict[str, CellValue]:
    row: dict[str, CellValue] = dict.fromkeys(TRIAGE.columns, "")
    row.update({"customer id": f"c{n}", "company": f"Co {n}", "plan": "basic", "owner": "sam"})
    row.update({"days in onboarding": days, "days stalled": days, "open tasks": days})
    return row


@pytest.fixture
def server() -> Iterator[FakeSheetsServer]:
    with FakeSheetsServer() as fake:
        old = [[triage_row(n, 1)[c] for c in TRIAGE.columns] for n in range(ROWS)]
        fake.create_spreadsheet("book", {TRIAGE.name: [list(TRIAGE.columns), *old]})
        yield fake


def test_given_three_cells_apart_changed_in_each_of_50_triage_rows_then_at_most_50_updates(
    server: FakeSheetsServer,
) -> None:
    # Given og-triage of 50 rows, each of which now differs in 3 cells that are not side by side
    wb = gspread_workbook(server, "book")
    snap = wb.read([TRIAGE.name])
    changes = Changes()
    rewrite(changes, snap[TRIAGE.name], [triage_row(n, 2) for n in range(ROWS)])
    # When the rewrite is committed
    server.reset_counts()
    wb.commit(snap, changes)
    # Then one write carried at most one updateCells per row (not one per changed cell)
    assert server.writes == 1
    assert 1 <= server.request_kinds["updateCells"] <= ROWS
    # And the tab holds the new rows, every other cell as it was
    header, *rows = server.values("book", TRIAGE.name)
    expected = [trim([triage_row(n, 2)[k] for k in header]) for n in range(ROWS)]
    assert rows == expected


def test_given_an_unchanged_triage_then_the_rewrite_changes_nothing(
    server: FakeSheetsServer,
) -> None:
    wb = gspread_workbook(server, "book")
    snap = wb.read([TRIAGE.name])
    changes = Changes()
    rewrite(changes, snap[TRIAGE.name], [triage_row(n, 1) for n in range(ROWS)])
    assert not changes


def test_given_one_cell_per_row_on_adjacent_rows_then_one_update_covers_them() -> None:
    # Given the same column edited on 50 adjacent rows, and one cell elsewhere
    plan = TabPlan("t", create=False, width=3)
    plan.edits = {(row, 1): row for row in range(2, 2 + ROWS)}
    plan.edits[(80, 0)] = "x"
    # When laid out as requests
    requests = batch_requests([plan], {"t": 7}, {"t": SheetSize(7, 3)})
    # Then one updateCells covers the 50 rows, another the lone cell
    updates = [r["updateCells"] for r in plain_requests(requests) if "updateCells" in r]
    assert [(u["start"]["rowIndex"], len(u["rows"])) for u in updates] == [(1, ROWS), (79, 1)]


AWKWARD: list[Any] = [
    "plain",
    "",
    None,
    0,
    -7,
    10**20,
    0.1,
    1e-300,
    2.5e300,
    -0.0,
    True,
    False,
    "=SUM(A1:A2)",
    'quote " and \\ backslash',
    "tab\tnew\nline\r\x00\x1f",
    "naïve ünïcode – ✓ 😀",
    "\u2028\u2029",
    '{"json": [1, 2]}',
]


def test_given_awkward_values_then_the_body_is_the_json_of_the_documented_dicts() -> None:
    # Given a plan with every kind of value, as edits, an appended row and a new header
    plan = TabPlan("t'ab", create=False, width=len(AWKWARD), new_headers=[(len(AWKWARD) - 1, "h")])
    plan.edits = {(2, i): v for i, v in enumerate(AWKWARD)}
    plan.edits.update({(3, i): v for i, v in enumerate(reversed(AWKWARD))})
    plan.appends = [{i: v for i, v in enumerate(AWKWARD)}, {3: "x"}]
    plan.deletes = [9, 8, 4]
    requests = batch_requests([plan], {"t'ab": 3}, {"t'ab": SheetSize(3, 5)})
    # When the body is written
    body = batch_body(requests)
    # Then it is byte for byte what json.dumps makes of the CellData dicts Google documents
    expected = {"requests": plain_requests(requests)}
    assert body == json.dumps(expected, separators=(",", ":")).encode()
    assert json.loads(body) == expected


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), float("-inf")])
def test_given_a_number_a_sheet_cannot_hold_then_no_body_is_written(bad: float) -> None:
    from guide.ports import WorkbookError

    plan = TabPlan("t", create=False, width=1, edits={(2, 0): bad})
    requests = batch_requests([plan], {"t": 3}, {"t": SheetSize(3, 5)})
    with pytest.raises(WorkbookError):
        batch_body(requests)
