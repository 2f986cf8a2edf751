"""The product's nouns: plans and steps, customers and their journeys, step sends, guide state."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass(frozen=True)
class Step:
    plan: str
    order: int
    step_id: str
    title: str
    expected_days: int
    owned_by: str  # "customer" or "us": whose move it is while the step is open
    subject: str
    body: str


# How 'finished by' begins for an onboarding closed as cancelled (Close as cancelled): a read
# without the audit (the report, the digest) knows a cancellation from the row alone.
CANCELLED_BY = "cancelled: "


@dataclass(frozen=True, slots=True)  # a tick holds one per row: no dict each
class Customer:
    row: int
    customer_id: str
    company: str
    contact_name: str
    email: str
    plan: str
    owner: str
    segment: str
    started_on: date | None
    paused: bool
    handed_off_to: str
    finished: bool
    finished_on: date | None
    finished_by: str

    @property
    def name(self) -> str:
        return self.company or self.contact_name or self.customer_id

    @property
    def cancelled(self) -> bool:
        """Ended by Close as cancelled rather than finished."""
        return self.finished and self.finished_by.startswith(CANCELLED_BY)

    def journey_id(self, started_on: date | None = None) -> str:
        """A journey is one run of one plan: re-enrolling (new plan or start) starts a new one."""
        start = started_on or self.started_on
        stamp = start.isoformat() if start else "unstarted"
        return f"{self.customer_id}/{self.plan}/{stamp}"


@dataclass(frozen=True, slots=True)  # a tick holds one per row: no dict each
class StepSend:
    row: int
    journey_id: str
    customer_id: str
    step_id: str
    sent_at: datetime | None
    done_at: datetime | None
    done_by: str
    reminders: int
    last_reminded: datetime | None

    @property
    def done(self) -> bool:
        return self.done_at is not None


@dataclass(frozen=True, slots=True)  # a tick holds one per row: no dict each
class GuideState:
    """What the guide remembers about a customer beyond the onboarding row."""

    row: int
    customer_id: str
    journey_id: str = ""
    paused_at: datetime | None = None
    pause_note: str = ""
    paused_by: str = ""
    handed_off_to: str = ""
    handed_off_at: datetime | None = None
    handed_off_by: str = ""
    resumed_at: datetime | None = None  # the current step's stall clock restarts here
    flag_channel: str = ""
    flag_ts: str = ""
    flag_step: str = ""
    flag_level: int = 0
    flagged_at: datetime | None = None
    # When the manager was told about the flagged step: apart from the flag's level, so an
    # escalation that failed is tried again until it succeeds, and one that succeeded never is.
    escalated_at: datetime | None = None


@dataclass(frozen=True)
class Problem:
    """Something in the sheet the guide could not use. Names the place so a person can fix it."""

    tab: str
    row: int | None
    column: str | None
    message: str
    customer_id: str | None = None

    def __str__(self) -> str:
        where = self.tab
        if self.row is not None:
            where += f" row {self.row}"
        if self.column:
            where += f", column '{self.column}'"
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class TeamMember:
    name: str
    slack_id: str = ""
    email: str = ""
    manager: str = ""  # who hears of their escalations; blank: og-config's 'manager'


@dataclass(frozen=True)
class Config:
    """og-config, typed, with the defaults a new team starts with."""

    timezone: str = "UTC"
    escalate_after_days: int = 10
    sender: str = "onboarding@example.com"
    reply_to: str = ""
    slack_channel: str = ""
    manager: str = ""
    team: tuple[TeamMember, ...] = ()
    digest_recipients: tuple[str, ...] = ()
    digest_when_empty: bool = True  # False: a week with nobody to list sends no digest
    holidays: frozenset[date] = field(default_factory=frozenset)
    link_ttl_days: int = 30
    triage_thresholds: tuple[int, ...] = (3, 7, 14, 30)
    booking_link: str = ""  # a booking page Schedule a call sends instead of an invite
    # Business days before a stalled step's email telemetry is read as a hint (guide.mail_health).
    opened_not_done_days: int = 3

    def manager_of(self, owner: str) -> str:
        """Who hears of an escalation of ``owner``'s customer: their own manager from the team
        list, else og-config's 'manager' (blank: nobody is set)."""
        member = self.member(owner)
        return (member.manager if member else "") or self.manager

    def member(self, name: str) -> TeamMember | None:
        key = name.strip().casefold()
        for m in self.team:
            if key in {m.name.casefold(), m.slack_id.casefold(), m.email.casefold()}:
                return m
        return None

    def name_of(self, by: str, actor_id: str = "") -> str:
        """Who did something, as a person: a presser's Slack id (or the Slack id or email given
        as who) on the team list reads as the name there; anyone else as given."""
        member = (actor_id and self.member(actor_id)) or self.member(by)
        return member.name if member else by


@dataclass
class Book:
    """The workbook read into the product's terms, with every problem found on the way."""

    customers: list[Customer]
    plans: dict[str, list[Step]]
    sends: dict[str, dict[str, StepSend]]
    states: dict[str, GuideState]
    config: Config
    problems: list[Problem]

    def journey_sends(self, journey_id: str) -> dict[str, StepSend]:
        return self.sends.get(journey_id, {})

    def customer(self, customer_id: str) -> Customer | None:
        for c in self.customers:
            if c.customer_id == customer_id:
                return c
        return None
