"""The weekly digest as data: sections, rows and numbers, built by ``guide.digest``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from guide.funnel_model import Funnel

# (customer id, "pause" or "hand-off", that hold's og-state stamp or None) -> the resume URL.
ResumeLinkMaker = Callable[[str, str, datetime | None], str]


@dataclass(frozen=True)
class Paused:
    customer_id: str
    name: str
    owner: str
    by: str  # who paused: a person, "sheet" for a box ticked in the sheet, "" when not recorded
    note: str
    since: date | None  # None: ticked in the sheet and never recorded by the guide
    days: int | None  # calendar days paused
    resume_url: str


@dataclass(frozen=True)
class HandedOff:
    customer_id: str
    name: str
    owner: str
    to: str
    by: str
    since: date | None
    days: int | None
    last_event: str  # the latest thing in the journey, e.g. '"Connect your data" done'
    last_on: date | None
    resume_url: str


@dataclass(frozen=True)
class Stalled:
    customer_id: str
    name: str
    owner: str
    step: str
    waiting_on: str  # "customer" or "us": whose move it is
    waited_days: int  # business days since the step went out (or since the last resume)
    expected_days: int
    overdue_days: int
    escalated: bool


@dataclass(frozen=True)
class Finished:
    customer_id: str
    name: str
    owner: str
    started_on: date | None
    finished_on: date
    took_days: int | None  # business days from started on to finished on


@dataclass(frozen=True)
class Cancelled:
    """Closed as cancelled: not a finish, so in neither the finished list nor its medians."""

    customer_id: str
    name: str
    owner: str
    on: date
    reason: str  # as Close as cancelled stamped it: "not a fit (Sam)"


@dataclass(frozen=True)
class New:
    customer_id: str
    name: str
    owner: str
    plan: str
    started_on: date | None  # None: the next tick enrolls them


@dataclass(frozen=True)
class OpenTask:
    """An og-tasks row still open: an intervention somebody owes a stalled customer."""

    task_id: str
    customer_id: str
    name: str
    title: str
    owner: str
    due: datetime | None
    overdue: bool  # its due moment has passed


@dataclass(frozen=True)
class OwnerGroup:
    owner: str
    paused: tuple[Paused, ...]  # every one: a pause is never left out of a digest
    handed_off: tuple[HandedOff, ...]  # every one, likewise
    stalled: tuple[Stalled, ...]  # the longest overdue first, at most STALLED_LISTED
    stalled_more: int = 0  # stalled customers of the owner not listed (og-triage has them)


@dataclass(frozen=True)
class Numbers:
    active: int
    on_track: int
    not_started: int
    stalled: int
    escalated: int
    paused: int
    handed_off: int
    finished_this_week: int
    new_this_week: int
    median_days_this_week: float | None
    median_days_90: float | None
    finished_90: int


@dataclass(frozen=True)
class Digest:
    today: date
    week_start: date
    week_end: date  # inclusive: the day before ``today``
    numbers: Numbers
    groups: tuple[OwnerGroup, ...]  # one per owner with someone to list, sorted by owner
    grouped: bool  # more than one owner has someone listed: show each under their name
    finished: tuple[Finished, ...]
    new: tuple[New, ...]
    tasks: tuple[OpenTask, ...] = ()  # open intervention tasks, overdue first
    # Journeys started in the last 90 days, live and ended (guide.digest_funnel); None: the
    # digest was built without the archive, and shows no funnel.
    funnel: Funnel | None = None
    cancelled: tuple[Cancelled, ...] = ()  # closed as cancelled this week

    @property
    def quiet(self) -> bool:
        return not (self.groups or self.finished or self.new or self.tasks or self.cancelled)
