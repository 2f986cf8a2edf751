"""Phases and timelines: how long a customer's plan should take, by step and by phase, in
their segment.

A step's phase is its og-plans "phase"; a step left blank belongs to the phase above it, and
steps before any phase is named to a phase named after the plan (so a plan without phases is
one phase). A segment's og-segments rows replace a step's or a phase's expected days, or stretch
them: for a step, its own row wins, then a multiplier for its phase, then one for every step.
A stretched step rounds up: a segment given more time never gets less than it asked for.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

from guide.calendar import is_business_day
from guide.model import Book, Customer, Step
from guide.stalls.model import SegmentTiming, StallInputs, StepExtra


@dataclass(frozen=True)
class TimedStep:
    step: Step
    phase: str
    expected_days: int  # in the customer's segment
    done_when: str
    assignee: str


@dataclass(frozen=True)
class Timeline:
    steps: tuple[TimedStep, ...]
    phase_days: dict[str, int]  # phase -> expected business days, in plan order
    # Asked of every customer a tick assesses: the steps a product event does, and each phase's.
    by_event: tuple[TimedStep, ...] = ()
    in_phase: dict[str, tuple[TimedStep, ...]] = field(default_factory=dict)
    by_id: dict[str, TimedStep] = field(default_factory=dict)  # step id -> its step

    @property
    def target_days(self) -> int:
        """Business days the whole onboarding should take in the customer's segment."""
        return sum(self.phase_days.values())

    def step(self, step_id: str) -> TimedStep | None:
        return self.by_id.get(step_id)


def add_business_days(start: date, count: int, holidays: Collection[date] = ()) -> date:
    """The ``count``-th business day after ``start`` (``start`` itself for 0): the day
    ``business_days_between(start, day)`` first reaches ``count``."""
    return _add_business_days(start, count, frozenset(holidays))


@lru_cache(maxsize=8192)  # a tick asks about the same few send dates for thousands of customers
def _add_business_days(start: date, count: int, holidays: frozenset[date]) -> date:
    day = start
    while count > 0:
        day += timedelta(days=1)
        if is_business_day(day, holidays):
            count -= 1
    return day


def phases(steps: list[Step], extras: dict[tuple[str, str], StepExtra]) -> list[str]:
    """Each step's phase, in plan order."""
    found, current = [], ""
    for step in steps:
        named = extras.get((step.plan, step.step_id), StepExtra()).phase
        current = named or current or step.plan
        found.append(current)
    return found


def customer_timeline(book: Book, extra: StallInputs, customer: Customer) -> Timeline:
    key = (customer.plan, customer.segment.casefold())
    found = extra.timelines.get(key)
    if found is None:
        found = extra.timelines[key] = _timeline(book.plans.get(customer.plan, []), key[1], extra)
    return found


def _timeline(steps: list[Step], segment: str, extra: StallInputs) -> Timeline:
    rows = [t for t in extra.segments if t.segment == segment] if segment else []
    timed = []
    for step, phase in zip(steps, phases(steps, extra.steps), strict=True):
        more = extra.steps.get((step.plan, step.step_id), StepExtra())
        expected = _step_days(step, phase.casefold(), rows)
        timed.append(TimedStep(step, phase, expected, more.done_when, more.assignee))
    phase_days: dict[str, int] = {}
    for t in timed:
        phase_days[t.phase] = phase_days.get(t.phase, 0) + t.expected_days
    for phase in phase_days:
        own = _find(rows, phase=phase.casefold(), days=True)
        if own is not None and own.expected_days is not None:
            phase_days[phase] = own.expected_days
    in_phase = {phase: tuple(t for t in timed if t.phase == phase) for phase in phase_days}
    by_event = tuple(t for t in timed if t.done_when)
    by_id: dict[str, TimedStep] = {}
    for t in timed:
        by_id.setdefault(t.step.step_id, t)
    return Timeline(tuple(timed), phase_days, by_event, in_phase, by_id)


def _step_days(step: Step, phase: str, rows: list[SegmentTiming]) -> int:
    own = _find(rows, step_id=step.step_id, days=True)
    if own is not None and own.expected_days is not None:
        return own.expected_days
    for stretch in (
        _find(rows, step_id=step.step_id, days=False),
        _find(rows, phase=phase, days=False),
        _find(rows, days=False),
    ):
        if stretch is not None and stretch.multiplier is not None:
            return math.ceil(step.expected_days * stretch.multiplier - 1e-9)
    return step.expected_days


def _find(
    rows: list[SegmentTiming], *, step_id: str = "", phase: str = "", days: bool
) -> SegmentTiming | None:
    """The last row for exactly this step, phase, or (neither) every step, that sets days
    (``days``) or a multiplier: the row lowest in the sheet wins, as in og-config."""
    found = None
    for row in rows:
        same_place = row.step_id == step_id and row.phase == phase
        if same_place and (row.expected_days is not None) == days:
            found = row
    return found
