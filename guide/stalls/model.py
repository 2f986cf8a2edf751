"""Stall intelligence's nouns: rules, timelines, what the customer did, and what a stall is.

Records read from the workbook (``guide.stalls.reading``) and the ``Assessment`` the engine
(``guide.stalls.assess``) makes of one customer. Plain data, no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING

from guide.model import Problem

if TYPE_CHECKING:
    from guide.stalls.timeline import Timeline

# What a rule can watch for. The overdue ones fire when their measure is *more than* the
# threshold ("a step overdue by more than 3 business days"); the silent ones when it reaches it
# ("no activity in 5 days": five business days have gone by).
PHASE_OVERDUE = "phase_overdue"
STEP_OVERDUE = "step_overdue"
NO_ACTIVITY = "no_activity"
NO_RESPONSE = "no_response"
NOT_ACTIVATED = "not_activated"
INTEGRATION_PENDING = "integration_pending"
CONDITIONS = (
    PHASE_OVERDUE,
    STEP_OVERDUE,
    NO_ACTIVITY,
    NO_RESPONSE,
    NOT_ACTIVATED,
    INTEGRATION_PENDING,
)
# Only these may take a multiple of the expected days ("1.5x") as their threshold.
SCALED = (PHASE_OVERDUE, STEP_OVERDUE)

SEVERITIES = ("low", "medium", "high")  # in rising order

# og-activity kinds. Mail events (delivered, bounced) are about our mail, not the customer.
ACTIVITY_KINDS = ("activity", "response", "event", "mail event")

# Kinds of stall, each with its interventions in og-interventions.
EMAIL_SPAM = "email_spam"
LONG_STEP = "long_step"
BUSY_OR_FORGOT = "busy_or_forgot"
QUIET_AFTER_PURCHASE = "quiet_after_purchase"
INTERNAL_BLOCKER = "internal_blocker"
STALL_KINDS = (INTERNAL_BLOCKER, EMAIL_SPAM, LONG_STEP, BUSY_OR_FORGOT, QUIET_AFTER_PURCHASE)

ANY = "any"


@dataclass(frozen=True)
class Threshold:
    """Business days, or a multiple of the expected days (``factor``)."""

    days: int = 0
    factor: float | None = None

    def limit(self, expected: int) -> float:
        """The measure a scaled rule must pass: 1.5x of 10 days is 15; 3 days is 10 + 3."""
        return expected * self.factor if self.factor is not None else expected + self.days

    def __str__(self) -> str:
        return f"{self.factor:g}x" if self.factor is not None else str(self.days)


@dataclass(frozen=True)
class Rule:
    row: int
    condition: str
    threshold: Threshold
    severity: str
    phase: str = ANY  # casefolded; "any" matches every phase
    segment: str = ANY  # casefolded; "any" matches every segment
    enabled: bool = True

    @property
    def specificity(self) -> int:
        """A rule for the segment outranks one for the phase, which outranks one for any."""
        return 2 * (self.segment != ANY) + (self.phase != ANY)


@dataclass(frozen=True)
class StepExtra:
    """The og-plans columns stall intelligence adds to a step."""

    phase: str = ""
    done_when: str = ""  # an og-activity event name
    assignee: str = ""


@dataclass(frozen=True)
class SegmentTiming:
    """One og-segments row: a segment's own expected days, or a stretch, for a step, a phase
    or (neither named) every step."""

    row: int
    segment: str  # casefolded
    step_id: str = ""
    phase: str = ""  # casefolded
    expected_days: int | None = None
    multiplier: float | None = None


@dataclass(frozen=True)
class Intervention:
    kind: str
    suggestion: str
    subject: str = ""
    body: str = ""


@dataclass(frozen=True)
class Task:
    row: int
    task_id: str
    customer_id: str
    title: str
    owner: str
    due: datetime | None
    status: str  # "open", "done", or whatever people type

    @property
    def open(self) -> bool:
        return task_open(self.status)


def task_open(status: str) -> bool:
    """The one rule for an og-tasks status, so the flag, the digest and Task done agree: open
    unless done, closed or cancelled (an empty status is open)."""
    return status.casefold() not in {"done", "closed", "cancelled", "canceled"}


@dataclass(slots=True)  # one per customer heard from
class Heard:
    """What og-activity says about one customer, folded as it is read."""

    last_heard: datetime | None = None  # activity, response or event
    last_response: datetime | None = None
    mail_trouble: datetime | None = None  # the last bounce, complaint or spam report
    events: dict[str, list[datetime]] = field(default_factory=dict)  # event name -> when

    def event_since(self, name: str, start: datetime | None) -> datetime | None:
        """The first time ``name`` was seen at or after ``start`` (any time if None)."""
        seen = [t for t in self.events.get(name, []) if start is None or t >= start]
        return min(seen) if seen else None


@dataclass
class StallInputs:
    """The tabs stall intelligence reads beyond the ``Book``, typed."""

    rules: list[Rule] = field(default_factory=list)
    steps: dict[tuple[str, str], StepExtra] = field(default_factory=dict)  # (plan, step id)
    segments: list[SegmentTiming] = field(default_factory=list)
    interventions: dict[str, list[Intervention]] = field(default_factory=dict)  # by kind
    tasks: list[Task] = field(default_factory=list)
    heard: dict[str, Heard] = field(default_factory=dict)  # by customer id
    arr: dict[str, str] = field(default_factory=dict)  # customer id -> as typed
    problems: list[Problem] = field(default_factory=list)
    # Every customer on a plan in a segment shares one timeline: worked out once per tick.
    timelines: dict[tuple[str, str], Timeline] = field(default_factory=dict, repr=False)
    # And the rules that count for a condition, phase and segment: worked out once per tick.
    chosen: dict[tuple[str, str, str], list[Rule]] = field(
        default_factory=dict, repr=False, compare=False
    )

    # The open tasks by customer, indexed on first ask (with the list and length it indexed):
    # a tick asks for every new stall, and og-tasks grows with the stalls.
    _open: tuple[list[Task], int, dict[str, list[Task]]] | None = field(
        default=None, init=False, repr=False, compare=False
    )

    def open_tasks(self, customer_id: str) -> list[Task]:
        index = self._open
        if index is None or index[0] is not self.tasks or index[1] != len(self.tasks):
            by_customer: dict[str, list[Task]] = {}
            for t in self.tasks:
                if t.open:
                    by_customer.setdefault(t.customer_id, []).append(t)
            index = self._open = (self.tasks, len(self.tasks), by_customer)
        return list(index[2].get(customer_id, ()))


@dataclass(frozen=True, slots=True)
class FiredRule:
    condition: str
    phase: str
    severity: str
    days: int  # the measure: business days in the phase, overdue, or silent
    threshold: str  # as the rule says it: "3", "1.5x"
    since: date  # the first business day the rule fired
    step_id: str = ""


@dataclass(frozen=True, slots=True)
class Blocker:
    """What the customer's onboarding waits on."""

    title: str
    owner: str  # "customer" or "us"
    assignee: str = ""
    waited_days: int = 0
    overdue_days: int = 0
    step_id: str = ""
    no_reply_since: date | None = None  # a "No reply since" line rather than a step

    def describe(self) -> str:
        """ "API configuration: waiting on customer, 12 days"; "Data migration: ours, Alex,
        5 days overdue"; "No reply since 17 Jan"."""
        if self.no_reply_since is not None:
            return f"No reply since {self.no_reply_since.day} {self.no_reply_since:%b}"
        if self.owner == "customer":
            who = "waiting on customer"
        else:
            who = ", ".join(p for p in ("ours", self.assignee) if p)
        days = f"{self.waited_days} days"
        if self.overdue_days > 0:
            days = f"{self.overdue_days} days overdue"
        return f"{self.title}: {who}, {days}"


@dataclass(frozen=True, slots=True)
class CustomerContext:
    arr: str = ""
    segment: str = ""
    phase: str = ""
    phase_days: int = 0
    phase_expected_days: int = 0
    days_in_onboarding: int = 0
    target_days: int = 0


@dataclass(frozen=True, slots=True)
class Assessment:
    fired: tuple[FiredRule, ...] = ()
    blockers: tuple[Blocker, ...] = ()
    context: CustomerContext = field(default_factory=CustomerContext)
    kinds: tuple[str, ...] = ()
    interventions: tuple[Intervention, ...] = ()

    @property
    def severity(self) -> str | None:
        """The highest severity fired; None: not stalled."""
        if not self.fired:
            return None
        return max((f.severity for f in self.fired), key=SEVERITIES.index)

    @property
    def stalled(self) -> bool:
        return bool(self.fired)
