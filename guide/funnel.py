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

The result's shape lives in ``funnel_model``, gathering the journeys in ``funnel_journeys`` and
reading the workbook in ``funnel_read``; this is the one pass that fills the shape. Days are
ordinals (``day_numbers``) and each journey is counted straight into its plan and segment's
tallies: the report covers tens of thousands of journeys, hundreds of thousands of steps
(``bench/report_bench.py``); tests/unit/funnel_reference.py is the same funnel written plainly,
which the tests hold this one to.
"""

from __future__ import annotations

import statistics
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from guide.day_numbers import BusinessDayCount
from guide.funnel_journeys import (
    CANCELLED,
    FINISHED,
    REPLACED,
    RUNNING,
    ArchivedSend,
    JourneyDays,
    Past,
    cancelled_journeys,
    journeys,
    past_of,
)
from guide.funnel_model import Funnel, GroupStats, StepStats, WeekPoint, percentile
from guide.model import Book, Step
from guide.trail import TrailEntry

__all__ = ["funnel"]


def _median(values: Sequence[float]) -> float | None:
    return float(statistics.median(values)) if values else None


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def funnel(
    book: Book,
    archive: Iterable[ArchivedSend] | Past,
    audit: Iterable[TrailEntry],
    start: date,
    end: date,
    *,
    today: date | None = None,
) -> Funnel:
    """The funnel of the journeys started from ``start`` to ``end`` (both included), as it
    stands ``today`` (default ``end``). ``archive`` is og-sends-archive's rows, or already
    gathered by journey (``funnel_journeys.read_past``); ``audit`` is og-audit's entries, for
    cancellations."""
    today = today or end
    past = archive if isinstance(archive, Past) else past_of(archive)
    count = BusinessDayCount(book.config.holidays)
    chosen = journeys(book, past, cancelled_journeys(audit), start, end)
    unknown: set[str] = set()
    groups: dict[tuple[str, str], _Group] = {}
    weeks: dict[int, list[float]] = {}
    plans = {p: _PlanDays(steps) for p, steps in book.plans.items()}
    now = today.toordinal()
    for j in chosen:
        plan = plans.get(j.plan)
        if plan is None:
            unknown.add(j.plan)
            continue
        group = groups.get((j.plan, j.segment))
        if group is None:
            group = groups[j.plan, j.segment] = _Group(plan)
        days = group.add(j, plan.total, now, count)
        if days is not None:
            monday = j.finished_on - (j.finished_on - 1) % 7  # ordinal 1 is a Monday
            weeks.setdefault(monday, []).append(days)
    by_plan: dict[str, _Group] = {}
    for (p, _segment), group in sorted(groups.items()):
        by_plan.setdefault(p, _Group(plans[p])).merge(group)
    overall = _Group()
    for group in by_plan.values():
        overall.merge(group, steps=False)
    return Funnel(
        start=start,
        end=end,
        today=today,
        overall=_group("", "", overall, []),
        plans=tuple(_group(p, "", g, book.plans[p]) for p, g in sorted(by_plan.items())),
        groups=tuple(_group(p, s, g, book.plans[p]) for (p, s), g in sorted(groups.items())),
        weeks=tuple(
            WeekPoint(date.fromordinal(week), len(days), float(statistics.median(days)))
            for week, days in sorted(weeks.items())
        ),
        unknown_plans=tuple(sorted(unknown)),
    )


class _PlanDays:
    """A plan's numbers every journey of it is measured against."""

    def __init__(self, steps: list[Step]) -> None:
        self.total = sum(s.expected_days for s in steps)
        # by step id: a plan that lists one twice counts it once, by the later row's days
        self.expected = {s.step_id: s.expected_days for s in steps}


@dataclass
class _Tally:
    """One step's counts over some journeys: the days each done send took, and the open sends
    decided (past the step's days, or of a journey that ended) and stalled."""

    expected: int
    took: list[int] = field(default_factory=list)
    open_decided: int = 0
    open_stalls: int = 0

    @property
    def reached(self) -> int:
        return len(self.took) + self.open_decided

    @property
    def stalls(self) -> int:
        took = sorted(self.took)
        return self.open_stalls + len(took) - bisect_right(took, self.expected)

    def add(self, other: _Tally) -> None:
        self.took.extend(other.took)
        self.open_decided += other.open_decided
        self.open_stalls += other.open_stalls


