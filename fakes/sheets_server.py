"""A fake Google Sheets v4 API on loopback, speaking enough of the wire format for gspread.

In-memory spreadsheets; the three calls the workbook adapter makes (metadata, ``values:batchGet``,
``:batchUpdate``); Google's error shape; its all-or-nothing batchUpdate and grid limits; request
counters; and fault injection (status codes, Retry-After, latency) for retry and timeout tests.

The batchUpdate requests are in ``fakes.sheets_requests``, the wire format (errors, metadata, the
HTTP handler) in ``fakes.sheets_wire``, and the gspread client pointed at it in
``fakes.sheets_client``.
"""

from __future__ import annotations

import itertools
import json
import re
import threading
import time
from collections import Counter
from dataclasses import dataclass, replace
from http.server import ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from fakes.sheets_ranges import batch_get
from fakes.sheets_requests import (
    BadRequest,
    Sheet,
    apply_requests,
    cell_json,
    collector_paused,
    trim,
)
from fakes.sheets_wire import Handler as _Handler
from fakes.sheets_wire import Response, error_response, metadata, parse_json

_ROUTES = (
    ("GET", re.compile(r"^/v4/spreadsheets/([^/:]+)/values:batchGet$"), "batchGet"),
    ("POST", re.compile(r"^/v4/spreadsheets/([^/:]+):batchUpdate$"), "batchUpdate"),
    ("GET", re.compile(r"^/v4/spreadsheets/([^/:]+)$"), "metadata"),
)


@dataclass
class _Fault:
    status: int
    remaining: int | None  # None: until heal()
    retry_after: int | None
    endpoint: str | None
    after_applying: bool = False  # a batchUpdate applied in full, then answered with the error


