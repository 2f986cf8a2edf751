"""The daily tick, end to end, on both workbook adapters, from the demo workbook.

Given the demo's dozen customers (one in every state) and a person's own edits, When the tick runs
at 09:00 New York time on Monday 23 November 2026, Then every customer gets exactly what the
design says, every action is audited, and nothing a person typed is disturbed.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from adapters.ledger import IdempotencyLedger, SqlitePersistenceLayer
from adapters.locks import LocalFileLock
from adapters.outbox import OutboxEntry, OutboxMailer, OutboxNotifier, read_outbox
from adapters.xlsx_workbook import XlsxWorkbook
from app.demo import build_demo
from fakes.sheets_server import FakeSheetsServer, gspread_workbook
from guide.links import LinkError, LinkSigner
from guide.ports import Ports, Workbook
from guide.tick import TickReport, run_tick
from guide.workbook import Changes
from sheets.schema import TABS
from tests.conftest import DONE_URL, LINK_KEY

TODAY = date(2026, 11, 23)  # a Monday
NINE_AM_NEW_YORK = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)
TICKED_AT = "2026-11-23 09:00"
NOTE = "=call back Tuesday"  # a person's note that a USER_ENTERED write would turn into a formula
DONE_BY = "=Mia, on the phone"
Rows = dict[str, list[dict[str, Any]]]


def local_services(folder: Path, workbook: Workbook) -> Ports:
    """The local wiring of tests/conftest.py, for a module-scoped world."""
    clock = NINE_AM_NEW_YORK.timestamp
    return Ports(
        workbook=workbook,
        mailer=OutboxMailer(folder / "outbox", clock=clock),
        notifier=OutboxNotifier(folder / "outbox", clock=clock),
        lock=LocalFileLock(folder / "locks"),
        ledger=IdempotencyLedger(SqlitePersistenceLayer(folder / "ledger.sqlite3")),
        signer=LinkSigner(LINK_KEY),
        done_url=DONE_URL,
    )


def sheet_rows(workbook: Workbook) -> Rows:
    """Every tab as rows of {header as the sheet has it: value}, a person's own columns too."""
    snapshot = workbook.read([t.name for t in TABS])
    return {
        name: [
            {h: (row[i] if i < len(row) else None) for i, h in enumerate(table.header)}
            for row in table.rows
        ]
        for name, table in snapshot.tables.items()
    }


def person_edits(workbook: Workbook) -> None:
    """A note in a column of the person's own, and a typed 'done by', both starting with '='."""
    snapshot = workbook.read(["onboarding", "og-sends"])
    changes = Changes()
    for row, record in snapshot["onboarding"].records():
        if record["customer id"] == "C003":
            changes.set("onboarding", row, "my notes", NOTE)
        if record["customer id"] == "C010":
            changes.set("onboarding", row, "my notes", "renewal in March")
    for row, record in snapshot["og-sends"].records():
        if (record["customer id"], record["step id"]) == ("C009", "connect-data"):
            changes.set("og-sends", row, "done by", DONE_BY)
    workbook.commit(snapshot, changes)


@dataclass
class World:
    ports: Ports
    report: TickReport
    before: Rows
    after: Rows
    outbox: list[OutboxEntry]
    again: TickReport  # the same tick, run a second time that morning
    after_again: Rows
    outbox_after_again: list[OutboxEntry]

    def mails(self, to: str) -> list[dict[str, Any]]:
        return [e.payload for e in self.outbox if e.kind == "mail" and e.payload["to"] == to]

    def posts(self, channel: str) -> list[dict[str, Any]]:
        return [
            e.payload for e in self.outbox if e.kind == "slack" and e.payload["channel"] == channel
        ]

    def rows(self, tab: str, customer: str, when: str = "after") -> list[dict[str, Any]]:
        rows = self.after if when == "after" else self.before
        return [r for r in rows[tab] if r.get("customer id") == customer]


_books = itertools.count(1)


@pytest.fixture(scope="module")
def sheets_server() -> Iterator[FakeSheetsServer]:
    with FakeSheetsServer() as server:
        yield server


@pytest.fixture(scope="module", params=["xlsx", "gsheets"])
def world(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    sheets_server: FakeSheetsServer,
) -> World:
    folder = tmp_path_factory.mktemp(f"tick-{request.param}")
    workbook: Workbook
    if request.param == "xlsx":
        workbook = XlsxWorkbook(folder / "onboarding.xlsx")
    else:
        book = f"tick-e2e-{next(_books)}"
        sheets_server.create_spreadsheet(book, {})
        workbook = gspread_workbook(sheets_server, book)
    build_demo(workbook, TODAY)
    person_edits(workbook)
    before = sheet_rows(workbook)
    ports = local_services(folder, workbook)
    report = run_tick(ports, NINE_AM_NEW_YORK)
    after, outbox = sheet_rows(workbook), read_outbox(folder / "outbox")
    again = run_tick(local_services(folder, workbook), NINE_AM_NEW_YORK)
    return World(
        ports,
        report,
        before,
        after,
        outbox,
        again,
        sheet_rows(workbook),
        read_outbox(folder / "outbox"),
    )


