"""The stall flag's modals: Draft email, Schedule a call and Close as cancelled, and reading
their date, time, radio and checkbox inputs back.

Built on the flag modals' shared builders (``app.slack_views``): the same ``FlagRef`` in
``private_metadata``, the same context line, and the same care for Slack's length limits
(``guide.slack_limits``). Kept apart from the Pause, Hand off and Nudge modals because these
three belong to the stall flag's own buttons and carry their own inputs.
"""

from __future__ import annotations

from typing import Any

from app.slack_views import NOTE_LIMIT, SUBJECT_LIMIT, FlagRef, modal, plain, text_input
from guide import slack_limits as fit

PLAN_BUTTON = "og_plan"  # a URL button: its press needs only an ack
DRAFT = "og_draft_modal"
CALL = "og_call_modal"
CANCEL = "og_cancel_modal"
BODY_LIMIT = fit.INPUT_MAX_LENGTH
CANCEL_REASONS = (("buyer's remorse", "Buyer's remorse"), ("not a fit", "Not a fit"))
CALL_LENGTHS = (15, 30, 45, 60)


def draft_view(ref: FlagRef, about: str, subject: str, body: str, why: str) -> dict[str, Any]:
    """The drafted email, for the owner to edit and send; ``why`` says what it was drafted from."""
    subject_input = text_input("subject", "Subject", SUBJECT_LIMIT, optional=False)
    subject_input["element"]["initial_value"] = fit.cut(subject, SUBJECT_LIMIT)
    body_input = text_input("body", "Email", BODY_LIMIT, multiline=True, optional=False, hint=why)
    body_input["element"]["initial_value"] = fit.cut(body, BODY_LIMIT)
    return modal(DRAFT, ref, "Email the customer", "Send", about, [subject_input, body_input])


def call_view(ref: FlagRef, about: str, timezone: str, booking_link: str) -> dict[str, Any]:
    """Date, time, length and a note; with a booking link in og-config the customer gets that
    instead of an invite, and the date and time only set the owner's task."""
    how = (
        f"The customer gets the team's booking link ({booking_link})."
        if booking_link
        else "The customer gets a calendar invite by email."
    )
    blocks: list[dict[str, Any]] = [
        {
            "type": "input",
            "block_id": "date",
            "label": plain("Date"),
            "element": {"type": "datepicker", "action_id": "date"},
        },
        {
            "type": "input",
            "block_id": "time",
            "label": plain(f"Time ({timezone})"),
            "element": {"type": "timepicker", "action_id": "time", "initial_time": "10:00"},
        },
        {
            "type": "input",
            "block_id": "length",
            "label": plain("Length"),
            "element": {
                "type": "static_select",
                "action_id": "length",
                "initial_option": _length_option(30),
                "options": [_length_option(m) for m in CALL_LENGTHS],
            },
        },
        text_input("note", "Note for the customer", NOTE_LIMIT, multiline=True, hint=how),
    ]
    return modal(CALL, ref, "Schedule a call", "Schedule", about, blocks)


def _length_option(minutes: int) -> dict[str, Any]:
    return {"text": plain(f"{minutes} minutes", fit.OPTION_TEXT), "value": str(minutes)}


def cancel_view(ref: FlagRef, about: str) -> dict[str, Any]:
    options = [
        {"text": plain(label, fit.OPTION_TEXT), "value": value}
        for value, label in (*CANCEL_REASONS, ("other", "Other (say why below)"))
    ]
    closing = {
        "text": plain("Send the customer a short closing email", fit.OPTION_TEXT),
        "value": "yes",
    }
    blocks: list[dict[str, Any]] = [
        {
            "type": "input",
            "block_id": "reason",
            "label": plain("Why is the onboarding cancelled?"),
            "element": {"type": "radio_buttons", "action_id": "reason", "options": options},
        },
        text_input("other", "Other reason", 200, hint="Only when the reason is Other."),
        {
            "type": "input",
            "block_id": "closing",
            "optional": True,
            "label": plain("Closing email"),
            "element": {"type": "checkboxes", "action_id": "closing", "options": [closing]},
        },
    ]
    return modal(CANCEL, ref, "Close as cancelled", "Close", about, blocks)


def picked(view: dict[str, Any], block_id: str) -> str | list[str]:
    """A date, time, radio or checkbox input of a submitted modal: "YYYY-MM-DD", "HH:MM", the
    option's value, or the ticked values."""
    values = ((view.get("state") or {}).get("values") or {}).get(block_id) or {}
    element = values.get(block_id) or {}
    kind = element.get("type")
    if kind == "datepicker":
        return str(element.get("selected_date") or "")
    if kind == "timepicker":
        return str(element.get("selected_time") or "")
    if kind == "checkboxes":
        return [str(o.get("value") or "") for o in element.get("selected_options") or []]
    return str((element.get("selected_option") or {}).get("value") or "")
