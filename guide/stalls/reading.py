"""The stall tabs of a snapshot, read into typed records; a row the guide cannot use becomes a
``Problem`` naming tab, row and column, and the other rows go on (as ``guide.reading`` does).

og-activity, the one tab here that grows with time, is folded as it is read: see
``guide.stalls.activity``.
"""

from __future__ import annotations

from functools import partial
from zoneinfo import ZoneInfo

from guide import cells
from guide.model import Book, Problem
from guide.rows import RowReader, usable
from guide.stalls import defaults
from guide.stalls.activity import read_activity
from guide.stalls.model import (
    ANY,
    CONDITIONS,
    SCALED,
    SEVERITIES,
    Intervention,
    Rule,
    SegmentTiming,
    StallInputs,
    StepExtra,
    Task,
    Threshold,
)
from guide.workbook import CellValue, Snapshot, Table
from sheets.schema import (
    ACTIVITY,
    INTERVENTIONS,
    ONBOARDING,
    PLANS,
    SEGMENTS,
    STALL_RULES,
    TASKS,
    Tab,
)


def read_stall_inputs(snapshot: Snapshot, book: Book) -> StallInputs:
    """Every stall tab the snapshot holds; one it did not read, or that is missing, is empty."""
    zone = ZoneInfo(book.config.timezone)
    inputs = StallInputs()
    problems = inputs.problems
    inputs.steps = _read_step_extras(snapshot.tables.get(PLANS.name))
    inputs.arr = _read_arr(snapshot.tables.get(ONBOARDING.name))
    if table := _table(snapshot, STALL_RULES, problems):
        inputs.rules = _read_rules(table, problems)
    if not inputs.rules:
        # A workbook from before stall intelligence, or a tab emptied by mistake: the PRD's
        # defaults, so stalls are still seen. Switching a rule off is its 'enabled' box.
        inputs.rules = default_rules()
    if table := _table(snapshot, SEGMENTS, problems):
        inputs.segments = _read_segments(table, problems)
    if table := _table(snapshot, INTERVENTIONS, problems):
        inputs.interventions = _read_interventions(table, problems)
    if table := _table(snapshot, TASKS, problems):
        inputs.tasks = _read_tasks(table, problems, zone)
    if table := _table(snapshot, ACTIVITY, problems):
        inputs.heard = read_activity(table, problems, zone)
    return inputs


def default_rules() -> list[Rule]:
    """The PRD's stall rules, as the setup command writes them into og-stall-rules."""
    header = list(STALL_RULES.columns)
    rows = [[row.get(h) for h in header] for row in defaults.STALL_RULES]
    return _read_rules(Table(STALL_RULES.name, header, rows), [])


def _table(snapshot: Snapshot, tab: Tab, problems: list[Problem]) -> Table | None:
    table = snapshot.tables.get(tab.name)
    return table if table is not None and usable(table, tab, problems) else None


def _read_step_extras(table: Table | None) -> dict[tuple[str, str], StepExtra]:
    """Phase, done when and assignee by (plan, step id). The steps themselves, and their
    problems, are ``guide.reading``'s; these optional columns cannot be wrong."""
    if table is None or not table.exists:
        return {}
    extras: dict[tuple[str, str], StepExtra] = {}
    for _, record in table.records():
        key = (cells.text(record.get("plan")), cells.text(record.get("step id")))
        extras.setdefault(
            key,
            StepExtra(
                phase=cells.text(record.get("phase")),
                done_when=cells.text(record.get("done when")),
                assignee=cells.text(record.get("assignee")),
            ),
        )
    return extras


def _read_arr(table: Table | None) -> dict[str, str]:
    if table is None or not table.exists or "arr" not in table.positions():
        return {}
    found = {}
    for _, (customer_id, raw_arr) in table.columns("customer id", "arr"):
        arr = cells.text(raw_arr)
        if arr:
            found[cells.text(customer_id)] = arr
    return found


def _scope(value: CellValue) -> str:
    """A phase or segment cell: blank and "any" both match everything."""
    return cells.text(value).casefold() or ANY


def threshold(value: CellValue) -> Threshold:
    raw = cells.text(value).casefold().replace("×", "x").replace(" ", "")
    if raw.endswith("x"):
        try:
            factor = float(raw[:-1])
        except ValueError:
            raise cells.CellError(f"expected days or a multiple like 1.5x, got {raw!r}") from None
        if not 0 < factor <= 100:
            raise cells.CellError(f"a multiple between 0 and 100, got {raw!r}")
        return Threshold(factor=factor)
    return Threshold(days=cells.whole_number(value))


