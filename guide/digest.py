"""The weekly digest's content: (book, today) -> who is paused, handed off, stalled, finished, new.

Pure, like the tick: ``guide.digest_render`` turns a ``Digest`` into an email.

Where each active customer stands, checked in the tick's order (finished, paused, handed off):
paused, handed off, **not started** (no step email has gone out yet: no start date, or the first
step not sent), **stalled** (the stall engine fires a rule of og-stall-rules: the tick's own
decision, so the digest lists exactly whom the tick flags) or **on track** (everything else,
including a step past its expected days that no rule calls a stall yet, and a journey whose
steps are all done and that the next tick finishes). So active = on track + not started +
stalled + paused + handed off.

**The week** is the seven days before ``today`` (a digest sent on Monday 30 Nov covers Monday 23
to Sunday 29 Nov): run weekly on the same weekday, each day is counted in exactly one digest,
whatever hour it runs. The 90-day median uses the 90 days before ``today`` likewise. A customer
with no start date yet is listed as new: the next tick enrolls them.

Every paused and every handed-off customer is in every digest, however old the hold, each with a
resume link bound to that very hold (see ``guide.links.ResumeLink``).
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta

from guide.calendar import business_days_between
from guide.digest_model import (
    Cancelled,
    Digest,
    Finished,
    HandedOff,
    New,
    Numbers,
    OpenTask,
    OwnerGroup,
    Paused,
    ResumeLinkMaker,
    Stalled,
)
from guide.model import CANCELLED_BY, Book, Customer, GuideState, Step
from guide.stalls import StallInputs
from guide.stalls.model import Task
from guide.tick.decide import TickPlan, business_days_waited, current_step, decide

STALLED_STATES = ("stalled", "escalated")  # the tick's statuses for a stall
# Stalls listed per owner, longest overdue first. Every stall is flagged in Slack and listed in
# og-triage; a digest listing thousands would be megabytes nobody reads to the end. Paused and
# handed-off customers, who have no flag to remind anyone, are all listed, however many.
STALLED_LISTED = 15


def digest_week(today: date) -> tuple[date, date]:
    """The seven days before ``today``, first and last (inclusive)."""
    return today - timedelta(days=7), today - timedelta(days=1)


def build_digest(
    book: Book,
    today: date,
    resume_link: ResumeLinkMaker,
    tasks: Sequence[Task] = (),
    now: datetime | None = None,
    extra: StallInputs | None = None,
) -> Digest:
    """The week's digest. ``tasks`` are og-tasks' rows; the open ones are listed, those due
    before ``now`` (team time; the start of ``today`` if not given) as overdue. ``extra`` is
    what the stall tabs hold, for the tick's decision of who is stalled (without it, the
    PRD's default rules and nothing heard, as the tick would decide)."""
    plan = decide(book, today, extra)
    stalls = {s.customer_id: s.state for s in plan.statuses if s.state in STALLED_STATES}
    start, end = digest_week(today)
    holidays = book.config.holidays
    paused: list[Paused] = []
    handed_off: list[HandedOff] = []
    stalled: list[Stalled] = []
    finished: list[Finished] = []
    cancelled: list[Cancelled] = []
    new: list[New] = []
    on_track = not_started = 0
    took_90: list[int] = []
    for c in book.customers:
        state = book.states.get(c.customer_id)
        if c.cancelled:
            if c.finished_on and start <= c.finished_on <= end:
                reason = c.finished_by.removeprefix(CANCELLED_BY)
                cancelled.append(Cancelled(*_who(c), c.finished_on, reason))
            continue
        if c.finished:
            took = _took(c, holidays)
            if c.finished_on and start <= c.finished_on <= end:
                finished.append(Finished(*_who(c), c.started_on, c.finished_on, took))
            if c.finished_on and today - timedelta(days=90) <= c.finished_on < today:
                took_90.extend([took] if took is not None else [])
            continue
        if c.started_on is None or start <= c.started_on <= end:
            new.append(New(*_who(c), c.plan, c.started_on))
        if c.paused:
            paused.append(_paused(c, state, today, resume_link))
        elif c.handed_off_to:
            handed_off.append(_handed_off(book, c, state, today, resume_link))
        else:
            stall = _stall(book, c, state, today, plan, stalls.get(c.customer_id))
            if isinstance(stall, Stalled):
                stalled.append(stall)
            elif stall == "not started":
                not_started += 1
            else:
                on_track += 1

    groups = _groups(paused, handed_off, stalled)
    took_week = [f.took_days for f in finished if f.took_days is not None]
    numbers = Numbers(
        active=on_track + not_started + len(stalled) + len(paused) + len(handed_off),
        on_track=on_track,
        not_started=not_started,
        stalled=len(stalled),
        escalated=sum(s.escalated for s in stalled),
        paused=len(paused),
        handed_off=len(handed_off),
        finished_this_week=len(finished),
        new_this_week=len(new),
        median_days_this_week=_median(took_week),
        median_days_90=_median(took_90),
        finished_90=len(took_90),
    )
    finished.sort(key=lambda f: (f.finished_on, f.name.casefold()))
    new.sort(key=lambda n: (n.started_on or today, n.name.casefold()))
    open_tasks = _open_tasks(book, tasks, now or datetime.combine(today, time()))
    return Digest(
        today,
        start,
        end,
        numbers,
        groups,
        len(groups) > 1,
        tuple(finished),
        tuple(new),
        open_tasks,
        cancelled=tuple(sorted(cancelled, key=lambda x: (x.on, x.name.casefold()))),
    )


