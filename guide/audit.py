"""og-audit rows: who did what to which customer, with the state before and after as JSON."""

from __future__ import annotations

import json
import uuid
from dataclasses import fields
from datetime import date, datetime
from typing import Any

from guide.cells import stamp
from guide.model import Customer, GuideState, StepSend
from guide.workbook import CellValue
from sheets.schema import AUDIT


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return stamp(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def _fields(record: Any) -> dict[str, Any]:
    # Not dataclasses.asdict: it deep-copies every value, and a finish views a whole journey.
    return {f.name: _plain(getattr(record, f.name)) for f in fields(record) if f.name != "row"}


def view(
    customer: Customer | None,
    state: GuideState | None = None,
    sends: list[StepSend] | None = None,
) -> dict[str, Any]:
    """A customer's whole state across tabs, as JSON-able data, for an audit before/after."""
    out: dict[str, Any] = {}
    if customer is not None:
        out["onboarding"] = _fields(customer)
    if state is not None:
        out["og-state"] = _fields(state)
    if sends is not None:
        out["og-sends"] = [_fields(s) for s in sends]
    return out


def row(
    at: datetime,
    who: str,
    action: str,
    customer_id: str,
    journey_id: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    detail: str = "",
) -> dict[str, CellValue]:
    values: dict[str, CellValue] = {
        "audit id": uuid.uuid4().hex[:12],
        "at": stamp(at),
        "who": who,
        "action": action,
        "customer id": customer_id,
        "journey id": journey_id,
        "before": json.dumps(before or {}, ensure_ascii=False, sort_keys=True),
        "after": json.dumps(after or {}, ensure_ascii=False, sort_keys=True),
        "detail": detail,
        "undoes": "",
    }
    assert set(values) == set(AUDIT.columns)
    return values
