"""A commit's plan as one ``spreadsheets:batchUpdate`` body for the Google Sheets adapter.

Values go as typed ``CellData`` (``stringValue`` and friends), which is RAW: a note starting with
``=`` stays text. Requests are ordered so each one's row numbers are still right.

A big commit carries a few hundred thousand cells, so their rows stay plain values (``Cells``)
until ``batch_body`` writes them straight to JSON bytes: no ``CellData`` dict per cell, and no
second pass of a general encoder over them. ``Cells.data`` is the same rows as the dicts Google
documents; the tests hold the two to the same meaning.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import date
from io import BytesIO
from json.encoder import encode_basestring_ascii
from typing import Any

from adapters.workbook_plan import Plain, TabPlan
from guide.ports import WorkbookError, WriteTooLarge
from guide.workbook import CellValue, Changes

NEW_SHEET_ROWS, NEW_SHEET_COLUMNS = 1000, 26  # Google's default grid for a new tab
_COMPACT = (",", ":")


@dataclass
class SheetSize:
    sheet_id: int
    columns: int  # the grid's column count: a cell beyond it is an error, so we grow it first


class Cells:
    """The rows of one ``updateCells`` or ``appendCells``, as plain values until encoded."""

    __slots__ = ("rows",)

    def __init__(self, rows: list[list[Plain]]) -> None:
        self.rows = rows

    def data(self) -> list[dict[str, Any]]:
        """The rows as ``RowData`` dicts."""
        return [{"values": [_cell(v) for v in row]} for row in self.rows]

    def write(self, out: BytesIO, max_bytes: int | None = None) -> None:
        """``data()`` as compact JSON, a row at a time, until the body passes ``max_bytes``."""
        comma = b""
        out.write(b"[")
        for row in self.rows:
            _check_size(out, max_bytes)
            out.write(comma)
            out.write(('{"values":[' + ",".join(map(_cell_json, row)) + "]}").encode("ascii"))
            comma = b","
        out.write(b"]")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Cells) and self.rows == other.rows

    def __repr__(self) -> str:
        return f"Cells({self.rows!r})"


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


_STRING, _NUMBER, _END = (
    '{"userEnteredValue":{"stringValue":',
    '{"userEnteredValue":{"numberValue":',
    "}}",
)


def _cell_json(value: Plain) -> str:
    """``_cell(value)`` as JSON text, as ``json.dumps`` writes it (ASCII, compact)."""
    kind = type(value)
    if kind is str:
        return _STRING + encode_basestring_ascii(value) + _END if value else "{}"  # type: ignore[arg-type]
    if value is None:
        return "{}"
    if kind is int:
        return _NUMBER + int.__repr__(value) + _END
    if kind is float and math.isfinite(value):  # type: ignore[arg-type]
        return _NUMBER + float.__repr__(value) + _END
    # bool, a subclass of a plain type, or a float that cannot be written (raises).
    return json.dumps(_cell(value), separators=_COMPACT)


def batch_body(requests: list[dict[str, Any]], max_bytes: int | None = None) -> bytes:
    """The ``batchUpdate`` request body for ``requests`` (from ``batch_requests``), as bytes.

    ``WriteTooLarge`` as soon as it passes ``max_bytes``: a body Google refuses is not finished.
    """
    # Written a row at a time into one buffer, whose bytes getvalue() hands over uncopied: the
    # body is never held as text and as bytes, or as parts and as their join, at once.
    out = BytesIO()
    out.write(b'{"requests":[')
    for i, request in enumerate(requests):
        _check_size(out, max_bytes)
        if i:
            out.write(b",")
        ((kind, args),) = request.items()
        rows = args.get("rows")
        if not isinstance(rows, Cells):
            out.write(json.dumps(request, separators=_COMPACT).encode("ascii"))
            continue
        # "rows" is the first key (batch_requests puts it there), so the rest follow it.
        rest = json.dumps({k: v for k, v in args.items() if k != "rows"}, separators=_COMPACT)
        out.write(('{"' + kind + '":{"rows":').encode("ascii"))
        rows.write(out, max_bytes)
        out.write(("," + rest[1:] + "}").encode("ascii"))
    out.write(b"]}")
    _check_size(out, max_bytes)
    return out.getvalue()


def _check_size(out: BytesIO, max_bytes: int | None) -> None:
    if max_bytes is not None and out.tell() > max_bytes:
        raise too_large(max_bytes)


def too_large(max_bytes: int) -> WriteTooLarge:
    return WriteTooLarge(
        f"the write is over {max_bytes:,} bytes, the most Google Sheets takes in one request; "
        "nothing was sent"
    )


_WRAP = len(_STRING) + len(_END)  # what a typed value adds around its JSON; as long for numbers
_ROW = len('{"values":[]}')


def least_body_bytes(changes: Changes) -> int:
    """A floor under the body ``batch_body`` writes for ``changes``: each cell at least its text,
    its escapes and the bytes that wrap a typed value, each appended row its brackets and commas.
    One pass over the values, cheap beside planning and writing a body, so most writes Google
    would refuse are found before either."""
    edits = {(e.tab, e.row, e.column): e.value for e in changes.edits}  # the last edit wins
    total = sum(_least_bytes(v) for v in edits.values() if v is not None and v != "")
    for append in changes.appends:
        cells = [v for v in append.values.values() if v is not None and v != ""]
        if cells:  # an empty row is not sent
            total += _ROW + len(cells) - 1 + sum(map(_least_bytes, cells))
    return total


def _least_bytes(value: CellValue) -> int:
    if isinstance(value, str):  # quoted, with a backslash before each quote and backslash
        return _WRAP + 2 + len(value) + value.count('"') + value.count("\\")
    if isinstance(value, date):
        return _WRAP + 2 + len(value.isoformat())
    return _WRAP + 1  # a number (or true, false) has at least one character


def plain_requests(requests: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``requests`` with every ``Cells`` as the ``RowData`` dicts it stands for."""
    out = []
    for request in requests:
        ((kind, args),) = request.items()
        rows = args.get("rows")
        if isinstance(rows, Cells):
            request = {kind: {**args, "rows": rows.data()}}
        out.append(request)
    return out


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
            names: list[Plain] = [name for _, name in plan.new_headers]
            out.append(_update(ids[plan.tab], 0, first, [names]))
    for plan in plans:
        for row, column, values in edit_blocks(plan.edits):
            out.append(_update(ids[plan.tab], row - 1, column, values))
    for plan in plans:
        if plan.appends:
            rows = [[cells.get(i) for i in range(max(cells) + 1)] for cells in plan.appends]
            out.append(
                {
                    "appendCells": {
                        "rows": Cells(rows),  # first: batch_body writes it first
                        "sheetId": ids[plan.tab],
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
    sheet_id: int, row_index: int, column_index: int, rows: list[list[Plain]]
) -> dict[str, Any]:
    start = {"sheetId": sheet_id, "rowIndex": row_index, "columnIndex": column_index}
    return {"updateCells": {"rows": Cells(rows), "fields": "userEnteredValue", "start": start}}


def edit_blocks(
    edits: dict[tuple[int, int], Plain],
) -> list[tuple[int, int, list[list[Plain]]]]:
    """Edits as (first row, first column, rows of values): side-by-side cells of a row are one
    run, and runs of the same columns on adjacent rows one block, each block one updateCells.
    Fewer requests make a smaller body for the same cells (Google advises under ~2 MB)."""
    runs: list[tuple[int, int, list[Plain]]] = []
    for (row, column), value in sorted(edits.items()):
        if runs and runs[-1][0] == row and runs[-1][1] + len(runs[-1][2]) == column:
            runs[-1][2].append(value)
        else:
            runs.append((row, column, [value]))
    blocks: list[tuple[int, int, list[list[Plain]]]] = []
    for row, column, values in runs:
        if blocks:
            top, left, above = blocks[-1]
            if top + len(above) == row and left == column and len(above[0]) == len(values):
                above.append(values)
                continue
        blocks.append((row, column, [values]))
    return blocks


def _runs(rows_descending: list[int]) -> list[tuple[int, int]]:
    """[9, 8, 7, 4] -> [(7, 9), (4, 4)]: one deleteDimension per block of adjacent rows."""
    runs: list[tuple[int, int]] = []
    for row in rows_descending:
        if runs and runs[-1][0] == row + 1:
            runs[-1] = (row, runs[-1][1])
        else:
            runs.append((row, row))
    return runs