def _open_tasks(book: Book, tasks: Sequence[Task], now: datetime) -> tuple[OpenTask, ...]:
    names = {c.customer_id: c.name for c in book.customers}
    found = [
        OpenTask(
            t.task_id,
            t.customer_id,
            names.get(t.customer_id, t.customer_id),
            t.title,
            t.owner,
            t.due,
            t.due is not None and t.due < now,
        )
        for t in tasks
        if t.open
    ]
    far_future = datetime.max  # no due date: after every dated task
    found.sort(key=lambda t: (not t.overdue, t.due or far_future, t.name.casefold()))
    return tuple(found)


def _who(c: Customer) -> tuple[str, str, str]:
    return c.customer_id, c.name, c.owner


def _took(c: Customer, holidays: frozenset[date]) -> int | None:
    if c.started_on is None or c.finished_on is None or c.finished_on < c.started_on:
        return None
    return business_days_between(c.started_on, c.finished_on, holidays)


def _median(values: list[int]) -> float | None:
    return float(statistics.median(values)) if values else None


def _since(today: date, at: datetime | None) -> tuple[date | None, int | None]:
    return (at.date(), (today - at.date()).days) if at else (None, None)


def _paused(
    c: Customer, state: GuideState | None, today: date, resume_link: ResumeLinkMaker
) -> Paused:
    # A box ticked in the sheet that the guide never recorded has no og-state stamp: it is
    # still listed, "since unknown", and its resume link is bound to that missing stamp.
    if state and state.paused_at:
        at, by, note = state.paused_at, state.paused_by, state.pause_note
    else:
        at, by, note = None, "sheet", ""
    since, days = _since(today, at)
    url = resume_link(c.customer_id, "pause", at)
    return Paused(*_who(c), by, note, since, days, url)


def _handed_off(
    book: Book, c: Customer, state: GuideState | None, today: date, resume_link: ResumeLinkMaker
) -> HandedOff:
    # og-state's stamp counts only if it is about the hand-off the sheet shows now.
    recorded = (
        state is not None
        and state.handed_off_at is not None
        and state.handed_off_to.casefold() == c.handed_off_to.casefold()
    )
    at = state.handed_off_at if state and recorded else None
    by = state.handed_off_by if state and recorded else "sheet"
    since, days = _since(today, at)
    last_event, last_on = _last_event(book, c)
    url = resume_link(c.customer_id, "hand-off", at)
    return HandedOff(*_who(c), c.handed_off_to, by, since, days, last_event, last_on, url)


def _last_event(book: Book, c: Customer) -> tuple[str, date | None]:
    titles = {s.step_id: s.title for s in book.plans.get(c.plan, [])}
    events: list[tuple[datetime, str]] = []
    for send in book.journey_sends(c.journey_id()).values():
        title = titles.get(send.step_id, send.step_id)
        for at, what in (
            (send.sent_at, "sent"),
            (send.last_reminded, "reminded"),
            (send.done_at, "done"),
        ):
            if at is not None:
                events.append((at, f"“{title}” {what}"))
    if not events:
        return "no step sent yet", None
    at, what = max(events, key=lambda e: e[0])
    return what, at.date()


def _stall(
    book: Book,
    c: Customer,
    state: GuideState | None,
    today: date,
    plan: TickPlan,
    stall: str | None,
) -> Stalled | str | None:
    """The customer's stall (``stall``: the tick's status for it, if stalled), "not started",
    or None when on track. The days are the stall engine's, as the flag shows them."""
    if c.started_on is None:
        return "not started"
    steps: list[Step] = book.plans.get(c.plan, [])
    sends = book.journey_sends(c.journey_id())
    step = current_step(steps, sends)
    send = sends.get(step.step_id) if step else None
    if step is None or send is None or send.sent_at is None:
        return "not started" if step is not None and step is steps[0] else None
    if stall is None:
        return None
    assessment = plan.assessments.get(c.customer_id)
    blockers = assessment.blockers if assessment else ()
    blocker = next((b for b in blockers if b.step_id == step.step_id), None)
    if blocker is not None:  # the segment's expected days, the resume: as the flag counts
        waited, overdue = blocker.waited_days, blocker.overdue_days
        expected = waited - overdue if overdue > 0 else step.expected_days
    else:
        waited = business_days_waited(send, state, today, book.config.holidays)
        expected = step.expected_days
        overdue = max(0, waited - expected)
    escalated = stall == "escalated"
    return Stalled(*_who(c), step.title, step.owned_by, waited, expected, overdue, escalated)


def _groups(
    paused: list[Paused], handed_off: list[HandedOff], stalled: list[Stalled]
) -> tuple[OwnerGroup, ...]:
    """One group per owner with someone listed. Oldest holds and worst stalls first."""
    listed = {p.owner for p in paused} | {h.owner for h in handed_off} | {s.owner for s in stalled}
    owners = sorted(listed, key=str.casefold)
    far_past = date.min  # an unknown start is the oldest: it has been forgotten the longest
    paused.sort(key=lambda p: (p.since or far_past, p.name.casefold()))
    handed_off.sort(key=lambda h: (h.since or far_past, h.name.casefold()))
    stalled.sort(key=lambda s: (-s.overdue_days, s.name.casefold()))
    groups = []
    for owner in owners:
        theirs = tuple(s for s in stalled if s.owner == owner)
        groups.append(
            OwnerGroup(
                owner,
                tuple(p for p in paused if p.owner == owner),
                tuple(h for h in handed_off if h.owner == owner),
                theirs[:STALLED_LISTED],
                max(0, len(theirs) - STALLED_LISTED),
            )
        )
    return tuple(groups)
