"""A bounded retry with exponential backoff for the Sheets API, built on urllib3's ``Retry``.

gspread 6.2.1's ``BackOffHTTPClient`` retries forever, which in a Lambda means a tick that never
ends; this retry gives up after a few attempts and hands the last error response to gspread,
which raises ``APIError`` for the adapter to turn into a ``WorkbookError``.
"""

from __future__ import annotations

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

# Quota (429) and Google's transient server errors. A 400 is our bug and is never retried.
RETRY_STATUSES = (429, 500, 502, 503, 504)
# A write (POST: batchUpdate) that Google answered 5xx may have been applied all the same, so
# only a 429 (refused before anything was done) is sent again here; what to do after a 5xx is
# the unit of work's decision (guide/unit_of_work.py: read the commit marker back first).
POST_RETRY_STATUSES = frozenset({429})


class _SheetsRetry(Retry):
    def is_retry(self, method: str, status_code: int, has_retry_after: bool = False) -> bool:
        if method.upper() == "POST" and status_code not in POST_RETRY_STATUSES:
            return False
        return super().is_retry(method, status_code, has_retry_after)


def sheets_retry(
    *,
    attempts: int = 5,
    backoff_factor: float = 0.5,
    backoff_max: float = 8.0,
    retry_after_max: int = 30,
) -> Retry:
    """At most ``attempts`` tries in all, sleeping ``backoff_factor * 2**n`` (capped) in between,
    or what the server's ``Retry-After`` asks for (capped at ``retry_after_max``)."""
    retries = max(attempts - 1, 0)
    return _SheetsRetry(
        total=retries,
        connect=retries,
        status=retries,
        # Never retry after the request may have reached Google: a batchUpdate that timed out
        # may have been applied, and sending it again would append the same rows twice.
        read=False,
        other=0,
        redirect=0,
        allowed_methods=frozenset({"GET", "POST"}),
        status_forcelist=RETRY_STATUSES,
        backoff_factor=backoff_factor,
        backoff_max=backoff_max,
        retry_after_max=retry_after_max,
        respect_retry_after_header=True,
        # Let the last error response through so gspread raises APIError with Google's message.
        raise_on_status=False,
    )


def mount_retry(session: requests.Session, retry: Retry | None = None) -> requests.Session:
    """Mount ``retry`` (default: ``sheets_retry()``) on every URL scheme of ``session``."""
    adapter = HTTPAdapter(max_retries=retry if retry is not None else sheets_retry())
    session.mount("https://", adapter)
    # http:// is only ever the fake Sheets server on loopback; the same retry runs there.
    session.mount("http://", adapter)
    return session
