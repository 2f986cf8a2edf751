"""The workbook port on a Google Sheet, through gspread's low-level HTTP client.

One read is one ``values:batchGet`` (plus one metadata fetch per instance); one commit is one
``spreadsheets:batchUpdate``, which Google applies all or nothing. Values are written as typed
``CellData`` (``stringValue`` and friends), which is RAW: a note starting with ``=`` stays text.

Longer than most modules on purpose: the whole Sheets port (read, commit, tab creation) on
one client, so the request budget (one read, one write) is visible in one file.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

import requests
from google.auth.transport.requests import AuthorizedSession
from google.oauth2.service_account import Credentials
from gspread.exceptions import APIError
from gspread.http_client import HTTPClient

from adapters import gsheets_format
from adapters.http_retry import mount_retry, sheets_retry
from adapters.workbook_plan import (
    Plain,
    TabPlan,
    check_fence,
    missing_columns_plan,
    new_tab_plan,
    plan_changes,
)
from guide.ports import WorkbookError
from guide.workbook import Changes, Snapshot, Table
from sheets.schema import TabFormat

if TYPE_CHECKING:
    from guide.triage import TriageView

SCOPES = ("https://www.googleapis.com/auth/spreadsheets",)
DEFAULT_TIMEOUT = (5.0, 30.0)  # (connect, read) seconds: a Lambda must not hang on a socket
_METADATA_FIELDS = "sheets.properties(sheetId,title,gridProperties(rowCount,columnCount))"
_FILTER_VIEW_FIELDS = "sheets(properties(sheetId,title),filterViews(title))"
_READ_PARAMS = {"valueRenderOption": "UNFORMATTED_VALUE", "dateTimeRenderOption": "SERIAL_NUMBER"}
# Fencing costs one more read (the header and key columns of the tabs a commit edits or deletes
# rows in), so it is made only when the unit of work held its snapshot this long: under it, the
# lease check already shuts out every other writer of the guide, and a person would have to
# insert or sort rows in the same few seconds. An action commits well inside it (one read, one
# write); a tick that mailed and flagged for minutes does not, and checks.
VERIFY_ROWS_AFTER_SECONDS = 5.0
# What Google gives a sheet made in its own UI; a tab we add gets at least this.
_NEW_SHEET_ROWS, _NEW_SHEET_COLUMNS = 1000, 26

T = TypeVar("T")


@dataclass
class _Sheet:
    sheet_id: int
    columns: int  # the grid's column count: a cell beyond it is an error, so we grow it first


def a1_tab(name: str) -> str:
    """The A1 range for a whole tab; quoting makes any tab name safe (quotes doubled)."""
    return "'" + name.replace("'", "''") + "'"


class GoogleSheetsWorkbook:
    """``guide.ports.Workbook`` on one spreadsheet. Inject an ``HTTPClient`` built over any
    ``requests.Session`` (tests use one pointed at the fake Sheets server)."""

    def __init__(
        self,
        spreadsheet_id: str,
        http: HTTPClient,
        *,
        timeout: tuple[float, float] = DEFAULT_TIMEOUT,
        verify_rows_after: float = VERIFY_ROWS_AFTER_SECONDS,
    ) -> None:
        self.spreadsheet_id = spreadsheet_id
        self._verify_rows_after = verify_rows_after
        self._http = http
        self._http.set_timeout(timeout)
        self._sheets: dict[str, _Sheet] | None = None

    @classmethod
    def from_service_account_info(
        cls,
        info: Mapping[str, Any],
        spreadsheet_id: str,
        *,
        timeout: tuple[float, float] = DEFAULT_TIMEOUT,
        attempts: int = 5,
        backoff_factor: float = 0.5,
        backoff_max: float = 8.0,
    ) -> GoogleSheetsWorkbook:
        """Build from a service account's JSON key (as a dict), with the bounded retry mounted."""
        credentials = Credentials.from_service_account_info(dict(info), scopes=SCOPES)
        session = AuthorizedSession(credentials)
        retry = sheets_retry(
            attempts=attempts, backoff_factor=backoff_factor, backoff_max=backoff_max
        )
        mount_retry(session, retry)
        return cls(spreadsheet_id, HTTPClient(auth=credentials, session=session), timeout=timeout)

    # -- the port ---------------------------------------------------------------------------

    def read(self, tabs: Sequence[str], header_only: Sequence[str] = ()) -> Snapshot:
        headers = set(header_only)
        names = list(dict.fromkeys([*tabs, *header_only]))
        sheets = self._metadata()
        present = [t for t in names if t in sheets]
        tables = {t: Table(t, [], [], exists=False) for t in names if t not in sheets}
        if present:
            # A range naming a missing tab fails the whole batchGet, so only existing tabs go in.
            ranges = [a1_tab(t) + ("!1:1" if t in headers else "") for t in present]
            body = self._call(
                "read",
                lambda: self._http.values_batch_get(
                    self.spreadsheet_id, ranges, params=dict(_READ_PARAMS)
                ),
            )
            value_ranges = body.get("valueRanges", [])
            if len(value_ranges) != len(present):
                raise WorkbookError(
                    f"read: asked for {len(present)} ranges, got {len(value_ranges)}"
                )
            for tab, value_range in zip(present, value_ranges, strict=True):
                tables[tab] = _table(tab, value_range.get("values", []))
        return Snapshot({t: tables[t] for t in names})

    def commit(self, snapshot: Snapshot, changes: Changes) -> None:
        if not changes:
            return
        plans = plan_changes(snapshot, changes)
        sheets = self._metadata()
        ids = self._sheet_ids(plans, sheets)
        if time.monotonic() - snapshot.taken_at >= self._verify_rows_after:
            self._check_fences(plans)
        body = {"requests": _requests(plans, ids, sheets)}
        self._call(
            "commit",
            lambda: self._http.batch_update(self.spreadsheet_id, body),
            ambiguous=True,
        )
        for plan in plans:
            # Keep the cached grid in step, so the next commit does not grow it again.
            known = sheets.get(plan.tab)
            if known is None:
                sheets[plan.tab] = _Sheet(ids[plan.tab], max(_NEW_SHEET_COLUMNS, plan.width))
            else:
                known.columns = max(known.columns, plan.width)

    def ensure_tabs(self, tabs: Sequence[str]) -> list[str]:
        self._sheets = None  # setup must see the sheet as it is now, not as cached
        sheets = self._metadata()
        names = list(dict.fromkeys(tabs))
        missing = [t for t in names if t not in sheets]
        # Setup is rare: reading the tabs whole finds a column a person filled without a header,
        # so a schema column added to an existing tab lands after it, not on it.
        snapshot = self.read([t for t in names if t in sheets])
        plans = [p for t in snapshot.tables.values() if (p := missing_columns_plan(t))]
        plans += [new_tab_plan(t) for t in missing]
        if not plans:
            return []
        ids = self._sheet_ids(plans, sheets)
        body = {"requests": _requests(plans, ids, sheets)}
        self._call("create tabs", lambda: self._http.batch_update(self.spreadsheet_id, body))
        for plan in plans:
            known = sheets.get(plan.tab)
            if known is None:
                sheets[plan.tab] = _Sheet(ids[plan.tab], max(_NEW_SHEET_COLUMNS, plan.width))
            else:
                known.columns = max(known.columns, plan.width)
        return missing

    def ensure_filter_views(self, tab: str, views: Sequence[TriageView]) -> list[str]:
        """Add each of ``views`` that ``tab`` has no filter view of that title for yet (the
        setup command; safe to run again); return the titles added. One metadata request, one
        header read and one ``batchUpdate`` of ``addFilterView`` requests."""
        meta = self._call(
            "read filter views",
            lambda: self._http.fetch_sheet_metadata(
                self.spreadsheet_id, params={"fields": _FILTER_VIEW_FIELDS}
            ),
        )
        sheet = next(
            (s for s in meta.get("sheets", []) if s.get("properties", {}).get("title") == tab),
            None,
        )
        if sheet is None:
            raise WorkbookError(f"{tab}: no such tab to add its filter views to")
        have = {v.get("title") for v in sheet.get("filterViews", [])}
        missing = [v for v in views if v.title not in have]
        if not missing:
            return []
        table = self.read([], header_only=[tab])[tab]
        positions = table.positions()
        sheet_id = int(sheet["properties"].get("sheetId", 0))
        width = max(len(table.header), 1)
        requests = [
            {"addFilterView": {"filter": _filter_view(v, sheet_id, width, positions[v.column])}}
            for v in missing
            if v.column in positions
        ]
        if requests:
            body = {"requests": requests}
            self._call(
                "add filter views", lambda: self._http.batch_update(self.spreadsheet_id, body)
            )
        return [v.title for v in missing if v.column in positions]

    def format_tabs(self, layout: Sequence[TabFormat]) -> int:
        """Two reads (the formatting metadata, the headers) and at most one batchUpdate, made
        only for what is missing (see ``adapters.gsheets_format``)."""
        meta = self._call(
            "read formatting",
            lambda: self._http.fetch_sheet_metadata(
                self.spreadsheet_id, params={"fields": gsheets_format.FIELDS}
            ),
        )
        titles = {s["properties"]["title"] for s in meta.get("sheets", [])}
        tabs = [f.tab for f in layout if (f.checkboxes or f.dropdowns) and f.tab in titles]
        snapshot = self.read(tabs, header_only=tabs) if tabs else Snapshot({})
        headers = {t: table.header for t, table in snapshot.tables.items()}
        requests, changes = gsheets_format.format_requests(layout, meta, headers)
        if requests:
            body = {"requests": requests}
            self._call("format tabs", lambda: self._http.batch_update(self.spreadsheet_id, body))
        return changes

    # -- helpers ----------------------------------------------------------------------------

    def _metadata(self) -> dict[str, _Sheet]:
        """Tab title -> sheet id and width, fetched once per instance (one request)."""
        if self._sheets is None:
            meta = self._call(
                "read sheet list",
                lambda: self._http.fetch_sheet_metadata(
                    self.spreadsheet_id, params={"fields": _METADATA_FIELDS}
                ),
            )
            sheets: dict[str, _Sheet] = {}
            for sheet in meta.get("sheets", []):
                props = sheet.get("properties", {})
                grid = props.get("gridProperties", {})
                sheets[props["title"]] = _Sheet(
                    int(props.get("sheetId", 0)), int(grid.get("columnCount", 0))
                )
            self._sheets = sheets
        return self._sheets

    def _sheet_ids(self, plans: list[TabPlan], sheets: dict[str, _Sheet]) -> dict[str, int]:
        ids: dict[str, int] = {}
        next_id = max((s.sheet_id for s in sheets.values()), default=0) + 1
        for plan in plans:
            if plan.create:
                if plan.tab in sheets:
                    raise WorkbookError(f"{plan.tab}: the tab appeared after the snapshot; re-read")
                # Choosing the id ourselves lets the same batchUpdate fill the new tab.
                ids[plan.tab], next_id = next_id, next_id + 1
            elif plan.tab in sheets:
                ids[plan.tab] = sheets[plan.tab].sheet_id
            else:
                self._sheets = None
                raise WorkbookError(f"{plan.tab}: the tab is gone from the spreadsheet; re-read")
        return ids

    def _check_fences(self, plans: list[TabPlan]) -> None:
        """One keys-only read: the header and the key columns down to the last addressed row
        of each tab the commit edits or deletes rows in; ``RowsMoved`` if any moved."""
        fenced = [p for p in plans if p.fence_header]
        if not fenced:
            return
        ranges, spans = [], []
        for plan in fenced:
            ranges.append(a1_tab(plan.tab) + "!1:1")
            columns = sorted({c for cells in plan.fence.values() for c in cells})
            span = (columns[0], columns[-1]) if columns else None
            spans.append(span)
            if span is not None:
                first, last = _letters(span[0]), _letters(span[1])
                ranges.append(f"{a1_tab(plan.tab)}!{first}1:{last}{max(plan.fence)}")
        body = self._call(
            "check rows",
            lambda: self._http.values_batch_get(
                self.spreadsheet_id, ranges, params=dict(_READ_PARAMS)
            ),
        )
        found: Iterator[dict[str, Any]] = iter(body.get("valueRanges", []))
        nothing: dict[str, Any] = {}
        for plan, span in zip(fenced, spans, strict=True):
            header = next(found, nothing).get("values", [[]])
            block = next(found, nothing).get("values", []) if span is not None else []
            check_fence(plan, header[0] if header else [], _block_cell(block, span))

    def _call(self, what: str, call: Callable[[], T], *, ambiguous: bool = False) -> T:
        """``call``, with its failure as a ``WorkbookError``. For a write (``ambiguous``) the
        error says whether it may have been applied: Google answered 5xx (it may have applied
        the batch before failing), or never answered (it may still apply it)."""
        try:
            return call()
        except APIError as error:
            # The tab list may be what is wrong (a tab renamed or deleted): refetch it next time.
            self._sheets = None
            status = error.error.get("status", "")
            message = error.error.get("message", "")
            raise WorkbookError(
                f"Google Sheets {what} failed: {error.code} {status}: {message}",
                ambiguous=ambiguous and error.code >= 500,
            ) from error
        except requests.RequestException as error:
            self._sheets = None
            # A connect timeout never reached Google; a read timeout or a dropped connection
            # may have, after the request was sent.
            sent = isinstance(error, requests.ReadTimeout | requests.ConnectionError)
            sent = sent and not isinstance(error, requests.ConnectTimeout)
            raise WorkbookError(
                f"Google Sheets {what} failed: {error}", may_still_land=ambiguous and sent
            ) from error


