"""Why a customer is stuck, whose move it is, and what to do: ``assess`` (pure).

Every rule is a row of og-stall-rules. For each condition and severity the most specific rule
for the customer's segment and phase is the one that counts, so a segment's row (even one
switched off) replaces the "any" row of the same condition and severity.

- ``step_overdue``: an open step has waited more than its expected days plus the threshold
  (or more than a multiple of them, "1.5x").
- ``not_activated`` / ``integration_pending``: the same, for an open step done by an event
  (og-plans "done when") not seen yet; ``integration.*`` events are integrations.
- ``phase_overdue``: the business days the current phase's steps have been in the customer's
  hands (sent to done, or to today) pass its expected days times the threshold.
- ``no_activity`` / ``no_response``: nothing heard (or no reply to the step email or its last
  reminder) for the threshold in business days. A customer still inside the time the plan
  gives them for the step in hand is not silent but busy, so these fire only once a customer's
  step is overdue. Quiet is never the customer's stall while the move is ours.

Days are business days (weekends and og-config holidays do not count); after a resume the
clock of the open step starts again. A rule fires on the first business day its measure passes
the threshold, and says which day that was (``since``), so a daily tick sees it that day.

The kinds of stall the fired rules point at are ``guide.stalls.kinds``'; which steps an event
has done, ``guide.stalls.events``'.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from functools import lru_cache

from guide.calendar import business_days_between
from guide.model import Book, Customer, StepSend
from guide.stalls.events import DoneByEvent, journey_start, steps_done_by_events
from guide.stalls.kinds import stall_kinds
from guide.stalls.model import (
    ANY,
    INTEGRATION_PENDING,
    NO_ACTIVITY,
    NO_RESPONSE,
    NOT_ACTIVATED,
    PHASE_OVERDUE,
    STEP_OVERDUE,
    Assessment,
    Blocker,
    CustomerContext,
    FiredRule,
    Heard,
    Rule,
    StallInputs,
    Threshold,
)
from guide.stalls.rules import rules_that_count
from guide.stalls.timeline import TimedStep, Timeline, add_business_days, customer_timeline

__all__ = ["DoneByEvent", "assess", "assess_journey", "steps_done_by_events"]

_NOTHING_HEARD = Heard()  # read only: a customer og-activity says nothing about


@lru_cache(maxsize=8192)  # a tick asks about the same few send dates for thousands of customers
def _days_between(start: date, end: date, holidays: frozenset[date]) -> int:
    return business_days_between(start, end, holidays)


@lru_cache(maxsize=64)
def _watched(done_when: str) -> tuple[str, ...]:
    """The conditions that watch an open step: one done by an event is also waiting on it."""
    if not done_when:
        return (STEP_OVERDUE,)
    integration = done_when.casefold().startswith("integration")
    return (STEP_OVERDUE, INTEGRATION_PENDING if integration else NOT_ACTIVATED)


@lru_cache(maxsize=256)
def _worded(threshold: Threshold) -> str:
    return str(threshold)


class _Customer:
    """One customer's assessment in the making."""

    def __init__(
        self,
        extra: StallInputs,
        customer: Customer,
        today: date,
        holidays: frozenset[date],
        sends: Mapping[str, StepSend],
        resumed: datetime | None,
        by_events: Sequence[DoneByEvent],
        timeline: Timeline,
    ) -> None:
        self.extra, self.customer, self.today = extra, customer, today
        self.holidays = holidays
        self.segment = customer.segment.casefold() or ANY
        self.timeline = timeline
        self.sends = sends
        self.resumed = resumed  # time paused or handed off before it is not a stall
        self.heard = extra.heard.get(customer.customer_id, _NOTHING_HEARD)
        self.start = journey_start(customer)
        self.done_at: dict[str, datetime | None] = {d.step_id: d.at for d in by_events}
        for step_id, send in sends.items():
            if send.done_at is not None:
                self.done_at[step_id] = send.done_at
        self.fired: list[FiredRule] = []
        self.blockers: list[Blocker] = []

    def days(self, start: date) -> int:
        return _days_between(start, self.today, self.holidays)

    def clock(self, moment: datetime) -> date:
        """Where an open step's clock starts: time paused or handed off is not a stall."""
        if self.resumed is not None and self.resumed > moment:
            moment = self.resumed
        return moment.date()

    def rules(self, condition: str, phase: str) -> list[Rule]:
        return rules_that_count(self.extra, condition, phase, self.segment)

    def fire(self, rule: Rule, phase: str, days: int, since: date, step_id: str = "") -> None:
        self.fired.append(
            FiredRule(
                rule.condition, phase, rule.severity, days, _worded(rule.threshold), since, step_id
            )
        )

    def open_step(self, t: TimedStep, sent_at: datetime) -> None:
        start = self.clock(sent_at)
        waited = self.days(start)
        overdue = waited - t.expected_days
        self.blockers.append(
            Blocker(
                t.step.title,
                t.step.owned_by,
                t.assignee if t.step.owned_by == "us" else "",
                waited,
                max(0, overdue),
                t.step.step_id,
            )
        )
        for condition in _watched(t.done_when):
            for rule in self.rules(condition, t.phase):
                limit = rule.threshold.limit(t.expected_days)
                if waited > limit:
                    since = add_business_days(start, math.floor(limit) + 1, self.holidays)
                    self.fire(rule, t.phase, overdue, since, t.step.step_id)

    def phase(self, current: TimedStep) -> tuple[int, int]:
        """(business days the current phase has been in the customer's hands, expected)."""
        expected = self.timeline.phase_days[current.phase]
        send = self.sends.get(current.step.step_id)
        if send is None or send.sent_at is None:
            return 0, expected
        behind = 0  # the phase's steps already done, sent to done
        for t in self.timeline.in_phase[current.phase]:
            sent = self.sends.get(t.step.step_id)
            done = self.done_at.get(t.step.step_id)
            if sent and sent.sent_at and done:
                behind += _days_between(sent.sent_at.date(), done.date(), self.holidays)
        start = self.clock(send.sent_at)
        spent = behind + self.days(start)
        for rule in self.rules(PHASE_OVERDUE, current.phase):
            limit = rule.threshold.limit(expected)
            if spent > limit:
                ahead = max(0, math.floor(limit - behind) + 1)
                self.fire(
                    rule, current.phase, spent, add_business_days(start, ahead, self.holidays)
                )
        return spent, expected

    def silence(self, current: TimedStep) -> None:
        send = self.sends.get(current.step.step_id)
        if current.step.owned_by != "customer" or send is None or send.sent_at is None:
            return
        start = self.clock(send.sent_at)
        if self.days(start) <= current.expected_days:
            return  # still inside the time the plan gives them: busy, not silent
        overdue_from = add_business_days(start, current.expected_days + 1, self.holidays)
        last_done = max([d for d in self.done_at.values() if d is not None], default=None)
        heard = max([m for m in (self.heard.last_heard, self.start, last_done) if m], default=None)
        if heard is not None:
            quiet_from = self.clock(heard)
            quiet = self.days(quiet_from)
            for rule in self.rules(NO_ACTIVITY, current.phase):
                if quiet >= rule.threshold.days:
                    since = add_business_days(quiet_from, rule.threshold.days, self.holidays)
                    self.fire(rule, current.phase, quiet, max(since, overdue_from))
        answered = max([m for m in (self.heard.last_response, last_done) if m], default=None)
        asked = [
            m for m in (send.sent_at, send.last_reminded) if m and (not answered or m > answered)
        ]
        if not asked:
            return
        asked_from = self.clock(min(asked))
        waiting = self.days(asked_from)
        fired = False
        for rule in self.rules(NO_RESPONSE, current.phase):
            if waiting >= rule.threshold.days:
                since = add_business_days(asked_from, rule.threshold.days, self.holidays)
                self.fire(rule, current.phase, waiting, max(since, overdue_from))
                fired = True
        if fired:
            self.blockers.append(Blocker("", "customer", no_reply_since=min(asked).date()))


