"""Mail telemetry in the product's words: what happened to one email, as og-activity records it,
and whether a customer's address may be mailed again (pure).

A "mail event" row's name is one of ``MAIL_EVENT_NAMES`` and its detail is a sentence a person
reads that also names the address the email went to::

    step connect-data email to priya@acme.example bounced: mailbox does not exist

The address is what lets a fix in the sheet lift the stop: a hard bounce or a complaint stops
mail to the address it happened to, so once a person corrects the contact email, the next tick
mails the new one. Writing and reading the sentence live side by side here for that reason.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, tzinfo

from guide import cells
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
    """Why an address gets no more mail: its last bounce or complaint."""

    customer_id: str
    address: str
    name: str  # BOUNCE or COMPLAINT
    reason: str
    step: str  # the step id the email was for, "" for another email
    at: datetime

    def cause(self, step: str = "") -> str:
        """The stall's cause for the flag: "step 2 email bounced: mailbox does not exist".
        ``step`` is how the flag names the step (its number); the step id otherwise."""
        label = step or self.step
        what = f"step {label} email" if label else "email"
        if self.name == COMPLAINT:
            return f"{what} marked as spam by the recipient"
        return f"{what} bounced: {self.reason or 'address rejected'}"


@dataclass(frozen=True)
class MailHealth:
    """og-activity's mail events folded once, so a tick asks about every customer cheaply."""

    problems: Mapping[tuple[str, str], MailProblem]

    def undeliverable(self, customer_id: str, email: str) -> MailProblem | None:
        """The problem that stops mail to ``email`` (the address in the sheet now), or None.
        A bounce at an address the sheet no longer holds does not count."""
        return self.problems.get((customer_id, email.strip().casefold()))


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
    for raw in activity.rows:
        if len(raw) < width:
            raw = [*raw, *[None] * (width - len(raw))]
        if cells.text(raw[pos["kind"]]).casefold() != MAIL_EVENT:
            continue
        name = cells.text(raw[pos["name"]]).casefold()
        detail = cells.text(raw[pos["detail"]])
        sent_to = _ADDRESS.search(detail)
        if name not in (BOUNCE, COMPLAINT, DELIVERY) or sent_to is None:
            continue
        try:
            at = cells.moment(raw[pos["at"]], zone=zone)
        except cells.CellError:
            continue  # the stall reading reports the cell; here it is simply not evidence
        customer_id = cells.text(raw[pos["customer id"]])
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
    return MailHealth(problems)