class _Group:
    """The counts of some journeys, each added once: a plan and segment's; a plan merges its
    segments', and every journey together merges the plans' without their steps."""

    def __init__(self, plan: _PlanDays | None = None) -> None:
        self.outcomes: dict[str, int] = {}
        self.days: list[float] = []  # business days to finish, of the finished
        self.due = 0
        self.on_time = 0
        expected = plan.expected if plan is not None else {}
        self.steps = {step_id: _Tally(days) for step_id, days in expected.items()}
        self._steps = [(step_id, t, t.took) for step_id, t in self.steps.items()]

    def add(self, j: JourneyDays, total: int, today: int, count: BusinessDayCount) -> float | None:
        """Count one journey in; its business days to finish if it finished on a known day."""
        _id, _plan, _segment, started_on, outcome, finished_on, steps = j
        self.outcomes[outcome] = self.outcomes.get(outcome, 0) + 1
        days: float | None = None
        if outcome == FINISHED and finished_on:
            days = float(count.between(started_on, finished_on))
            self.days.append(days)
            self.due += 1
            self.on_time += days <= total
        elif outcome == RUNNING and count.between(started_on, today) > total:
            self.due += 1  # late, whatever happens next
        ended, by_today = outcome != RUNNING, count[today]
        # This runs for every step of every journey: count.between inlined, and a done send
        # only noted (its stall is counted once, from the days it took, by _Tally.stalls).
        for step_id, t, took in self._steps:
            dates = steps.get(step_id)
            if dates is None:
                continue
            sent, done = dates
            if not sent:
                continue
            if done:
                took.append(count[done] - count[sent] if done > sent else 0)
                continue
            stalled = (by_today - count[sent] if today > sent else 0) > t.expected
            if stalled or ended:
                t.open_decided += 1
                t.open_stalls += stalled
        return days

    def merge(self, other: _Group, *, steps: bool = True) -> None:
        for outcome, n in other.outcomes.items():
            self.outcomes[outcome] = self.outcomes.get(outcome, 0) + n
        self.days.extend(other.days)
        self.due += other.due
        self.on_time += other.on_time
        if steps:
            for step_id, t in other.steps.items():
                self.steps.setdefault(step_id, _Tally(t.expected)).add(t)


def _group(plan: str, segment: str, g: _Group, steps: list[Step]) -> GroupStats:
    stalls = {step_id: t.stalls for step_id, t in g.steps.items()}
    all_stalls = sum(stalls.values())
    per_step = tuple(
        _step(step, g.steps.get(step.step_id), stalls.get(step.step_id, 0), all_stalls)
        for step in steps
    )
    return GroupStats(
        plan=plan,
        segment=segment,
        started=sum(g.outcomes.values()),
        finished=g.outcomes.get(FINISHED, 0),
        cancelled=g.outcomes.get(CANCELLED, 0),
        in_progress=g.outcomes.get(RUNNING, 0),
        reenrolled=g.outcomes.get(REPLACED, 0),
        due=g.due,
        on_time=g.on_time,
        on_time_rate=_rate(g.on_time, g.due),
        median_days=_median(g.days),
        p90_days=percentile(g.days, 0.9),
        expected_days=sum(s.expected_days for s in steps),
        steps=per_step,
    )


def _step(step: Step, t: _Tally | None, stalls: int, all_stalls: int) -> StepStats:
    reached, took = (t.reached, t.took) if t is not None else (0, [])
    return StepStats(
        step_id=step.step_id,
        title=step.title,
        expected_days=step.expected_days,
        reached=reached,
        completed=len(took),
        completion_rate=_rate(len(took), reached),
        median_days=_median(took),
        stalls=stalls,
        stall_share=_rate(stalls, all_stalls),
    )
