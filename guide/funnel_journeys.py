"""Every journey the funnel counts: live ones from the onboarding rows and og-sends, past ones
from og-sends-archive, each with its plan, segment, start, outcome and step days.

A journey id is ``customer/plan/started on`` (``Customer.journey_id``), so an archived journey
tells its own plan and start even after its customer re-enrolled on another plan.

Days are ordinals (``day_numbers``), ``NO_DAY`` for none: the archive holds every step of every
finished journey, hundreds of thousands of rows, and a date object per cell cost most of the
report's time. ``read_past`` reads it in one pass straight into each journey's step days;
``read_archive``, a tuple per row, stays for callers that want the rows. A little over 250
lines: both readers share the column handling, and read best beside each other.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from functools import partial
from typing import NamedTuple

from guide import cells
from guide.day_numbers import NO_DAY, StampDays
from guide.model import Book, Customer, Problem
from guide.trail import TrailEntry
from guide.workbook import FIRST_DATA_ROW, CellValue, Table
from sheets.schema import SENDS_ARCHIVE

FINISHED = "finished"
RUNNING = "in progress"
CANCELLED = "cancelled"
# Archived without every step done and no longer the customer's journey: re-enrolled elsewhere.
REPLACED = "re-enrolled"

# The audit action the flag's Close as cancelled writes (guide.actions.closing). A cancelled
# journey's row is finished with 'finished by' beginning ``model.CANCELLED_BY``, which is how a
# read without the audit (the report, the digest) knows it while it is the customer's journey.
CANCEL_ACTION = "cancel"


class ArchivedSend(NamedTuple):
    """One og-sends-archive row: one step of a past journey."""

    journey_id: str
    customer_id: str
    step_id: str
    sent_at: datetime | None
    done_at: datetime | None
    archived_at: datetime | None


# A step's (sent, done) day ordinals, NO_DAY for none. A plain tuple: one per step per journey.
StepDays = tuple[int, int]


@dataclass
class Past:
    """og-sends-archive gathered by journey: each one's step days (the first row of a step
    counts) and the last day any of its rows was archived."""

    steps: dict[str, dict[str, StepDays]] = field(default_factory=dict)
    archived_on: dict[str, int] = field(default_factory=dict)

    def add(self, journey_id: str, step_id: str, sent: int, done: int, archived: int) -> None:
        steps = self.steps.get(journey_id)
        if steps is None:
            steps = self.steps[journey_id] = {}
        if step_id not in steps:
            steps[step_id] = (sent, done)
        if archived > self.archived_on.get(journey_id, NO_DAY):
            self.archived_on[journey_id] = archived


class JourneyDays(NamedTuple):
    """One journey as the funnel counts it."""

    journey_id: str
    plan: str
    segment: str
    started_on: int
    outcome: str  # FINISHED, RUNNING, CANCELLED or REPLACED
    finished_on: int  # NO_DAY if not finished, or finished on a day nobody knows
    steps: dict[str, StepDays]


def read_archive(table: Table, zone: tzinfo, problems: list[Problem]) -> list[ArchivedSend]:
    """og-sends-archive, row by row; a row whose dates cannot be read is reported and skipped."""
    j, c, st, se, do, ar = _positions(table)
    found: list[ArchivedSend] = []
    for offset, raw in _rows(table):
        journey_id, step_id = _text(raw[j]), _text(raw[st])
        if not journey_id or not step_id:
            continue  # a blank or half-typed row: nothing to count
        try:
            sent, done, archived = (_moment(raw[i], zone) for i in (se, do, ar))
        except cells.CellError as err:
            _report(problems, offset, raw[c], err)
            continue
        found.append(ArchivedSend(journey_id, _text(raw[c]), step_id, sent, done, archived))
    return found


def read_past(table: Table, zone: tzinfo, problems: list[Problem]) -> Past:
    """``past_of(read_archive(...))`` in one pass, the same problems reported: ``Past.add``
    inlined, and a journey's rows, which the archive keeps together, looked up once."""
    j, c, st, se, do, ar = _positions(table)
    past = Past()
    steps_of, archived_on = past.steps, past.archived_on
    day = StampDays(partial(_moment, zone=zone))
    last_id, steps, latest = "", {}, NO_DAY
    width = _width(table)
    pad: list[CellValue] = [None] * width
    for offset, raw in enumerate(table.rows):
        if len(raw) < width:  # as in _rows, inlined: this runs for every row of the archive
            raw = [*raw, *pad[: width - len(raw)]]
        journey_id, step_id = raw[j], raw[st]
        journey_id = journey_id.strip() if type(journey_id) is str else cells.text(journey_id)
        step_id = step_id.strip() if type(step_id) is str else cells.text(step_id)
        if not journey_id or not step_id:
            continue
        try:
            sent, done, archived = day[raw[se]], day[raw[do]], day[raw[ar]]
        except cells.CellError as err:
            _report(problems, offset, raw[c], err)
            continue
        if journey_id != last_id:
            last_id, steps = journey_id, steps_of.setdefault(journey_id, {})
            latest = archived_on.get(journey_id, NO_DAY)
        if step_id not in steps:
            steps[step_id] = (sent, done)
        if archived > latest:
            archived_on[journey_id] = latest = archived
    return past


