"""The funnel worked out the straightforward way, to check the fast one against.

A date object per cell, a ``Journey`` per journey, a walk over the calendar per span: the
funnel as first written (before days became ordinals and the archive was read in one pass),
kept here so a generated workbook can show both give the same ``Funnel``.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import date, timedelta

from guide.calendar import business_days_between
from guide.funnel_journeys import (
    CANCELLED,
    FINISHED,
    REPLACED,
    RUNNING,
    ArchivedSend,
    cancelled_journeys,
)
from guide.funnel_model import Funnel, GroupStats, StepStats, WeekPoint, percentile
from guide.model import CANCELLED_BY, Book, Customer, Step
from guide.trail import TrailEntry

StepDates = tuple[date | None, date | None]


@dataclass(frozen=True)
class Journey:
    journey_id: str
    customer_id: str
    plan: str
    segment: str
    started_on: date
    outcome: str
    finished_on: date | None
    steps: dict[str, StepDates]


def _day(moment: date | None) -> date | None:
    return moment.date() if moment is not None else None  # type: ignore[attr-defined]


def _parts(journey_id: str) -> tuple[str, str, date] | None:
    customer_id, _, rest = journey_id.partition("/")
    plan, _, started = rest.rpartition("/")
    try:
        return customer_id, plan, date.fromisoformat(started)
    except ValueError:
        return None


def journeys(book: Book, archive: list[ArchivedSend], cancelled: set[str]) -> list[Journey]:
    current: dict[str, Customer] = {
        c.journey_id(): c for c in book.customers if c.started_on is not None
    }
    by_id = {c.customer_id: c for c in book.customers}
    past: dict[str, dict[str, StepDates]] = {}
    archived_on: dict[str, date] = {}
    for row in archive:
        steps = past.setdefault(row.journey_id, {})
        if row.step_id not in steps:
            steps[row.step_id] = (_day(row.sent_at), _day(row.done_at))
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
        steps = dict(past.get(journey_id, {}))
        for step_id, send in book.sends.get(journey_id, {}).items():
            steps[step_id] = (_day(send.sent_at), _day(send.done_at))
        ended = archived_on.get(journey_id) or max(
            (done for _sent, done in steps.values() if done), default=None
        )
        customer = current.get(journey_id)
        finished_on: date | None = None
        wanted = needed.get(plan)
        if journey_id in cancelled or (
            customer is not None
            and customer.finished
            and customer.finished_by.startswith(CANCELLED_BY)
        ):
            outcome = CANCELLED
        elif customer is not None:
            outcome = FINISHED if customer.finished else RUNNING
            if customer.finished:
                finished_on = customer.finished_on or ended
        elif wanted and all(steps.get(s, (None, None))[1] is not None for s in wanted):
            outcome, finished_on = FINISHED, ended
        else:
            outcome = REPLACED
        owner = customer or by_id.get(customer_id)
        segment = owner.segment if owner is not None else ""
        found.append(
            Journey(journey_id, customer_id, plan, segment, started_on, outcome, finished_on, steps)
        )
    return found


@dataclass
class Measured:
    journey: Journey
    days: int | None
    on_time: bool | None
    steps: dict[str, tuple[bool, bool, int | None, bool]]  # decided, done, days, stalled


def measure(journey: Journey, plan: list[Step], today: date, holidays: frozenset[date]) -> Measured:
    def between(a: date, b: date) -> int:
        return business_days_between(a, b, holidays)

    total = sum(s.expected_days for s in plan)
    days = on_time = None
    if journey.outcome == FINISHED and journey.finished_on is not None:
        days = between(journey.started_on, journey.finished_on)
        on_time = days <= total
    elif journey.outcome == RUNNING and between(journey.started_on, today) > total:
        on_time = False
    ended = journey.outcome != RUNNING
    steps: dict[str, tuple[bool, bool, int | None, bool]] = {}
    for step in plan:
        sent, done = journey.steps.get(step.step_id, (None, None))
        if sent is None:
            continue
        if done is not None:
            took = between(sent, done)
            steps[step.step_id] = (True, True, took, took > step.expected_days)
        else:
            stalled = between(sent, today) > step.expected_days
            steps[step.step_id] = (stalled or ended, False, None, stalled)
    return Measured(journey, days, on_time, steps)


def _median(values: list[float]) -> float | None:
    return float(statistics.median(values)) if values else None


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def group(plan: str, segment: str, measured: list[Measured], steps: list[Step]) -> GroupStats:
    outcomes = [m.journey.outcome for m in measured]
    days = [float(m.days) for m in measured if m.days is not None]
    decided = [m.on_time for m in measured if m.on_time is not None]
    tallies: dict[str, list[tuple[bool, bool, int | None, bool]]] = {}
    for m in measured:
        for step_id, numbers in m.steps.items():
            tallies.setdefault(step_id, []).append(numbers)
    all_stalls = sum(n[3] for numbers in tallies.values() for n in numbers)
    per_step = []
    for step in steps:
        numbers = tallies.get(step.step_id, [])
        reached, completed = sum(n[0] for n in numbers), sum(n[1] for n in numbers)
        stalls = sum(n[3] for n in numbers)
        per_step.append(
            StepStats(
                step_id=step.step_id,
                title=step.title,
                expected_days=step.expected_days,
                reached=reached,
                completed=completed,
                completion_rate=_rate(completed, reached),
                median_days=_median([n[2] for n in numbers if n[2] is not None]),
                stalls=stalls,
                stall_share=_rate(stalls, all_stalls),
            )
        )
    return GroupStats(
        plan=plan,
        segment=segment,
        started=len(measured),
        finished=outcomes.count(FINISHED),
        cancelled=outcomes.count(CANCELLED),
        in_progress=outcomes.count(RUNNING),
        reenrolled=outcomes.count(REPLACED),
        due=len(decided),
        on_time=sum(decided),
        on_time_rate=_rate(sum(decided), len(decided)),
        median_days=_median(days),
        p90_days=percentile(days, 0.9),
        expected_days=sum(s.expected_days for s in steps),
        steps=tuple(per_step),
    )


def reference_funnel(
    book: Book,
    archive: list[ArchivedSend],
    audit: list[TrailEntry],
    start: date,
    end: date,
    today: date,
) -> Funnel:
    chosen = [
        j
        for j in journeys(book, archive, cancelled_journeys(audit))
        if start <= j.started_on <= end
    ]
    holidays = book.config.holidays
    measured = [
        measure(j, book.plans[j.plan], today, holidays) for j in chosen if j.plan in book.plans
    ]
    by_plan: dict[str, list[Measured]] = {}
    by_group: dict[tuple[str, str], list[Measured]] = {}
    by_week: dict[date, list[float]] = {}
    for m in measured:
        by_plan.setdefault(m.journey.plan, []).append(m)
        by_group.setdefault((m.journey.plan, m.journey.segment), []).append(m)
        if m.days is not None and m.journey.finished_on is not None:
            finished_on = m.journey.finished_on
            monday = finished_on - timedelta(days=finished_on.weekday())
            by_week.setdefault(monday, []).append(float(m.days))
    return Funnel(
        start=start,
        end=end,
        today=today,
        overall=group("", "", measured, []),
        plans=tuple(group(p, "", ms, book.plans[p]) for p, ms in sorted(by_plan.items())),
        groups=tuple(group(p, s, ms, book.plans[p]) for (p, s), ms in sorted(by_group.items())),
        weeks=tuple(
            WeekPoint(week, len(days), float(statistics.median(days)))
            for week, days in sorted(by_week.items())
        ),
        unknown_plans=tuple(sorted({j.plan for j in chosen if j.plan not in book.plans})),
    )
