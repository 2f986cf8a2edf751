"""The daily tick's decision: (book, stall inputs, today) -> effects. Pure; nothing here touches
the world.

``decide`` says what should happen; ``guide.tick.effects`` carries it out. Keeping them apart is
what lets ``tick --dry-run`` print exactly what a real tick would do. A customer is stalled when
the stall engine (``guide.stalls.assess``) finds a rule of og-stall-rules firing; the flag's
urgency is the highest severity fired, and escalation still follows og-config's "escalate after
days" of the current step overdue: that part of the decision is ``guide.tick.decide_stall``.
The effects themselves are declared in ``guide.tick.plan``.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time

from guide.calendar import is_business_day
from guide.mail_health import MailHealth, MailProblem, with_hint
from guide.model import Book, Customer, GuideState, Step, StepSend
from guide.stalls import StallInputs, steps_done_by_events
from guide.stalls.assess import assess_journey
from guide.stalls.events import DoneByEvent as SeenEvent
from guide.stalls.events import events_done
from guide.stalls.reading import default_rules
from guide.tick.decide_stall import business_days_waited, decide_stall, task_title
from guide.tick.plan import (
    ESCALATED,
    EVERY_STEP_DONE,
    SHEET,
    STALLED,
    DoneByEvent,
    Effect,
    Enroll,
    Escalate,
    FinishJourney,
    Flag,
    NoticeHandOff,
    NoticePause,
    NoticeResume,
    OpenTask,
    SendStep,
    Status,
    TickPlan,
)

__all__ = [
    "ESCALATED",
    "EVERY_STEP_DONE",
    "SHEET",
    "STALLED",
    "DoneByEvent",
    "Effect",
    "Enroll",
    "Escalate",
    "FinishJourney",
    "Flag",
    "NoticeHandOff",
    "NoticePause",
    "NoticeResume",
    "OpenTask",
    "SendStep",
    "Status",
    "TickPlan",
    "business_days_waited",
    "current_step",
    "decide",
    "task_title",
]


def current_step(steps: list[Step], sends: dict[str, StepSend]) -> Step | None:
    """The first step of the plan not done yet; None when every step is done."""
    for step in steps:
        send = sends.get(step.step_id)
        if send is None or not send.done:
            return step
    return None


def decide(
    book: Book, today: date, extra: StallInputs | None = None, mail: MailHealth | None = None
) -> TickPlan:
    """What the tick should do today. ``extra`` is what the stall tabs hold (og-stall-rules,
    og-activity...); without it, the PRD's default rules and nothing heard. ``mail`` says which
    addresses bounced or complained: nothing more is mailed to those."""
    if extra is None:
        extra = StallInputs(rules=default_rules())
    plan = TickPlan(today=today, problems=[*book.problems, *extra.problems])
    mail = mail or MailHealth({})
    for customer in book.customers:
        _decide_customer(book, extra, customer, today, plan, mail)
    if not is_business_day(today, book.config.holidays):
        # Nobody is mailed or flagged on a weekend or a team holiday; the next business day's
        # tick picks everything up. Where customers stand is still worth showing.
        plan.effects.clear()
        plan.resting = True
    return plan


def _decide_customer(
    book: Book,
    extra: StallInputs,
    customer: Customer,
    today: date,
    plan: TickPlan,
    mail: MailHealth,
) -> None:
    def status(state: str, step: str = "", detail: str = "") -> None:
        plan.statuses.append(Status(customer.customer_id, customer.name, state, step, detail))

    guide_state = book.states.get(customer.customer_id)
    resumes = _resumes(customer, guide_state)
    plan.effects.extend(resumes)
    if customer.finished:
        # A hold cleared in the sheet is recorded even for a finished customer, as the button
        # would be: otherwise an undo of the finish would bring back a hold nobody recorded.
        if customer.finished_on is None and customer.started_on is not None:
            # Ticked in the sheet: the guide stamps it (no 'finished on' yet) as a button would.
            by = customer.finished_by or SHEET
            journey_id = customer.journey_id()
            plan.effects.append(FinishJourney(customer.customer_id, journey_id, SHEET, by))
            status("finishing", detail="finished ticked in the sheet")
            return
        status("finished", detail=f"on {customer.finished_on or '?'} by {customer.finished_by}")
        return
    if resumes and guide_state is not None:
        # Resumed today: the days held never count toward a stall, from this tick on.
        guide_state = replace(guide_state, resumed_at=datetime.combine(today, time()))
    plan.effects.extend(_holds(customer, guide_state))
    if customer.paused:
        note = guide_state.pause_note if guide_state else ""
        status("paused", detail=note)
        return
    if customer.handed_off_to:
        status("handed off", detail=f"to {customer.handed_off_to}")
        return

    started_on = customer.started_on
    if started_on is None:
        started_on = today
        plan.effects.append(Enroll(customer.customer_id, today))
    journey_id = customer.journey_id(started_on)
    steps = book.plans[customer.plan]
    sends = journey = book.journey_sends(journey_id)
    seen = events_done(book, extra, customer, journey_id, sends) if customer.started_on else []
    by_events = _done_by_events(extra, customer, seen)
    if by_events:
        plan.effects.extend(by_events)
        sends = {**sends, **{d.step_id: _done(sends.get(d.step_id), d) for d in by_events}}
    step = current_step(steps, sends)
    if step is None:
        if by_events:
            # The wrap-up archives og-sends as read; rows this tick writes are not among them.
            status("finishing", detail="every step done; the wrap-up goes out on the next tick")
            return
        plan.effects.append(FinishJourney(customer.customer_id, journey_id, by="guide"))
        status("finishing", detail="every step done")
        return
    send = sends.get(step.step_id)
    stopped = _mail_problem(customer, plan, mail)
    if stopped is not None and (send is None or send.sent_at is None):
        cause = _mail_cause(plan, customer, steps)
        status("mail stopped", step.title, f"{cause} \u2014 fix the address in the sheet")
        return
    if send is None or send.sent_at is None:
        plan.effects.append(SendStep(customer.customer_id, journey_id, step.step_id))
        status("new" if step is steps[0] else "next step", step.title, "step email goes out today")
        return
    if customer.started_on is None:  # rare: the engine reads the journey the sheet names
        journey = book.journey_sends(customer.journey_id())
        seen = steps_done_by_events(book, extra, customer)
    resumed = guide_state.resumed_at if guide_state else None
    assessment = assess_journey(book, extra, customer, today, journey, resumed, seen)
    hint = mail.hint(customer, send, today, book.config) if assessment.stalled else None
    if hint is not None:  # what the step email's telemetry suggests, with its intervention
        plan.mail_problems[customer.customer_id] = hint
        assessment = with_hint(assessment, hint, extra.interventions)
    causes = (_mail_cause(plan, customer, steps), _mail_cause(plan, customer, steps, stops=False))
    decide_stall(
        book, extra, customer, today, plan, guide_state, journey_id, step, send, assessment, *causes
    )


def _mail_problem(customer: Customer, plan: TickPlan, mail: MailHealth) -> MailProblem | None:
    """The bounce or complaint that stops mail to the customer's address, remembered in the
    plan for the flag and the triage tab."""
    problem = mail.undeliverable(customer.customer_id, customer.email)
    if problem is not None:
        plan.mail_problems[customer.customer_id] = problem
    return problem


def _mail_cause(plan: TickPlan, customer: Customer, steps: list[Step], stops: bool = True) -> str:
    """The flag's word on mail that cannot reach the customer: "step 2 email bounced: ...";
    with ``stops`` False, on what the step email's telemetry hints at instead."""
    problem = plan.mail_problems.get(customer.customer_id)
    if problem is None or problem.stops != stops:
        return ""
    numbers = {s.step_id: str(i) for i, s in enumerate(steps, start=1)}
    return problem.cause(numbers.get(problem.step, ""))


