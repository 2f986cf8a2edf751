"""The triage tab's rows: one per onboarding not finished, the most urgent first.

Pure: (book, today) -> the og-triage rows a tick writes. Days stalled are the tick's own number:
the business days the current step has waited (``business_days_waited``, so a resume restarts
the clock) beyond its expected days, and 0 for a customer who is paused or handed off, whom the
tick does not chase. Days in onboarding are business days since the journey started.

Phase, stall kinds, severity, last activity, last mail event and open tasks come from stall
intelligence: the tick hands over its plan (the assessments its decision made, the mail that
bounced) and the stall tabs it read, so nothing is assessed twice; a stalled customer's days
stalled are then the engine's (the segment's expected days). The rows say what the tick's own
write changes about them; ``triage_write.rewrite`` turns them into that write, and the tab's
filter views are ``triage_views``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import replace
from datetime import date
from functools import lru_cache
from urllib.parse import urlencode

from guide.calendar import business_days_between
from guide.cells import stamp
from guide.model import Book, Customer, GuideState, Step, StepSend
from guide.stalls import Assessment, StallInputs
from guide.stalls.timeline import customer_timeline
from guide.tick.decide import (
    DoneByEvent,
    Enroll,
    FinishJourney,
    OpenTask,
    TickPlan,
    business_days_waited,
    current_step,
)
from guide.workbook import CellValue
from sheets.schema import TRIAGE

# Most urgent first; a severity not listed (or none yet) sorts after these.
SEVERITY_ORDER = ("critical", "high", "medium", "low")

# Filled from the tick's stall assessments; empty when triaged without them.
FROM_STALLS = ("phase", "stall kinds", "severity", "last activity", "last mail event", "open tasks")


def flag_link(channel: str, ts: str) -> str:
    """A link a person can click to the flag's conversation.

    A message permalink needs the workspace's domain (or a ``chat.getPermalink`` call per flag,
    which a tick must not make); Slack's ``app_redirect`` opens the channel in whichever
    workspace the person is signed in to, where the flag is the guide's message at ``ts``."""
    if not channel:
        return ""
    return _redirect(channel) if ts else ""


@lru_cache(maxsize=256)  # a team flags into a few channels; the tab links every flag
def _redirect(channel: str) -> str:
    return "https://slack.com/app_redirect?" + urlencode({"channel": channel})


def triage_rows(
    book: Book,
    today: date,
    plan: TickPlan | None = None,
    extra: StallInputs | None = None,
    flags: Mapping[str, tuple[str, str, str]] | None = None,
) -> list[dict[str, CellValue]]:
    """One row per onboarding not finished, sorted by severity, then days stalled (longest
    first), then days in onboarding; the keys are og-triage's columns. ``plan`` (the tick's
    decision) and ``extra`` (the stall tabs) fill the stall columns.

    The rows say where things stand after the tick's write: an enrolment, a step done by an
    event, a journey finished and the ``flags`` posted (customer -> step, channel, ts) are
    taken in, so a second tick the same day finds nothing to change."""
    stalls = _Stalls(plan, extra)
    ahead = _Ahead(plan, flags or {})
    rows = []
    for c in book.customers:
        if c.finished or c.customer_id in ahead.finishing:
            continue
        rows.append(_row(book, c, today, ahead, stalls))
    rows.sort(key=_urgency)
    return rows


class _Ahead:
    """What the tick's own write changes about the rows it writes."""

    def __init__(self, plan: TickPlan | None, flags: Mapping[str, tuple[str, str, str]]) -> None:
        effects = plan.effects if plan else []
        self.finishing = {e.customer_id for e in effects if isinstance(e, FinishJourney)}
        self.enrolled = {e.customer_id: e.started_on for e in effects if isinstance(e, Enroll)}
        self.done: dict[str, list[DoneByEvent]] = {}
        for e in effects:
            if isinstance(e, DoneByEvent):
                self.done.setdefault(e.journey_id, []).append(e)
        self.flags = flags

    def sends(self, journey_id: str, sends: dict[str, StepSend]) -> dict[str, StepSend]:
        done = self.done.get(journey_id, [])
        if not done:
            return sends
        sends = dict(sends)
        for d in done:
            was = sends.get(d.step_id)
            sends[d.step_id] = (
                replace(was, done_at=d.at)
                if was is not None
                else StepSend(0, journey_id, d.customer_id, d.step_id, d.at, d.at, "", 0, None)
            )
        return sends


