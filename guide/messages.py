"""What the guide says: step and wrap-up emails, and the Slack flag. Pure content, no sending.

Everything a person typed (names, companies, notes) is escaped for where it lands: HTML in
emails, mrkdwn in Slack; in Slack it is also cut to fit (``guide.slack_limits``), top-level
``text`` included, since that is what notifications show.

The stall flag itself (its buttons and blocks) is in ``guide.flag_blocks``, re-exported here.
"""

from __future__ import annotations

import html
from dataclasses import replace
from typing import Any

from guide import slack_limits as fit
from guide.flag_blocks import (
    BUTTON_URL,
    CLEAR_HAND_OFF,
    CLOSE_CANCELLED,
    DRAFT_EMAIL,
    FINISH,
    FLAG_BUTTONS,
    HAND_OFF,
    MAIL_FIX,
    NUDGE,
    PAUSE,
    RESUME,
    SCHEDULE_CALL,
    SHOWN,
    STALL_BUTTONS,
    TASK_DONE,
    UNDO,
    URGENCY,
    VIEW_PLAN,
    Button,
    action_value,
    actions_block,
    buttons_for,
    flag_blocks,
)
from guide.model import Customer, Step
from guide.ports import Email
from guide.slack_limits import mrkdwn as mrkdwn  # callers escape with messages.mrkdwn

# The flag's buttons and blocks live in guide.flag_blocks; callers have always found them here.
__all__ = [
    "BUTTON_URL",
    "CLEAR_HAND_OFF",
    "CLOSE_CANCELLED",
    "DRAFT_EMAIL",
    "FINISH",
    "FLAG_BUTTONS",
    "HAND_OFF",
    "MAIL_FIX",
    "NUDGE",
    "PAUSE",
    "RESUME",
    "SCHEDULE_CALL",
    "SHOWN",
    "STALL_BUTTONS",
    "TASK_DONE",
    "UNDO",
    "URGENCY",
    "VIEW_PLAN",
    "Button",
    "action_value",
    "actions_block",
    "buttons_for",
    "escalation_blocks",
    "flag_blocks",
    "mrkdwn",
    "reminder_email",
    "step_email",
    "wrapup_email",
]


def _fill(template: str, customer: Customer, step: Step) -> str:
    # Plain replace, not str.format: a person's stray brace must not break an email.
    first_name = customer.contact_name.split(" ")[0] if customer.contact_name else "there"
    for key, value in {
        "{name}": first_name,
        "{first_name}": first_name,
        "{company}": customer.company,
        "{step}": step.title,
    }.items():
        template = template.replace(key, value)
    return template


def step_email(
    customer: Customer, step: Step, done_url: str, sender: str, reply_to: str, subject: str = ""
) -> Email:
    subject = subject or _fill(step.subject, customer, step) or f"Next step: {step.title}"
    body = _fill(step.body, customer, step) or f"Your next onboarding step is: {step.title}."
    text = f"{body}\n\nWhen it's done, tell us with one click:\n{done_url}\n"
    paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in body.split("\n\n") if p.strip())
    page = (
        f"{paragraphs}"
        f'<p><a href="{html.escape(done_url)}" style="display:inline-block;padding:10px 18px;'
        f'background:#1a7f5a;color:#fff;border-radius:6px;text-decoration:none">'
        f"Mark &ldquo;{html.escape(step.title)}&rdquo; done</a></p>"
    )
    return Email(
        to=customer.email,
        subject=subject,
        text=text,
        html=page,
        sender=sender,
        reply_to=reply_to or None,
        tags={"kind": "step", "customer": customer.customer_id, "step": step.step_id},
    )


def _ago(business_days: int) -> str:
    if business_days <= 0:
        return "earlier today"
    if business_days == 1:
        return "1 business day ago"
    return f"{business_days} business days ago"


def reminder_email(
    customer: Customer,
    step: Step,
    done_url: str,
    sender: str,
    reply_to: str,
    business_days: int,
    subject: str = "",
) -> Email:
    """A nudge: the step again, saying it is a reminder and how long ago it first went out,
    so it does not read as a copy sent by mistake."""
    first = step_email(customer, step, done_url, sender, reply_to)
    lead = (
        f"A quick reminder: we sent this {_ago(business_days)} and it is still open. "
        "If it is already done, one click below tells us."
    )
    return replace(
        first,
        subject=subject or f"Reminder: {first.subject}",
        text=f"{lead}\n\n{first.text}",
        html=f"<p><em>{html.escape(lead)}</em></p>{first.html}",
    )


def wrapup_email(customer: Customer, steps: list[Step], sender: str, reply_to: str) -> Email:
    first_name = customer.contact_name.split(" ")[0] if customer.contact_name else "there"
    done = "\n".join(f"  ✓ {s.title}" for s in steps)
    text = (
        f"Hi {first_name},\n\nYou're all set: {customer.company or 'your team'} has finished "
        f"onboarding.\n\n{done}\n\nThank you, and welcome aboard.\n"
    )
    items = "".join(f"<li>{html.escape(s.title)}</li>" for s in steps)
    page = (
        f"<p>Hi {html.escape(first_name)},</p><p>You're all set: "
        f"{html.escape(customer.company or 'your team')} has finished onboarding.</p>"
        f"<ul>{items}</ul><p>Thank you, and welcome aboard.</p>"
    )
    return Email(
        to=customer.email,
        subject="You're all set",
        text=text,
        html=page,
        sender=sender,
        reply_to=reply_to or None,
        tags={"kind": "wrapup", "customer": customer.customer_id},
    )


def escalation_blocks(
    customer: Customer, step: Step, waited_days: int, owner_mention: str, flag_link: str = ""
) -> tuple[str, list[dict[str, Any]]]:
    """The manager's message: which stall, whose, and a link to the owner's flag (where its
    buttons are), so there is one flag to act on, not two."""
    name, title = fit.typed(customer.name), fit.typed(step.title)
    see = f" The flag: {flag_link}" if flag_link else ""
    text = (
        f"{name} has been stuck on '{title}' for {waited_days} business days "
        f"(expected {step.expected_days}); owner {fit.typed(customer.owner)}.{see}"
    )
    link = f" <{flag_link}|Open the flag>" if flag_link else ""
    blocks: list[dict[str, Any]] = [
        fit.section(
            f":rotating_light: *{name}* has been stuck on *{title}* for {waited_days} "
            f"business days (expected {step.expected_days}). Owner: {owner_mention}.{link}"
        )
    ]
    return fit.message(text, blocks)
