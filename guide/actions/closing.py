"""The flag's Close as cancelled: the onboarding ends with a reason, archived like a finish.

The row reads as finished (so every part of the guide that goes quiet for a finished customer
does) with 'finished by' saying "cancelled: <reason> (<who>)", and the audit row's action is
"cancel" with the reason in its detail: what the funnel counts. An optional short closing email
goes to the customer after the write. Undo brings the journey back as it does a finish's.
"""

from __future__ import annotations

import html

from guide import commands
from guide.actions.context import CustomerWork, Done
from guide.actions.steps import send_once
from guide.commands import ActionError, AlreadyDone
from guide.model import CANCELLED_BY, Customer
from guide.ports import Email
from guide.writes import finish

REASONS = ("buyer's remorse", "not a fit", "other")
REASON_LIMIT = 200


def cancel(unit: CustomerWork, command: commands.Cancel) -> Done:
    c, config = unit.customer, unit.book.config
    if c.finished:
        ended = "was cancelled" if c.cancelled else "already finished"
        raise AlreadyDone(f"{c.name} {ended} on {c.finished_on or '?'} ({c.finished_by or '?'}).")
    reason = " ".join(command.reason.split())[:REASON_LIMIT]
    if not reason or reason == "other":
        raise ActionError("Say why the onboarding is cancelled; nothing changed.", "invalid")
    by = config.name_of(command.by, command.actor_id)
    sends = list(unit.book.journey_sends(unit.journey_id).values())
    mailed = " (closing email)" if command.closing_email else ""
    finish(
        unit.changes,
        c,
        unit.journey_id,
        sends,
        unit.state,
        command.by,
        unit.local,
        finished_by=f"{CANCELLED_BY}{reason} ({by})",
        action="cancel",
        detail=f"reason: {reason}{mailed}",
    )
    told = ""
    if command.closing_email:
        email = closing_email(c, config.sender, config.reply_to, by)
        key = f"mail:cancel:{unit.journey_id}"
        unit.after_commit(send_once(unit, key, email, "The closing email"))
        told = f"; a short closing email goes to {c.email}"
    return Done(
        f"Closed {c.name}'s onboarding as cancelled ({reason}){told}.",
        flag=f"closed as cancelled by {by} at {unit.when}: {reason}",
    )


def closing_email(customer: Customer, sender: str, reply_to: str, owner: str) -> Email:
    first = (customer.contact_name.split() or ["there"])[0]
    text = (
        f"Hi {first},\n\nWe've closed your onboarding with us, so you won't get more emails "
        "about it. If anything changes, just reply to this email and we'll pick it up again."
        f"\n\nThank you,\n{owner}\n"
    )
    page = "".join(f"<p>{html.escape(p)}</p>" for p in text.split("\n\n") if p.strip())
    return Email(
        to=customer.email,
        subject=f"Closing your onboarding, {customer.name}",
        text=text,
        html=page.replace("\n", "<br>"),
        sender=sender,
        reply_to=reply_to or None,
        tags={"kind": "cancel", "customer": customer.customer_id},
    )
