"""A write bigger than Google takes in one request goes in parts, in an order that loses nothing.

Google refuses a ``spreadsheets.batchUpdate`` body over 10 MiB (400, "Request payload size
exceeds the limit"), and a 10,000-customer tick on a busy day writes more than that. The adapter
refuses to send such a body (``WriteTooLarge``, nothing sent) and the unit of work writes in
parts: og-audit's rows first, then the rest, then og-triage. The real gspread client against
the fake Sheets server, with the limit shrunk so the demo's tick crosses it.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.report import render
from fakes.crashing import Crash, CrashingWorkbook
from fakes.sheets_server import FakeSheetsServer, gspread_workbook
from guide.ports import WorkbookError, WriteTooLarge
from guide.tick import run_tick
from guide.workbook import Changes, Snapshot
from sheets.schema import AUDIT, ONBOARDING, STATE
from tests.integration.test_tick_crash_rerun import (
    NINE_AM_NEW_YORK,
    demo_book,
    messages,
    ports,
    sheet_end,
)

# The demo tick's write is about 19 kB: its og-audit rows and the rest each fit in 9 kB, but
# not the rest with og-triage, so this limit takes all three parts.
SMALL_LIMIT = 9_000
_books = itertools.count(1)


@pytest.fixture(scope="module")
def server() -> Iterator[FakeSheetsServer]:
    with FakeSheetsServer() as fake:
        yield fake


@pytest.fixture(scope="module")
def in_one_write(
    server: FakeSheetsServer, tmp_path_factory: pytest.TempPathFactory
) -> tuple[dict[str, Any], Counter[tuple[str, ...]]]:
    folder = tmp_path_factory.mktemp("one-write")
    book = demo_book(server)
    server.reset_counts()
    run_tick(ports(folder, gspread_workbook(server, book)), NINE_AM_NEW_YORK)
    assert server.counts["batchUpdate"] == 1
    return sheet_end(server, book), messages(folder)


def small_book(server: FakeSheetsServer, tab_rows: list[list[Any]]) -> str:
    book = f"parts-{next(_books)}"
    server.create_spreadsheet(book, {ONBOARDING.name: tab_rows})
    return book


def big_append() -> Changes:
    changes = Changes()
    changes.append(ONBOARDING.name, {"customer id": "c2", "company": "x" * 500})
    return changes


def test_google_refuses_a_body_over_its_limit_and_writes_nothing(
    server: FakeSheetsServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a Google whose limit is below this write's body, and an adapter that does not know it
    book = small_book(server, [["customer id", "company"], ["c1", "Acme"]])
    monkeypatch.setattr(server, "payload_limit", 300)  # the module's server, put back after
    workbook = gspread_workbook(server, book)
    # When the write is sent, Then Google's 400 is a plain failure: nothing was applied
    with pytest.raises(WorkbookError, match="payload size exceeds the limit") as refused:
        workbook.commit(workbook.read([ONBOARDING.name]), big_append())
    assert not refused.value.ambiguous
    assert server.values(book, ONBOARDING.name) == [["customer id", "company"], ["c1", "Acme"]]


def test_the_adapter_does_not_send_a_body_google_would_refuse(server: FakeSheetsServer) -> None:
    book = small_book(server, [["customer id", "company"], ["c1", "Acme"]])
    workbook = gspread_workbook(server, book, max_body_bytes=300)
    snapshot = workbook.read([ONBOARDING.name])
    server.reset_counts()
    with pytest.raises(WriteTooLarge, match="over 300 bytes"):
        workbook.commit(snapshot, big_append())
    assert server.counts["batchUpdate"] == 0


@pytest.mark.parametrize("fenced", [False, True], ids=["prompt", "checking-rows-moved"])
def test_a_tick_too_big_for_one_request_ends_as_one_write_would(
    fenced: bool,
    server: FakeSheetsServer,
    tmp_path: Path,
    in_one_write: tuple[dict[str, Any], Counter[tuple[str, ...]]],
) -> None:
    # Given Google took no more than 9 kB in a request (and, for a slow tick, each part first
    # checks that the rows it addresses have not moved since the read)
    book = demo_book(server)
    workbook = gspread_workbook(
        server, book, max_body_bytes=SMALL_LIMIT, verify_rows_after=0 if fenced else 60
    )
    server.reset_counts()
    # When the tick runs
    report = run_tick(ports(tmp_path, workbook), NINE_AM_NEW_YORK)
    # Then it wrote og-audit, the rest and og-triage in three requests, none refused,
    # and the sheet and the messages are what one write leaves
    assert not report.failures
    assert report.sheet_writes == server.counts["batchUpdate"] == 3
    assert "written in 3 updates (one would pass Google's 10 MiB" in render(report)
    assert (sheet_end(server, book), messages(tmp_path)) == in_one_write


class DiesAfterTheFirstPart(CrashingWorkbook):
    """Writes the first part that fits, then dies as a Lambda timing out would."""

    parts_written = 0

    def commit(self, snapshot: Snapshot, changes: Changes) -> None:
        if self.parts_written:
            raise Crash("died between two parts of the write")
        self.inner.commit(snapshot, changes)  # WriteTooLarge goes through, nothing written
        self.parts_written += 1


def test_a_tick_that_dies_between_parts_keeps_its_audit_rows_and_the_rerun_catches_up(
    server: FakeSheetsServer,
    tmp_path: Path,
    in_one_write: tuple[dict[str, Any], Counter[tuple[str, ...]]],
) -> None:
    # Given a tick that wrote its og-audit rows and died before the rest
    book = demo_book(server)
    before = sheet_end(server, book)
    dying = DiesAfterTheFirstPart(gspread_workbook(server, book, max_body_bytes=SMALL_LIMIT))
    with pytest.raises(Crash):
        run_tick(ports(tmp_path, dying), NINE_AM_NEW_YORK)
    after_crash = sheet_end(server, book)
    assert len(after_crash[AUDIT.name]) > len(before[AUDIT.name])
    assert after_crash[STATE.name] == before[STATE.name]
    assert after_crash[ONBOARDING.name] == before[ONBOARDING.name]
    # When Lambda runs it again
    run_tick(
        ports(tmp_path, gspread_workbook(server, book, max_body_bytes=SMALL_LIMIT)),
        NINE_AM_NEW_YORK,
    )
    # Then every tab but og-audit is as one write leaves it and nothing went out twice; og-audit
    # has each of those rows, the ones the dead run wrote a second time
    sheet, sent = in_one_write
    caught_up = sheet_end(server, book)
    assert messages(tmp_path) == sent
    assert {t: v for t, v in caught_up.items() if t != AUDIT.name} == {
        t: v for t, v in sheet.items() if t != AUDIT.name
    }
    rows, expected = (
        Counter(map(tuple, caught_up[AUDIT.name])),
        Counter(map(tuple, sheet[AUDIT.name])),
    )
    assert rows - expected and not expected - rows
