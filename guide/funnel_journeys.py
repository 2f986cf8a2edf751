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
from guide.workbook import FIRST_DATA_ROW, Table
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


class StepDates(NamedTuple):
    sent: date | None
    done: date | None


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
    at = [pos.get(c) for c in columns]
    found: list[ArchivedSend] = []
    for offset, raw in enumerate(table.rows):
        values = [raw[i] if i is not None and i < len(raw) else None for i in at]
        journey_id, customer_id, step_id = (cells.text(v) for v in values[:3])
        if not journey_id or not step_id:
            continue  # a blank or half-typed row: nothing to count
        try:
            sent, done, archived = (cells.optional_moment(v, zone=zone) for v in values[3:])
        except cells.CellError as err:
            row = FIRST_DATA_ROW + offset
            problems.append(Problem(SENDS_ARCHIVE.name, row, None, str(err), customer_id))
            continue
        found.append(ArchivedSend(journey_id, customer_id, step_id, sent, done, archived))
    return found


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
        steps.setdefault(row.step_id, StepDates(_day(row.sent_at), _day(row.done_at)))
        if row.archived_at is not None:
            day = row.archived_at.date()
            archived_on[row.journey_id] = max(day, archived_on.get(row.journey_id, day))
    found: list[Journey] = []
    for journey_id in current.keys() | past.keys():
        parts = _parts(journey_id)
        if parts is None:
            continue
        customer_id, plan, started_on = parts
        steps = dict(past.get(journey_id, {}))
        for step_id, send in book.journey_sends(journey_id).items():
            steps[step_id] = StepDates(_day(send.sent_at), _day(send.done_at))
        customer = current.get(journey_id)
        last_done = max((s.done for s in steps.values() if s.done), default=None)
        finished_on: date | None = None
        if journey_id in cancelled:
            outcome = CANCELLED
        elif customer is not None:
            outcome = FINISHED if customer.finished else RUNNING
            if customer.finished:
                finished_on = customer.finished_on or archived_on.get(journey_id) or last_done
        elif _all_done(book, plan, steps):
            outcome, finished_on = FINISHED, archived_on.get(journey_id) or last_done
        else:
            outcome = REPLACED
        owner = customer or by_id.get(customer_id)
        segment = owner.segment if owner is not None else ""
        found.append(
            Journey(journey_id, customer_id, plan, segment, started_on, outcome, finished_on, steps)
        )
    found.sort(key=lambda j: (j.started_on, j.journey_id))
    return found


def _all_done(book: Book, plan: str, steps: dict[str, StepDates]) -> bool:
    plan_steps = book.plans.get(plan, [])
    return bool(plan_steps) and all(
        (s := steps.get(step.step_id)) is not None and s.done is not None for step in plan_steps
    )
