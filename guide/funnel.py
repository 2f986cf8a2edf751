"""The funnel: how journeys started in a date range went, per plan and segment, and per step.

Pure: a book, the archive and the audit in, numbers out. The PRD measures the guide by two of
them: on-time completion (target 85%) and time to onboard. Days are business days (weekends and
og-config holidays skipped), as everywhere else in the guide.

- **On time**: finished within the plan's total expected days (the sum of its steps'). The rate
  counts the journeys already decided: finished, or still in progress past that total (late
  whatever happens next). One still within its time is not counted either way yet; cancelled and
  re-enrolled journeys are counted apart, not as late.
- **Per step**: the median days from sent to done, the completion rate (done among the sends
  that are decided: done, past the step's expected days, or of a journey that ended), and the
  share of the group's stalls that happened there. A step stalled when it took (or has been
  open) longer than its expected days, so the step that loses most customers stands out.
- Percentiles are nearest-rank: the 90th is a real journey's number, never an interpolation.

Longer than most modules: the result's shape and the one pass that fills it read best together;
gathering the journeys lives in ``funnel_journeys`` and reading the workbook in ``funnel_read``.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache, partial

from guide.calendar import business_days_between
from guide.funnel_journeys import (
    CANCELLED,
    FINISHED,
    REPLACED,
    RUNNING,
    ArchivedSend,
    Journey,
    cancelled_journeys,
    journeys,
)
from guide.model import Book, Step
from guide.trail import TrailEntry

__all__ = ["TARGET", "ArchivedSend", "Funnel", "GroupStats", "StepStats", "WeekPoint", "funnel"]

TARGET = 0.85  # the PRD's on-time completion target


@dataclass(frozen=True)
class StepStats:
    step_id: str
    title: str
    expected_days: int
    reached: int  # sends decided: done, stalled, or of a journey that ended
    completed: int
    completion_rate: float | None
    median_days: float | None  # sent to done, of the completed
    stalls: int
    stall_share: float | None  # of the group's stalls


@dataclass(frozen=True)
class GroupStats:
    plan: str  # "" for every plan together
    segment: str  # "" for every segment together
    started: int
    finished: int
    cancelled: int
    in_progress: int
    reenrolled: int
    due: int  # finished, or in progress past the plan's expected days
    on_time: int
    on_time_rate: float | None
    median_days: float | None  # to finish, of the finished
    p90_days: float | None
    expected_days: int  # the plan's total; 0 for several plans together
    steps: tuple[StepStats, ...] = ()

    @property
    def meets_target(self) -> bool | None:
        return None if self.on_time_rate is None else self.on_time_rate >= TARGET

    @property
    def worst_step(self) -> StepStats | None:
        """The step with most of the group's stalls (the lower completion rate breaks a tie)."""
        stalled = [s for s in self.steps if s.stalls]
        if not stalled:
            return None
        return max(stalled, key=lambda s: (s.stalls, -(s.completion_rate or 0.0)))


@dataclass(frozen=True)
class WeekPoint:
    week: date  # the Monday of the week the journeys finished in
    finished: int
    median_days: float


@dataclass(frozen=True)
class Funnel:
    start: date
    end: date
    today: date
    overall: GroupStats
    plans: tuple[GroupStats, ...]  # per plan, every segment
    groups: tuple[GroupStats, ...]  # per plan and segment
    weeks: tuple[WeekPoint, ...]
    unknown_plans: tuple[str, ...] = field(default=())  # archived journeys of plans now gone
    target: float = TARGET


def percentile(values: Sequence[float], q: float) -> float | None:
    """Nearest-rank percentile: the smallest value with at least ``q`` of them at or below."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(math.ceil(q * len(ordered)), 1) - 1]


def _median(values: Sequence[float]) -> float | None:
    return float(statistics.median(values)) if values else None


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass
class _Measured:
    """One journey's numbers, worked out once and reused by every group it belongs to."""

    journey: Journey
    days: int | None  # business days to finish
    on_time: bool | None  # None: not decided yet, or not counted (cancelled, re-enrolled)
    steps: dict[str, tuple[bool, bool, int | None, bool]]  # decided, done, days, stalled