def test_a_new_customer_gets_step_one_with_a_done_link_bound_to_their_step(world: World) -> None:
    # Then Tom (C002, started today) got exactly one email: step 1, with a done link
    (mail,) = world.mails("tom@birchwood.example")
    assert mail["subject"] == "Step 1: connect your data"
    (link,) = re.findall(r"https://guide\.example/done\?\S+", mail["text"])
    token = parse_qs(urlsplit(link).query)["t"][0]
    # And the link is signed for his journey and this very step
    bound = world.ports.signer.verify(token, NINE_AM_NEW_YORK)
    assert (bound.customer_id, bound.journey_id, bound.step_id) == (
        "C002",
        "C002/standard/2026-11-23",
        "connect-data",
    )
    # And it stops working after the configured 30 days
    with pytest.raises(LinkError, match="expired"):
        world.ports.signer.verify(token, NINE_AM_NEW_YORK + timedelta(days=30, seconds=1))
    # And og-sends records the send
    (sent,) = world.rows("og-sends", "C002")
    assert (sent["journey id"], sent["step id"], sent["sent at"]) == (
        "C002/standard/2026-11-23",
        "connect-data",
        TICKED_AT,
    )


def test_a_row_with_no_start_date_is_enrolled_today_and_mailed(world: World) -> None:
    (row,) = world.rows("onboarding", "C001")
    assert row["started on"] == "2026-11-23"
    (mail,) = world.mails("priya@acme.example")
    assert mail["subject"] == "Step 1: connect your data"
    (sent,) = world.rows("og-sends", "C001")
    assert (sent["journey id"], sent["step id"]) == ("C001/standard/2026-11-23", "connect-data")


def test_the_next_step_goes_out_once_the_one_before_is_done(world: World) -> None:
    (mail,) = world.mails("omar@dune.example")
    assert mail["subject"] == "Step 2: bring a teammate"
    assert mail["tags"]["step"] == "invite-teammate"
    steps = [r["step id"] for r in world.rows("og-sends", "C004")]
    assert steps == ["connect-data", "invite-teammate"]
    # And a customer still inside the step's expected days hears nothing
    assert world.mails("ines@cobalt.example") == []


def test_a_stalled_customer_is_flagged_once_with_the_four_buttons(world: World) -> None:
    (flag,) = [p for p in world.posts("U01SAMRIVERA") if "Evergreen" in p["text"]]
    assert "8 business days" in flag["text"]
    buttons = [
        e["action_id"] for b in flag["blocks"] if b["type"] == "actions" for e in b["elements"]
    ]
    # The four of every flag, the stall's own answers, then the plan link (issue 11)
    assert buttons == [
        "og_finish",
        "og_pause",
        "og_handoff",
        "og_nudge",
        "og_draft",
        "og_call",
        "og_cancel",
        "og_task_done",  # the stall's intervention task, opened with the flag, is open
        "og_plan",  # View plan: a signed link to the staff page
    ]
    (state,) = world.rows("og-state", "C005")
    assert (state["flag step"], state["flag level"], state["flag ts"]) == (
        "invite-teammate",
        1,
        flag["ts"],
    )


def test_a_long_stall_is_re_flagged_at_level_two_and_the_manager_told_once(world: World) -> None:
    (flag,) = world.posts("U02ALEXCHEN")  # Fjord's owner is Alex
    assert flag["text"].startswith("Escalated: Fjord Travel")
    assert "18 business days" in flag["text"]
    (told,) = world.posts("U03MORGAN")
    assert "Fjord Travel" in told["text"]
    (state,) = world.rows("og-state", "C006")
    assert (state["flag level"], state["flag ts"]) == (2, flag["ts"])


def test_a_customer_with_every_step_done_is_finished_and_archived(world: World) -> None:
    (row,) = world.rows("onboarding", "C009")
    assert (row["finished"], row["finished on"], row["finished by"]) == (
        True,
        "2026-11-23",
        "the guide (every step done)",
    )
    # And the journey moved from og-sends to the archive, as it was, with when
    live_before = world.rows("og-sends", "C009", "before")
    assert len(live_before) == 4 and world.rows("og-sends", "C009") == []
    archived = world.rows("og-sends-archive", "C009")
    assert [r["archived at"] for r in archived] == [TICKED_AT] * 4
    strip = ("sent at", "done at", "done by", "step id", "journey id")
    assert [{k: r[k] for k in strip} for r in archived] == [
        {k: r[k] for k in strip} for r in live_before
    ]
    # And one audit row says how long it took, and one wrap-up email went out
    (finish,) = [a for a in world.rows("og-audit", "C009") if a["action"] == "finish"]
    started = date.fromisoformat(row["started on"])
    assert finish["detail"] == f"took {(TODAY - started).days} days"
    (wrapup,) = world.mails("mia@indigo.example")
    assert wrapup["subject"] == "You're all set"


