"""The tick's vocabulary: the effects a decision asks for, and the plan it hands back.

Apart from ``guide.tick.decide`` so the rules stay short enough to read in one sitting; the
effects are re-exported from there, where callers have always found them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from guide.mail_health import MailProblem
from guide.model import Problem
from guide.stalls import Assessment

ESCALATED = 2
STALLED = 1
# The 'finished by' a person reads when the guide saw every step done by itself.
EVERY_STEP_DONE = "the guide (every step done)"
SHEET = "sheet"  # who the audit names for what a person did in the sheet itself


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
    """Tell the owner a customer is stalled (level 1); on escalation (level 2) the live flag for
    the step is updated to say so, or posted if there is none. ``severity`` is the highest of
    the stall rules that fired; ``assessment`` carries the why (blockers, context,
    interventions) from the decision to the message, so the effect need not assess again."""

    customer_id: str
    journey_id: str
    step_id: str
    waited_days: int
    overdue_days: int
    level: int
    severity: str = "medium"
    assessment: Assessment = field(default_factory=Assessment, compare=False, repr=False)
    # Why mail cannot reach the customer ("step 2 email bounced: mailbox does not exist").
    mail_cause: str = ""
    # What the step email's telemetry suggests ("step 2 email opened 4 business days ago...").
    mail_hint: str = ""
    # The customer has an og-tasks row open (or opened by this tick): the flag's Task done.
    task_open: bool = field(default=False, compare=False)


@dataclass(frozen=True)
class Escalate:
    """Tell the owner's manager, once per stall, that it went past the escalation threshold;
    decided until og-state records it done, so a failure is tried again by the next tick."""

    customer_id: str
    journey_id: str
    step_id: str
    waited_days: int
    overdue_days: int


@dataclass(frozen=True)
class OpenTask:
    """A new stall gets an intervention task in og-tasks, for the owner, due in a business day."""

    customer_id: str
    title: str
    owner: str


@dataclass(frozen=True)
class DoneByEvent:
    """og-activity saw the event that marks a step done (og-plans "done when"): og-sends
    records it done at the event's time, by "event <name>"."""

    customer_id: str
    journey_id: str
    step_id: str
    at: datetime
    event: str


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
    Enroll
    | SendStep
    | FinishJourney
    | Flag
    | Escalate
    | OpenTask
    | DoneByEvent
    | NoticeResume
    | NoticePause
    | NoticeHandOff
)


@dataclass(frozen=True, slots=True)  # one per customer a tick reads
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
    # What the decision learnt on the way, by customer id, for what follows it in the same tick
    # (the triage tab, the Home tabs, the digest) so nobody assesses a customer twice.
    assessments: dict[str, Assessment] = field(default_factory=dict)
    mail_problems: dict[str, MailProblem] = field(default_factory=dict)
