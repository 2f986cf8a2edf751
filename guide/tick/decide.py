"""The daily tick's decision: (book, stall inputs, today) -> effects. Pure; nothing here touches
the world.

``decide`` says what should happen; ``guide.tick.effects`` carries it out. Keeping them apart is
what lets ``tick --dry-run`` print exactly what a real tick would do. A customer is stalled when
the stall engine (``guide.stalls.assess``) finds a rule of og-stall-rules firing; the flag's
urgency is the highest severity fired, and escalation still follows og-config's "escalate after
days" of the current step overdue. The effects themselves are declared in ``guide.tick.plan``.
About 330 lines: the stall's decision (flag, task, escalation) and the mail stop read best
beside the journey's.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace
from datetime import date, datetime, time

from guide.calendar import business_days_between, is_business_day
from guide.mail_health import MailHealth, MailProblem, with_hint
from guide.model import Book, Customer, GuideState, Step, StepSend
from guide.stalls import Assessment, StallInputs, assess, steps_done_by_events
from guide.stalls.reading import default_rules
from guide.stalls.timeline import customer_timeline
from guide.stalls.words import primary_issue
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


def business_days_waited(
    send: StepSend, state: GuideState | None, today: date, holidays: Collection[date]
) -> int:
    """How long the customer has had a sent step, in business days. Time spent paused or handed
    off is not the customer stalling: after a resume the clock for the current step restarts."""
    assert send.sent_at is not None
    clock_start = send.sent_at
    if state and state.resumed_at and state.resumed_at > clock_start:
        clock_start = state.resumed_at
    return business_days_between(clock_start.date(), today, holidays)


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


def task_title(customer: Customer, assessment: Assessment) -> str:
    """An intervention task's title, as the PRD words it."""
    return f"Unblock onboarding: {customer.name} \u2013 {primary_issue(assessment)}"


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
        # The engine reads og-state from the book: it must see the resume too (rare: a copy).
        book = replace(book, states={**book.states, customer.customer_id: guide_state})
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
    sends = book.journey_sends(journey_id)
    by_events = _done_by_events(book, extra, customer)
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
    _decide_stall(book, extra, customer, today, plan, guide_state, journey_id, step, send, mail)


def _mail_problem(customer: Customer, plan: TickPlan, mail: MailHealth) -> MailProblem | None:
    """The bounce or complaint that stops mail to the customer's address, remembered in the
    plan for the flag and the triage tab."""
    problem = mail.undeliverable(customer.customer_id, customer.email)
    if problem is not None:
        plan.mail_problems[customer.customer_id] = problem
    return problem


def _decide_stall(
    book: Book,
    extra: StallInputs,
    customer: Customer,
    today: date,
    plan: TickPlan,
    guide_state: GuideState | None,
    journey_id: str,
    step: Step,
    send: StepSend,
    mail: MailHealth,
) -> None:
    """The current step is out: is the customer stalled, and has the owner (or the manager)
    heard of this stall yet?"""
    assessment = assess(book, extra, customer, today)
    hint = mail.hint(customer, send, today, book.config) if assessment.stalled else None
    if hint is not None:  # what the step email's telemetry suggests, with its intervention
        plan.mail_problems[customer.customer_id] = hint
        assessment = with_hint(assessment, hint, extra.interventions)
    plan.assessments[customer.customer_id] = assessment  # for the triage tab: assessed once
    blocker = next((b for b in assessment.blockers if b.step_id == step.step_id), None)
    if blocker is not None:  # the engine's days: the segment's expected days, the resume
        waited, overdue = blocker.waited_days, blocker.overdue_days
        expected = waited - overdue if overdue > 0 else _expected(book, extra, customer, step)
    else:
        waited = business_days_waited(send, guide_state, today, book.config.holidays)
        expected = step.expected_days
        overdue = max(0, waited - expected)
    severity = assessment.severity

    def status(state: str, detail: str) -> None:
        plan.statuses.append(Status(customer.customer_id, customer.name, state, step.title, detail))

    if severity is None:
        if overdue > 0:
            status("overdue", f"{waited} business days, expected {expected}; no stall rule fired")
        else:
            status("on track", f"waiting {waited} of {expected} business days")
        return
    level = ESCALATED if overdue >= book.config.escalate_after_days else STALLED
    rules = ", ".join(dict.fromkeys(f.condition for f in assessment.fired))
    status(
        "escalated" if level == ESCALATED else "stalled",
        f"{waited} business days, expected {expected}; {severity}: {rules}",
    )
    flagged = _flagged_level(guide_state, journey_id, step.step_id)
    if flagged < level:
        plan.effects.append(
            Flag(
                customer.customer_id,
                journey_id,
                step.step_id,
                waited,
                overdue,
                level,
                severity,
                assessment,
                _mail_cause(plan, customer, book.plans[customer.plan]),
                _mail_cause(plan, customer, book.plans[customer.plan], stops=False),
                task_open=flagged == 0 or bool(extra.open_tasks(customer.customer_id)),
            )
        )
    if flagged == 0:
        # A new stall: one task for the owner. A flag that failed is decided again tomorrow;
        # the task it brought is in og-tasks by then, so it is not made twice.
        title = task_title(customer, assessment)
        if not any(t.title == title for t in extra.open_tasks(customer.customer_id)):
            plan.effects.append(OpenTask(customer.customer_id, title, customer.owner))
    # Apart from the flag: a manager's message that failed is tried again by the next tick.
    if level == ESCALATED and not _escalated(guide_state, journey_id, step.step_id):
        plan.effects.append(
            Escalate(customer.customer_id, journey_id, step.step_id, waited, overdue)
        )


def _mail_cause(plan: TickPlan, customer: Customer, steps: list[Step], stops: bool = True) -> str:
    """The flag's word on mail that cannot reach the customer: "step 2 email bounced: ...";
    with ``stops`` False, on what the step email's telemetry hints at instead."""
    problem = plan.mail_problems.get(customer.customer_id)
    if problem is None or problem.stops != stops:
        return ""
    numbers = {s.step_id: str(i) for i, s in enumerate(steps, start=1)}
    return problem.cause(numbers.get(problem.step, ""))


def _expected(book: Book, extra: StallInputs, customer: Customer, step: Step) -> int:
    """The step's expected days for the customer's segment (og-segments), as assessed."""
    found = customer_timeline(book, extra, customer).step(step.step_id)
    return found.expected_days if found is not None else step.expected_days


def _done_by_events(book: Book, extra: StallInputs, customer: Customer) -> list[DoneByEvent]:
    if customer.started_on is None or not extra.heard:
        return []
    found = []
    for d in steps_done_by_events(book, extra, customer):
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


def _same_stall(state: GuideState | None, journey_id: str, step_id: str) -> bool:
    return state is not None and state.journey_id == journey_id and state.flag_step == step_id


def _flagged_level(state: GuideState | None, journey_id: str, step_id: str) -> int:
    """How far this very stall has been flagged already: flags are posted once per level."""
    return state.flag_level if state and _same_stall(state, journey_id, step_id) else 0


def _escalated(state: GuideState | None, journey_id: str, step_id: str) -> bool:
    """Whether the manager has been told about this very stall (og-state 'escalated at')."""
    return (
        _same_stall(state, journey_id, step_id)
        and state is not None
        and (state.escalated_at is not None)
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
