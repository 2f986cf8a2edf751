"""What the guide says: step and wrap-up emails, and the Slack flag. Pure content, no sending.

Everything a person typed (names, companies, notes) is escaped for where it lands: HTML in
emails, mrkdwn in Slack; in Slack it is also cut to fit (``guide.slack_limits``), top-level
``text`` included, since that is what notifications show.

Longer than most modules: every message the guide sends (emails, the flag, the escalation)
in one place, so their wording and Slack limits are read together.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from guide import slack_limits as fit
from guide.model import Customer, Step
from guide.ports import Email
from guide.slack_limits import mrkdwn as mrkdwn  # callers escape with messages.mrkdwn
from guide.stalls.model import Assessment

# The buttons a flag can carry: (action id, label, style). The first four are the stall flag's
# own; the last two undo a pause or a hand-off from the same flag.
Button = tuple[str, str, str | None]
# Nudge is the usual answer to a stall, so it is the primary button; Finish ends the journey
# (wrap-up email, archive), so Slack asks before it goes.
FINISH: Button = ("og_finish", "Finish", None)
PAUSE: Button = ("og_pause", "Pause", None)
HAND_OFF: Button = ("og_handoff", "Hand off", None)
NUDGE: Button = ("og_nudge", "Nudge", "primary")
RESUME: Button = ("og_resume", "Resume", "primary")
CLEAR_HAND_OFF: Button = ("og_clear_handoff", "Clear hand-off", "primary")
FLAG_BUTTONS = (FINISH, PAUSE, HAND_OFF, NUDGE)
# A stall flag's own answers to the stall (guide.stalls): after FLAG_BUTTONS on the flag.
DRAFT_EMAIL: Button = ("og_draft", "Draft email", None)
SCHEDULE_CALL: Button = ("og_call", "Schedule a call", None)
CLOSE_CANCELLED: Button = ("og_cancel", "Close as cancelled", None)
STALL_BUTTONS = (DRAFT_EMAIL, SCHEDULE_CALL, CLOSE_CANCELLED)
# A link, not an action: the staff page with the customer's plan (ports.plan_link).
VIEW_PLAN = ("og_plan", "View plan")
BUTTON_URL = 3000  # Slack's limit on a button's url; a longer link is left off, not cut
# How each severity looks on a flag (guide.stalls.model.SEVERITIES).
URGENCY = {
    "low": ":large_yellow_circle:",
    "medium": ":large_orange_circle:",
    "high": ":red_circle:",
}
# What to do when mail bounced or was marked as spam: the tick stops mailing that address.
MAIL_FIX = "Fix the contact email in the sheet; the next tick sends the step again"
SHOWN = 10  # blockers or interventions listed on a flag; the rest are counted
# After a press, for the presser only and for a short while (guide.actions.permissions).
UNDO: Button = ("og_undo", "Undo", None)


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


def action_value(customer_id: str, journey_id: str, step_id: str) -> str:
    """What a flag's buttons carry. Over Slack's limit, only the customer: a press then acts on
    their current journey, as digest buttons do."""
    value = json.dumps({"c": customer_id, "j": journey_id, "s": step_id}, separators=(",", ":"))
    if len(value) <= fit.BUTTON_VALUE:
        return value
    return fit.cut(json.dumps({"c": customer_id}, separators=(",", ":")), fit.BUTTON_VALUE)


def actions_block(value: str, buttons: tuple[Button, ...], plan_url: str = "") -> dict[str, Any]:
    """A flag's row of buttons, each carrying which customer, journey and step it is about;
    with ``plan_url``, a last one that opens the customer's plan."""
    elements: list[dict[str, Any]] = []
    for action_id, label, style in buttons:
        button: dict[str, Any] = {
            "type": "button",
            "action_id": action_id,
            "text": fit.plain(label, fit.BUTTON_TEXT),
            "value": value,
        }
        if style:
            button["style"] = style
        if action_id == FINISH[0]:
            button["confirm"] = _FINISH_CONFIRM
        elements.append(button)
    if plan_url and len(plan_url) <= BUTTON_URL:
        action_id, label = VIEW_PLAN
        elements.append(
            {
                "type": "button",
                "action_id": action_id,
                "text": fit.plain(label, fit.BUTTON_TEXT),
                "url": plan_url,
            }
        )
    return {"type": "actions", "block_id": "og_flag_actions", "elements": elements}


