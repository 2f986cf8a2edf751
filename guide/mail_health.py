"""Mail telemetry in the product's words: what happened to one email, as og-activity records it,
and whether a customer's address may be mailed again (pure).

A "mail event" row's name is one of ``MAIL_EVENT_NAMES`` and its detail is a sentence a person
reads that also names the address the email went to::

    step connect-data email to priya@acme.example bounced: mailbox does not exist

The address is what lets a fix in the sheet lift the stop: a hard bounce or a complaint stops
mail to the address it happened to, so once a person corrects the contact email, the next tick
mails the new one. Writing and reading the sentence live side by side here for that reason.

Short of a bounce, the events of a stalled step's email hint at why it stalls (``hint``): opened
at least N business days ago (og-config "opened not done days") and still not done, the step
is probably long or confusing; sent N business days ago and never delivered, or delivered and
never opened, the email has probably gone to spam. Each hint names the stall kind whose
og-interventions row says what to do (``with_hint``). Telemetry that is not set up sends no
events at all, so "never delivered" is only said once og-activity holds a delivery of any
email, and "never opened" once it holds an open or a click (open tracking is on).

About 270 lines: the events' sentences, the stop they cause and the hints they give are read
back from the same og-activity rows, so they stay in one place.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, tzinfo

from guide import cells
from guide.calendar import business_days_between
from guide.model import Config, Customer, StepSend
from guide.stalls.model import EMAIL_SPAM, LONG_STEP, STALL_KINDS, Assessment, Intervention
from guide.workbook import Table

MAIL_EVENT = "mail event"  # the og-activity kind
DELIVERY = "delivery"
BOUNCE = "bounce"  # permanent: the address does not take mail
SOFT_BOUNCE = "soft bounce"  # transient: a full mailbox, a server down; SES retried and gave up
COMPLAINT = "complaint"  # the recipient marked it as spam
OPEN = "open"
CLICK = "click"
MAIL_EVENT_NAMES = (DELIVERY, BOUNCE, SOFT_BOUNCE, COMPLAINT, OPEN, CLICK)
STOPS_MAIL = (BOUNCE, COMPLAINT)
# A stalled step's email, short of a bounce (``MailHealth.hint``), and the stall kind each
# points at (og-interventions).
OPENED_NOT_DONE = "opened, not done"
NOT_DELIVERED = "not delivered"
NOT_OPENED = "not opened"
HINT_KINDS = {OPENED_NOT_DONE: LONG_STEP, NOT_DELIVERED: EMAIL_SPAM, NOT_OPENED: EMAIL_SPAM}

# SES takes only these characters in a message tag's name and value (256 at most): the mailer
# cleans tags with ``tag_value``, and telemetry matches a customer id cleaned the same way.
_TAG_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")
_ADDRESS = re.compile(r"\bemail to (\S+@\S+) ")
_REASON = re.compile(r" bounced: (.+)$")
_STEP = re.compile(r"^step (\S+) ")


@dataclass(frozen=True)
class MailEvent:
    """One thing that happened to one email: ``what`` says which email ("step connect-data",
    "step connect-data reminder", "wrapup"), ``reason`` why it bounced or which link was
    clicked (host and path only: a done link's token is a credential)."""

    name: str
    what: str
    address: str
    reason: str = ""

    def detail(self) -> str:
        lead = f"{self.what} email to {self.address}"
        if self.name == DELIVERY:
            return f"{lead} delivered"
        if self.name == BOUNCE:
            return f"{lead} bounced: {self.reason or 'address rejected'}"
        if self.name == SOFT_BOUNCE:
            return f"{lead} not delivered for now: {self.reason or 'temporary failure'}"
        if self.name == COMPLAINT:
            return f"{lead} marked as spam by the recipient"
        if self.name == OPEN:
            return f"{lead} opened"
        return f"{lead} had a link clicked ({self.reason})" if self.reason else f"{lead} clicked"


def tag_value(text: str) -> str:
    """``text`` as SES lets it be a message tag: "acme 01" -> "acme_01"."""
    return _TAG_UNSAFE.sub("_", text)[:256] or "_"


def what_email(kind: str, step: str) -> str:
    """How a detail names an email, from the tags the guide sends it with."""
    if step:
        return f"step {step} reminder" if kind == "nudge" else f"step {step}"
    return kind or "guide"


@dataclass(frozen=True)
class MailProblem:
    """What telemetry says went wrong with a customer's mail: a bounce or complaint, which stops
    mail to the address (``stops``); or, for a stalled step's email, a hint (``HINT_KINDS``)
    that words the flag and brings its stall kind's intervention, and stops nothing."""

    customer_id: str
    address: str
    name: str  # BOUNCE or COMPLAINT; or a hint: OPENED_NOT_DONE, NOT_DELIVERED, NOT_OPENED
    reason: str
    step: str  # the step id the email was for, "" for another email
    at: datetime  # the bounce or complaint; a hint's open, send or delivery
    days: int = 0  # a hint's business days since ``at``

    @property
    def stops(self) -> bool:
        return self.name in STOPS_MAIL

    @property
    def kind(self) -> str:
        """The stall kind a hint points at (og-interventions); "" for a stop."""
        return HINT_KINDS.get(self.name, "")

    def cause(self, step: str = "") -> str:
        """The stall's cause for the flag: "step 2 email bounced: mailbox does not exist".
        ``step`` is how the flag names the step (its number); the step id otherwise."""
        label = step or self.step
        what = f"step {label} email" if label else "email"
        days = f"{self.days} business day{'' if self.days == 1 else 's'} ago"
        if self.name == OPENED_NOT_DONE:
            return f"{what} opened {days} and still not done: the step may be long or confusing"
        if self.name == NOT_DELIVERED:
            return f"{what} sent {days} and never delivered: it may be in spam"
        if self.name == NOT_OPENED:
            return f"{what} delivered {days} and never opened: it may be in spam"
        if self.name == COMPLAINT:
            return f"{what} marked as spam by the recipient"
        return f"{what} bounced: {self.reason or 'address rejected'}"


@dataclass(frozen=True)
class StepMail:
    """When one step's emails (the step and its reminders) to one address were delivered and
    opened (an open or a click), every time, oldest first."""

    delivered: Sequence[datetime] = ()
    opened: Sequence[datetime] = ()


@dataclass(frozen=True)
class MailHealth:
    """og-activity's mail events folded once, so a tick asks about every customer cheaply."""

    problems: Mapping[tuple[str, str], MailProblem]
    # (customer id, address casefolded, step id) -> its deliveries and opens.
    steps: Mapping[tuple[str, str, str], StepMail] = field(default_factory=dict)
    tracks_delivery: bool = False  # og-activity holds a delivery: telemetry is set up
    tracks_opens: bool = False  # and an open or a click: open tracking is on too

    def undeliverable(self, customer_id: str, email: str) -> MailProblem | None:
        """The problem that stops mail to ``email`` (the address in the sheet now), or None.
        A bounce at an address the sheet no longer holds does not count."""
        return self.problems.get((customer_id, email.strip().casefold()))

    def hint(
        self, customer: Customer, send: StepSend, today: date, config: Config
    ) -> MailProblem | None:
        """What the events of ``send``'s email (sent, not done) to the customer's address say
        on ``today``, once og-config's "opened not done days" have passed: opened and not done,
        never delivered, or delivered and never opened. None before then, for a step done, and
        when the address bounced or complained (that stop says more). Events before the send
        are an earlier journey's."""
        sent = send.sent_at
        if sent is None or send.done or self.undeliverable(customer.customer_id, customer.email):
            return None
        address = customer.email.strip().casefold()
        seen = self.steps.get((customer.customer_id, address, send.step_id), StepMail())
        delivered = next((t for t in seen.delivered if t >= sent), None)
        opened = next((t for t in seen.opened if t >= sent), None)
        if opened is not None:
            name, at, tracked = OPENED_NOT_DONE, opened, True
        elif delivered is None:
            name, at, tracked = NOT_DELIVERED, sent, self.tracks_delivery
        else:
            name, at, tracked = NOT_OPENED, delivered, self.tracks_opens
        days = business_days_between(at.date(), today, config.holidays)
        if not tracked or days < config.opened_not_done_days:
            return None
        return MailProblem(customer.customer_id, customer.email, name, "", send.step_id, at, days)


def with_hint(
    assessment: Assessment, hint: MailProblem, interventions: Mapping[str, list[Intervention]]
) -> Assessment:
    """The assessment with the hint's stall kind, and that kind's og-interventions first among
    the suggestions: the hint is the evidence at hand."""
    if not hint.kind:
        return assessment
    kinds = tuple(k for k in STALL_KINDS if k in assessment.kinds or k == hint.kind)
    first = tuple(interventions.get(hint.kind, []))
    rest = tuple(i for i in assessment.interventions if i not in first)
    return replace(assessment, kinds=kinds, interventions=(*first, *rest))


def mail_health(activity: Table | None, zone: tzinfo) -> MailHealth:
    """Per customer and address, the last word: a bounce or complaint stops mail; a delivery
    after a bounce lifts it (the mailbox exists after all); a complaint is lifted only by a
    new address, since the person asked for no more of our mail. Rows are taken in time order,
    as SNS does not promise to deliver events in the order they happened."""
    if activity is None or not activity.exists:
        return MailHealth({})
    pos = activity.positions()
    needed = ("at", "customer id", "kind", "name", "detail")
    if any(column not in pos for column in needed):
        return MailHealth({})
    width = max(pos[c] for c in needed) + 1
    found: list[tuple[datetime, str, str, str, str]] = []
    seen: dict[tuple[str, str, str], tuple[list[datetime], list[datetime]]] = {}
    names: set[str] = set()  # which kinds of event telemetry has recorded at all
    for raw in activity.rows:
        if len(raw) < width:
            raw = [*raw, *[None] * (width - len(raw))]
        if cells.text(raw[pos["kind"]]).casefold() != MAIL_EVENT:
            continue
        name = cells.text(raw[pos["name"]]).casefold()
        detail = cells.text(raw[pos["detail"]])
        sent_to = _ADDRESS.search(detail)
        if name not in (BOUNCE, COMPLAINT, DELIVERY, OPEN, CLICK) or sent_to is None:
            continue
        try:
            at = cells.moment(raw[pos["at"]], zone=zone)
        except cells.CellError:
            continue  # the stall reading reports the cell; here it is simply not evidence
        customer_id = cells.text(raw[pos["customer id"]])
        names.add(name)
        step = _STEP.match(detail)
        if name in (DELIVERY, OPEN, CLICK) and step is not None:
            step_key = (customer_id, sent_to.group(1).casefold(), step.group(1))
            deliveries, opens = seen.setdefault(step_key, ([], []))
            (deliveries if name == DELIVERY else opens).append(at)
        if name in (OPEN, CLICK):
            continue
        found.append((at, customer_id, name, sent_to.group(1), detail))
    problems: dict[tuple[str, str], MailProblem] = {}
    for at, customer_id, name, address, detail in sorted(found, key=lambda f: f[0]):
        key = (customer_id, address.casefold())
        if name == DELIVERY:
            kept = problems.get(key)
            if kept is not None and kept.name == BOUNCE:
                del problems[key]
            continue
        reason = _REASON.search(detail)
        step = _STEP.match(detail)
        problems[key] = MailProblem(
            customer_id,
            address,
            name,
            reason.group(1) if reason else "",
            step.group(1) if step else "",
            at,
        )
    steps = {k: StepMail(sorted(d), sorted(o)) for k, (d, o) in seen.items()}
    return MailHealth(
        problems,
        steps,
        tracks_delivery=DELIVERY in names,
        tracks_opens=bool(names & {OPEN, CLICK}),
    )
