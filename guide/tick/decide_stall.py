"""The stall part of the tick's decision: the current step is out, and the stall engine has
assessed the customer. Is the customer stalled, and has the owner (or the manager) heard of
this very stall yet? Pure, like ``guide.tick.decide``, whose part it is."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from guide.calendar import business_days_between
from guide.model import Book, Customer, GuideState, Step, StepSend
from guide.stalls import Assessment, StallInputs
from guide.stalls.model import CustomerContext
from guide.stalls.timeline import customer_timeline
from guide.stalls.words import primary_issue
from guide.tick.plan import ESCALATED, STALLED, Escalate, Flag, OpenTask, Status, TickPlan


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


def task_title(customer: Customer, assessment: Assessment) -> str:
    """An intervention task's title, as the PRD words it."""
    return f"Unblock onboarding: {customer.name} \u2013 {primary_issue(assessment)}"


def decide_stall(
    book: Book,
    extra: StallInputs,
    customer: Customer,
    today: date,
    plan: TickPlan,
    guide_state: GuideState | None,
    journey_id: str,
    step: Step,
    send: StepSend,
    assessment: Assessment,
    mail_cause: str,
    mail_hint: str,
) -> None:
    """The flag, task and escalation a stall brings, and the customer's status line.
    ``mail_cause`` is the flag's word on mail that cannot reach the customer, ``mail_hint`` on
    what the step email's telemetry suggests ("" if none)."""
    # For the triage tab (assessed once): a stall whole; otherwise only the phase it reads.
    plan.assessments[customer.customer_id] = (
        assessment if assessment.stalled else _phase_only(assessment.context.phase)
    )
    blocker = next((b for b in assessment.blockers if b.step_id == step.step_id), None)
    if blocker is not None:  # the engine's days: the segment's expected days, the resume
        waited, overdue = blocker.waited_days, blocker.overdue_days
        expected = waited - overdue if overdue > 0 else _expected(book, extra, customer, step)
    else:
        waited = business_days_waited(send, guide_state, today, book.config.holidays)
        expected = step.expected_days
        overdue = max(0, waited - expected)
    severity = assessment.severity
    if severity is None:
        if overdue > 0:
            state = "overdue"
            detail = f"{waited} business days, expected {expected}; no stall rule fired"
        else:
            state, detail = "on track", f"waiting {waited} of {expected} business days"
        plan.statuses.append(Status(customer.customer_id, customer.name, state, step.title, detail))
        return
    level = ESCALATED if overdue >= book.config.escalate_after_days else STALLED
    rules = ", ".join(dict.fromkeys(f.condition for f in assessment.fired))
    state = "escalated" if level == ESCALATED else "stalled"
    detail = f"{waited} business days, expected {expected}; {severity}: {rules}"
    plan.statuses.append(Status(customer.customer_id, customer.name, state, step.title, detail))
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
                mail_cause,
                mail_hint,
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


_PHASE_ONLY: dict[str, Assessment] = {}


def _phase_only(phase: str) -> Assessment:
    """An assessment that fired nothing, as the triage tab reads it: its phase. One per phase,
    shared: a tick keeps thousands of them."""
    found = _PHASE_ONLY.get(phase)
    if found is None:
        found = _PHASE_ONLY[phase] = Assessment(context=CustomerContext(phase=phase))
    return found


def _expected(book: Book, extra: StallInputs, customer: Customer, step: Step) -> int:
    """The step's expected days for the customer's segment (og-segments), as assessed."""
    found = customer_timeline(book, extra, customer).step(step.step_id)
    return found.expected_days if found is not None else step.expected_days


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
