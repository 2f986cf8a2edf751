"""Every journey the funnel counts: live ones from the onboarding rows and og-sends, past ones
from og-sends-archive, each with its plan, segment, start, outcome and step dates.

A journey id is ``customer/plan/started on`` (``Customer.journey_id``), so an archived journey
tells its own plan and start even after its customer re-enrolled on another plan.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from typing import NamedTuple

from guide import cells
from guide.model import Book, Customer, Problem
from guide.trail import TrailEntry
from guide.workbook import FIRST_DATA_ROW, CellValue, Table
from sheets.schema import SENDS_ARCHIVE

FINISHED = "finished"
RUNNING = "in progress"
CANCELLED = "cancelled"
# Archived without every step done and no longer the customer's journey: re-enrolled elsewhere.
REPLACED = "re-enrolled"

# The audit action a cancellation will write. No action cancels a journey yet, so no audit row
# has it and every journey counts as not cancelled; once one does, its rows count here.
CANCEL_ACTION = "cancel"


class ArchivedSend(NamedTuple):
    """One og-sends-archive row: one step of a past journey. A tuple: the archive is the
    biggest tab there is (every step of every finished journey) and is read whole."""

    journey_id: str
    customer_id: str
    step_id: str
    sent_at: datetime | None
    done_at: datetime | None
    archived_at: datetime | None


# A step's (sent, done) days. A plain tuple: there is one for every step of every journey.
StepDates = tuple[date | None, date | None]


@dataclass(frozen=True)
class Journey:
    journey_id: str
    customer_id: str
    plan: str
    segment: str
    started_on: date
    outcome: str  # FINISHED, RUNNING, CANCELLED or REPLACED
    finished_on: date | None
    steps: dict[str, StepDates]


def read_archive(table: Table, zone: tzinfo, problems: list[Problem]) -> list[ArchivedSend]:
    """og-sends-archive, row by row; a row whose dates cannot be read is reported and skipped.

    Reads positions straight from the header instead of ``Table.records``: this tab holds
    hundreds of thousands of rows after a year or two and building a dict per row costs most
    of the report's time."""
    pos = table.positions()
    columns = ("journey id", "customer id", "step id", "sent at", "done at", "archived at")
    width = max(pos.values(), default=0) + 2  # the last position is always an empty cell
    j, c, st, se, do, ar = (pos.get(name, width - 1) for name in columns)
    pad: list[CellValue] = [None] * width
    found: list[ArchivedSend] = []
    for offset, raw in enumerate(table.rows):
        if len(raw) < width:  # the Sheets API leaves out the empty cells at a row's end
            raw = [*raw, *pad[: width - len(raw)]]
        journey_id, step_id = _text(raw[j]), _text(raw[st])
        if not journey_id or not step_id:
            continue  # a blank or half-typed row: nothing to count
        try:
            sent, done, archived = (
                _moment(raw[se], zone),
                _moment(raw[do], zone),
                _moment(raw[ar], zone),
            )
        except cells.CellError as err:
            row = FIRST_DATA_ROW + offset
            problems.append(Problem(SENDS_ARCHIVE.name, row, None, str(err), _text(raw[c])))
            continue
        found.append(ArchivedSend(journey_id, _text(raw[c]), step_id, sent, done, archived))
    return found


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


def cancelled_journeys(audit: Iterable[TrailEntry]) -> set[str]:
    """Journeys a person cancelled and nobody undid (see ``CANCEL_ACTION``)."""
    return {e.journey_id for e in audit if e.action == CANCEL_ACTION and e.undone_by is None}


def _parts(journey_id: str) -> tuple[str, str, date] | None:
    customer_id, _, rest = journey_id.partition("/")
    plan, _, started = rest.rpartition("/")
    try:
        return customer_id, plan, date.fromisoformat(started)
    except ValueError:
        return None  # 'unstarted' or typed by hand: no start, nothing to measure from


def _day(moment: datetime | None) -> date | None:
    return moment.date() if moment is not None else None


def journeys(book: Book, archive: Iterable[ArchivedSend], cancelled: set[str]) -> list[Journey]:
    """Every started journey, live and archived, each once."""
    current: dict[str, Customer] = {
        c.journey_id(): c for c in book.customers if c.started_on is not None
    }
    by_id = {c.customer_id: c for c in book.customers}
    past: dict[str, dict[str, StepDates]] = {}
    archived_on: dict[str, date] = {}
    for row in archive:
        steps = past.setdefault(row.journey_id, {})
        if row.step_id not in steps:
            sent, done = row.sent_at, row.done_at
            steps[row.step_id] = (
                sent.date() if sent is not None else None,
                done.date() if done is not None else None,
            )
        if row.archived_at is not None:
            day = row.archived_at.date()
            archived_on[row.journey_id] = max(day, archived_on.get(row.journey_id, day))
    needed = {plan: [step.step_id for step in steps] for plan, steps in book.plans.items()}
    found: list[Journey] = []
    for journey_id in current.keys() | past.keys():
        parts = _parts(journey_id)
        if parts is None:
            continue
        customer_id, plan, started_on = parts
        steps = past.get(journey_id, {})
        live = book.sends.get(journey_id)
        if live:
            steps = dict(steps)
            for step_id, send in live.items():
                steps[step_id] = (_day(send.sent_at), _day(send.done_at))
        customer = current.get(journey_id)
        finished_on: date | None = None
        if journey_id in cancelled:
            outcome = CANCELLED
        elif customer is not None:
            outcome = FINISHED if customer.finished else RUNNING
            if customer.finished:
                finished_on = customer.finished_on or _ended(journey_id, steps, archived_on)
        elif _all_done(needed.get(plan), steps):
            outcome, finished_on = FINISHED, _ended(journey_id, steps, archived_on)
        else:
            outcome = REPLACED
        owner = customer or by_id.get(customer_id)
        segment = owner.segment if owner is not None else ""
        found.append(
            Journey(journey_id, customer_id, plan, segment, started_on, outcome, finished_on, steps)
        )
    found.sort(key=lambda j: (j.started_on, j.journey_id))
    return found


def _ended(
    journey_id: str, steps: dict[str, StepDates], archived_on: dict[str, date]
) -> date | None:
    """When a journey with no finish date on its row ended: archived, else its last step done."""
    return archived_on.get(journey_id) or max(
        (done for _sent, done in steps.values() if done), default=None
    )


def _all_done(needed: list[str] | None, steps: dict[str, StepDates]) -> bool:
    if not needed:
        return False
    for step_id in needed:
        dates = steps.get(step_id)
        if dates is None or dates[1] is None:
            return False
    return True