def _read_rules(table: Table, problems: list[Problem]) -> list[Rule]:
    rules = []
    for row, record in table.records():
        r = RowReader(STALL_RULES.name, row, record, problems)
        condition = cells.text(record.get("condition")).casefold().replace(" ", "_")
        if condition not in CONDITIONS:
            r.fail("condition", f"unknown condition {condition!r}; one of {', '.join(CONDITIONS)}")
            continue
        severity = cells.text(record.get("severity")).casefold()
        if severity not in SEVERITIES:
            r.fail("severity", f"expected one of {', '.join(SEVERITIES)}, got {severity!r}")
        limit = r.cell("threshold days", threshold, Threshold())
        if limit.factor is not None and condition not in SCALED:
            r.fail("threshold days", f"{condition} takes business days, not a multiple")
        # A blank box is a rule somebody added and has not switched off.
        enabled = cells.text(record.get("enabled")) == "" or r.cell(
            "enabled", cells.checkbox, False
        )
        if r.ok:
            phase, segment = _scope(record.get("phase")), _scope(record.get("segment"))
            rules.append(Rule(row, condition, limit, severity, phase, segment, enabled))
    return rules


def _multiplier(value: CellValue) -> float | None:
    raw = cells.text(value).casefold().rstrip("x").strip()
    if not raw:
        return None
    try:
        factor = float(raw)
    except ValueError:
        raise cells.CellError(f"expected a multiplier like 1.5, got {raw!r}") from None
    if not 0 < factor <= 100:
        raise cells.CellError(f"expected a multiplier between 0 and 100, got {raw!r}")
    return factor


def _read_segments(table: Table, problems: list[Problem]) -> list[SegmentTiming]:
    timings = []
    for row, record in table.records():
        r = RowReader(SEGMENTS.name, row, record, problems)
        segment = cells.text(record.get("segment")).casefold()
        if not segment:
            r.fail("segment", "no segment named; row ignored")
            continue
        expected = r.cell("expected days", _optional_days, None)
        multiplier = r.cell("multiplier", _multiplier, None)
        if (expected is None) == (multiplier is None):
            r.fail("expected days", "give either expected days or a multiplier")
        step_id = cells.text(record.get("step id"))
        phase = cells.text(record.get("phase")).casefold()
        if step_id and phase:
            r.fail("phase", "name a step or a phase, not both")
        if r.ok:
            timings.append(SegmentTiming(row, segment, step_id, phase, expected, multiplier))
    return timings


def _optional_days(value: CellValue) -> int | None:
    return None if cells.text(value) == "" else cells.whole_number(value)


def _read_interventions(table: Table, problems: list[Problem]) -> dict[str, list[Intervention]]:
    found: dict[str, list[Intervention]] = {}
    for row, record in table.records():
        kind = cells.text(record.get("stall kind")).casefold().replace(" ", "_")
        suggestion = cells.text(record.get("suggestion"))
        if not kind or not suggestion:
            problems.append(
                Problem(
                    INTERVENTIONS.name, row, "suggestion", "needs a stall kind and a suggestion"
                )
            )
            continue
        subject, body = (
            cells.text(record.get("email subject")),
            cells.text(record.get("email body")),
        )
        found.setdefault(kind, []).append(Intervention(kind, suggestion, subject, body))
    return found


def _read_tasks(table: Table, problems: list[Problem], zone: ZoneInfo) -> list[Task]:
    moment = partial(cells.optional_moment, zone=zone)
    tasks = []
    for row, record in table.records():
        r = RowReader(TASKS.name, row, record, problems)
        task_id, customer_id = (
            cells.text(record.get("task id")),
            cells.text(record.get("customer id")),
        )
        if not task_id or not customer_id:
            r.fail("task id", "a task needs a task id and a customer id; row ignored")
            continue
        r.customer_id = customer_id
        due = r.cell("due", moment, None)
        title, owner = cells.text(record.get("title")), cells.text(record.get("owner"))
        status = cells.text(record.get("status")) or "open"
        tasks.append(Task(row, task_id, customer_id, title, owner, due, status))
    return tasks
