"""The daily tick's decision: (book, today) -> effects. Pure; nothing here touches the world.

``decide`` says what should happen; ``guide.tick.effects`` carries it out. Keeping them apart is
what lets ``tick --dry-run`` print exactly what a real tick would do. A little over 250 lines
because the effects, the tick's one vocabulary, are declared here beside the rules that ask
for them.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time

from guide.calendar import business_days_between, is_business_day
from guide.model import Book, Customer, GuideState, Problem, Step, StepSend

ESCALATED = 2
STALLED = 1
# The 'finished by' a person reads when the guide saw every step done by itself.
EVERY_STEP_DONE = "the guide (every step done)"


@dataclass(frozen=True)
class Enroll:
    """A new row with no start date: the journey starts today."""

    customer_id: str
    started_on: date


@dataclass(frozen=True)
class SendStep:
    customer_id: str
    journey_id: str
    step_id: str


@dataclass(frozen=True)
class FinishJourney:
    """Every step is done (or a person ticked 'finished' in the sheet): the wrap-up email, the
    journey archived. ``by`` is who the audit names, ``finished_by`` what the row says."""

    customer_id: str
    journey_id: str
    by: str
    finished_by: str = EVERY_STEP_DONE


@dataclass(frozen=True)
class Flag:
    """Tell the owner a customer is stuck (level 1); on escalation (level 2) the live flag for the
    step is updated to say so, or posted if there is none."""

    customer_id: str
    journey_id: str
    step_id: str
    waited_days: int
    overdue_days: int
    level: int


@dataclass(frozen=True)
class Escalate:
    """Tell the manager, once per step, that a stall went past the escalation threshold; decided
    until og-state records it done, so a failure is tried again by the next tick."""

    customer_id: str
    journey_id: str
    step_id: str
    waited_days: int
    overdue_days: int


@dataclass(frozen=True)
class NoticeResume:
    """A person cleared the paused box or the hand-off in the sheet: audit it and carry on."""

    customer_id: str
    what: str  # "pause" or "hand-off"


@dataclass(frozen=True)
class NoticePause:
    """A person ticked the paused box in the sheet: record it as a button pause would be."""

    customer_id: str


@dataclass(frozen=True)
class NoticeHandOff:
    """A person typed a name into 'handed off to': record it, and tell the new owner."""

    customer_id: str
    to: str


Effect = (
    Enroll | SendStep | FinishJourney | Flag | Escalate | NoticeResume | NoticePause | NoticeHandOff
)

SHEET = "sheet"  # who the audit names for what a person did in the sheet itself


@dataclass(frozen=True)
class Status:
    """One line of the tick's report: where a customer stands."""

    customer_id: str
    name: str
    state: str
    step: str
    detail: str


@dataclass
class TickPlan:
    today: date
    effects: list[Effect] = field(default_factory=list)
    statuses: list[Status] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    resting: bool = False  # not a business day: nothing is done


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


def decide(book: Book, today: date) -> TickPlan:
    plan = TickPlan(today=today, problems=list(book.problems))
    for customer in book.customers:
        _decide_customer(book, customer, today, plan)
    if not is_business_day(today, book.config.holidays):
        # Nobody is mailed or flagged on a weekend or a team holiday; the next business day's
        # tick picks everything up. Where customers stand is still worth showing.
        plan.effects.clear()
        plan.resting = True
    return plan


def _decide_customer(book: Book, customer: Customer, today: date, plan: TickPlan) -> None:
    def status(state: str, step: str = "", detail: str = "") -> None:
        plan.statuses.append(Status(customer.customer_id, customer.name, state, step, detail))

    if customer.finished:
        if customer.finished_on is None and customer.started_on is not None:
            # Ticked in the sheet: the guide stamps it (no 'finished on' yet) as a button would.
            by = customer.finished_by or SHEET
            journey_id = customer.journey_id()
            plan.effects.append(FinishJourney(customer.customer_id, journey_id, SHEET, by))
            status("finishing", detail="finished ticked in the sheet")
            return
        status("finished", detail=f"on {customer.finished_on or '?'} by {customer.finished_by}")
        return
    guide_state = book.states.get(customer.customer_id)
    resumes = _resumes(customer, guide_state)
    plan.effects.extend(resumes)
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
    sends = book.journey_sends(journey_id)
    step = current_step(steps, sends)
    if step is None:
        plan.effects.append(FinishJourney(customer.customer_id, journey_id, by="guide"))
        status("finishing", detail="every step done")
        return
    send = sends.get(step.step_id)
    if send is None or send.sent_at is None:
        plan.effects.append(SendStep(customer.customer_id, journey_id, step.step_id))
        status("new" if step is steps[0] else "next step", step.title, "step email goes out today")
        return

    waited = business_days_waited(send, guide_state, today, book.config.holidays)
    overdue = waited - step.expected_days
    if overdue <= 0:
        status("on track", step.title, f"waiting {waited} of {step.expected_days} business days")
        return
    level = ESCALATED if overdue >= book.config.escalate_after_days else STALLED
    state = "escalated" if level == ESCALATED else "stalled"
    status(state, step.title, f"{waited} business days, expected {step.expected_days}")
    if _flagged_level(guide_state, journey_id, step.step_id) < level:
        plan.effects.append(
            Flag(customer.customer_id, journey_id, step.step_id, waited, overdue, level)
        )
    # Apart from the flag: a manager's message that failed is tried again by the next tick.
    if level == ESCALATED and not _escalated(guide_state, journey_id, step.step_id):
        plan.effects.append(
            Escalate(customer.customer_id, journey_id, step.step_id, waited, overdue)
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
