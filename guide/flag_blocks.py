"""The Slack stall flag: its buttons, the value they carry, and its blocks. Pure content.

The flag follows the PRD's section 5.1 (urgency, phase and step, blockers, the customer's
context, suggested interventions, buttons). Apart from ``guide.messages`` (which re-exports
everything here) so the emails and the flag each read in one sitting.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from guide import slack_limits as fit
from guide.model import Customer, Step
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
# On a stall flag while the customer has an open og-tasks row: closes it (guide.actions.tasks).
TASK_DONE: Button = ("og_task_done", "Task done", None)
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


def buttons_for(finished: bool, paused: bool, handed_off_to: str) -> tuple[Button, ...]:
    """The flag's buttons for a customer in this state: none once finished, Resume while
    paused, Clear hand-off while handed off, else the flag's own."""
    if finished:
        return ()
    if paused:
        return (RESUME,)
    if handed_off_to:
        return (CLEAR_HAND_OFF,)
    return FLAG_BUTTONS


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
    mail_hint: str = "",
    task_open: bool = False,
) -> tuple[str, list[dict[str, Any]]]:
    """The stall flag, laid out as the PRD's section 5.1: urgency, the phase and the step with
    expected and current days, the blockers, the customer's context, suggested interventions,
    and the buttons. The owner is mentioned in the headline when the stall is high. A
    ``mail_cause`` (a bounce or complaint: no more mail goes out) is named beside the severity,
    with the fix first among the interventions. A ``mail_hint`` (what the step email's delivery
    and opens suggest: ``guide.mail_health.MailHint``) is a line of its own; its intervention
    comes in the assessment. ``task_open``: the customer has an open og-tasks row, which the
    Task done button closes."""
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
            + (f"\n:envelope: {fit.typed(mail_hint)}" if mail_hint else "")
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
    task = (TASK_DONE,) if task_open else ()
    blocks.append(actions_block(value, (*FLAG_BUTTONS, *STALL_BUTTONS, *task), plan_url))
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