class FakeSheetsServer:
    """Use as ``with FakeSheetsServer() as server:``; ``server.url`` is its base URL."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._books: dict[str, list[Sheet]] = {}
        self._faults: list[_Fault] = []
        self.counts: Counter[str] = Counter()
        # The batchUpdate requests received, by kind ("updateCells": 3).
        self.request_kinds: Counter[str] = Counter()
        self.payload_limit = 10 * 1024 * 1024  # Google's, for a batchUpdate body
        self.latency = 0.0
        self._httpd: ThreadingHTTPServer | None = None
        # Google's sheet ids are random and never reused; unique ids across the server make a
        # stale cached id fail loudly instead of pointing at some other tab.
        self._sheet_ids = itertools.count()

    # -- lifecycle -----------------------------------------------------------------------------

    def start(self) -> FakeSheetsServer:
        fake = self

        class Handler(_Handler):
            server_fake = fake

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def __enter__(self) -> FakeSheetsServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        assert self._httpd is not None, "start the server first"
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    # -- counters and faults -------------------------------------------------------------------

    @property
    def reads(self) -> int:
        return self.counts["metadata"] + self.counts["batchGet"]

    @property
    def writes(self) -> int:
        return self.counts["batchUpdate"]

    def reset_counts(self) -> None:
        with self._lock:
            self.counts.clear()
            self.request_kinds.clear()

    def fail_next(
        self,
        status: int,
        times: int = 1,
        *,
        retry_after: int | None = None,
        endpoint: str | None = None,
    ) -> None:
        """The next ``times`` requests (to ``endpoint``: metadata, batchGet, batchUpdate) fail,
        with a ``Retry-After: <seconds>`` header if ``retry_after`` is given."""
        with self._lock:
            self._faults.append(_Fault(status, times, retry_after, endpoint))

    def fail_after_applying(self, status: int = 500, times: int = 1) -> None:
        """The next ``times`` batchUpdates are applied in full and then answered ``status``:
        what Google does now and then, and why a 5xx write must never be resent blind."""
        with self._lock:
            self._faults.append(_Fault(status, times, None, "batchUpdate", after_applying=True))

    def fail_always(self, status: int, *, endpoint: str | None = None) -> None:
        with self._lock:
            self._faults.append(_Fault(status, None, None, endpoint))

    def heal(self) -> None:
        with self._lock:
            self._faults.clear()

    # -- seeding and inspection ----------------------------------------------------------------

    def create_spreadsheet(self, spreadsheet_id: str, tabs: dict[str, list[list[Any]]]) -> None:
        """Seed a spreadsheet: ``{tab: [header, row, ...]}``; None is an empty cell."""
        with self._lock:
            self._books[spreadsheet_id] = []
        for title, rows in tabs.items():
            self.add_tab(spreadsheet_id, title, rows)

    def add_tab(self, spreadsheet_id: str, title: str, rows: list[list[Any]]) -> None:
        """A tab made by a person in the Sheets UI."""
        stored = trim([trim([cell_json(v) for v in row]) for row in rows])
        width = max((len(r) for r in stored), default=0)
        with self._lock:
            sheets = self._books[spreadsheet_id]
            sheet_id = next(self._sheet_ids)
            sheet = Sheet(
                sheet_id, title, len(sheets), stored, max(1000, len(stored)), max(26, width)
            )
            self._books[spreadsheet_id] = [*sheets, sheet]

    def rename_tab(self, spreadsheet_id: str, title: str, new_title: str) -> None:
        """A person renaming a tab (to keep the old one, say, and start a fresh one)."""
        with self._lock:
            self._books[spreadsheet_id] = [
                replace(s, title=new_title) if s.title == title else s
                for s in self._books[spreadsheet_id]
            ]

    def insert_row(self, spreadsheet_id: str, tab: str, row: int, values: list[Any]) -> None:
        """A person inserting a row at sheet row ``row`` in the Sheets UI (rows below move)."""
        with self._lock:
            sheets = self._books[spreadsheet_id]
            self._books[spreadsheet_id] = [
                replace(
                    s,
                    rows=[
                        *s.rows[: row - 1],
                        trim([cell_json(v) for v in values]),
                        *s.rows[row - 1 :],
                    ],
                    row_count=s.row_count + 1,
                )
                if s.title == tab
                else s
                for s in sheets
            ]

    def values(self, spreadsheet_id: str, tab: str) -> list[list[Any]]:
        """The tab's cells as Google would send them: "" inside a row, trailing empties trimmed."""
        with self._lock:
            return [list(r) for r in self._sheet(spreadsheet_id, tab).rows]

    def filter_views(self, spreadsheet_id: str, tab: str) -> list[dict[str, Any]]:
        with self._lock:
            return [dict(v) for v in self._sheet(spreadsheet_id, tab).filter_views]

    def titles(self, spreadsheet_id: str) -> list[str]:
        with self._lock:
            return [s.title for s in self._books[spreadsheet_id]]

    def grid(self, spreadsheet_id: str, tab: str) -> tuple[int, int]:
        """(rowCount, columnCount) of the tab's grid."""
        with self._lock:
            sheet = self._sheet(spreadsheet_id, tab)
            return sheet.row_count, sheet.column_count

    def sheet(self, spreadsheet_id: str, tab: str) -> Sheet:
        """A copy of the tab as stored, formatting included (frozen rows, validations, ...)."""
        with self._lock:
            return self._sheet(spreadsheet_id, tab).copy()

    def _sheet(self, spreadsheet_id: str, tab: str) -> Sheet:
        return next(s for s in self._books[spreadsheet_id] if s.title == tab)

    # -- the API -------------------------------------------------------------------------------

    def handle(self, method: str, target: str, body: bytes) -> Response:
        url = urlsplit(target)
        path = unquote(url.path)
        for verb, pattern, name in _ROUTES:
            match = pattern.match(path)
            if verb == method and match:
                endpoint, book_id = name, match.group(1)
                break
        else:
            return error_response(404, f"fake Sheets API: no route for {method} {path}")
        with self._lock:
            self.counts[endpoint] += (
                1  # counted on arrival, so a request the client gave up on counts
            )
        if self.latency:
            time.sleep(self.latency)
        with self._lock:
            fault = self._take_fault(endpoint)
            if fault is not None and not fault.after_applying:
                response = error_response(fault.status)
                if fault.retry_after is not None:
                    response.headers["Retry-After"] = str(fault.retry_after)
                return response
            if book_id not in self._books:
                return error_response(404)
            try:
                if endpoint == "metadata":
                    payload: Any = metadata(book_id, self._books[book_id])
                elif endpoint == "batchGet":
                    payload = batch_get(book_id, self._books[book_id], parse_qs(url.query))
                else:
                    payload = self._batch_update(book_id, body)
            except BadRequest as bad:
                return error_response(400, str(bad))
            if fault is not None:  # applied, and answered as if it failed
                return error_response(fault.status)
        # Stored rows are never changed in place (a write replaces them), so dumping the
        # (possibly several MB) answer outside the lock is safe and keeps writers unblocked.
        return Response(200, json.dumps(payload, separators=(",", ":")).encode())

    def _batch_update(self, book_id: str, body: bytes) -> dict[str, Any]:
        if len(body) > self.payload_limit:  # Google's words, checked before anything is applied
            raise BadRequest(f"Request payload size exceeds the limit: {self.payload_limit} bytes.")
        with collector_paused():
            parsed = parse_json(body)
            if isinstance(parsed, dict) and isinstance(parsed.get("requests"), list):
                self.request_kinds.update(
                    next(iter(r), "") for r in parsed["requests"] if isinstance(r, dict)
                )
            sheets, replies = apply_requests(self._books[book_id], parsed)
            del parsed  # freed while paused: a collection would walk all its containers first
        self._books[book_id] = sheets
        return {"spreadsheetId": book_id, "replies": replies}

    def _take_fault(self, endpoint: str) -> _Fault | None:
        for fault in self._faults:
            if fault.endpoint in (None, endpoint):
                if fault.remaining is not None:
                    fault.remaining -= 1
                    if fault.remaining <= 0:
                        self._faults.remove(fault)
                return fault
        return None


# The client side lives in fakes.sheets_client; tests import it from here, as before.
from fakes.sheets_client import (  # noqa: E402
    GOOGLE_API,
    LoopbackSession,
    gspread_workbook,
    sheets_session,
)

__all__ = [
    "GOOGLE_API",
    "FakeSheetsServer",
    "LoopbackSession",
    "gspread_workbook",
    "sheets_session",
]
