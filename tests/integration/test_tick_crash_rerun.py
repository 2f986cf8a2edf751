"""A tick that dies, or whose Sheets calls fail, and the retry that Lambda makes afterwards.

Given the demo workbook in the fake Google Sheets server, When the tick dies at a chosen point
(or Google fails) and is run again with fresh ports sharing the outbox, lock and ledger (as a
Lambda retry does), Then the sheet ends exactly as after an uncrashed tick and every email and
flag exists exactly once: except a message sent in the one-call window, which the design allows
to go twice.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from adapters.ledger import IdempotencyLedger, SqlitePersistenceLayer
from adapters.locks import LocalFileLock
from adapters.outbox import OutboxMailer, OutboxNotifier, read_outbox
from app.demo import build_demo
from bench.workload import workload
from fakes.crashing import (
    Crash,
    CrashingLedger,
    CrashingMailer,
    CrashingWorkbook,
)
from fakes.sheets_server import FakeSheetsServer, gspread_workbook
from guide.links import LinkSigner
from guide.ports import Email, Mailer, Ports, Workbook, WorkbookError
from guide.tick import run_tick
from sheets.schema import AUDIT, COMMITS, STATE, TABS
from tests.conftest import DONE_URL, LINK_KEY

TODAY = date(2026, 11, 23)
NINE_AM_NEW_YORK = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)
_books = itertools.count(1)


@pytest.fixture(scope="module")
def server() -> Iterator[FakeSheetsServer]:
    with FakeSheetsServer() as fake:
        yield fake


def ports(folder: Path, workbook: Workbook, in_progress_seconds: float = 300) -> Ports:
    """Fresh ports on the shared outbox, lock folder and ledger file: one Lambda invocation."""
    store = SqlitePersistenceLayer(folder / "ledger.sqlite3")
    return Ports(
        workbook=workbook,
        mailer=OutboxMailer(folder / "outbox"),
        notifier=OutboxNotifier(folder / "outbox"),
        lock=LocalFileLock(folder / "locks"),
        ledger=IdempotencyLedger(store, in_progress_seconds=in_progress_seconds),
        signer=LinkSigner(LINK_KEY),
        done_url=DONE_URL,
    )


def demo_book(server: FakeSheetsServer) -> str:
    book = f"crash-{next(_books)}"
    server.create_spreadsheet(book, {})
    build_demo(gspread_workbook(server, book), TODAY)
    return book


def sheet_end(server: FakeSheetsServer, book: str) -> dict[str, list[list[Any]]]:
    """Every tab's values, but for what differs between any two correct runs: audit and commit
    ids (random) and Slack ts (numbered by the outbox), which ``assert_flags_match_posts``
    checks instead."""
    tabs = {t.name: server.values(book, t.name) for t in TABS if t is not COMMITS}
    header, *rows = tabs[STATE.name]
    ts = header.index("flag ts")
    tabs[STATE.name] = [
        header,
        *([*r[:ts], "<ts>" if len(r) > ts and r[ts] else "", *r[ts + 1 :]] for r in rows),
    ]
    audit_id = tabs[AUDIT.name][0].index("audit id")
    tabs[AUDIT.name] = [r[:audit_id] + r[audit_id + 1 :] for r in tabs[AUDIT.name]]
    return tabs


def messages(folder: Path) -> Counter[tuple[str, ...]]:
    """Each email (to, subject, body) and Slack post (channel, text) in the outbox, counted."""
    found: Counter[tuple[str, ...]] = Counter()
    for entry in read_outbox(folder / "outbox"):
        p = entry.payload
        if entry.kind == "mail":
            found[("mail", p["to"], p["subject"], p["text"])] += 1
        else:
            # A permalink to a flag names the flag's ts, which differs from run to run.
            found[("slack", p["channel"], re.sub(r"/p\d+", "/p<ts>", p["text"]))] += 1
    return found


def assert_flags_match_posts(server: FakeSheetsServer, book: str, folder: Path) -> None:
    posts = {
        (e.payload["channel"], e.payload["ts"])
        for e in read_outbox(folder / "outbox")
        if e.kind == "slack"
    }
    header, *rows = server.values(book, STATE.name)
    channel, ts = header.index("flag channel"), header.index("flag ts")
    flagged = [(r[channel], r[ts]) for r in rows if len(r) > ts and r[ts]]
    assert flagged and set(flagged) <= posts


@pytest.fixture(scope="module")
def uncrashed(
    server: FakeSheetsServer, tmp_path_factory: pytest.TempPathFactory
) -> tuple[dict[str, Any], Counter[tuple[str, ...]]]:
    """What one tick that nothing went wrong with leaves behind: the sheet and the messages."""
    folder = tmp_path_factory.mktemp("uncrashed")
    book = demo_book(server)
    run_tick(ports(folder, gspread_workbook(server, book)), NINE_AM_NEW_YORK)
    sent = messages(folder)
    assert sum(sent.values()) == 7 and set(sent.values()) == {1}  # 4 emails, 3 Slack posts
    return sheet_end(server, book), sent


@pytest.mark.parametrize(
    ("prefix", "after"),
    [
        ("mail:step:", 1),
        ("mail:step:", 3),
        ("mail:wrapup:", 1),
        ("slack:flag:", 1),
        ("slack:flag:", 2),
        ("escalate:", 1),
    ],
)
def test_a_tick_that_dies_after_an_effect_is_recorded_is_completed_by_the_rerun(
    prefix: str,
    after: int,
    server: FakeSheetsServer,
    tmp_path: Path,
    uncrashed: tuple[dict[str, Any], Counter[tuple[str, ...]]],
) -> None:
    # Given a tick that dies right after the effect under `prefix` was done and recorded
    book = demo_book(server)
    first = ports(tmp_path, gspread_workbook(server, book))
    ledger = CrashingLedger(first.ledger, prefix, after)
    with pytest.raises(Crash):
        run_tick(replace(first, ledger=ledger), NINE_AM_NEW_YORK)
    assert ledger.crashed_key is not None and messages(tmp_path)  # it did die mid-way
    # When Lambda retries it
    report = run_tick(ports(tmp_path, gspread_workbook(server, book)), NINE_AM_NEW_YORK)
    # Then the sheet is as an uncrashed tick leaves it, and everything went out exactly once
    sheet, sent = uncrashed
    assert not report.failures
    assert sheet_end(server, book) == sheet
    assert messages(tmp_path) == sent
    assert_flags_match_posts(server, book, tmp_path)


def test_a_tick_that_dies_before_its_write_is_brought_up_to_date_without_resending(
    server: FakeSheetsServer,
    tmp_path: Path,
    uncrashed: tuple[dict[str, Any], Counter[tuple[str, ...]]],
) -> None:
    # Given a tick that sent everything and died before writing the sheet
    book = demo_book(server)
    before = sheet_end(server, book)
    workbook = CrashingWorkbook(gspread_workbook(server, book))
    with pytest.raises(Crash):
        run_tick(ports(tmp_path, workbook), NINE_AM_NEW_YORK)
    assert workbook.commits_attempted == 1 and sheet_end(server, book) == before
    sent_by_the_crashed_run = messages(tmp_path)
    # When it is run again, Then nothing new is sent and the sheet catches up
    run_tick(ports(tmp_path, gspread_workbook(server, book)), NINE_AM_NEW_YORK)
    sheet, sent = uncrashed
    assert messages(tmp_path) == sent_by_the_crashed_run == sent
    assert sheet_end(server, book) == sheet
    assert_flags_match_posts(server, book, tmp_path)


def test_the_one_call_window_a_message_accepted_but_not_recorded_goes_twice(
    server: FakeSheetsServer,
    tmp_path: Path,
    uncrashed: tuple[dict[str, Any], Counter[tuple[str, ...]]],
) -> None:
    # Given a tick that dies after the provider accepted Omar's step-2 email, before the ledger
    # recorded it, and whose claim on that effect has lapsed by the time Lambda retries
    book = demo_book(server)
    first = ports(tmp_path, gspread_workbook(server, book), in_progress_seconds=0)
    mailer = CrashingMailer(first.mailer, "omar@dune.example")
    with pytest.raises(Crash):
        run_tick(replace(first, mailer=mailer), NINE_AM_NEW_YORK)
    # When the retry runs
    run_tick(ports(tmp_path, gspread_workbook(server, book)), NINE_AM_NEW_YORK)
    # Then that one email exists twice (the design's stated exception), everything else once
    sheet, sent = uncrashed
    twice = [m for m in sent if m[:2] == ("mail", "omar@dune.example")]
    assert len(twice) == 1
    assert messages(tmp_path) == sent + Counter(twice)
    assert sheet_end(server, book) == sheet


def test_a_rerun_inside_the_crashed_runs_claim_takes_it_over_and_completes_the_tick(
    server: FakeSheetsServer,
    tmp_path: Path,
    uncrashed: tuple[dict[str, Any], Counter[tuple[str, ...]]],
) -> None:
    # Given the same crash (Omar's email accepted, the run killed before recording it), and
    # Lambda retrying at once, while the dead run's claim on that email is still live
    book = demo_book(server)
    first = ports(tmp_path, gspread_workbook(server, book))
    with pytest.raises(Crash):
        run_tick(
            replace(first, mailer=CrashingMailer(first.mailer, "omar@dune.example")),
            NINE_AM_NEW_YORK,
        )
    # When the retry runs (it holds the workbook lock, so the claim can only be the dead run's)
    report = run_tick(ports(tmp_path, gspread_workbook(server, book)), NINE_AM_NEW_YORK)
    # Then it takes the claim over: the tick completes today, the sheet as an uncrashed tick
    # leaves it, and only the email in the one-call window went twice
    sheet, sent = uncrashed
    assert not report.failures
    assert sheet_end(server, book) == sheet
    twice = [m for m in sent if m[:2] == ("mail", "omar@dune.example")]
    assert len(twice) == 1
    assert messages(tmp_path) == sent + Counter(twice)


class DiesBeforeSending:
    """A mailer whose process is killed mid-send, before the provider got the email to ``to``:
    the effect is claimed in the ledger and nothing went out."""

    def __init__(self, inner: Mailer, to: str) -> None:
        self.inner, self.to = inner, to

    def send(self, email: Email) -> str:
        if email.to == self.to:
            raise Crash(f"died while sending to {email.to}, before the provider had it")
        return self.inner.send(email)


def test_a_crash_mid_send_and_an_immediate_rerun_send_everything_exactly_once(
    server: FakeSheetsServer,
    tmp_path: Path,
    uncrashed: tuple[dict[str, Any], Counter[tuple[str, ...]]],
) -> None:
    # Given a tick killed while sending Omar's email (after some effects, before others)
    book = demo_book(server)
    first = ports(tmp_path, gspread_workbook(server, book))
    with pytest.raises(Crash):
        run_tick(
            replace(first, mailer=DiesBeforeSending(first.mailer, "omar@dune.example")),
            NINE_AM_NEW_YORK,
        )
    assert 0 < sum(messages(tmp_path).values()) < sum(uncrashed[1].values())  # it died mid-way
    # When the Scheduler retries within the minute
    report = run_tick(ports(tmp_path, gspread_workbook(server, book)), NINE_AM_NEW_YORK)
    # Then every effect the crashed run did not do is done, nothing is sent twice, and the
    # sheet is as an uncrashed tick leaves it
    sheet, sent = uncrashed
    assert not report.failures
    assert messages(tmp_path) == sent
    assert sheet_end(server, book) == sheet
    assert_flags_match_posts(server, book, tmp_path)


# -- Google misbehaving --------------------------------------------------------------------------


def test_rate_limited_read_and_write_are_retried_and_the_tick_completes(
    server: FakeSheetsServer,
    tmp_path: Path,
    uncrashed: tuple[dict[str, Any], Counter[tuple[str, ...]]],
) -> None:
    book = demo_book(server)
    server.reset_counts()
    server.fail_next(429, retry_after=0, endpoint="batchGet")
    server.fail_next(429, retry_after=0, endpoint="batchUpdate")
    run_tick(ports(tmp_path, gspread_workbook(server, book)), NINE_AM_NEW_YORK)
    assert (server.counts["batchGet"], server.counts["batchUpdate"]) == (2, 2)
    assert sheet_end(server, book) == uncrashed[0]
    assert messages(tmp_path) == uncrashed[1]


def test_a_write_that_keeps_failing_changes_nothing_and_a_rerun_after_recovery_completes(
    server: FakeSheetsServer,
    tmp_path: Path,
    uncrashed: tuple[dict[str, Any], Counter[tuple[str, ...]]],
) -> None:
    book = demo_book(server)
    before = {t.name: server.values(book, t.name) for t in TABS}
    server.fail_always(500, endpoint="batchUpdate")
    try:
        with pytest.raises(WorkbookError):
            run_tick(ports(tmp_path, gspread_workbook(server, book)), NINE_AM_NEW_YORK)
        assert {t.name: server.values(book, t.name) for t in TABS} == before
    finally:
        server.heal()
    run_tick(ports(tmp_path, gspread_workbook(server, book)), NINE_AM_NEW_YORK)
    assert sheet_end(server, book) == uncrashed[0]
    assert messages(tmp_path) == uncrashed[1]


@pytest.mark.parametrize("customers", [50, 500])
def test_a_tick_makes_the_same_few_sheets_calls_whatever_the_number_of_customers(
    customers: int, server: FakeSheetsServer, tmp_path: Path
) -> None:
    book = f"load-{customers}-{next(_books)}"
    server.create_spreadsheet(book, workload(customers, TODAY))
    workbook = gspread_workbook(server, book)
    server.reset_counts()
    report = run_tick(ports(tmp_path, workbook), NINE_AM_NEW_YORK)
    assert len(report.emails) >= customers // 20  # it had real work to do
    assert server.counts["metadata"] <= 1 and server.counts["batchGet"] == 1
    assert server.reads <= 2 and server.writes == 1


def test_effects_sent_on_a_thread_pool_end_exactly_as_sent_one_by_one(
    server: FakeSheetsServer,
    tmp_path: Path,
    uncrashed: tuple[dict[str, Any], Counter[tuple[str, ...]]],
) -> None:
    # Given the demo, and ports that send several effects at once (as with SES and Slack)
    book = demo_book(server)
    pooled = replace(ports(tmp_path, gspread_workbook(server, book)), effect_workers=4)
    # When the tick runs
    run_tick(pooled, NINE_AM_NEW_YORK)
    # Then the sheet and the messages are those of a tick that sent them one by one
    assert (sheet_end(server, book), messages(tmp_path)) == uncrashed
    assert_flags_match_posts(server, book, tmp_path)
