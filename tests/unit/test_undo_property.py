"""Undo as a property: whatever people did to a customer, undoing it all leaves the workbook as
it was.

Given a small workbook (a customer whose every step is out, one done, and a second customer the
tick leaves alone), when any sequence of actions happens (the buttons, the done link, and the
paused box or hand-off cleared, ticked or typed in the sheet, or 'finished' ticked there, and
noticed by a tick, which may also finish the journey by itself) followed by as many undos as
there were actions, then every tab but og-audit is as it was, and one more undo has nothing to
undo.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from contextlib import suppress
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.ledger import IdempotencyLedger, SqlitePersistenceLayer
from adapters.locks import LocalFileLock
from adapters.outbox import OutboxMailer, OutboxNotifier
from fakes.memory_workbook import InMemoryWorkbook
from guide import commands as cmd
from guide import trail
from guide.actions import perform
from guide.commands import ActionError
from guide.links import LinkSigner
from guide.ports import Ports
from guide.reading import read_book
from guide.tick.decide import current_step
from guide.tick.run import run_tick
from guide.workbook import CellValue, Changes
from sheets.schema import (
    ACTIVITY,
    AUDIT,
    COMMITS,
    CONFIG,
    ONBOARDING,
    PLANS,
    SENDS,
    STATE,
    TABS,
    TICK_READS,
    TRIAGE,
)

START = datetime(2026, 11, 18, 9, 0, tzinfo=UTC)  # a Wednesday; the workbook's time is UTC
SAM, ALEX = "Sam Rivera", "Alex Chen"
STEPS = ("connect", "invite", "checkin")


def small_workbook(with_state: bool) -> InMemoryWorkbook:
    workbook = InMemoryWorkbook()
    workbook.ensure_tabs([t.name for t in TABS])
    snapshot = workbook.read([t.name for t in TABS])
    changes = Changes()
    for key, value in [
        ("timezone", "UTC"),
        ("team", f"{SAM} | U01SAM | sam@example.com"),
        ("team", f"{ALEX} | U02ALEX | alex@example.com"),
    ]:
        changes.append(CONFIG.name, {"key": key, "value": value})
    for order, step in enumerate(STEPS, start=1):
        changes.append(
            PLANS.name,
            {"plan": "standard", "order": order, "step id": step, "title": step.title(),
             "expected days": 30, "email subject": f"Step {order}", "email body": "Hi {name}"},
        )  # fmt: skip
    for customer_id in ("C1", "C2"):
        changes.append(
            ONBOARDING.name,
            {"customer id": customer_id, "company": f"Company {customer_id}",
             "contact email": f"{customer_id.lower()}@example.com", "plan": "standard",
             "owner": SAM, "started on": "2026-11-16", "paused": False, "finished": False},
        )  # fmt: skip
    for customer_id in ("C1", "C2"):
        for day, step in enumerate(STEPS, start=16):
            changes.append(
                SENDS.name,
                {"journey id": f"{customer_id}/standard/2026-11-16", "customer id": customer_id,
                 "step id": step, "sent at": f"2026-11-{day} 09:05", "reminders sent": 0,
                 "done at": "2026-11-17 10:00" if (customer_id, step) == ("C1", "connect") else "",
                 "done by": "customer" if (customer_id, step) == ("C1", "connect") else ""},
            )  # fmt: skip
    if with_state:  # an og-state record the actions change, rather than make
        changes.append(
            STATE.name,
            {"customer id": "C1", "journey id": "C1/standard/2026-11-16", "flag channel": "U01SAM",
             "flag ts": "1.2", "flag step": "invite", "flag level": 1,
             "flagged at": "2026-11-17 09:05", "updated at": "2026-11-17 09:05"},
        )  # fmt: skip
    workbook.commit(snapshot, changes)
    return workbook


def sheet(workbook: InMemoryWorkbook) -> dict[str, list[list[CellValue]]]:
    """Every tab but og-audit and og-activity (append-only records: what an undo leaves, since
    the email they record went out) as a sheet shows it (trailing blanks are nothing). og-sends is
    compared as a set of rows: an undone finish brings the journey's rows back at the end, and
    the guide finds them by journey and step, never by position."""

    def trim(row: list[CellValue]) -> list[CellValue]:
        row = list(row)
        while row and row[-1] in (None, ""):
            row.pop()
        return row

    out = {}
    for tab, rows in workbook.tabs.items():
        if tab in (AUDIT.name, ACTIVITY.name, COMMITS.name):  # append-only; the last write id
            continue
        if tab == TRIAGE.name:  # a view the tick redraws from the rest: not undone, redrawn
            continue
        header, *data = [trim(r) for r in rows]
        kept = [r for r in data if r]
        out[tab] = [header, *(sorted(kept, key=repr) if tab == SENDS.name else kept)]
    return out


def set_cell(workbook: InMemoryWorkbook, column: str, value: CellValue) -> None:
    """A person edits C1's onboarding row in the sheet."""
    header, *rows = workbook.tabs[ONBOARDING.name]
    row = next(r for r in rows if r and r[0] == "C1")
    position = header.index(column)
    row.extend([None] * (position + 1 - len(row)))
    row[position] = None if value == "" else value  # an emptied cell, as the sheet reads it