def _done_by_events(
    extra: StallInputs, customer: Customer, seen: list[SeenEvent]
) -> list[DoneByEvent]:
    """The steps events did (``seen``), as effects: each recorded done by its event."""
    found = []
    for d in seen:
        event = extra.steps[(customer.plan, d.step_id)].done_when
        found.append(DoneByEvent(customer.customer_id, d.journey_id, d.step_id, d.at, event))
    return found


def _done(send: StepSend | None, by: DoneByEvent) -> StepSend:
    """The step as og-sends will hold it: done at the event's time. A step never sent gets
    the event's time as its 'sent at' too: the customer did it before we asked."""
    if send is not None:
        return replace(send, done_at=by.at, done_by=f"event {by.event}")
    return StepSend(
        0, by.journey_id, by.customer_id, by.step_id, by.at, by.at, f"event {by.event}", 0, None
    )


def _resumes(customer: Customer, state: GuideState | None) -> list[NoticeResume]:
    if state is None:
        return []
    found = []
    if state.paused_at is not None and not customer.paused:
        found.append(NoticeResume(customer.customer_id, "pause"))
    if state.handed_off_to and not customer.handed_off_to:
        found.append(NoticeResume(customer.customer_id, "hand-off"))
    return found


def _holds(customer: Customer, state: GuideState | None) -> list[Effect]:
    """A pause or hand-off a person made in the sheet that og-state does not know of yet."""
    found: list[Effect] = []
    if customer.paused and (state is None or state.paused_at is None):
        found.append(NoticePause(customer.customer_id))
    to = customer.handed_off_to
    if to and (state is None or state.handed_off_to.casefold() != to.casefold()):
        found.append(NoticeHandOff(customer.customer_id, to))
    return found
