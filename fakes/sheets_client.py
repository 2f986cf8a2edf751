"""The real gspread client pointed at the fake Sheets server: its Google URLs sent to loopback."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import requests
from gspread.http_client import HTTPClient

from adapters.gsheets import (
    GOOGLE_MAX_BODY_BYTES,
    VERIFY_ROWS_AFTER_SECONDS,
    GoogleSheetsWorkbook,
)
from adapters.http_retry import mount_retry, sheets_retry

if TYPE_CHECKING:
    from fakes.sheets_server import FakeSheetsServer

GOOGLE_API = "https://sheets.googleapis.com"


class LoopbackSession(requests.Session):
    """A session that sends gspread's absolute Google URLs to the fake server instead."""

    def __init__(self, base_url: str) -> None:
        super().__init__()
        self.base_url = base_url

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> Any:
        target = url.decode() if isinstance(url, bytes) else url
        if target.startswith(GOOGLE_API):
            target = self.base_url + target[len(GOOGLE_API) :]
        return super().request(
            method if isinstance(method, str) else method.decode(), target, *args, **kwargs
        )


def sheets_session(server: FakeSheetsServer, *, attempts: int = 5) -> requests.Session:
    """The production retry, with backoff too small to slow a test down."""
    retry = sheets_retry(
        attempts=attempts, backoff_factor=0.001, backoff_max=0.01, retry_after_max=1
    )
    return mount_retry(LoopbackSession(server.url), retry)


def gspread_workbook(
    server: FakeSheetsServer,
    spreadsheet_id: str,
    *,
    timeout: tuple[float, float] = (2.0, 10.0),
    attempts: int = 5,
    verify_rows_after: float = VERIFY_ROWS_AFTER_SECONDS,
    max_body_bytes: int = GOOGLE_MAX_BODY_BYTES,
) -> GoogleSheetsWorkbook:
    """The real adapter over the real gspread ``HTTPClient``, talking to ``server``."""
    http = HTTPClient(auth=None, session=sheets_session(server, attempts=attempts))  # type: ignore[arg-type]
    return GoogleSheetsWorkbook(
        spreadsheet_id,
        http,
        timeout=timeout,
        verify_rows_after=verify_rows_after,
        max_body_bytes=max_body_bytes,
    )