def mark_current_step_done(ports: Ports, workbook: InMemoryWorkbook, at: datetime) -> None:
    book = read_book(workbook.read(TICK_READS))
    customer = book.customer("C1")
    assert customer is not None
    step = current_step(book.plans["standard"], book.journey_sends(customer.journey_id()))
    if step is not None:
        perform(ports, cmd.MarkDone("C1", customer.journey_id(), step.step_id), at)


def clear_in_sheet(column: str, cleared: CellValue) -> Op:
    def op(ports: Ports, workbook: InMemoryWorkbook, at: datetime) -> None:
        current = workbook.row(ONBOARDING.name, "customer id", "C1").get(column)
        if current not in (None, "", False):
            set_cell(workbook, column, cleared)
            run_tick(ports, at)

    return op


def edit_in_sheet(column: str, value: CellValue) -> Op:
    """A person ticks a box or types a name in C1's row, and the next tick notices it."""

    def op(ports: Ports, workbook: InMemoryWorkbook, at: datetime) -> None:
        row = workbook.row(ONBOARDING.name, "customer id", "C1")
        if row.get("finished") in (None, "", False) and row.get(column) in (None, "", False):
            set_cell(workbook, column, value)
            run_tick(ports, at)

    return op


Op = Callable[[Ports, InMemoryWorkbook, datetime], None]


def action(command: cmd.Command) -> Op:
    return lambda ports, _workbook, at: perform(ports, command, at) and None


OPS: dict[str, Op] = {
    "pause": action(cmd.Pause("C1", SAM, "waiting on IT")),
    "resume": action(cmd.Resume("C1", ALEX)),
    "hand off to Alex": action(cmd.HandOff("C1", SAM, ALEX)),
    "hand off to Sam": action(cmd.HandOff("C1", ALEX, SAM)),
    "clear hand-off": action(cmd.ClearHandOff("C1", SAM)),
    "nudge": action(cmd.Nudge("C1", SAM)),
    "done": mark_current_step_done,
    "finish": action(cmd.Finish("C1", SAM)),
    "send draft": action(cmd.SendDraft("C1", SAM, "Can we help?", "Hi, can we help?")),
    "cancel": action(cmd.Cancel("C1", SAM, "not a fit", closing_email=True)),
    "paused box cleared in the sheet": clear_in_sheet("paused", False),
    "hand-off cleared in the sheet": clear_in_sheet("handed off to", ""),
    "paused box ticked in the sheet": edit_in_sheet("paused", True),
    "hand-off typed in the sheet": edit_in_sheet("handed off to", ALEX),
    "finished ticked in the sheet": edit_in_sheet("finished", True),
    "tick": lambda ports, _workbook, at: run_tick(ports, at) and None,
}


def local_ports(workbook: InMemoryWorkbook, folder: Path) -> tuple[Ports, SqlitePersistenceLayer]:
    store = SqlitePersistenceLayer(folder / "ledger.sqlite3")
    ports = Ports(
        workbook=workbook,
        mailer=OutboxMailer(folder / "outbox"),
        notifier=OutboxNotifier(folder / "outbox"),
        lock=LocalFileLock(folder / "locks"),
        ledger=IdempotencyLedger(store),
        signer=LinkSigner(b"property-test-link-key-not-secret"),
        done_url="https://guide.example/done",
    )
    return ports, store


@settings(max_examples=40, deadline=None)
@given(
    with_state=st.booleans(),
    ops=st.lists(st.sampled_from(sorted(OPS)), max_size=10),
)
def test_any_actions_then_as_many_undos_leave_every_tab_as_it_was(
    with_state: bool, ops: list[str]
) -> None:
    workbook = small_workbook(with_state)
    before = sheet(workbook)
    with tempfile.TemporaryDirectory() as folder:
        ports, store = local_ports(workbook, Path(folder))
        try:
            at = START
            for name in ops:
                at += timedelta(minutes=10)
                with suppress(ActionError):  # refused before anything was written
                    OPS[name](ports, workbook, at)
            actions = [e for e in trail.history(ports, "C1") if e.action in trail.UNDOABLE]

            for _ in actions:
                at += timedelta(minutes=10)
                perform(ports, cmd.Undo("C1", SAM), at)

            assert sheet(workbook) == before
            try:
                perform(ports, cmd.Undo("C1", SAM), at + timedelta(minutes=10))
            except ActionError as nothing:
                assert nothing.code == "nothing_to_undo"
            else:
                raise AssertionError("an undo with every action undone did something")
        finally:
            store.close()


def test_a_hand_off_cleared_in_the_sheet_after_a_cancel_is_recorded_and_undone() -> None:
    """The example hypothesis found: a finished (here cancelled) customer's hand-off cleared in
    the sheet was never recorded, so the undo of the hand-off saw a person's edit and refused."""
    workbook = small_workbook(with_state=False)
    before = sheet(workbook)
    with tempfile.TemporaryDirectory() as folder:
        ports, store = local_ports(workbook, Path(folder))
        try:
            at = START
            for name in (
                "hand off to Alex",
                "hand off to Sam",
                "cancel",
                "hand-off cleared in the sheet",
            ):
                at += timedelta(minutes=10)
                OPS[name](ports, workbook, at)
            for _ in range(4):
                at += timedelta(minutes=10)
                perform(ports, cmd.Undo("C1", SAM), at)
            assert sheet(workbook) == before
        finally:
            store.close()