def past_of(archive: Iterable[ArchivedSend]) -> Past:
    past = Past()
    for row in archive:
        past.add(
            row.journey_id,
            row.step_id,
            _ordinal(row.sent_at),
            _ordinal(row.done_at),
            _ordinal(row.archived_at),
        )
    return past


_COLUMNS = ("journey id", "customer id", "step id", "sent at", "done at", "archived at")


def _positions(table: Table) -> list[int]:
    """Where ``_COLUMNS`` are, read straight from the header: a dict per row
    (``Table.records``) would cost more than all the rest. A missing one reads past the last
    column, which ``_rows`` pads empty."""
    pos = table.positions()
    return [pos.get(name, max(pos.values(), default=0) + 1) for name in _COLUMNS]


def _width(table: Table) -> int:
    """How many cells a row is padded to: one past the last column read, always empty."""
    return max(table.positions().values(), default=0) + 2


def _rows(table: Table) -> Iterator[tuple[int, list[CellValue]]]:
    width = _width(table)
    pad: list[CellValue] = [None] * width
    for offset, raw in enumerate(table.rows):
        # the Sheets API leaves out the empty cells at a row's end
        yield offset, raw if len(raw) >= width else [*raw, *pad[: width - len(raw)]]


def _report(problems: list[Problem], offset: int, customer: CellValue, err: Exception) -> None:
    row = FIRST_DATA_ROW + offset
    problems.append(Problem(SENDS_ARCHIVE.name, row, None, str(err), _text(customer)))


def _text(value: CellValue) -> str:
    return value.strip() if type(value) is str else cells.text(value)


def _moment(value: CellValue, zone: tzinfo) -> datetime | None:
    """``cells.optional_moment``, quicker for the guide's own stamps, which are nearly all."""
    if type(value) is str and len(value) == 16:
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            pass
    return cells.optional_moment(value, zone=zone)


def _ordinal(moment: datetime | date | None) -> int:
    return moment.toordinal() if moment is not None else NO_DAY


def cancelled_journeys(audit: Iterable[TrailEntry]) -> set[str]:
    """Journeys a person cancelled and nobody undid (see ``CANCEL_ACTION``)."""
    return {e.journey_id for e in audit if e.action == CANCEL_ACTION and e.undone_by is None}


def _parts(journey_id: str, starts: dict[str, int]) -> tuple[str, str, int] | None:
    """(customer, plan, start ordinal); ``starts`` remembers each start text's ordinal."""
    customer_id, _, rest = journey_id.partition("/")
    plan, _, started = rest.rpartition("/")
    day = starts.get(started)
    if day is None:
        try:
            day = date.fromisoformat(started).toordinal()
        except ValueError:
            day = NO_DAY  # 'unstarted' or typed by hand: no start, nothing to measure from
        starts[started] = day
    return (customer_id, plan, day) if day else None


def journeys(
    book: Book, past: Past, cancelled: set[str], start: date, end: date
) -> Iterator[JourneyDays]:
    """Every journey started from ``start`` to ``end`` (both included), live and past, once."""
    current: dict[str, Customer] = {
        c.journey_id(): c for c in book.customers if c.started_on is not None
    }
    by_id = {c.customer_id: c for c in book.customers}
    needed = {plan: [step.step_id for step in steps] for plan, steps in book.plans.items()}
    first, last = start.toordinal(), end.toordinal()
    starts: dict[str, int] = {}
    for journey_id in current.keys() | past.steps.keys():
        parts = _parts(journey_id, starts)
        if parts is None or not first <= parts[2] <= last:
            continue
        customer_id, plan, started_on = parts
        steps = past.steps.get(journey_id, {})
        live = book.sends.get(journey_id)
        if live:
            steps = dict(steps)
            for step_id, send in live.items():
                steps[step_id] = (_ordinal(send.sent_at), _ordinal(send.done_at))
        customer = current.get(journey_id)
        finished_on = NO_DAY
        if journey_id in cancelled or _closed_as_cancelled(customer):
            outcome = CANCELLED
        elif customer is not None:
            outcome = FINISHED if customer.finished else RUNNING
            if customer.finished:
                finished_on = _ordinal(customer.finished_on) or _ended(journey_id, steps, past)
        elif _all_done(needed.get(plan), steps):
            outcome, finished_on = FINISHED, _ended(journey_id, steps, past)
        else:
            outcome = REPLACED
        owner = customer or by_id.get(customer_id)
        segment = owner.segment if owner is not None else ""
        yield JourneyDays(journey_id, plan, segment, started_on, outcome, finished_on, steps)


def _closed_as_cancelled(customer: Customer | None) -> bool:
    return customer is not None and customer.cancelled


def _ended(journey_id: str, steps: dict[str, StepDays], past: Past) -> int:
    """When a journey with no finish date on its row ended: archived, else its last step done."""
    return past.archived_on.get(journey_id) or max(
        (done for _sent, done in steps.values()), default=NO_DAY
    )


def _all_done(needed: list[str] | None, steps: dict[str, StepDays]) -> bool:
    if not needed:
        return False
    for step_id in needed:  # noqa: SIM110 - a loop, not a generator per archived journey
        if not steps.get(step_id, _NOT_SENT)[1]:
            return False
    return True


_NOT_SENT: StepDays = (NO_DAY, NO_DAY)