class _Stalls:
    """The stall columns of a row, from what the tick already knows."""

    def __init__(self, plan: TickPlan | None, extra: StallInputs | None) -> None:
        self.assessments = plan.assessments if plan else {}
        self.mail = plan.mail_problems if plan else {}
        self.extra = extra
        # Open tasks counted once, with those this very tick opens (they land in its write).
        self.tasks = Counter(t.customer_id for t in (extra.tasks if extra else ()) if t.open)
        if plan is not None:
            self.tasks.update(e.customer_id for e in plan.effects if isinstance(e, OpenTask))

    def fill(
        self, book: Book, customer: Customer, row: dict[str, CellValue], step: Step | None
    ) -> None:
        """The stall columns of ``row``, whose other columns are filled."""
        cid = customer.customer_id
        assessment = self.assessments.get(cid, _NOT_ASSESSED)
        stalled = assessment.stalled
        if stalled and row["days stalled"] and step is not None:
            blocker = next((b for b in assessment.blockers if b.step_id == step.step_id), None)
            if blocker is not None:
                row["days stalled"] = blocker.overdue_days  # the segment's expected days
        phase = assessment.context.phase
        if not phase and step is not None and self.extra is not None:
            # Not assessed (paused, or the step goes out today): the plan's phase for the step,
            # from the timeline the tick shares per plan and segment.
            found = customer_timeline(book, self.extra, customer).step(step.step_id)
            phase = found.phase if found else ""
        heard = self.extra.heard.get(cid) if self.extra else None
        row["phase"] = phase
        row["stall kinds"] = ", ".join(assessment.kinds) if stalled else ""
        row["severity"] = assessment.severity or ""
        row["last activity"] = stamp(heard.last_heard) if heard and heard.last_heard else ""
        row["last mail event"] = self._mail(book, customer)
        row["open tasks"] = self.tasks.get(cid, 0) if self.extra or self.tasks else ""

    def _mail(self, book: Book, customer: Customer) -> str:
        """The bounce or complaint that stopped mail, worded as the flag words it."""
        problem = self.mail.get(customer.customer_id)
        if problem is None:
            return ""
        steps = book.plans.get(customer.plan, [])
        number = next((str(i) for i, s in enumerate(steps, 1) if s.step_id == problem.step), "")
        return problem.cause(number)


def _urgency(row: dict[str, CellValue]) -> tuple[int, int, int, str]:
    severity = str(row["severity"] or "").casefold()
    rank = SEVERITY_ORDER.index(severity) if severity in SEVERITY_ORDER else len(SEVERITY_ORDER)
    return (
        rank,
        -_int(row["days stalled"]),
        -_int(row["days in onboarding"]),
        str(row["customer id"]),
    )


def _int(value: CellValue) -> int:
    return value if isinstance(value, int) else 0


def _row(
    book: Book, customer: Customer, today: date, ahead: _Ahead, stalls: _Stalls
) -> dict[str, CellValue]:
    holidays = book.config.holidays
    steps = book.plans.get(customer.plan, [])
    state = book.states.get(customer.customer_id)
    started = customer.started_on or ahead.enrolled.get(customer.customer_id)
    journey_id = customer.journey_id(started)
    sends = ahead.sends(journey_id, book.journey_sends(journey_id)) if started else {}
    current = current_step(steps, sends)
    send = sends.get(current.step_id) if current else None
    stalled = _days_stalled(customer, current, send, state, today, holidays)
    row: dict[str, CellValue] = dict(_BLANK_ROW)
    row["customer id"] = customer.customer_id
    row["company"] = customer.company
    row["plan"] = customer.plan
    row["owner"] = customer.owner
    row["contact email"] = customer.email
    row["started"] = started.isoformat() if started else ""
    row["days in onboarding"] = business_days_between(started, today, holidays) if started else 0
    row["last completed step"] = _last_done(steps, sends)
    row["stuck at step"] = current.title if current and stalled else ""
    row["days stalled"] = stalled
    row["reminders sent"] = send.reminders if send else 0
    posted = ahead.flags.get(customer.customer_id)
    row["link to the flag"] = _flag(journey_id, state, posted)
    stalls.fill(book, customer, row, current)
    return row


_BLANK_ROW: dict[str, CellValue] = dict.fromkeys(TRIAGE.columns, "")  # in the tab's order
_NOT_ASSESSED = Assessment()


def _days_stalled(
    customer: Customer,
    step: Step | None,
    send: StepSend | None,
    state: GuideState | None,
    today: date,
    holidays: frozenset[date],
) -> int:
    if customer.paused or customer.handed_off_to or step is None:
        return 0
    if send is None or send.sent_at is None:
        return 0
    return max(0, business_days_waited(send, state, today, holidays) - step.expected_days)


def _last_done(steps: list[Step], sends: dict[str, StepSend]) -> str:
    done = [s.title for s in steps if (send := sends.get(s.step_id)) and send.done]
    return done[-1] if done else ""


def _flag(journey_id: str, state: GuideState | None, posted: tuple[str, str, str] | None) -> str:
    """The flag of this journey only: an old journey's flag is about a stall long gone."""
    if posted is not None:
        return flag_link(posted[1], posted[2])
    if state is None or state.journey_id != journey_id:
        return ""
    return flag_link(state.flag_channel, state.flag_ts)
