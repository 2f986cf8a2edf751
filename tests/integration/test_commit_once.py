"""A commit whose answer was lost lands exactly once.

Google sometimes applies a ``spreadsheets.batchUpdate`` and still answers 5xx. Sent again as it
was, the write appends its rows a second time, and its row deletes (made against the snapshot's
row numbers) remove whatever rows have moved into those places. Each commit carries an id in
og-commit, in the same all-or-nothing write; after an ambiguous failure the unit of work reads
that back and only writes again if the id is not there.

The real gspread client against the fake Sheets server; the demo workbook after its tick.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest

from app.demo import build_demo
from fakes.memory_workbook import InMemoryWorkbook
from fakes.sheets_server import FakeSheetsServer, gspread_workbook
from guide import commands as cmd
from guide.actions import perform
from guide.ports import WorkbookError
from guide.tick import run_tick
from guide.workbook import Changes, Snapshot
from sheets.schema import AUDIT, SENDS, SENDS_ARCHIVE
from tests.conftest import MakePorts

TODAY = datetime(2026, 11, 20).date()
SAM = "Sam Rivera"
_books = itertools.count(1)


@pytest.fixture(scope="module")
def server() -> Iterator[FakeSheetsServer]:
    with FakeSheetsServer() as fake:
        yield fake


@pytest.fixture
def book(server: FakeSheetsServer, make_ports: MakePorts, now: datetime) -> Iterator[str]:
    """The demo after this morning's tick."""
    name = f"once-{next(_books)}"
    server.heal()
    server.create_spreadsheet(name, {})
    build_demo(gspread_workbook(server, name), TODAY)
    run_tick(make_ports(gspread_workbook(server, name)), now - timedelta(hours=1))
    server.reset_counts()
    yield name
    server.heal()


def rows(server: FakeSheetsServer, book: str, tab: str) -> list[list[Any]]:
    return server.values(book, tab)


def audited(server: FakeSheetsServer, book: str, action: str, customer_id: str) -> int:
    header, *data = rows(server, book, AUDIT.name)
    at, who = header.index("action"), header.index("customer id")
    return sum(1 for r in data if len(r) > at and (r[at], r[who]) == (action, customer_id))


def test_given_google_applies_a_finish_and_answers_500_then_it_lands_once_and_no_live_row_goes(
    server: FakeSheetsServer, book: str, make_ports: MakePorts, now: datetime
) -> None:
    # Given og-sends holds C003's journey among other customers' live rows
    header, *sends = rows(server, book, SENDS.name)
    customer = header.index("customer id")
    others = [r for r in sends if r[customer] != "C003"]
    assert others and len(others) < len(sends)
    archived = len(rows(server, book, SENDS_ARCHIVE.name))
    # And Google will apply the next write and answer it 500
    server.fail_after_applying(500)
    # When Sam finishes C003
    perform(make_ports(gspread_workbook(server, book)), cmd.Finish("C003", SAM), now)
    # Then C003's rows left og-sends, every other customer's live row is still there
    assert rows(server, book, SENDS.name) == [header, *others]
    # And the archive and the audit got their rows once
    assert len(rows(server, book, SENDS_ARCHIVE.name)) == archived + len(sends) - len(others)
    assert audited(server, book, "finish", "C003") == 1
    # And the write was not sent again: the marker was read back instead
    assert server.writes == 1 and server.counts["batchGet"] == 2


def test_given_google_applies_a_tick_and_answers_502_then_its_appended_rows_come_once(
    server: FakeSheetsServer, make_ports: MakePorts, now: datetime
) -> None:
    # Given two copies of the demo before this morning's tick
    plain, faulty = f"plain-{next(_books)}", f"faulty-{next(_books)}"
    for name in (plain, faulty):
        server.create_spreadsheet(name, {})
        build_demo(gspread_workbook(server, name), TODAY)
    run_tick(make_ports(gspread_workbook(server, plain)), now - timedelta(hours=1))
    # When the same tick runs on the other, and Google applies its write and answers 502
    server.reset_counts()
    server.fail_after_applying(502)
    report = run_tick(make_ports(gspread_workbook(server, faulty)), now - timedelta(hours=1))
    assert report.emails and server.writes == 1
    # Then its og-sends and og-audit rows are there once, as after a tick nothing went wrong with
    for tab in (SENDS.name, AUDIT.name):
        assert len(rows(server, faulty, tab)) == len(rows(server, plain, tab))
    assert rows(server, faulty, SENDS.name) == rows(server, plain, SENDS.name)


def test_given_a_500_that_google_did_not_apply_then_the_write_is_sent_once_more_and_lands_once(
    server: FakeSheetsServer, book: str, make_ports: MakePorts, now: datetime
) -> None:
    archived = len(rows(server, book, SENDS_ARCHIVE.name))
    # Given Google fails the next write with a 500 and does not apply it
    server.fail_next(500, endpoint="batchUpdate")
    # When Sam finishes C003
    perform(make_ports(gspread_workbook(server, book)), cmd.Finish("C003", SAM), now)
    # Then the write went a second time, after the marker said it had not landed, and landed once
    assert server.writes == 2
    assert audited(server, book, "finish", "C003") == 1
    assert len(rows(server, book, SENDS_ARCHIVE.name)) > archived
    header, *sends = rows(server, book, SENDS.name)
    assert all(r[header.index("customer id")] != "C003" for r in sends)


class AnswerLost:
    """A workbook whose commit gets no answer (a read timeout): applied or not, as told."""

    def __init__(self, inner: InMemoryWorkbook, *, applied: bool) -> None:
        self.inner, self.applied = inner, applied
        self.commits = 0

    def read(self, tabs: Any, header_only: Any = ()) -> Snapshot:
        return self.inner.read(tabs, header_only)

    def commit(self, snapshot: Snapshot, changes: Changes) -> None:
        self.commits += 1
        if self.applied:
            self.inner.commit(snapshot, changes)
        raise WorkbookError("Google Sheets commit failed: read timed out", may_still_land=True)

    def ensure_tabs(self, tabs: Any) -> list[str]:
        return self.inner.ensure_tabs(tabs)


@pytest.mark.parametrize("applied", [True, False])
def test_given_no_answer_at_all_then_the_write_is_never_sent_again(
    applied: bool, make_ports: MakePorts, now: datetime
) -> None:
    # Given the demo in memory, and a write that times out (it may still land later)
    memory = InMemoryWorkbook()
    build_demo(memory, TODAY)
    workbook = AnswerLost(memory, applied=applied)
    finish = cmd.Finish("C003", SAM)
    if applied:
        # When it had in fact landed, Then the marker says so and the action is done
        perform(make_ports(workbook), finish, now)  # type: ignore[arg-type]
    else:
        # When it had not (yet), Then it is not resent blind: the person hears it failed
        with pytest.raises(WorkbookError, match="not sent again"):
            perform(make_ports(workbook), finish, now)  # type: ignore[arg-type]
    assert workbook.commits == 1
    assert len([r for r in memory.rows(AUDIT.name) if r["action"] == "finish"]) == int(applied)
