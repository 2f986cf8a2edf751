"""The fake Sheets server's storage and its ``spreadsheets.batchUpdate`` requests.

A batch runs on copies of the sheets it touches and is swapped in only if every request succeeded:
Google's all-or-nothing. Grid limits are enforced as Google does, so an adapter that writes past
the last column without growing the grid fails here as it would in production.

Longer than most modules on purpose: it models each batchUpdate request kind the adapter sends.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any

from fakes.sheets_cells import (
    BadRequest,
    cell_json,
    check_fields,
    put,
    put_row,
    trim,
    value_of,
)

__all__ = ["BadRequest", "Sheet", "apply_requests", "cell_json", "collector_paused", "trim"]


@dataclass
class Sheet:
    sheet_id: int
    title: str
    index: int
    rows: list[list[Any]]  # JSON natives; "" is an empty cell; trailing empties trimmed
    row_count: int
    column_count: int
    filter_views: list[dict[str, Any]] = field(default_factory=list)
    frozen_rows: int = 0
    # Formatting, as the batchUpdate requests set it (see fakes.sheets_format): data validation
    # rules by their GridRange (as JSON), protected ranges, and developer metadata.
    validations: dict[str, dict[str, Any]] = field(default_factory=dict)
    protected: list[dict[str, Any]] = field(default_factory=list)
    metadata: list[dict[str, Any]] = field(default_factory=list)

    def properties(self) -> dict[str, Any]:
        grid = {"rowCount": self.row_count, "columnCount": self.column_count}
        if self.frozen_rows:
            grid["frozenRowCount"] = self.frozen_rows  # Google leaves a zero out
        return {
            "sheetId": self.sheet_id,
            "title": self.title,
            "index": self.index,
            "sheetType": "GRID",
            "gridProperties": grid,
        }

    def copy(self) -> Sheet:
        """A copy a batch may change, leaving this one as it was."""
        return replace(
            self,
            rows=list(self.rows),
            validations=dict(self.validations),
            protected=list(self.protected),
            metadata=[dict(m) for m in self.metadata],
        )


def apply_requests(sheets: list[Sheet], body: Any) -> tuple[list[Sheet], list[dict[str, Any]]]:
    """Run every request of a batchUpdate body; return the new sheet list and the replies.
    Raises ``BadRequest`` (and changes nothing) if any request is bad."""
    requests = body.get("requests") if isinstance(body, dict) else None
    if not isinstance(requests, list) or not requests:
        raise BadRequest("Must specify at least one request.")
    batch = _Batch(sheets)
    replies = [batch.apply(i, request) for i, request in enumerate(requests)]
    batch.trim_copies()
    return batch.sheets, replies


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused while a body is parsed and applied: each of the
    100,000s of containers a big body makes would otherwise count towards collections that walk
    every cell the fake holds (millions, with the bench's workbooks), which took longer than the
    work itself. A request makes no reference cycles. Left enabled if it was (another thread's
    request may have paused it meanwhile)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class _Batch:
    """One batchUpdate in progress: copies of the sheets it changed, swapped in at the end."""

    def __init__(self, sheets: list[Sheet]) -> None:
        self.sheets = list(sheets)
        self._copied: set[int] = set()
        # Imported here: that module's requests take a _Batch, and it imports BadRequest from here.
        from fakes.sheets_format import (
            add_protected_range,
            create_metadata,
            set_data_validation,
            update_metadata,
        )

        self._kinds: dict[str, Callable[[dict[str, Any], str], dict[str, Any]]] = {
            "addSheet": self._add_sheet,
            "updateCells": self._update_cells,
            "appendCells": self._append_cells,
            "deleteDimension": self._delete_dimension,
            "appendDimension": self._append_dimension,
            "updateSheetProperties": self._update_sheet_properties,
            "addFilterView": self._add_filter_view,
            "setDataValidation": lambda args, where: set_data_validation(self, args, where),
            "addProtectedRange": lambda args, where: add_protected_range(self, args, where),
            "createDeveloperMetadata": lambda args, where: create_metadata(self, args, where),
            "updateDeveloperMetadata": lambda args, where: update_metadata(self, args, where),
        }

    def apply(self, i: int, request: Any) -> dict[str, Any]:
        if not isinstance(request, dict) or len(request) != 1:
            raise BadRequest(f"Invalid requests[{i}]: a request must set exactly one kind")
        ((kind, args),) = request.items()
        if kind not in self._kinds:
            raise BadRequest(f"Invalid requests[{i}]: the fake does not support {kind!r}")
        return self._kinds[kind](args if isinstance(args, dict) else {}, f"requests[{i}].{kind}")

    def trim_copies(self) -> None:
        for sheet in self.sheets:
            if sheet.sheet_id in self._copied:
                trim(sheet.rows)

    def sheet(self, sheet_id: Any, where: str) -> Sheet:
        """The sheet to change, copied on first touch so a failed batch leaves the original."""
        for i, sheet in enumerate(self.sheets):
            if sheet.sheet_id == sheet_id:
                if sheet_id not in self._copied:
                    sheet = sheet.copy()
                    self.sheets[i] = sheet
                    self._copied.add(sheet_id)
                return sheet
        raise BadRequest(f"Invalid {where}: No grid with id: {sheet_id}")

    def _add_sheet(self, args: dict[str, Any], where: str) -> dict[str, Any]:
        props = args.get("properties") or {}
        title = props.get("title") or f"Sheet{len(self.sheets) + 1}"
        if any(s.title.casefold() == str(title).casefold() for s in self.sheets):
            raise BadRequest(
                f'Invalid {where}: A sheet with the name "{title}" already exists. '
                "Please enter another name."
            )
        sheet_id = props.get("sheetId")
        if sheet_id is None:
            sheet_id = max((s.sheet_id for s in self.sheets), default=-1) + 1
        elif not isinstance(sheet_id, int) or sheet_id < 0:
            raise BadRequest(f"Invalid {where}: sheetId must be a non-negative integer")
        elif any(s.sheet_id == sheet_id for s in self.sheets):
            raise BadRequest(f"Invalid {where}: Sheet with id {sheet_id} already exists.")
        grid = props.get("gridProperties") or {}
        sheet = Sheet(
            sheet_id,
            str(title),
            len(self.sheets),
            [],
            int(grid.get("rowCount", 1000)),
            int(grid.get("columnCount", 26)),
        )
        self.sheets.append(sheet)
        self._copied.add(sheet_id)
        return {"addSheet": {"properties": sheet.properties()}}

    def _add_filter_view(self, args: dict[str, Any], where: str) -> dict[str, Any]:
        view = dict(args.get("filter") or {})
        grid = view.get("range") or {}
        sheet = self.sheet(grid.get("sheetId", 0), where)
        if not view.get("title"):
            raise BadRequest(f"Invalid {where}: the fake wants a title for a filter view")
        view["filterViewId"] = 1 + sum(len(s.filter_views) for s in self.sheets)
        sheet.filter_views = [*sheet.filter_views, view]
        return {"addFilterView": {"filter": view}}

    def _update_sheet_properties(self, args: dict[str, Any], where: str) -> dict[str, Any]:
        props = args.get("properties") or {}
        sheet = self.sheet(props.get("sheetId", 0), where)
        if args.get("fields") == "gridProperties.frozenRowCount":
            frozen = (props.get("gridProperties") or {}).get("frozenRowCount", 0)
            if not isinstance(frozen, int) or not 0 <= frozen < sheet.row_count:
                raise BadRequest(f"Invalid {where}: frozenRowCount {frozen!r} is off the grid")
            sheet.frozen_rows = frozen
            return {}
        if args.get("fields") != "title" or not props.get("title"):
            raise BadRequest(f"Invalid {where}: the fake updates the title or frozen rows only")
        title = str(props["title"])
        if any(s.title.casefold() == title.casefold() and s is not sheet for s in self.sheets):
            raise BadRequest(
                f'Invalid {where}: A sheet with the name "{title}" already exists. '
                "Please enter another name."
            )
        sheet.title = title
        return {}

    def _update_cells(self, args: dict[str, Any], where: str) -> dict[str, Any]:
        check_fields(args, where)
        if ("start" in args) == ("range" in args):
            raise BadRequest(f"Invalid {where}: set exactly one of start and range")
        if "start" in args:
            start = args["start"]
            sheet = self.sheet(start.get("sheetId", 0), where)
            r0, c0 = start.get("rowIndex", 0), start.get("columnIndex", 0)
            for i, row_data in enumerate(args.get("rows") or []):
                cells = [value_of(cell, where) for cell in row_data.get("values") or []]
                put_row(sheet, r0 + i, c0, cells, where)
            return {}
        grid = args["range"]
        sheet = self.sheet(grid.get("sheetId", 0), where)
        r0, c0 = grid.get("startRowIndex", 0), grid.get("startColumnIndex", 0)
        r1, c1 = grid.get("endRowIndex"), grid.get("endColumnIndex")
        covered: set[tuple[int, int]] = set()
        for i, row_data in enumerate(args.get("rows") or []):
            for j, cell in enumerate(row_data.get("values") or []):
                r, c = r0 + i, c0 + j
                if (r1 is not None and r >= r1) or (c1 is not None and c >= c1):
                    raise BadRequest(f"Invalid {where}: the rows do not fit in the range")
                put(sheet, r, c, value_of(cell, where), where)
                covered.add((r, c))
        # Google clears the cells of the range that the rows do not cover.
        for r in range(r0, min(r1 if r1 is not None else sheet.row_count, len(sheet.rows))):
            last = len(sheet.rows[r])
            for c in range(c0, min(c1 if c1 is not None else last, last)):
                if (r, c) not in covered:
                    put(sheet, r, c, "", where)
        return {}

    def _append_cells(self, args: dict[str, Any], where: str) -> dict[str, Any]:
        check_fields(args, where)
        sheet = self.sheet(args.get("sheetId", 0), where)
        trim(sheet.rows)
        start = len(sheet.rows)  # after the last row with data, like Google
        new_rows = args.get("rows") or []
        sheet.row_count = max(sheet.row_count, start + len(new_rows))  # rows grow; columns do not
        for i, row_data in enumerate(new_rows):
            cells = [value_of(cell, where) for cell in row_data.get("values") or []]
            put_row(sheet, start + i, 0, cells, where)
        return {}

    def _delete_dimension(self, args: dict[str, Any], where: str) -> dict[str, Any]:
        span = args.get("range") or {}
        sheet = self.sheet(span.get("sheetId", 0), where)
        if span.get("dimension") != "ROWS":
            raise BadRequest(f"Invalid {where}: the fake deletes ROWS only")
        start, end = span.get("startIndex", 0), span.get("endIndex", sheet.row_count)
        if not 0 <= start < end <= sheet.row_count:
            raise BadRequest(f"Invalid {where}: [{start}, {end}) is outside the grid")
        if end - start >= sheet.row_count:
            raise BadRequest(f"Invalid {where}: You can't delete all the rows on the sheet.")
        del sheet.rows[start:end]
        sheet.row_count -= end - start
        return {}

    def _append_dimension(self, args: dict[str, Any], where: str) -> dict[str, Any]:
        sheet = self.sheet(args.get("sheetId", 0), where)
        length = args.get("length")
        if not isinstance(length, int) or length <= 0:
            raise BadRequest(f"Invalid {where}: length must be a positive integer")
        if args.get("dimension") == "ROWS":
            sheet.row_count += length
        elif args.get("dimension") == "COLUMNS":
            sheet.column_count += length
        else:
            raise BadRequest(f"Invalid {where}: dimension must be ROWS or COLUMNS")
        return {}
