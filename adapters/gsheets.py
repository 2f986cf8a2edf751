"""The workbook port on a Google Sheet, through gspread's low-level HTTP client.

One read is one ``values:batchGet`` (plus one metadata fetch per instance); one commit is one
``spreadsheets:batchUpdate``, which Google applies all or nothing, or ``WriteTooLarge`` with
nothing sent when its body would pass Google's 10 MiB. Values are written as typed
``CellData`` (``stringValue`` and friends), which is RAW: a note starting with ``=`` stays text.

The requests a commit sends are built in ``adapters.gsheets_commit``. Setup's calls (tabs,
formats, filter views) are in ``adapters.gsheets_setup``, on this class's client, error
translation (``_call``) and cached sheet list.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

import requests
from google.auth.transport.requests import AuthorizedSession
from google.oauth2.service_account import Credentials
from gspread.exceptions import APIError
from gspread.http_client import HTTPClient
from gspread.urls import SPREADSHEET_BATCH_UPDATE_URL

from adapters import gsheets_commit, gsheets_setup
from adapters.gsheets_commit import NEW_SHEET_COLUMNS, SheetSize, batch_body, batch_requests
from adapters.http_retry import mount_retry, sheets_retry
from adapters.workbook_plan import TabPlan, check_fence, plan_changes
from guide.ports import WorkbookError
from guide.workbook import Changes, Snapshot, Table
from sheets.formats import TabFormat

if TYPE_CHECKING:
    from guide.triage_views import TriageView

SCOPES = ("https://www.googleapis.com/auth/spreadsheets",)
DEFAULT_TIMEOUT = (5.0, 30.0)  # (connect, read) seconds: a Lambda must not hang on a socket
_METADATA_FIELDS = "sheets.properties(sheetId,title,gridProperties(rowCount,columnCount))"
_READ_PARAMS = {"valueRenderOption": "UNFORMATTED_VALUE", "dateTimeRenderOption": "SERIAL_NUMBER"}
# Fencing costs one more read (the header and key columns of the tabs a commit edits or deletes
# rows in), so it is made only when the unit of work held its snapshot this long: under it, the
# lease check already shuts out every other writer of the guide, and a person would have to
# insert or sort rows in the same few seconds. An action commits well inside it (one read, one
# write); a tick that mailed and flagged for minutes does not, and checks.
VERIFY_ROWS_AFTER_SECONDS = 5.0
# Google answers a bigger request body with 400 "Request payload size exceeds the limit".
GOOGLE_MAX_BODY_BYTES = 10 * 1024 * 1024

T = TypeVar("T")


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
        max_body_bytes: int = GOOGLE_MAX_BODY_BYTES,
    ) -> None:
        self.spreadsheet_id = spreadsheet_id
        self._verify_rows_after = verify_rows_after
        self._max_body_bytes = max_body_bytes
        self._http = http
        self._http.set_timeout(timeout)
        self._sheets: dict[str, SheetSize] | None = None

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
        if gsheets_commit.least_body_bytes(changes) > self._max_body_bytes:
            raise gsheets_commit.too_large(self._max_body_bytes)
        plans = plan_changes(snapshot, changes)
        sheets = self._metadata()
        ids = self._sheet_ids(plans, sheets)
        # Built first: a body too big to send (WriteTooLarge) costs no fence read.
        body = batch_body(batch_requests(plans, ids, sheets), self._max_body_bytes)
        if time.monotonic() - snapshot.taken_at >= self._verify_rows_after:
            self._check_fences(plans)
        self._call("commit", lambda: self._batch_update(body), ambiguous=True)
        self._remember(plans, ids, sheets)

    # Setup's calls (adapters.gsheets_setup) share this client, ``_call`` and the sheet list.

    def ensure_tabs(self, tabs: Sequence[str]) -> list[str]:
        return gsheets_setup.ensure_tabs(self, tabs)

    def ensure_filter_views(self, tab: str, views: Sequence[TriageView]) -> list[str]:
        return gsheets_setup.ensure_filter_views(self, tab, views)

    def format_tabs(self, layout: Sequence[TabFormat]) -> int:
        return gsheets_setup.format_tabs(self, layout)

    # -- helpers ----------------------------------------------------------------------------

    def _metadata(self) -> dict[str, SheetSize]:
        """Tab title -> sheet id and width, fetched once per instance (one request)."""
        if self._sheets is None:
            meta = self._call(
                "read sheet list",
                lambda: self._http.fetch_sheet_metadata(
                    self.spreadsheet_id, params={"fields": _METADATA_FIELDS}
                ),
            )
            sheets: dict[str, SheetSize] = {}
            for sheet in meta.get("sheets", []):
                props = sheet.get("properties", {})
                grid = props.get("gridProperties", {})
                sheets[props["title"]] = SheetSize(
                    int(props.get("sheetId", 0)), int(grid.get("columnCount", 0))
                )
            self._sheets = sheets
        return self._sheets

    def _batch_update(self, body: bytes) -> Any:
        """``HTTPClient.batch_update`` with the body already JSON (``batch_body``): gspread's own
        request, session and retry, without a second encoding of a body of many MB."""
        response = self._http.request(
            "post",
            SPREADSHEET_BATCH_UPDATE_URL % self.spreadsheet_id,
            data=body,
            headers={"Content-Type": "application/json"},
        )
        return response.json()

    def _sheet_ids(self, plans: list[TabPlan], sheets: dict[str, SheetSize]) -> dict[str, int]:
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

    def _remember(
        self, plans: list[TabPlan], ids: dict[str, int], sheets: dict[str, SheetSize]
    ) -> None:
        """Keep the cached grid in step with a batch applied, so the next does not grow it again."""
        for plan in plans:
            known = sheets.get(plan.tab)
            if known is None:
                sheets[plan.tab] = SheetSize(ids[plan.tab], max(NEW_SHEET_COLUMNS, plan.width))
            else:
                known.columns = max(known.columns, plan.width)

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
    # Google sends empty cells inside a row as ""; the local workbook has None. Make them agree,
    # in the lists just parsed (a copy of a big tab would be held alongside them).
    rows = values[1:]
    for row in rows:
        if "" in row:
            row[:] = [None if v == "" else v for v in row]
    return Table(tab, header, rows)