def test_paused_handed_off_and_finished_customers_get_nothing(world: World) -> None:
    for customer, email in [
        ("C007", "ana@granite.example"),
        ("C008", "dev@harbor.example"),
        ("C010", "leo@juniper.example"),
    ]:
        assert world.mails(email) == []
        assert world.rows("og-audit", customer) == []
        for tab in ("onboarding", "og-sends", "og-state"):
            assert world.rows(tab, customer) == world.rows(tab, customer, "before")
    slack = " ".join(e.payload["text"] for e in world.outbox if e.kind == "slack")
    assert not re.search("Granite|Harbor|Juniper", slack)


def test_problem_rows_are_reported_by_place_and_everyone_else_is_handled(world: World) -> None:
    places = {(p.tab, p.row, p.column) for p in world.report.problems}
    assert {
        ("onboarding", 12, "plan"),  # C011: 'standrad'
        ("onboarding", 13, "contact email"),  # C012: no email
        ("onboarding", 13, "paused"),  # C012: 'maybe'
        ("onboarding", 14, "customer id"),  # a second C003
    } <= places
    handled = {s.customer_id for s in world.report.plan.statuses}
    assert handled == {f"C{i:03d}" for i in range(1, 11)}
    assert world.mails("kai@kestrel.example") == [] and world.rows("og-audit", "C011") == []


def test_every_action_the_tick_took_wrote_one_audit_row(world: World) -> None:
    actions = Counter((a["action"], a["customer id"]) for a in world.after["og-audit"])
    assert actions == Counter(
        {
            ("enroll", "C001"): 1,
            ("send step", "C001"): 1,
            ("send step", "C002"): 1,
            ("send step", "C004"): 1,
            ("flag", "C005"): 1,
            ("flag", "C006"): 1,  # its first flag, escalated from the start
            ("tell manager", "C006"): 1,
            ("finish", "C009"): 1,
            # Each new stall's intervention task (issue 11), written in the same update
            ("open task", "C005"): 1,
            ("open task", "C006"): 1,
        }
    )
    assert all(a["who"] == "guide" and a["at"] == TICKED_AT for a in world.after["og-audit"])
    # And the outside world heard exactly what the audit says: 4 emails, 3 Slack posts
    assert Counter(e.kind for e in world.outbox) == {"mail": 4, "slack": 3}


def test_cells_the_tick_does_not_change_and_a_persons_column_are_untouched(world: World) -> None:
    changed = {"C001": {"started on"}, "C009": {"finished", "finished on", "finished by"}}
    assert len(world.after["onboarding"]) == len(world.before["onboarding"])
    for before, after in zip(world.before["onboarding"], world.after["onboarding"], strict=True):
        keep = set(before) - changed.get(before["customer id"], set())
        assert {k: after[k] for k in keep} == {k: before[k] for k in keep}
    assert world.rows("onboarding", "C010")[0]["my notes"] == "renewal in March"
    for tab in ("og-plans", "og-config"):
        assert world.after[tab] == world.before[tab]
    untouched = [r for r in world.before["og-sends"] if r["customer id"] != "C009"]
    assert world.after["og-sends"][: len(untouched)] == untouched


def test_notes_starting_with_equals_stay_text(world: World) -> None:
    assert world.rows("onboarding", "C003")[0]["my notes"] == NOTE
    assert world.rows("og-state", "C007")[0]["pause note"].startswith("=Waiting on their")
    # And the tick's own write of a typed '=' value (archiving C009's journey) is RAW too
    (archived,) = [
        r for r in world.rows("og-sends-archive", "C009") if r["step id"] == "connect-data"
    ]
    assert archived["done by"] == DONE_BY


def test_a_second_tick_the_same_day_sends_and_writes_nothing(world: World) -> None:
    # Given the morning's tick has run, When it runs again (an EventBridge retry, say)
    # Then nothing new went out, no cell changed and no audit row was added
    assert [e.path.name for e in world.outbox_after_again] == [e.path.name for e in world.outbox]
    assert world.again.emails == [] and world.again.flags == [] and world.again.escalations == []
    assert world.again.cells_written == 0
    assert world.after_again == world.after
