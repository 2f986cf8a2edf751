"""The flag's Schedule a call: the customer gets a calendar invite, or the team's booking link
when og-config has one, and the owner gets a task in og-tasks.

The invite is an iCalendar request (RFC 5545/5546: METHOD:REQUEST, the sender as organizer, the
customer as attendee) in the team's time zone, with its VTIMEZONE, so a mail program shows
"Accept" and puts the call at the right hour wherever the customer is.

Not undoable: the invite or link has gone out and cannot be taken back, and the task it makes
is closed in og-tasks like any other (its status). It is audited as "schedule call".
"""

from __future__ import annotations

import hashlib
import html
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from guide import commands, messages
from guide.actions.context import CustomerWork, Done, not_finished
from guide.actions.steps import send_once
from guide.cells import stamp
from guide.commands import ActionError
from guide.model import Customer
from guide.ports import Attachment, Email
from sheets.schema import ACTIVITY, TASKS

LENGTHS = (15, 30, 45, 60)  # the modal's choices, in minutes
NOTE_LIMIT = 1000


def invite(
    customer: Customer,
    starts: datetime,
    minutes: int,
    timezone: str,
    organizer: str,
    note: str,
    uid: str,
    stamped: datetime,
) -> bytes:
    """The .ics of one call: ``starts`` is team time (naive) in ``timezone``."""
    # Imported here: only this action needs it, and every handler imports the actions.
    from icalendar import Calendar, Event, vCalAddress, vText

    zone = ZoneInfo(timezone)
    begin = starts.replace(tzinfo=zone)
    cal = Calendar()
    cal.add("prodid", "-//Onboarding Guide//calls//EN")
    cal.add("version", "2.0")
    cal.add("method", "REQUEST")
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamped)
    event.add("dtstart", begin)
    event.add("dtend", begin + timedelta(minutes=minutes))
    event.add("summary", f"Onboarding call: {customer.name}")
    if note:
        event.add("description", note)
    event.add("sequence", 0)
    event.add("status", "CONFIRMED")
    host = vCalAddress(f"mailto:{organizer}")
    host.params["cn"] = vText(organizer)
    event.add("organizer", host)
    guest = vCalAddress(f"mailto:{customer.email}")
    guest.params.update(
        {"cn": vText(customer.contact_name or customer.email), "role": vText("REQ-PARTICIPANT")}
    )
    guest.params["partstat"] = vText("NEEDS-ACTION")
    guest.params["rsvp"] = vText("TRUE")
    event.add("attendee", guest)
    cal.add_component(event)
    cal.add_missing_timezones()  # the VTIMEZONE of the team's zone, for DTSTART;TZID=...
    return bytes(cal.to_ical())


def schedule_call(unit: CustomerWork, command: commands.ScheduleCall) -> Done:
    c, config = unit.customer, unit.book.config
    not_finished(c, "schedule a call about")
    if command.minutes not in LENGTHS:
        raise ActionError(f"A call lasts {', '.join(map(str, LENGTHS))} minutes.", "invalid")
    if command.starts <= unit.local:
        raise ActionError(
            f"{command.starts:%Y-%m-%d %H:%M} has passed; pick a time ahead.", "invalid"
        )
    note = command.note.strip()[:NOTE_LIMIT]
    first = (c.contact_name.split() or ["there"])[0]
    when = f"{command.starts:%A %d %B, %H:%M} ({config.timezone}), {command.minutes} minutes"
    key_part = hashlib.sha256(f"{command.starts.isoformat()}|{command.minutes}".encode())
    uid = f"{unit.journey_id}-{key_part.hexdigest()[:12]}@onboarding-guide"
    attachments: tuple[Attachment, ...] = ()
    if config.booking_link:
        lead = (
            f"Let's talk about your onboarding. Pick a time that suits you: {config.booking_link}"
        )
        what = "booking link"
    else:
        lead = f"Let's talk about your onboarding: {when}. The invite is attached."
        data = invite(
            c, command.starts, command.minutes, config.timezone, config.sender, note, uid, unit.now
        )
        attachments = (Attachment("invite.ics", "text/calendar; method=REQUEST", data),)
        what = "invite"
    text = f"Hi {first},\n\n{lead}\n" + (f"\n{note}\n" if note else "") + f"\n{c.owner}\n"
    email = Email(
        to=c.email,
        subject=f"Onboarding call: {c.name}",
        text=text,
        html="".join(f"<p>{html.escape(p)}</p>" for p in text.split("\n\n") if p.strip()),
        sender=config.sender,
        reply_to=config.reply_to or None,
        tags={"kind": "call", "customer": c.customer_id},
        attachments=attachments,
    )
    unit.after_commit(send_once(unit, f"mail:call:{uid}", email, f"The {what}"))
    owner = config.member(c.owner)
    unit.changes.append(
        TASKS.name,
        {
            "task id": f"call-{c.customer_id}-{key_part.hexdigest()[:8]}",
            "customer id": c.customer_id,
            "title": f"Call {c.name}"
            + (
                f" at {command.starts:%Y-%m-%d %H:%M}"
                if not config.booking_link
                else " (booking link sent)"
            ),
            "owner": owner.name if owner else c.owner,
            "due": stamp(command.starts),
            "status": "open",
            "created at": unit.when,
        },
    )
    unit.changes.append(
        ACTIVITY.name,
        {
            "at": unit.when,
            "customer id": c.customer_id,
            "kind": "mail event",  # our outreach, not the customer heard from (see outreach.py)
            "name": f"call {what} sent",
            "detail": (when if not config.booking_link else config.booking_link)
            + (f"; {note}" if note else ""),
        },
    )
    unit.audit(command.by, "schedule call", {}, {}, f"{what} to {c.email}: {when}")
    said = "the booking link" if config.booking_link else f"an invite for {when}"
    return Done(
        f"Sent {c.name} {said}; a task is in og-tasks for {owner.name if owner else c.owner}.",
        flag=f"call scheduled by {command.by} at {unit.when}",
        buttons=messages.FLAG_BUTTONS,
    )