_FINISH_CONFIRM: dict[str, Any] = {
    "title": {"type": "plain_text", "text": "Finish onboarding?"},
    "text": {
        "type": "mrkdwn",
        "text": "The customer gets the wrap-up email, their journey is archived and the guide "
        "goes quiet for them.",
    },
    "confirm": {"type": "plain_text", "text": "Finish"},
    "deny": {"type": "plain_text", "text": "Not yet"},
}


def flag_blocks(
    customer: Customer,
    step: Step,
    journey_id: str,
    waited_days: int,
    owner_mention: str,
    escalated: bool,
    assessment: Assessment | None = None,
    plan_url: str = "",
    mail_cause: str = "",
) -> tuple[str, list[dict[str, Any]]]:
    """The stall flag, laid out as the PRD's section 5.1: urgency, the phase and the step with
    expected and current days, the blockers, the customer's context, suggested interventions,
    and the buttons. The owner is mentioned in the headline when the stall is high. A
    ``mail_cause`` (a bounce or complaint: no more mail goes out) is named beside the severity,
    with the fix first among the interventions."""
    assessment = assessment or Assessment()
    severity = assessment.severity or "medium"
    timed = next((b for b in assessment.blockers if b.step_id == step.step_id), None)
    overdue = timed.overdue_days if timed else max(0, waited_days - step.expected_days)
    expected = waited_days - overdue if timed and overdue else step.expected_days
    who = "the customer" if step.owned_by == "customer" else "us"
    name, title = fit.typed(customer.name), fit.typed(step.title)
    cause = f" ({fit.typed(mail_cause)})" if mail_cause else ""
    text = (
        f"{'Escalated: ' if escalated else ''}{name} is stuck on '{title}' for {waited_days} "
        f"business days (expected {expected}); {severity}{cause}"
    )
    urgency = ":rotating_light: *Escalated* " if escalated else f"{URGENCY[severity]} "
    call = f"{owner_mention}: " if severity == "high" else ""
    value = action_value(customer.customer_id, journey_id, step.step_id)
    context = assessment.context
    phase = fit.typed(context.phase) if context.phase else "—"
    phase_days = (
        f" ({context.phase_days} of {context.phase_expected_days} business days)"
        if context.phase_expected_days
        else ""
    )
    blocks: list[dict[str, Any]] = [
        fit.section(
            f"{urgency}{call}*{name}* is stalled on *{title}* ({severity}){cause}\n"
            f"Phase: *{phase}*{phase_days}. Step: {waited_days} business days since it was "
            f"sent, expected {expected}, {_days(overdue)} overdue. Waiting on {who}."
        )
    ]
    if assessment.blockers:
        blocks.append(
            fit.section("*Blockers*\n" + _bullets(b.describe() for b in assessment.blockers))
        )
    blocks.append(_context_fields(customer, assessment))
    fix = (MAIL_FIX,) if mail_cause else ()
    if assessment.interventions or fix:
        ideas = dict.fromkeys((*fix, *(i.suggestion for i in assessment.interventions)))
        blocks.append(fit.section("*Suggested interventions*\n" + _bullets(ideas)))
    email = fit.typed(customer.email)
    blocks.append(
        fit.context(
            f"Owner {owner_mention} · {fit.typed(customer.contact_name)} "
            f"<mailto:{email}|{email}> · "
            f"plan {fit.typed(customer.plan)} · journey `{fit.typed(journey_id)}`"
        )
    )
    blocks.append(actions_block(value, (*FLAG_BUTTONS, *STALL_BUTTONS), plan_url))
    return fit.message(text, blocks)


def _days(count: int) -> str:
    return "1 business day" if count == 1 else f"{count} business days"


def _bullets(lines: Iterable[str]) -> str:
    """Typed lines as a list, at most ``SHOWN`` of them, the rest counted."""
    items = list(lines)
    shown = [f"• {fit.typed(line)}" for line in items[:SHOWN]]
    if len(items) > SHOWN:
        shown.append(f"… and {len(items) - SHOWN} more")
    return "\n".join(shown)


def _context_fields(customer: Customer, assessment: Assessment) -> dict[str, Any]:
    """The customer's context as section fields: ARR, segment, days in onboarding vs target."""
    context = assessment.context
    target = f" of {context.target_days} target" if context.target_days else ""
    fields = [
        f"*ARR*\n{fit.typed(context.arr) or '—'}",
        f"*Segment*\n{fit.typed(context.segment or customer.segment) or '—'}",
        f"*In onboarding*\n{context.days_in_onboarding} business days{target}",
    ]
    return {
        "type": "section",
        "fields": [
            {"type": "mrkdwn", "text": fit.cut_mrkdwn(f, fit.SECTION_FIELD_TEXT)} for f in fields
        ],
    }


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
