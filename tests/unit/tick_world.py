"""A small world for tick tests: the demo workbook in memory, the local ports, and a person's
edits to the sheet between ticks."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from adapters.outbox import read_outbox
from fakes.memory_workbook import InMemoryWorkbook
from guide.ports import Ports
from guide.tick import TickReport, run_tick
from guide.workbook import CellValue, Changes
from tests.conftest import NOW

MON, TUE, WED = date(2026, 11, 23), date(2026, 11, 24), date(2026, 11, 25)


def tick(ports: Ports, day: date) -> TickReport:
    """The scheduled tick of ``day``, 09:00 team time."""
    return run_tick(ports, NOW, on=day)


def edit(workbook: InMemoryWorkbook, tab: str, key: str, which: str, **cells: CellValue) -> None:
    """A person edits one row of ``tab`` (the row whose ``key`` column holds ``which``)."""
    snapshot = workbook.read([tab])
    changes = Changes()
    for row, record in snapshot[tab].records():
        if record.get(key) == which:
            for column, cell in cells.items():
                changes.set(tab, row, column.replace("_", " "), cell)
    workbook.commit(snapshot, changes)


def calls(outbox: Path, method: str, channel: str = "") -> list[dict[str, Any]]:
    """The Slack calls of one method, in order, to one channel if given."""
    return [
        e.payload
        for e in read_outbox(outbox)
        if e.payload.get("method") == method and (not channel or e.payload["channel"] == channel)
    ]


def mails(outbox: Path, to: str) -> list[dict[str, Any]]:
    return [e.payload for e in read_outbox(outbox) if e.kind == "mail" and e.payload["to"] == to]


def audits(workbook: InMemoryWorkbook, customer_id: str) -> list[tuple[str, str]]:
    """(who, action) of every og-audit row about the customer, oldest first."""
    return [
        (str(r["who"]), str(r["action"]))
        for r in workbook.rows("og-audit")
        if r["customer id"] == customer_id
    ]


def buttons(payload: dict[str, Any]) -> list[str]:
    return [
        e["action_id"] for b in payload["blocks"] if b["type"] == "actions" for e in b["elements"]
    ]