def funnel(
    book: Book,
    archive: Iterable[ArchivedSend],
    audit: Iterable[TrailEntry],
    start: date,
    end: date,
    *,
    today: date | None = None,
) -> Funnel:
    """The funnel of the journeys started from ``start`` to ``end`` (both included), as it
    stands ``today`` (default ``end``). ``audit`` is og-audit's entries, for cancellations."""
    today = today or end
    # Journeys share their dates (a business day is sent and done on by many), so the same few
    # thousand spans come back hundreds of thousands of times.
    days_between = lru_cache(maxsize=None)(partial(_business_days, holidays=book.config.holidays))
    chosen = [
        j
        for j in journeys(book, archive, cancelled_journeys(audit))
        if start <= j.started_on <= end
    ]
    unknown = sorted({j.plan for j in chosen if j.plan not in book.plans})
    measured = [
        _measure(j, book.plans[j.plan], today, days_between) for j in chosen if j.plan in book.plans
    ]
    by_plan: dict[str, list[_Measured]] = {}
    by_group: dict[tuple[str, str], list[_Measured]] = {}
    for m in measured:
        by_plan.setdefault(m.journey.plan, []).append(m)
        by_group.setdefault((m.journey.plan, m.journey.segment), []).append(m)
    # Each journey's steps are tallied once, per plan and segment; a plan adds its segments up.
    tallies = {key: _tally(ms) for key, ms in by_group.items()}
    plan_tallies: dict[str, dict[str, _Tally]] = {}
    for (p, _segment), tally in sorted(tallies.items()):
        merged = plan_tallies.setdefault(p, {})
        for step_id, t in tally.items():
            merged.setdefault(step_id, _Tally()).add(t)
    return Funnel(
        start=start,
        end=end,
        today=today,
        overall=_group("", "", measured, [], {}),
        plans=tuple(
            _group(p, "", ms, book.plans[p], plan_tallies[p]) for p, ms in sorted(by_plan.items())
        ),
        groups=tuple(
            _group(p, s, ms, book.plans[p], tallies[p, s])
            for (p, s), ms in sorted(by_group.items())
        ),
        weeks=_weeks(measured),
        unknown_plans=tuple(unknown),
    )


def _business_days(start: date, end: date, holidays: frozenset[date]) -> int:
    return business_days_between(start, end, holidays)


def _measure(
    journey: Journey, plan: list[Step], today: date, days_between: Callable[[date, date], int]
) -> _Measured:
    total = sum(s.expected_days for s in plan)
    days = on_time = None
    if journey.outcome == FINISHED and journey.finished_on is not None:
        days = days_between(journey.started_on, journey.finished_on)
        on_time = days <= total
    elif journey.outcome == RUNNING and (days_between(journey.started_on, today) > total):
        on_time = False
    ended = journey.outcome != RUNNING
    steps: dict[str, tuple[bool, bool, int | None, bool]] = {}
    for step in plan:
        dates = journey.steps.get(step.step_id)
        if dates is None:
            continue
        sent, done = dates
        if sent is None:
            continue
        if done is not None:
            took = days_between(sent, done)
            steps[step.step_id] = (True, True, took, took > step.expected_days)
        else:
            stalled = days_between(sent, today) > step.expected_days
            steps[step.step_id] = (stalled or ended, False, None, stalled)
    return _Measured(journey, days, on_time, steps)


@dataclass
class _Tally:
    """One step's counts over some journeys."""

    reached: int = 0
    completed: int = 0
    stalls: int = 0
    took: list[float] = field(default_factory=list)

    def add(self, other: _Tally) -> None:
        self.reached += other.reached
        self.completed += other.completed
        self.stalls += other.stalls
        self.took.extend(other.took)


def _tally(measured: list[_Measured]) -> dict[str, _Tally]:
    tallies: dict[str, _Tally] = {}
    for m in measured:
        for step_id, (decided, done, days, stalled) in m.steps.items():
            t = tallies.get(step_id)
            if t is None:
                t = tallies[step_id] = _Tally()
            t.reached += decided
            t.completed += done
            t.stalls += stalled
            if days is not None:
                t.took.append(days)
    return tallies


def _group(
    plan: str,
    segment: str,
    measured: list[_Measured],
    steps: list[Step],
    tallies: dict[str, _Tally],
) -> GroupStats:
    outcomes = [m.journey.outcome for m in measured]
    days = [float(m.days) for m in measured if m.days is not None]
    decided = [m.on_time for m in measured if m.on_time is not None]
    all_stalls = sum(t.stalls for t in tallies.values())
    per_step = tuple(_step(step, tallies.get(step.step_id, _Tally()), all_stalls) for step in steps)
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
        steps=per_step,
    )


def _step(step: Step, t: _Tally, all_stalls: int) -> StepStats:
    return StepStats(
        step_id=step.step_id,
        title=step.title,
        expected_days=step.expected_days,
        reached=t.reached,
        completed=t.completed,
        completion_rate=_rate(t.completed, t.reached),
        median_days=_median(t.took),
        stalls=t.stalls,
        stall_share=_rate(t.stalls, all_stalls),
    )


def _weeks(measured: list[_Measured]) -> tuple[WeekPoint, ...]:
    by_week: dict[date, list[float]] = {}
    for m in measured:
        finished_on = m.journey.finished_on
        if m.days is None or finished_on is None:
            continue
        monday = finished_on - timedelta(days=finished_on.weekday())
        by_week.setdefault(monday, []).append(float(m.days))
    return tuple(
        WeekPoint(week, len(days), float(statistics.median(days)))
        for week, days in sorted(by_week.items())
    )
