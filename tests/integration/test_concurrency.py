"""Twenty presses from threads on five customers while the daily tick runs.

Every press and the tick hold the same lease lock and re-read under it, so each action is applied
exactly once, leaves one audit row, and nobody's columns are lost to somebody else's write. Each
press gets its own adapter and ports, as separate Lambda invocations would.
"""

from __future__ import annotations

import itertools
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
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
from guide.commands import AlreadyDone, Answer
from guide.ports import Workbook
from guide.reading import read_book
from guide.tick import TickReport, run_tick
from sheets.schema import TABS, TICK_READS
from tests.conftest import MakePorts

TODAY = datetime(2026, 11, 20).date()
SAM, ALEX = "Sam Rivera", "Alex Chen"


def presses(now: datetime) -> list[tuple[cmd.Command, datetime]]:
    """Four presses on each of five customers, interleaved."""
    per_customer = [
        # Four nudges far enough apart not to be one double click: all four count.
        [(cmd.Nudge("C003", SAM), now + timedelta(minutes=10 * i)) for i in range(4)],
        # The same pause pressed four times: once.
        [(cmd.Pause("C005", SAM, "=budget freeze"), now)] * 4,
        # Four hand-offs to the same person: once, and Alex hears about it once.
        [(cmd.HandOff("C006", SAM, ALEX), now)] * 4,
        # Four finishes, while the tick wants to finish C009 too: once, one wrap-up email.
        [(cmd.Finish("C009", SAM), now)] * 4,
        # Resume and pause a paused customer, in whatever order the threads get there.
        [(cmd.Resume("C007", SAM), now), (cmd.Pause("C007", SAM), now)] * 2,
    ]
    return [p for group in zip(*per_customer, strict=True) for p in group]


@pytest.fixture(scope="module")
def sheets_server() -> Iterator[FakeSheetsServer]:
    with FakeSheetsServer() as server:
        yield server


@pytest.fixture(params=["xlsx", "gsheets"])
def open_workbook(
    request: pytest.FixtureRequest, tmp_path: Path, sheets_server: FakeSheetsServer
) -> Callable[[], Workbook]:
    if request.param == "xlsx":
        path = tmp_path / "onboarding.xlsx"
        return lambda: XlsxWorkbook(path)
    book = f"race-{next(_books)}"
    sheets_server.create_spreadsheet(book, {})
    return lambda: gspread_workbook(sheets_server, book)


_books = itertools.count(1)


def test_presses_racing_the_tick_are_each_applied_exactly_once(
    open_workbook: Callable[[], Workbook],
    make_ports: MakePorts,
    outbox: Path,
    now: datetime,
) -> None:
    # Given the demo workbook, and the problems it starts with
    build_demo(open_workbook(), TODAY)
    problems_before = {str(p) for p in read_book(open_workbook().read(TICK_READS)).problems}
    results: list[tuple[cmd.Command, Answer | AlreadyDone]] = []
    guard = threading.Lock()

    def press(command: cmd.Command, at: datetime) -> None:
        try:
            result: Answer | AlreadyDone = perform(
                make_ports(open_workbook()), command, at, wait_seconds=60
            )
        except AlreadyDone as already:
            result = already
        with guard:
            results.append((command, result))

    # When twenty presses from eight threads race this morning's tick
    with ThreadPoolExecutor(max_workers=8) as pool:
        tick = pool.submit(run_tick, make_ports(open_workbook()), now - timedelta(hours=1), wait=60)
        for future in [pool.submit(press, c, at) for c, at in presses(now)]:
            future.result()  # anything but an Answer or AlreadyDone fails the test here
        report: TickReport = tick.result()

    # Then each action was applied exactly once, with one audit row per applied press
    snapshot = open_workbook().read([t.name for t in TABS])
    rows = {t: [r for _, r in snapshot[t].records()] for t in snapshot.tables}
    applied = Counter(
        (c.customer_id, type(c).__name__) for c, r in results if isinstance(r, Answer)
    )
    by_sam = Counter((a["customer id"], a["action"]) for a in rows["og-audit"] if a["who"] == SAM)
    assert len(results) == 20
    assert applied[("C003", "Nudge")] == 4 and by_sam[("C003", "nudge")] == 4
    assert applied[("C005", "Pause")] == 1 and by_sam[("C005", "pause")] == 1
    assert applied[("C006", "HandOff")] == 1 and by_sam[("C006", "hand off")] == 1
    finishes = [
        a for a in rows["og-audit"] if a["customer id"] == "C009" and a["action"] == "finish"
    ]
    assert len(finishes) == 1 and applied[("C009", "Finish")] == (finishes[0]["who"] == SAM)
    resumes, pauses = applied[("C007", "Resume")], applied[("C007", "Pause")]
    assert resumes - pauses in (0, 1)  # they alternate, starting from paused
    assert (by_sam[("C007", "resume")], by_sam[("C007", "pause")]) == (resumes, pauses)
    assert sum(by_sam.values()) == sum(applied.values())

    # And the sheet agrees: counts not lost, every writer's columns kept
    def one(tab: str, **match: Any) -> dict[str, Any]:
        (found,) = [
            r for r in rows[tab] if all(r[k.replace("_", " ")] == v for k, v in match.items())
        ]
        return found

    assert one("og-sends", customer_id="C003", step_id="invite-teammate")["reminders sent"] == 4
    assert one("onboarding", customer_id="C005")["paused"] is True
    assert one("og-state", customer_id="C005")["pause note"] == "=budget freeze"
    assert one("onboarding", customer_id="C006")["handed off to"] == ALEX
    c006 = one("og-state", customer_id="C006")
    assert c006["handed off by"] == SAM
    if any(a["customer id"] == "C006" and a["action"] == "re-flag" for a in rows["og-audit"]):
        assert c006["flag ts"] and c006["flag level"] == 2  # the tick's flag kept alongside
    assert one("onboarding", customer_id="C007")["paused"] is (resumes == pauses)
    assert one("onboarding", customer_id="C009")["finished"] is True
    assert one("onboarding", customer_id="C001")["started on"] == "2026-11-20"
    assert {p["step id"] for p in rows["og-sends"] if p["customer id"] in ("C001", "C002")} == {
        "connect-data"
    }
    problems_after = {str(p) for p in read_book(open_workbook().read(TICK_READS)).problems}
    assert problems_after == problems_before  # no duplicated send rows, nothing unreadable

    # And the outside world heard each thing once
    mail = Counter(
        (m.payload["to"], m.payload["tags"].get("kind"))
        for m in read_outbox(outbox)
        if m.kind == "mail"
    )
    assert mail[("ines@cobalt.example", "nudge")] == 4
    assert mail[("mia@indigo.example", "wrapup")] == 1
    handoffs = [
        e
        for e in read_outbox(outbox)
        if e.payload.get("method") == "chat.postMessage" and "handed" in e.payload["text"]
    ]
    assert len(handoffs) == 1 and handoffs[0].payload["channel"] == "U02ALEXCHEN"
    assert not report.failures
