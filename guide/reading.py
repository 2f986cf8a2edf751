"""A workbook snapshot, read into the product's terms.

People type into the sheet, so every row is read defensively: a cell the guide cannot use becomes
a ``Problem`` naming tab, row and column, that row is left alone, and every other row goes on.
og-config is read first: its time zone is how a time typed with an offset reads in team time.

og-sends, the tab that grows, has a fast path by position beside the cell-by-cell reading that
a row with a problem falls back to, so both stay side by side; og-onboarding, read the same way,
is ``guide.reading_onboarding``'s.
"""

from __future__ import annotations

from datetime import tzinfo
from zoneinfo import ZoneInfo

from guide import cells
from guide.config import read_config
from guide.model import Book, GuideState, Problem, Step, StepSend
from guide.reading_onboarding import read_customers
from guide.rows import RowReader, moment_reader, usable
from guide.workbook import CellValue, Snapshot, Table
from sheets.schema import CONFIG, ONBOARDING, PLANS, SENDS, STATE


def read_book(snapshot: Snapshot) -> Book:
    problems: list[Problem] = []
    config = read_config(snapshot.tables.get(CONFIG.name), problems)
    plans = _read_plans(snapshot[PLANS.name], problems)
    zone = ZoneInfo(config.timezone)  # read_config only keeps a zone that loads
    customers = read_customers(snapshot[ONBOARDING.name], plans, problems, zone)
    sends = _read_sends(snapshot[SENDS.name], problems, zone)
    states = _read_states(snapshot[STATE.name], problems, zone)
    return Book(customers, plans, sends, states, config, problems)


def _read_plans(table: Table, problems: list[Problem]) -> dict[str, list[Step]]:
    if not usable(table, PLANS, problems):
        return {}
    steps: dict[str, list[Step]] = {}
    broken: set[str] = set()
    for row, record in table.records():
        r = RowReader(PLANS.name, row, record, problems)
        plan = cells.text(record.get("plan"))
        step_id = cells.text(record.get("step id"))
        if not plan:
            r.fail("plan", "step has no plan name; row ignored")
            continue
        if not step_id:
            r.fail("step id", f"step of plan '{plan}' has no step id")
        owned = cells.text(record.get("owned by")).casefold() or "customer"
        if owned not in {"customer", "us", "we", "team"}:
            r.fail("owned by", f"expected 'customer' or 'us', got {owned!r}")
        step = Step(
            plan=plan,
            order=r.cell("order", cells.whole_number, 0),
            step_id=step_id,
            title=cells.text(record.get("title")) or step_id,
            expected_days=r.cell("expected days", cells.whole_number, 0),
            owned_by="customer" if owned == "customer" else "us",
            subject=cells.text(record.get("email subject")),
            body=cells.text(record.get("email body")),
        )
        if any(s.step_id == step_id for s in steps.get(plan, [])):
            r.fail("step id", f"step id '{step_id}' appears twice in plan '{plan}'")
        if not r.ok:
            broken.add(plan)
        steps.setdefault(plan, []).append(step)
    for plan in broken:
        steps.pop(plan, None)
        problems.append(
            Problem(PLANS.name, None, None, f"plan '{plan}' is not used until its rows are fixed")
        )
    return {plan: sorted(s, key=lambda s: s.order) for plan, s in steps.items()}


_SEND_COLUMNS = (
    "journey id",
    "customer id",
    "step id",
    "sent at",
    "done at",
    "done by",
    "reminders sent",
    "last reminded",
)


def _read_sends(
    table: Table, problems: list[Problem], zone: tzinfo
) -> dict[str, dict[str, StepSend]]:
    """og-sends grows with every step sent: read by position, each stamp parsed once."""
    if not usable(table, SENDS, problems):
        return {}
    moments = cells.Moments(zone)
    text = cells.text
    sends: dict[str, dict[str, StepSend]] = {}
    for row, values in table.columns(*_SEND_COLUMNS):
        journey_id, customer, step_id = text(values[0]), values[1], text(values[2])
        if not journey_id or not step_id:
            problems.append(
                Problem(
                    SENDS.name,
                    row,
                    "journey id",
                    "a send needs a journey id and a step id; row ignored",
                )
            )
            continue
        try:
            send = StepSend(
                row,
                journey_id,
                text(customer),
                step_id,
                moments[values[3]],
                moments[values[4]],
                text(values[5]),
                values[6] if type(values[6]) is int and values[6] >= 0 else _count(values[6]),
                moments[values[7]],
            )
        except cells.CellError:  # rare: read the row again cell by cell, for its problems
            send = _send(
                RowReader(SENDS.name, row, dict(zip(_SEND_COLUMNS, values, strict=True)), problems),
                zone,
            )
        journey = sends.setdefault(journey_id, {})
        if step_id in journey:
            problems.append(
                Problem(
                    SENDS.name,
                    row,
                    "step id",
                    f"step '{step_id}' of journey {journey_id} appears twice; "
                    f"row {journey[step_id].row} is used",
                )
            )
            continue
        journey[step_id] = send
    return sends


def _send(r: RowReader, zone: tzinfo) -> StepSend:
    """A send row cell by cell, each cell it cannot read a problem (as every tab is read)."""
    moment, record = moment_reader(zone), r.record
    return StepSend(
        row=r.row,
        journey_id=cells.text(record.get("journey id")),
        customer_id=cells.text(record.get("customer id")),
        step_id=cells.text(record.get("step id")),
        sent_at=r.cell("sent at", moment, None),
        done_at=r.cell("done at", moment, None),
        done_by=cells.text(record.get("done by")),
        reminders=r.cell("reminders sent", _count, 0),
        last_reminded=r.cell("last reminded", moment, None),
    )


def _count(value: CellValue) -> int:
    return 0 if cells.text(value) == "" else cells.whole_number(value)


def _read_states(table: Table, problems: list[Problem], zone: tzinfo) -> dict[str, GuideState]:
    if not usable(table, STATE, problems):
        return {}
    optional_moment = moment_reader(zone)
    states: dict[str, GuideState] = {}
    for row, record in table.records():
        r = RowReader(STATE.name, row, record, problems)
        customer_id = cells.text(record.get("customer id"))
        if not customer_id or customer_id in states:
            r.fail("customer id", "missing or repeated customer id; row ignored")
            continue
        states[customer_id] = GuideState(
            row=row,
            customer_id=customer_id,
            journey_id=cells.text(record.get("journey id")),
            paused_at=r.cell("paused at", optional_moment, None),
            pause_note=cells.text(record.get("pause note")),
            paused_by=cells.text(record.get("paused by")),
            handed_off_to=cells.text(record.get("handed off to")),
            handed_off_at=r.cell("handed off at", optional_moment, None),
            handed_off_by=cells.text(record.get("handed off by")),
            resumed_at=r.cell("resumed at", optional_moment, None),
            flag_channel=cells.text(record.get("flag channel")),
            flag_ts=cells.text(record.get("flag ts")),
            flag_step=cells.text(record.get("flag step")),
            flag_level=r.cell("flag level", _count, 0),
            flagged_at=r.cell("flagged at", optional_moment, None),
            escalated_at=r.cell("escalated at", optional_moment, None),
        )
    return states
