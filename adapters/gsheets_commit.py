"""A commit's plan as one ``spreadsheets:batchUpdate`` body for the Google Sheets adapter.

Values go as typed ``CellData`` (``stringValue`` and friends), which is RAW: a note starting with
``=`` stays text. Requests are ordered so each one's row numbers are still right.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from adapters.workbook_plan import Plain, TabPlan
from guide.ports import WorkbookError

NEW_SHEET_ROWS, NEW_SHEET_COLUMNS = 1000, 26  # Google's default grid for a new tab


@dataclass
class SheetSize:
    sheet_id: int
    columns: int  # the grid's column count: a cell beyond it is an error, so we grow it first


def _cell(value: Plain) -> dict[str, Any]:
    if value is None or value == "":
        return {}  # with fields=userEnteredValue, a CellData without one clears the cell
    if isinstance(value, bool):
        return {"userEnteredValue": {"boolValue": value}}
    if isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            raise WorkbookError(f"cannot write {value!r} to a sheet")
        return {"userEnteredValue": {"numberValue": value}}
    return {"userEnteredValue": {"stringValue": str(value)}}


def batch_requests(
    plans: list[TabPlan], ids: dict[str, int], sheets: dict[str, SheetSize]
) -> list[dict[str, Any]]:
    """The batchUpdate requests, in an order where each one's row numbers are still right:
    new tabs and columns, headers, edits, appends, then deletes from the bottom up."""
    out: list[dict[str, Any]] = []
    for plan in plans:
        sheet_id = ids[plan.tab]
        if plan.create:
            grid = {
                "rowCount": NEW_SHEET_ROWS,
                "columnCount": max(NEW_SHEET_COLUMNS, plan.width),
            }
            props = {"sheetId": sheet_id, "title": plan.tab, "gridProperties": grid}
            out.append({"addSheet": {"properties": props}})
            continue
        # Sheet ids are cached, names are not: if a person renamed this tab and made a new one
        # with the old name, the id now points at the renamed tab. Setting the title the id
        # should have fails the whole batch in that case (the name is taken) and is a no-op
        # otherwise, so a stale id can never write into the wrong tab.
        pin = {"properties": {"sheetId": sheet_id, "title": plan.tab}, "fields": "title"}
        out.append({"updateSheetProperties": pin})
        if plan.width > sheets[plan.tab].columns:
            grow = plan.width - sheets[plan.tab].columns
            out.append(
                {"appendDimension": {"sheetId": sheet_id, "dimension": "COLUMNS", "length": grow}}
            )
    for plan in plans:
        if plan.new_headers:
            # New header cells are always one run at the right end (or the whole row).
            first = plan.new_headers[0][0]
            cells = [_cell(name) for _, name in plan.new_headers]
            out.append(_update(ids[plan.tab], 0, first, cells))
    for plan in plans:
        for row, column, values in _edit_runs(plan.edits):
            out.append(_update(ids[plan.tab], row - 1, column, [_cell(v) for v in values]))
    for plan in plans:
        if plan.appends:
            rows = [
                {"values": [_cell(cells.get(i)) for i in range(max(cells) + 1)]}
                for cells in plan.appends
            ]
            out.append(
                {
                    "appendCells": {
                        "sheetId": ids[plan.tab],
                        "rows": rows,
                        "fields": "userEnteredValue",
                    }
                }
            )
    for plan in plans:
        for first, last in _runs(plan.deletes):
            span = {
                "sheetId": ids[plan.tab],
                "dimension": "ROWS",
                "startIndex": first - 1,
                "endIndex": last,
            }
            out.append({"deleteDimension": {"range": span}})
    return out


def _update(
    sheet_id: int, row_index: int, column_index: int, cells: list[dict[str, Any]]
) -> dict[str, Any]:
    start = {"sheetId": sheet_id, "rowIndex": row_index, "columnIndex": column_index}
    return {
        "updateCells": {"rows": [{"values": cells}], "fields": "userEnteredValue", "start": start}
    }


def _edit_runs(edits: dict[tuple[int, int], Plain]) -> list[tuple[int, int, list[Plain]]]:
    """Edits of side-by-side cells of a row as one updateCells each: a smaller request body
    (Google advises keeping it under ~2 MB) for the same cells."""
    runs: list[tuple[int, int, list[Plain]]] = []
    for (row, column), value in sorted(edits.items()):
        if runs and runs[-1][0] == row and runs[-1][1] + len(runs[-1][2]) == column:
            runs[-1][2].append(value)
        else:
            runs.append((row, column, [value]))
    return runs


def _runs(rows_descending: list[int]) -> list[tuple[int, int]]:
    """[9, 8, 7, 4] -> [(7, 9), (4, 4)]: one deleteDimension per block of adjacent rows."""
    runs: list[tuple[int, int]] = []
    for row in rows_descending:
        if runs and runs[-1][0] == row + 1:
            runs[-1] = (row, runs[-1][1])
        else:
            runs.append((row, row))
    return runs
