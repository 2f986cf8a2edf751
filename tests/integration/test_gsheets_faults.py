"""The Google Sheets adapter when Google misbehaves: quota, server errors, slowness, stale tabs.

The real gspread client and the production retry talk to the fake Sheets server over loopback;
only the backoff is shrunk so the tests stay fast.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from adapters.gsheets import DEFAULT_TIMEOUT, GoogleSheetsWorkbook
from fakes.sheets_server import FakeSheetsServer, gspread_workbook
from guide.ports import WorkbookError
from guide.workbook import Changes

HEADER = ["customer id", "plan", "owner"]


@pytest.fixture
def server() -> Iterator[FakeSheetsServer]:
    with FakeSheetsServer() as fake:
        fake.create_spreadsheet("book", {"onboarding": [HEADER, ["c1", "basic", "sam"]]})
        yield fake


def one_append() -> Changes:
    changes = Changes()
    changes.append("onboarding", {"customer id": "c2", "plan": "pro"})
    return changes


def test_a_read_rate_limited_once_is_retried_and_returns_the_data(server: FakeSheetsServer) -> None:
    # Given Google answers the values read with 429 once, asking to retry at once
    wb = gspread_workbook(server, "book")
    server.fail_next(429, retry_after=0, endpoint="batchGet")
    # When the workbook is read
    snap = wb.read(["onboarding"])
    # Then the read was retried once and the data is all there
    assert server.counts["batchGet"] == 2
    assert [r["customer id"] for _, r in snap["onboarding"].records()] == ["c1"]


def test_a_commit_refused_with_429_is_resent_but_a_503_is_not_resent_blind(
    server: FakeSheetsServer,
) -> None:
    # Given Google refuses a write for quota (429), then answers the resent one 503
    wb = gspread_workbook(server, "book")
    snap = wb.read(["onboarding"])
    server.fail_next(429, endpoint="batchUpdate")
    server.fail_next(503, endpoint="batchUpdate")
    # When the adapter commits, Then the 429 was resent and the 503 is handed up as ambiguous
    # (it may have been applied): deciding what next is the unit of work's job
    with pytest.raises(WorkbookError, match="503") as raised:
        wb.commit(snap, one_append())
    assert raised.value.ambiguous and not raised.value.may_still_land
    assert server.writes == 2


def test_retry_after_is_honoured(server: FakeSheetsServer) -> None:
    wb = gspread_workbook(server, "book")
    # Given Google asks for a one-second pause (Retry-After is whole seconds)
    server.fail_next(429, retry_after=1, endpoint="metadata")
    started = time.monotonic()
    wb.read(["onboarding"])
    # Then the client waited that long, not the test's tiny backoff
    assert time.monotonic() - started >= 1.0


def test_a_persistent_500_fails_the_commit_at_once_writing_nothing(
    server: FakeSheetsServer,
) -> None:
    # Given Google fails every write with a 500
    wb = gspread_workbook(server, "book", attempts=4)
    snap = wb.read(["onboarding"])
    server.fail_always(500, endpoint="batchUpdate")
    # When the guide commits, Then it gives up with a WorkbookError that says why
    with pytest.raises(WorkbookError, match="500"):
        wb.commit(snap, one_append())
    # And it sent the write once (a 5xx write may have landed: never resent blind), and
    # nothing was written
    assert server.writes == 1
    assert server.values("book", "onboarding") == [HEADER, ["c1", "basic", "sam"]]
    # And once Google recovers, the same commit goes through
    server.heal()
    wb.commit(wb.read(["onboarding"]), one_append())
    assert server.values("book", "onboarding")[-1] == ["c2", "pro"]


def test_a_bad_request_is_not_retried(server: FakeSheetsServer) -> None:
    wb = gspread_workbook(server, "book")
    snap = wb.read(["onboarding"])
    server.fail_next(400, endpoint="batchUpdate")
    with pytest.raises(WorkbookError, match="INVALID_ARGUMENT"):
        wb.commit(snap, one_append())
    assert server.writes == 1


def test_latency_is_added_to_every_request(server: FakeSheetsServer) -> None:
    wb = gspread_workbook(server, "book")
    server.latency = 0.2
    started = time.monotonic()
    snap = wb.read(["onboarding"])  # metadata, then values
    assert time.monotonic() - started >= 0.4
    assert snap["onboarding"].rows == [["c1", "basic", "sam"]]


def test_a_read_timeout_becomes_a_workbook_error_without_a_retry(
    server: FakeSheetsServer,
) -> None:
    # Given Google takes longer to answer than the adapter will wait
    wb = gspread_workbook(server, "book", timeout=(1.0, 0.2))
    server.latency = 0.6
    started = time.monotonic()
    # Then the read fails as a WorkbookError, promptly
    with pytest.raises(WorkbookError, match="timed out"):
        wb.read(["onboarding"])
    assert time.monotonic() - started < 1.0
    # And it was not retried: a timed-out write may have been applied, so it must not be resent
    assert server.reads == 1


def test_a_tab_renamed_and_replaced_is_never_written_through_a_stale_id(
    server: FakeSheetsServer,
) -> None:
    # Given the adapter has cached the tab list
    wb = gspread_workbook(server, "book")
    snap = wb.read(["onboarding"])
    # And then a person renamed the tab and started a fresh one under the old name
    server.rename_tab("book", "onboarding", "onboarding 2023")
    server.add_tab("book", "onboarding", [HEADER, ["c1", "basic", "sam"]])
    # When the guide commits, Then it fails and the renamed tab is untouched
    with pytest.raises(WorkbookError):
        wb.commit(snap, one_append())
    assert server.values("book", "onboarding 2023") == [HEADER, ["c1", "basic", "sam"]]
    # And the next unit of work sees the tab list afresh and writes to the new tab
    wb.commit(wb.read(["onboarding"]), one_append())
    assert server.values("book", "onboarding")[-1] == ["c2", "pro"]
    assert server.values("book", "onboarding 2023") == [HEADER, ["c1", "basic", "sam"]]


def test_a_tab_deleted_after_the_snapshot_fails_the_commit_cleanly(
    server: FakeSheetsServer,
) -> None:
    wb = gspread_workbook(server, "book")
    snap = wb.read(["onboarding"])
    server.create_spreadsheet("book", {"onboarding": [HEADER]})  # new sheet ids all round
    with pytest.raises(WorkbookError, match="No grid"):
        wb.commit(snap, one_append())
    assert server.values("book", "onboarding") == [HEADER]


def test_the_production_client_has_a_timeout_and_a_bounded_retry() -> None:
    # Given a service account key (made up here; nothing is sent anywhere)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    info = {
        "type": "service_account",
        "project_id": "onboarding-guide",
        "private_key_id": "test",
        "private_key": pem,
        "client_email": "guide@onboarding-guide.iam.gserviceaccount.com",
        "token_uri": "https://oauth2.googleapis.com/token",
    }
    # When the production adapter is built from it
    wb = GoogleSheetsWorkbook.from_service_account_info(info, "book")
    # Then every call has a (connect, read) timeout and a retry that stops
    http = wb._http
    assert http.timeout == DEFAULT_TIMEOUT
    retry = http.session.get_adapter("https://sheets.googleapis.com/v4/x").max_retries
    assert retry.total == 4 and retry.read is False and retry.raise_on_status is False
    assert {429, 500, 503} <= set(retry.status_forcelist or ())
    assert {"GET", "POST"} <= set(retry.allowed_methods or ())