def assess(book: Book, extra: StallInputs, customer: Customer, today: date) -> Assessment:
    """Where ``customer`` stands on ``today``: the rules that fire, the blockers, the context
    and the interventions. Finished, paused and handed-off customers are never stalled."""
    state = book.states.get(customer.customer_id)
    return assess_journey(
        book,
        extra,
        customer,
        today,
        book.journey_sends(customer.journey_id()),
        state.resumed_at if state else None,
        steps_done_by_events(book, extra, customer),
    )


def assess_journey(
    book: Book,
    extra: StallInputs,
    customer: Customer,
    today: date,
    sends: Mapping[str, StepSend],
    resumed: datetime | None,
    by_events: Sequence[DoneByEvent],
) -> Assessment:
    """``assess``, given what the tick has already looked up: the sends of the customer's
    journey, when they last resumed, and the steps events have done."""
    timeline = customer_timeline(book, extra, customer)
    work = _Customer(
        extra, customer, today, book.config.holidays, sends, resumed, by_events, timeline
    )
    arr = extra.arr.get(customer.customer_id, "")
    in_onboarding = work.days(customer.started_on) if customer.started_on else 0
    if customer.finished or customer.paused or customer.handed_off_to:
        current = None
    else:
        current = next((t for t in timeline.steps if t.step.step_id not in work.done_at), None)
    if current is None:
        return Assessment(
            context=CustomerContext(
                arr=arr,
                segment=customer.segment,
                days_in_onboarding=in_onboarding,
                target_days=timeline.target_days,
            )
        )
    done_at = work.done_at
    for t in timeline.steps:  # a step never sent is nobody's blocker yet
        send = sends.get(t.step.step_id)
        if send is not None and send.sent_at is not None and t.step.step_id not in done_at:
            work.open_step(t, send.sent_at)
    spent, expected = work.phase(current)
    work.silence(current)
    kinds = stall_kinds(work.fired, current, timeline, sends, work.done_at, work.heard, work.start)
    return Assessment(
        fired=tuple(work.fired),
        blockers=tuple(work.blockers),
        context=CustomerContext(
            arr=arr,
            segment=customer.segment,
            phase=current.phase,
            phase_days=spent,
            phase_expected_days=expected,
            days_in_onboarding=in_onboarding,
            target_days=timeline.target_days,
        ),
        kinds=kinds,
        interventions=tuple(i for k in kinds for i in extra.interventions.get(k, []))
        if kinds
        else (),
    )
