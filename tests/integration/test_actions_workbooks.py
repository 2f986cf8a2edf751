"""Each action end to end against both real workbook adapters: a local .xlsx file, and the Google
Sheets adapter over gspread talking to the fake Sheets server.

Given the demo workbook after the morning's tick, when a person acts, then the sheet read back
afresh shows exactly that, in one read and one write; and when Google keeps failing, nothing is
half-written and the retry sends nothing twice.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from adapters.outbox import read_outbox
from adapters.xlsx_workbook import XlsxWorkbook
from app.demo import build_demo
from fakes.sheets_server import FakeSheetsServer, gspread_workbook
from guide import commands as cmd
from guide.actions import perform
from guide.ports import Workbook, WorkbookError
from guide.tick import run_tick
from sheets.schema import TABS
from tests.conftest import MakePorts

TODAY = datetime(2026, 11, 20).date()
SAM, ALEX = "Sam Rivera", "Alex Chen"
NOTE = '=HYPERLINK("https://evil.example") waiting on legal'
Rows = dict[str, list[dict[str, Any]]]
_books = itertools.count(1)


@dataclass
class Harness:
    """One adapter: ``open()`` is a fresh instance, as a fresh Lambda would have."""

    open: Callable[[], Workbook]
    server: FakeSheetsServer | None = None

    def rows(self) -> Rows:
        snapshot = self.open().read([t.name for t in TABS])
        return {t: [r for _, r in snapshot[t].records()] for t in snapshot.tables}


@pytest.fixture(scope="module")
def sheets_server() -> Iterator[FakeSheetsServer]:
    with FakeSheetsServer() as server:  # one per module: stopping one takes half a second
        yield server


@pytest.fixture(params=["xlsx", "gsheets"])
def harness(
    request: pytest.FixtureRequest, tmp_path: Path, sheets_server: FakeSheetsServer
) -> Harness:
    if request.param == "xlsx":
        path = tmp_path / "onboarding.xlsx"
        found = Harness(lambda: XlsxWorkbook(path))
    else:
        book = f"book-{next(_books)}"
        sheets_server.heal()
        sheets_server.create_spreadsheet(book, {})
        found = Harness(lambda: gspread_workbook(sheets_server, book), sheets_server)
    build_demo(found.open(), TODAY)
    return found


def one(rows: list[dict[str, Any]], **match: Any) -> dict[str, Any]:
    found = [r for r in rows if all(r.get(k.replace("_", " ")) == v for k, v in match.items())]
    assert len(found) == 1, f"{len(found)} rows match {match}"
    return found[0]


def check_finish(rows: Rows) -> None:
    row = one(rows["onboarding"], customer_id="C003", company="Cobalt Labs")
    assert (row["finished"], row["finished by"]) == (True, SAM)
    assert not [r for r in rows["og-sends"] if r["customer id"] == "C003"]
    assert len([r for r in rows["og-sends-archive"] if r["customer id"] == "C003"]) == 2


def check_pause(rows: Rows) -> None:
    assert one(rows["onboarding"], customer_id="C003", company="Cobalt Labs")["paused"] is True
    assert one(rows["og-state"], customer_id="C003")["pause note"] == NOTE  # text, not a formula


def check_resume(rows: Rows) -> None:
    assert one(rows["onboarding"], customer_id="C007")["paused"] is False
    assert one(rows["og-state"], customer_id="C007")["pause note"] in (None, "")


def check_hand_off(rows: Rows) -> None:
    assert one(rows["onboarding"], customer_id="C005")["handed off to"] == ALEX
    state = one(rows["og-state"], customer_id="C005")
    assert (state["handed off to"], state["handed off by"]) == (ALEX, SAM)
    assert state["flag ts"]  # the tick's flag columns survive the hand-off


def check_clear(rows: Rows) -> None:
    assert one(rows["onboarding"], customer_id="C008")["handed off to"] in (None, "")


def check_nudge(rows: Rows) -> None:
    send = one(rows["og-sends"], customer_id="C003", step_id="invite-teammate")
    assert send["reminders sent"] == 1 and send["last reminded"] == "2026-11-20 10:00"


def check_done(rows: Rows) -> None:
    send = one(rows["og-sends"], customer_id="C003", step_id="invite-teammate")
    assert (send["done at"], send["done by"]) == ("2026-11-20 10:00", "customer")


CASES: dict[str, tuple[cmd.Command, Callable[[Rows], None]]] = {
    "finish": (cmd.Finish("C003", SAM), check_finish),
    "pause": (cmd.Pause("C003", SAM, NOTE), check_pause),
    "resume": (cmd.Resume("C007", SAM), check_resume),
    "hand-off": (cmd.HandOff("C005", SAM, ALEX), check_hand_off),
    "clear-hand-off": (cmd.ClearHandOff("C008", ALEX), check_clear),
    "nudge": (cmd.Nudge("C003", SAM), check_nudge),
    "done": (cmd.MarkDone("C003", "C003/standard/2026-11-16", "invite-teammate"), check_done),
}


@pytest.mark.parametrize("case", CASES)
def test_an_action_lands_in_the_sheet_in_one_read_and_one_write(
    harness: Harness, make_ports: MakePorts, now: datetime, case: str
) -> None:
    # Given this morning's tick has run (it flagged C005 and finished C009)
    run_tick(make_ports(harness.open()), now - timedelta(hours=1))
    command, check = CASES[case]
    audited = len(harness.rows()["og-audit"])
    if harness.server:
        harness.server.reset_counts()

    # When the person acts, through an adapter that has not read anything yet
    outcome = perform(make_ports(harness.open()), command, now)

    # Then the sheet shows it, with one more audit row, in one read and one write
    if harness.server:
        counts = harness.server.counts
        assert (counts["metadata"], counts["batchGet"], counts["batchUpdate"]) == (1, 1, 1)
    rows = harness.rows()
    check(rows)
    assert len(rows["og-audit"]) == audited + 1
    assert rows["og-audit"][-1]["who"] == command.by
    assert outcome.message


@pytest.mark.parametrize(
    ("command", "kind"),
    [(cmd.Finish("C009", SAM), "wrapup"), (cmd.Nudge("C003", SAM), "nudge")],
    ids=["finish", "nudge"],
)
def test_a_sheets_write_that_keeps_failing_writes_nothing_and_the_retry_mails_once(
    sheets_server: FakeSheetsServer,
    make_ports: MakePorts,
    outbox: Path,
    now: datetime,
    command: cmd.Command,
    kind: str,
) -> None:
    # Given a demo workbook on the fake Sheets API, which answers every write with 500
    harness = Harness(lambda: gspread_workbook(sheets_server, "broken", attempts=2))
    sheets_server.heal()
    sheets_server.create_spreadsheet("broken", {})
    build_demo(harness.open(), TODAY)
    before = harness.rows()
    sheets_server.fail_always(500, endpoint="batchUpdate")

    # When the person acts, then it fails as a workbook error and the sheet is as it was
    with pytest.raises(WorkbookError):
        perform(make_ports(harness.open()), command, now)
    assert harness.rows() == before

    # And when Google recovers and the press is retried, it lands, with one email in all
    sheets_server.heal()
    perform(make_ports(harness.open()), command, now + timedelta(seconds=20))
    sent = [e.payload for e in read_outbox(outbox) if e.kind == "mail"]
    assert [m["tags"]["kind"] for m in sent] == [kind]
    assert len(harness.rows()["og-audit"]) == len(before["og-audit"]) + 1


def test_a_rate_limited_read_and_write_are_retried_and_the_press_lands_once(
    sheets_server: FakeSheetsServer, make_ports: MakePorts, outbox: Path, now: datetime
) -> None:
    # Given a demo workbook on the fake Sheets API that answers 429 once on a read and a write
    sheets_server.heal()
    sheets_server.create_spreadsheet("busy", {})
    build_demo(gspread_workbook(sheets_server, "busy"), TODAY)
    audited = len(sheets_server.values("busy", "og-audit"))
    sheets_server.reset_counts()
    sheets_server.fail_next(429, retry_after=0, endpoint="batchGet")
    sheets_server.fail_next(429, retry_after=0, endpoint="batchUpdate")

    # When Sam presses Finish on Indigo (every step done)
    perform(make_ports(gspread_workbook(sheets_server, "busy")), cmd.Finish("C009", SAM), now)

    # Then both requests were retried once, and the action landed once
    counts = sheets_server.counts
    assert (counts["batchGet"], counts["batchUpdate"]) == (2, 2)
    assert len(sheets_server.values("busy", "og-audit")) == audited + 1
    sent = [e.payload["tags"]["kind"] for e in read_outbox(outbox) if e.kind == "mail"]
    assert sent == ["wrapup"]
