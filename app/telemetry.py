"""SES mail events into og-activity: delivery, bounce, complaint, open and click of the guide's
emails, each recorded against the customer and step its message tags name.

SES publishes the configuration set's events to an SNS topic; the topic delivers them through
an SQS queue to the telemetry function, so a burst after a big tick (a delivery, an open, a
click per email) becomes a few units of work of up to ten events each, not thousands of
workbook writes. Each queue message is SNS's signed JSON envelope (SigningCertURL, Signature),
and the function accepts it only if the signature checks against SNS's certificate (fetched
over https from an ``sns.<region>.amazonaws.com`` host): the queue is what is exposed, and
anyone who may send to it could forge an event. Records that SNS hands to Lambda directly
(``Records[].Sns``) are read too, and checked the same way. A local replay of the sample files
(``python -m app.cli telemetry replay``) checks a signature only where one is present: the
samples are not signed by AWS, and the operator is replaying files of their own.

A message that is not signed, not SNS's, or not an SES event is rejected: nothing is written
for it, and the answer says why. An event with no customer tag (the digest), for an email to
our own team (an escalation) or for a customer not on the onboarding tab is skipped and said
so. Everything accepted from one invocation goes in one unit of work (one read, one write), and
an event whose id is already in og-activity changes nothing, so a redelivery is harmless.

The SNS envelope and its signature check are in ``app.sns``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from app.sns import CertFetcher, Rejected, envelopes, verify_signature
from guide import cells
from guide.mail_health import (
    BOUNCE,
    CLICK,
    COMPLAINT,
    DELIVERY,
    MAIL_EVENT,
    OPEN,
    SOFT_BOUNCE,
    MailEvent,
    tag_value,
    what_email,
)
from guide.ports import Ports
from guide.unit_of_work import at, unit_of_work
from guide.workbook import CellValue
from sheets.schema import ACTIVITY, ONBOARDING

# SES's event type -> the part of the event that holds its details.
_SECTIONS = {
    "Delivery": "delivery",
    "Bounce": "bounce",
    "Complaint": "complaint",
    "Open": "open",
    "Click": "click",
}
_TEAM_MAIL = ("escalation", "digest")  # kinds of email that go to us, not to the customer
_PERMANENT = {
    "NoEmail": "mailbox does not exist",
    "Suppressed": "address is on SES's suppression list",
    "OnAccountSuppressionList": "address is on the account's suppression list",
    "UnsubscribedRecipient": "recipient unsubscribed",
}
_TRANSIENT = {
    "MailboxFull": "mailbox full",
    "MessageTooLarge": "message too large",
    "ContentRejected": "content rejected",
    "AttachmentRejected": "attachment rejected",
}


@dataclass(frozen=True)
class SesEvent:
    event_id: str  # SES message id and event type (and time, for opens and clicks)
    customer_tag: str  # as SES carried it ("" when the email had none)
    kind: str  # the guide's "kind" tag: step, nudge, wrapup, escalation, digest
    moment: datetime  # aware
    event: MailEvent


def parse(envelope: dict[str, Any]) -> SesEvent | None:
    """The SES event in an SNS notification; None for an event type the guide does not keep."""
    try:
        message = json.loads(str(envelope.get("Message")))
    except ValueError:
        raise Rejected("the SNS Message is not JSON") from None
    if not isinstance(message, dict) or not isinstance(message.get("mail"), dict):
        raise Rejected("the SNS Message is not an SES event")
    mail = message["mail"]
    event_type = str(message.get("eventType") or message.get("notificationType") or "")
    message_id = mail.get("messageId")
    if not event_type or not isinstance(message_id, str) or not message_id:
        raise Rejected("the SES event has no eventType or mail.messageId")
    if event_type not in _SECTIONS:
        return None
    section = message.get(_SECTIONS[event_type])
    if not isinstance(section, dict):
        raise Rejected(f"the SES {event_type} event has no {_SECTIONS[event_type]!r} details")
    stamp = str(section.get("timestamp") or mail.get("timestamp") or "")
    try:
        moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        raise Rejected(f"the SES event's timestamp {stamp!r} is not a time") from None
    if moment.utcoffset() is None:
        raise Rejected(f"the SES event's timestamp {stamp!r} has no offset")
    tags = mail.get("tags") if isinstance(mail.get("tags"), dict) else {}

    def tag(name: str) -> str:
        values = tags.get(name)
        return str(values[0]) if isinstance(values, list) and values else ""

    kind = tag("kind")
    name, address, reason = _details(event_type, section, mail)
    event_id = f"{message_id}:{event_type.lower()}"
    if name in (OPEN, CLICK):  # one email may be opened, and its links clicked, many times
        event_id += f":{stamp}"
    event = MailEvent(name, what_email(kind, tag("step")), address, reason)
    return SesEvent(event_id, tag("customer"), kind, moment, event)


def _first(items: Any, field: str) -> str:
    if isinstance(items, list) and items:
        first = items[0]
        return str(first.get(field, "") if isinstance(first, dict) else first)
    return ""


def _details(event_type: str, section: dict[str, Any], mail: dict[str, Any]) -> tuple[str, ...]:
    """(name, address, reason) of one SES event."""
    sent_to = _first(mail.get("destination"), "")
    if event_type == "Bounce":
        address = _first(section.get("bouncedRecipients"), "emailAddress") or sent_to
        sub = str(section.get("bounceSubType", ""))
        if section.get("bounceType") == "Permanent":
            return BOUNCE, address, _PERMANENT.get(sub, "address rejected")
        return SOFT_BOUNCE, address, _TRANSIENT.get(sub, "temporary failure")
    if event_type == "Complaint":
        return COMPLAINT, _first(section.get("complainedRecipients"), "emailAddress") or sent_to, ""
    if event_type == "Delivery":
        return DELIVERY, _first(section.get("recipients"), "") or sent_to, ""
    if event_type == "Click":
        link = urlsplit(str(section.get("link", "")))
        # Host and path only: a done link's query is its signed token, a credential.
        return CLICK, sent_to, f"{link.hostname or ''}{link.path}"
    return OPEN, sent_to, ""


def record(ports: Ports, events: list[SesEvent], now: datetime) -> dict[str, Any]:
    """Append the events not seen before, in one unit of work: one read, one write."""
    counts: dict[str, Any] = {"recorded": 0, "duplicates": 0, "skipped": []}
    with unit_of_work(ports, at(now)) as work:
        activity = work.snapshot[ACTIVITY.name]
        column = activity.positions().get("event id")
        seen = {
            cells.text(r[column]) for r in activity.rows if column is not None and column < len(r)
        }
        # Tags carry customer ids cleaned to SES's characters: match them the same way.
        enrolled = {
            tag_value(customer_id): customer_id
            for customer_id in (
                cells.text(r.get("customer id"))
                for _, r in work.snapshot[ONBOARDING.name].records()
            )
            if customer_id
        }
        zone = ZoneInfo(work.book.config.timezone)
        for ses in events:
            if ses.event_id in seen:
                counts["duplicates"] += 1
                continue
            customer_id = enrolled.get(ses.customer_tag)
            skip = _skip_reason(ses, customer_id)
            if skip or customer_id is None:
                counts["skipped"].append(f"{ses.event_id}: {skip}")
                continue
            seen.add(ses.event_id)
            row: dict[str, CellValue] = {
                "at": cells.stamp(ses.moment.astimezone(zone).replace(tzinfo=None)),
                "customer id": customer_id,
                "kind": MAIL_EVENT,
                "name": ses.event.name,
                "detail": ses.event.detail(),
                "event id": ses.event_id,
            }
            work.changes.append(ACTIVITY.name, row)
            counts["recorded"] += 1
    return counts


def _skip_reason(ses: SesEvent, customer_id: str | None) -> str:
    if not ses.customer_tag:
        return "no customer tag (not an email to a customer)"
    if ses.kind in _TEAM_MAIL:
        return f"a {ses.kind} email goes to our team, not the customer"
    if customer_id is None:
        return f"customer {ses.customer_tag!r} is not on the onboarding tab"
    return ""


def handle_mail_events(
    event: dict[str, Any],
    ports: Callable[[], Ports],
    fetch: CertFetcher,
    now: datetime,
    *,
    require_signature: bool = True,
) -> dict[str, Any]:
    """The whole telemetry function, with what it runs against passed in (tests pass their
    own). Workbook errors propagate, so the queue delivers the events again later."""
    accepted: list[SesEvent] = []
    rejected: list[str] = []
    ignored = 0
    for envelope in envelopes(event):
        try:
            if isinstance(envelope, Rejected):
                raise envelope
            if require_signature or envelope.get("Signature"):
                verify_signature(envelope, fetch)
            parsed = parse(envelope)
        except Rejected as why:
            rejected.append(str(why))
            continue
        if parsed is None:
            ignored += 1
        else:
            accepted.append(parsed)
    counts: dict[str, Any] = {"recorded": 0, "duplicates": 0, "skipped": []}
    if accepted:
        counts = record(ports(), accepted, now)
    return {**counts, "ignored": ignored, "rejected": rejected}
