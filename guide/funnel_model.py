"""The funnel's result: the shape ``guide.funnel`` fills, and the report and digest read.

A ``Funnel`` holds the journeys started in a date range as they stand on a day: every journey
together, per plan, and per plan and segment (``GroupStats``, each with its steps' ``StepStats``),
and the median days to finish week by week (``WeekPoint``). ``TARGET`` is the PRD's on-time
completion rate, and ``percentile`` is the one number helper the funnel and its plain reference
(tests/unit/funnel_reference.py) both count with: nearest-rank, so the 90th is a real
journey's number, never an interpolation.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

__all__ = [
    "TARGET",
    "Funnel",
    "GroupStats",
    "StepStats",
    "WeekPoint",
    "percentile",
]

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