def _filter_view(view: TriageView, sheet_id: int, width: int, column: int) -> dict[str, Any]:
    """A filter view over the whole tab: rows whose ``column`` is more than the threshold,
    the largest first."""
    return {
        "title": view.title,
        "range": {"sheetId": sheet_id, "startRowIndex": 0, "startColumnIndex": 0,
                  "endColumnIndex": width},
        "filterSpecs": [
            {
                "columnIndex": column,
                "filterCriteria": {
                    "condition": {
                        "type": "NUMBER_GREATER",
                        "values": [{"userEnteredValue": str(view.more_than)}],
                    }
                },
            }
        ],
        "sortSpecs": [{"dimensionIndex": column, "sortOrder": "DESCENDING"}],
    }  # fmt: skip


def _letters(column: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    column += 1
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _block_cell(
    block: list[list[Any]], span: tuple[int, int] | None
) -> Callable[[int, int], object]:
    """A cell of a range read from row 1 and column ``span[0]`` (Google trims empty cells)."""
    first = span[0] if span is not None else 0

    def cell(row: int, column: int) -> object:
        values = block[row - 1] if row - 1 < len(block) else []
        i = column - first
        return values[i] if 0 <= i < len(values) else None

    return cell


def _table(tab: str, values: list[list[Any]]) -> Table:
    if not values:
        return Table(tab, [], [])
    header = ["" if v is None else str(v) for v in values[0]]
    # Google sends empty cells inside a row as ""; the local workbook has None. Make them agree.
    rows = [[None if v == "" else v for v in row] for row in values[1:]]
    return Table(tab, header, rows)


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


def _requests(
    plans: list[TabPlan], ids: dict[str, int], sheets: dict[str, _Sheet]
) -> list[dict[str, Any]]:
    """The batchUpdate requests, in an order where each one's row numbers are still right:
    new tabs and columns, headers, edits, appends, then deletes from the bottom up."""
    out: list[dict[str, Any]] = []
    for plan in plans:
        sheet_id = ids[plan.tab]
        if plan.create:
            grid = {
                "rowCount": _NEW_SHEET_ROWS,
                "columnCount": max(_NEW_SHEET_COLUMNS, plan.width),
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
