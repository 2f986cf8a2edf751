"""A customer's trail: their og-audit rows read into typed entries, oldest first.

Undo finds the action to reverse here and ``history`` shows the whole trail. An entry knows
whether an undo has reversed it (an undo row names the audit id it reverses in 'undoes'). A row
written before the audit recorded some value keeps what it has: ``before``/``after`` are None when
the JSON cannot be read, and undo refuses such a row rather than guess.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from guide import cells
from guide.commands import UnknownCustomer
from guide.ports import Ports
from guide.unit_of_work import WorkbookBroken, structural_problems
from guide.workbook import CellValue, Table
from sheets.schema import AUDIT, ONBOARDING

# What a person did, by button, done link, or an edit of the sheet the tick noticed, or what the
# tick decided in their place (finishing a journey whose every step is done): undo reverses these.
UNDOABLE = frozenset(
    {"pause", "resume", "hand off", "clear hand-off", "done", "nudge", "finish"}
    | {"send draft", "cancel"}  # the flag's Draft email (a reminder) and Close as cancelled
    | {"task done"}  # the flag's Task done: og-tasks rows closed
)
UNDO = "undo"


@dataclass(frozen=True)
class Reversal:
    """The undo that reversed an entry."""

    audit_id: str
    who: str
    at: datetime | None


@dataclass(frozen=True)
class TrailEntry:
    row: int  # the og-audit row, for this read only
    audit_id: str
    at: datetime | None
    who: str
    action: str
    customer_id: str
    journey_id: str
    detail: str
    undoes: str  # the audit id an undo row reverses; "" for any other row
    before: dict[str, Any] | None  # None: missing or unreadable JSON
    after: dict[str, Any] | None
    undone_by: Reversal | None = None

    @property
    def undoable(self) -> bool:
        return self.action in UNDOABLE and self.undone_by is None

    def as_json(self) -> dict[str, Any]:
        """A JSON-able form, for an API or a file."""
        reversal = self.undone_by
        return {
            "audit_id": self.audit_id,
            "at": cells.stamp(self.at) if self.at else None,
            "who": self.who,
            "action": self.action,
            "journey_id": self.journey_id,
            "detail": self.detail,
            "undoes": self.undoes or None,
            "undone_by": None
            if reversal is None
            else {
                "audit_id": reversal.audit_id,
                "who": reversal.who,
                "at": cells.stamp(reversal.at) if reversal.at else None,
            },
            "before": self.before,
            "after": self.after,
        }


def _json(value: CellValue) -> dict[str, Any] | None:
    try:
        parsed = json.loads(cells.text(value))
    except ValueError:
        return None
    return parsed if isinstance(parsed, dict) else None


def _moment(value: CellValue) -> datetime | None:
    try:
        return cells.optional_moment(value)
    except cells.CellError:
        return None


def entries(table: Table, customer_id: str) -> list[TrailEntry]:
    """Every og-audit row about ``customer_id``, oldest first (by 'at', then by row: two actions
    in one minute keep the order they were written in), each marked with the undo that reversed
    it, if any."""
    found = []
    for row, record in table.records():
        if cells.text(record.get("customer id")) != customer_id:
            continue
        found.append(
            TrailEntry(
                row=row,
                audit_id=cells.text(record.get("audit id")),
                at=_moment(record.get("at")),
                who=cells.text(record.get("who")),
                action=cells.text(record.get("action")),
                customer_id=customer_id,
                journey_id=cells.text(record.get("journey id")),
                detail=cells.text(record.get("detail")),
                undoes=cells.text(record.get("undoes")),
                before=_json(record.get("before")),
                after=_json(record.get("after")),
            )
        )
    found.sort(key=lambda e: (e.at or datetime.min, e.row))
    reversals = {
        e.undoes: Reversal(e.audit_id, e.who, e.at) for e in found if e.action == UNDO and e.undoes
    }
    return [replace(e, undone_by=reversals.get(e.audit_id)) if e.audit_id else e for e in found]


def last_undoable(trail: Iterable[TrailEntry]) -> TrailEntry | None:
    """The newest entry a person's undo reverses: not the tick's own records, not an undo, and
    not one an undo already reversed."""
    return next((e for e in reversed(list(trail)) if e.undoable), None)


def history(ports: Ports, customer_id: str) -> list[TrailEntry]:
    """The customer's whole trail, oldest first, in one read and without the lock: it only reads.

    Raises ``UnknownCustomer`` when the id is neither on the onboarding tab nor in the trail,
    and ``WorkbookBroken`` when og-audit is missing.
    """
    snapshot = ports.workbook.read([ONBOARDING.name, AUDIT.name], header_only=())
    broken = structural_problems(snapshot)
    if broken:
        raise WorkbookBroken(broken)
    trail = entries(snapshot[AUDIT.name], customer_id)
    if not trail and not any(
        cells.text(record.get("customer id")) == customer_id
        for _row, record in snapshot[ONBOARDING.name].records()
    ):
        raise UnknownCustomer(customer_id)
    return trail


def render(trail: list[TrailEntry]) -> str:
    """The trail as lines for a terminal: when, who, what, and whether it was undone."""
    if not trail:
        return "Nothing recorded yet."
    who_width = max(len(e.who) for e in trail)
    action_width = max(len(e.action) for e in trail)
    lines = []
    for e in trail:
        at = cells.stamp(e.at) if e.at else "?" * 16
        line = f"{at}  {e.who:<{who_width}}  {e.action:<{action_width}}  {e.detail}".rstrip()
        if e.undone_by is not None:
            when = cells.stamp(e.undone_by.at) if e.undone_by.at else "?"
            line += f"  [undone by {e.undone_by.who} at {when}]"
        lines.append(line)
    return "\n".join(lines)
