"""How an undo puts each tab back: the fields an action changed, from its audit before and after.

A field is written back to its before; one a person changed since (it differs from the after and
from the before) is a conflict the undo shows; one already back to its before is left alone. A
finish's journey comes back from og-sends-archive to og-sends; an og-state record the action made
is taken away again; og-tasks rows a Task done closed are open again. An audit row that does
not record what it changed is refused, not guessed.

A little over 250 lines: each tab an undo puts back has its rule here, beside the conflict
check they all share.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from guide import audit, cells
from guide.actions.context import CustomerWork
from guide.commands import ActionError
from guide.trail import TrailEntry
from guide.workbook import CellValue
from sheets.schema import ONBOARDING, SENDS, SENDS_ARCHIVE, STATE, TASKS

Fields = dict[str, Any]


@dataclass
class Restore:
    """One undo being worked out: the cells to write back, what a person changed since, and
    the values found and restored (the undo's own audit before and after)."""

    unit: CustomerWork
    entry: TrailEntry
    conflicts: list[str] = field(default_factory=list)
    found: dict[str, Any] = field(default_factory=dict)
    restored: dict[str, Any] = field(default_factory=dict)

    def refuse(self, why: str) -> ActionError:
        e = self.entry
        return ActionError(
            f"Cannot undo the {e.action} by {e.who or '?'} at {when(e)}: {why}. "
            "Change the sheet by hand instead.",
            "cannot_undo",
        )

    def needs_writing(self, where: str, before: Any, after: Any, now: Any) -> bool:
        """Whether a field must be written back; a value changed since the action is a
        conflict, one already back to its before needs nothing."""
        if now == before:
            return False
        if now != after:
            self.conflicts.append(f"{where}: {_show(after)} → {_show(now)}")
        return True

    def note(self, section: str, key: str, now: Any, before: Any) -> None:
        self.found.setdefault(section, {})[key] = now
        self.restored.setdefault(section, {})[key] = before

    def parts(self, section: str) -> tuple[Any, Any] | None:
        """The section's before and after, None when the action did not touch it."""
        before, after = self.entry.before or {}, self.entry.after or {}
        if section not in before and section not in after:
            return None
        if section not in before or section not in after:
            raise self.refuse(f"its audit row does not record the {section} before and after")
        return before[section], after[section]

    def touched(self, section: str, before: Fields, after: Fields) -> list[str]:
        """The fields the action changed (og-state's 'updated at' aside: see ``_state``)."""
        keys = [k for k in after if k != audit.UPDATED_AT]
        if set(keys) != set(before) - {audit.UPDATED_AT}:
            raise self.refuse(f"its audit row records different {section} fields before and after")
        return [k for k in keys if before[k] != after[k]]


def restore(unit: CustomerWork, entry: TrailEntry) -> Restore:
    """Work out, into ``unit.changes``, what putting back ``entry``'s before takes."""
    r = Restore(unit, entry)
    if not entry.audit_id:
        raise r.refuse("its audit row has no audit id, so the undo could not say what it undid")
    if entry.before is None or entry.after is None:
        raise r.refuse("its audit row's before or after cannot be read")
    if entry.action == "resume" and not _clears_a_hold(entry.before, entry.after):
        # Written before the audit kept the box a person cleared in the sheet: putting back
        # og-state alone would leave the box clear, and the next tick would resume them again.
        raise r.refuse("its audit row does not record the box that was cleared in the sheet")
    _onboarding(r)
    _state(r)
    _sends(r)
    _tasks(r)
    return r


def _clears_a_hold(before: Fields, after: Fields) -> bool:
    was, now = before.get("onboarding") or {}, after.get("onboarding") or {}
    return any(was.get(k) != now.get(k) for k in ("paused", "handed_off_to"))


def _onboarding(r: Restore) -> None:
    parts = r.parts("onboarding")
    if parts is None:
        return
    before, after = parts
    if not isinstance(before, dict) or not isinstance(after, dict):
        raise r.refuse("its audit row does not record the onboarding row")
    customer = r.unit.customer
    now = _normal(audit.fields_of(customer))
    for name in r.touched("onboarding", before, after):
        column = audit.column(name, audit.ONBOARDING_COLUMNS)
        if r.needs_writing(f"onboarding '{column}'", before[name], after[name], now.get(name)):
            r.unit.changes.set(ONBOARDING.name, customer.row, column, _cell(before[name]))
            r.note("onboarding", name, now.get(name), before[name])


def _state(r: Restore) -> None:
    parts = r.parts("og-state")
    if parts is None or parts == (None, None):
        return
    before, after = parts
    if not isinstance(after, dict) or not (before is None or isinstance(before, dict)):
        raise r.refuse("its audit row does not record the og-state record it changed")
    state, changes = r.unit.state, r.unit.changes
    if before is None:  # the action made the record: take it away again
        if state is None:
            return
        now = _normal(audit.fields_of(state))
        for name, value in after.items():
            if name != audit.UPDATED_AT and name in now and now[name] != value:
                r.conflicts.append(
                    f"og-state '{audit.column(name)}': {_show(value)} → {_show(now[name])}"
                )
        changes.delete(STATE.name, state.row)
        r.found["og-state"], r.restored["og-state"] = now, None
        return
    if state is None:
        raise r.refuse("the customer's og-state record is gone")
    now = _normal(audit.fields_of(state))
    written = False
    for name in r.touched("og-state", before, after):
        where = f"og-state '{audit.column(name)}'"
        if r.needs_writing(where, before[name], after[name], now.get(name)):
            changes.set(STATE.name, state.row, audit.column(name), _cell(before[name]))
            r.note("og-state", name, now.get(name), before[name])
            written = True
    if written:
        # Back to as it was if nothing else wrote the record since; else it was updated now.
        current = audit.state_updated_at(r.unit.work.snapshot, state)
        unchanged = audit.UPDATED_AT in before and after.get(audit.UPDATED_AT) == current
        stamp = before[audit.UPDATED_AT] if unchanged else r.unit.when
        changes.set(STATE.name, state.row, "updated at", stamp)


def _sends(r: Restore) -> None:
    parts = r.parts("og-sends")
    if parts is None:
        return
    before, after = (_by_step(r, p) for p in parts)
    book, changes = r.unit.book, r.unit.changes
    archived: set[tuple[str, str]] = set()
    for key in [*before, *(k for k in after if k not in before)]:
        was, then = before.get(key), after.get(key)
        journey_id, step_id = key
        current = book.journey_sends(journey_id).get(step_id)
        where = f"og-sends '{step_id}'"
        if was is None:
            raise r.refuse(f"it added the {where} row, which undo does not take away")
        if then is None:  # archived by a finish: it comes back
            live = None
            if current is not None:
                live = _normal(audit.fields_of(current))
                r.conflicts.append(f"{where}: archived → live again")
                changes.delete(SENDS.name, current.row)
            changes.append(SENDS.name, {_send_column(n): _cell(v) for n, v in was.items()})
            archived.add(key)
            r.note("og-sends", step_id, live, was)
            continue
        if current is None:
            raise r.refuse(f"the {where} row is gone")
        now = _normal(audit.fields_of(current))
        for name in r.touched("og-sends", was, then):
            column = _send_column(name)
            if r.needs_writing(f"{where} '{column}'", was[name], then[name], now.get(name)):
                changes.set(SENDS.name, current.row, column, _cell(was[name]))
                r.note("og-sends", f"{step_id} {name}", now.get(name), was[name])
    for row in _archive_rows(r, archived):
        changes.delete(SENDS_ARCHIVE.name, row)


def _tasks(r: Restore) -> None:
    """og-tasks rows (by task id) back to their status, done at and done by before."""
    parts = r.parts("og-tasks")
    if parts is None:
        return
    before, after = parts
    if not all(isinstance(p, list) and all(isinstance(t, dict) for t in p) for p in parts):
        raise r.refuse("its audit row does not record the og-tasks rows it changed")
    then = {str(t.get("task_id")): t for t in after}
    rows = {
        cells.text(record.get("task id")): (row, record)
        for row, record in r.unit.work.snapshot[TASKS.name].records()
    }
    for was in before:
        task_id = str(was.get("task_id"))
        found, now = rows.get(task_id), then.get(task_id)
        if found is None or now is None:
            raise r.refuse(f"the og-tasks row '{task_id}' is gone")
        row, record = found
        for name in r.touched("og-tasks", was, now):
            column = audit.column(name)
            current = cells.text(record.get(column))
            if r.needs_writing(f"og-tasks '{task_id}' '{column}'", was[name], now[name], current):
                r.unit.changes.set(TASKS.name, row, column, _cell(was[name]))
                r.note("og-tasks", f"{task_id} {name}", current, was[name])


def _by_step(r: Restore, sends: Any) -> dict[tuple[str, str], Fields]:
    if not isinstance(sends, list) or not all(isinstance(s, dict) for s in sends):
        raise r.refuse("its audit row does not record the og-sends rows it changed")
    return {(str(s.get("journey_id")), str(s.get("step_id"))): s for s in sends}


def _archive_rows(r: Restore, keys: set[tuple[str, str]]) -> Iterator[int]:
    """The og-sends-archive rows of the steps coming back to og-sends."""
    if not keys:
        return
    for row, record in r.unit.work.snapshot[SENDS_ARCHIVE.name].records():
        key = (cells.text(record.get("journey id")), cells.text(record.get("step id")))
        if key in keys:
            yield row


def _send_column(name: str) -> str:
    return audit.column(name, audit.SENDS_COLUMNS)


def _normal(values: Fields) -> Fields:
    """Values as they read back from an audit row's JSON, to compare with it."""
    normal: Fields = json.loads(json.dumps(values, ensure_ascii=False))
    return normal


def _cell(value: Any) -> CellValue:
    cell: CellValue = "" if value is None else value
    return cell


def _show(value: Any) -> str:
    if value is None or value == "":
        return "empty"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, str):
        return f"'{value}'"
    return str(value)


def when(entry: TrailEntry) -> str:
    return cells.stamp(entry.at) if entry.at else "an unknown time"
