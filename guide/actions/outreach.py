"""The flag's Draft email: a re-engagement email drafted for the customer's kind of stall, edited
by the owner, sent as a reminder of the step in hand.

The draft comes from og-interventions (the first intervention of the customer's stall kinds that
has an email), else from the step's own email in og-plans, filled in for the customer. What goes
out is what the owner sent back from the modal, exactly. It counts as a reminder (og-sends
reminders sent and last reminded, so the no-response clock restarts), and lands in og-activity
as a "mail event" named "draft sent": the team's own outreach is not the customer being heard
from, so it must not reset the no-activity rule, and the stall engine only reads a mail event
for bounces and complaints.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import datetime

from guide import commands, messages
from guide.actions.context import CustomerWork, Done, not_finished
from guide.actions.steps import count_reminder, send_once
from guide.calendar import business_days_between
from guide.cells import stamp
from guide.commands import ActionError, AlreadyDone
from guide.model import Book, Customer, Step, StepSend
from guide.ports import Email, Ports
from guide.stalls import StallInputs, assess, read_stall_inputs
from guide.stalls.drafts import fill
from guide.stalls.model import Intervention
from guide.tick.decide import current_step
from guide.workbook import Snapshot
from sheets.schema import ACTIVITY

BODY_LIMIT = 3000  # the modal's body input; Slack allows 3000 characters in one
OUTREACH = "mail event"  # og-activity kind of the team's own emails; see the module docstring


@dataclass(frozen=True)
class Draft:
    subject: str
    body: str
    step_title: str
    kind: str  # the stall kind the template is for; "" for the step's own email


def step_in_hand(book: Book, customer: Customer) -> tuple[Step, StepSend]:
    """The customer's current step and its og-sends row, refused when there is none sent."""
    not_finished(customer, "email about")
    sends = book.journey_sends(customer.journey_id())
    step = current_step(book.plans.get(customer.plan, []), sends)
    send = sends.get(step.step_id) if step else None
    if step is None or send is None or send.sent_at is None:
        what = "every step is done" if step is None else f"'{step.title}' has not been sent yet"
        raise ActionError(f"Nothing to write to {customer.name} about: {what}.", "nothing_sent")
    return step, send


def compose(
    snapshot: Snapshot, book: Book, customer: Customer, ports: Ports, now: datetime, local: datetime
) -> Draft:
    """The draft the modal opens with (read without the lock: it changes nothing)."""
    step, send = step_in_hand(book, customer)
    extra: StallInputs = read_stall_inputs(snapshot, book)
    found = assess(book, extra, customer, local.date())
    template = next((i for i in found.interventions if i.subject or i.body), None)
    config = book.config
    assert send.sent_at is not None
    days = business_days_between(send.sent_at.date(), local.date(), config.holidays)
    token = ports.signer.issue(
        customer.customer_id, customer.journey_id(), step.step_id, now, config.link_ttl_days
    )
    values = {
        "first_name": (customer.contact_name.split() or [customer.name])[0],
        "name": (customer.contact_name.split() or [customer.name])[0],
        "company": customer.name,
        "step": step.title,
        "days": str(days),
        "done_link": ports.done_link(token),
        "owner": customer.owner,
    }
    if template is None:
        template = Intervention(
            "",
            "",
            step.subject or "Next step: {step}",
            (step.body or "Your next onboarding step is: {step}.")
            + "\n\nWhen it's done, tell us with one click: {done_link}",
        )
    subject = fill(template.subject or "About {step}", values)
    body = fill(template.body or "Hi {first_name},\n\n{done_link}", values)
    return Draft(subject, body[:BODY_LIMIT], step.title, template.kind)


def send_draft(unit: CustomerWork, command: commands.SendDraft) -> Done:
    c, book = unit.customer, unit.book
    if c.paused or c.handed_off_to:
        held = "paused" if c.paused else f"handed off to {c.handed_off_to}"
        raise ActionError(f"{c.name} is {held}: the guide sends them nothing.", "held")
    step, send = step_in_hand(book, c)
    subject, body = command.subject.strip(), command.body.strip()
    if not subject or not body:
        raise ActionError("The email needs a subject and a body; nothing was sent.", "empty")
    if command.journey_id and command.journey_id != unit.journey_id:
        raise AlreadyDone(f"That draft was for an earlier onboarding of {c.name}; not sent.")
    count = send.reminders + 1
    config = book.config
    email = Email(
        to=c.email,
        subject=subject,
        text=body + "\n",
        html="".join(f"<p>{_html(p)}</p>" for p in body.split("\n\n") if p.strip()),
        sender=config.sender,
        reply_to=config.reply_to or None,
        tags={"kind": "draft", "customer": c.customer_id, "reminder": str(count)},
    )
    # The count is in the key, as for a nudge: a retried submission finds its email sent.
    key = f"mail:draft:{unit.journey_id}:{step.step_id}:{count}"
    unit.after_commit(send_once(unit, key, email, "The email"))
    unit.changes.append(
        ACTIVITY.name,
        {
            "at": unit.when,
            "customer id": c.customer_id,
            "kind": OUTREACH,
            "name": "draft sent",
            "detail": f"'{subject}' by {command.by} about '{step.title}'",
        },
    )
    count_reminder(
        unit,
        send,
        command.by,
        "send draft",
        f"email '{subject}' about '{step.title}' to {c.email} (reminder {count})",
    )
    return Done(
        f"Sent your email to {c.name} about '{step.title}' (reminder {count}).",
        flag=f"emailed by {command.by} at {stamp(unit.local)} (reminder {count})",
        buttons=messages.FLAG_BUTTONS,
    )


def _html(paragraph: str) -> str:
    return html.escape(paragraph).replace("\n", "<br>")
