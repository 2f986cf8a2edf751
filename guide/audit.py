"""og-audit rows: who did what to which customer, with the state before and after as JSON.

The before and after are what undo restores from, so they name every value an action changes:
the onboarding row, the og-state record (``None`` when the customer has none: an action that
makes one says so, so undo knows to remove it) with its 'updated at', and the journey's og-sends
rows. A part an action does not touch is left out of both.
"""

from __future__ import annotations

import json
import operator
import os
from collections.abc import Callable
from dataclasses import fields
from datetime import date, datetime
from enum import Enum
from typing import Any

from guide import cells
from guide.cells import stamp
from guide.model import Customer, GuideState, StepSend
from guide.workbook import FIRST_DATA_ROW, CellValue, Snapshot
from sheets.schema import AUDIT, STATE

# The view's field names are the model's; these say which column each one is, where the two differ
# only by underscores. 'updated at' is og-state bookkeeping the model does not carry.
ONBOARDING_COLUMNS = {"email": "contact email"}
SENDS_COLUMNS = {"reminders": "reminders sent"}
UPDATED_AT = "updated_at"
_AUDIT_COLUMNS = frozenset(AUDIT.columns)


class _Omitted(Enum):
    OMITTED = "omitted"


OMITTED = _Omitted.OMITTED  # "this action does not touch og-state", unlike None: "no record"


def column(field_name: str, renames: dict[str, str] | None = None) -> str:
    """The sheet column a view field is stored in."""
    return (renames or {}).get(field_name, field_name.replace("_", " "))


def _plain(value: Any) -> Any:
    if type(value) in _AS_THEY_ARE:  # most fields: no isinstance checks
        return value
    if isinstance(value, datetime):
        return stamp(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


_AS_THEY_ARE = frozenset({str, int, bool, type(None)})


def fields_of(record: Any) -> dict[str, Any]:
    """A record's fields as JSON-able values, the row number left out (rows move)."""
    # Not dataclasses.asdict: it deep-copies every value, and a finish views a whole journey.
    names, values = _GETTERS.get(type(record)) or _getter(type(record))
    return {name: _plain(value) for name, value in zip(names, values(record), strict=True)}


_Getter = tuple[tuple[str, ...], Callable[[Any], tuple[Any, ...]]]
_GETTERS: dict[type, _Getter] = {}


def _getter(kind: type) -> _Getter:
    """A record class's field names, the row left out, and one call that reads them all: a
    finish views a whole journey, and ``dataclasses.fields`` is slow to ask each time."""
    names = tuple(f.name for f in fields(kind) if f.name != "row")
    if len(names) > 1:
        _GETTERS[kind] = names, operator.attrgetter(*names)
    else:  # attrgetter of one name gives the value, not a tuple of one; of none, an error
        _GETTERS[kind] = names, lambda record: tuple(getattr(record, n) for n in names)
    return _GETTERS[kind]


def view(
    customer: Customer | None,
    state: GuideState | _Omitted | None = OMITTED,
    sends: list[StepSend] | None = None,
    *,
    updated_at: str | None = None,
) -> dict[str, Any]:
    """A customer's whole state across tabs, as JSON-able data, for an audit before/after.

    ``updated_at`` is the og-state record's 'updated at' as read (before) or as written (after);
    see ``state_updated_at``.
    """
    out: dict[str, Any] = {}
    if customer is not None:
        out["onboarding"] = fields_of(customer)
    if state is None:
        out["og-state"] = None
    elif not isinstance(state, _Omitted):
        out["og-state"] = fields_of(state)
        if updated_at is not None:
            out["og-state"][UPDATED_AT] = updated_at
    if sends is not None:
        out["og-sends"] = [fields_of(s) for s in sends]
    return out


def state_updated_at(snapshot: Snapshot, state: GuideState | None) -> str:
    """The 'updated at' of a customer's og-state row as read: not in ``GuideState`` because only
    an undo needs it, to put the row back exactly as it was."""
    table = snapshot.tables.get(STATE.name)
    if state is None or table is None or not state.row:
        return ""
    position = table.positions().get("updated at")
    offset = state.row - FIRST_DATA_ROW
    if position is None or not 0 <= offset < len(table.rows):
        return ""
    raw = table.rows[offset]
    return cells.text(raw[position] if position < len(raw) else None)


def row(
    at: datetime,
    who: str,
    action: str,
    customer_id: str,
    journey_id: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    detail: str = "",
    undoes: str = "",
) -> dict[str, CellValue]:
    values: dict[str, CellValue] = {
        # The first 12 hex digits of a uuid4 are 48 random bits: these, without the UUID.
        "audit id": os.urandom(6).hex(),
        "at": stamp(at),
        "who": who,
        "action": action,
        "customer id": customer_id,
        "journey id": journey_id,
        "before": _json(before),
        "after": _json(after),
        "detail": detail,
        "undoes": undoes,
    }
    assert values.keys() == _AUDIT_COLUMNS
    return values


def _json(view: dict[str, Any] | None) -> str:
    # Most rows a tick writes (a flag, an escalation) have no before or after: no encoder for
    # those. Compact: a busy tick's og-audit rows are half its write, which Google caps.
    return _ENCODER.encode(view) if view else "{}"


_ENCODER = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))
