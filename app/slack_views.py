"""The modals behind the flag's Pause, Hand off and Nudge buttons, and reading them back.

Slack shows ``plain_text`` as typed (no mrkdwn), so what a person typed needs no escaping here;
it only has to fit Slack's length limits (``guide.slack_limits``), or ``views.open`` refuses the
whole modal.

Also the builders every flag modal shares (``modal``, ``text_input``, ``plain``, ``FlagRef``),
which the stall flag's own modals (``app.slack_stall_views``) use too.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from guide import slack_limits as fit
from guide.model import TeamMember

PAUSE = "og_pause_modal"
HANDOFF = "og_handoff_modal"
NUDGE = "og_nudge_modal"

NOTE_LIMIT = 1000
SUBJECT_LIMIT = 200
# The flag's text atop a modal: enough to say which customer, not the whole story.
_ABOUT_LIMIT = 300


@dataclass(frozen=True)
class FlagRef:
    """Which flag a modal came from: the customer, journey and step, and where to answer.

    Carried in the modal's ``private_metadata`` because a submission says nothing about the
    button that opened it; ``response_url`` (valid 30 minutes) tells the presser how it went."""

    customer_id: str
    journey_id: str = ""
    step_id: str = ""
    channel: str = ""
    message_ts: str = ""
    response_url: str = ""

    def metadata(self) -> str:
        """The ref as JSON. Over Slack's limit the journey and step go: the modal then acts on
        the customer's current journey, as a digest button does."""
        data = {
            "c": self.customer_id,
            "j": self.journey_id,
            "s": self.step_id,
            "ch": self.channel,
            "ts": self.message_ts,
            "r": self.response_url,
        }
        text = json.dumps(data, separators=(",", ":"))
        if len(text) > fit.PRIVATE_METADATA:
            text = json.dumps({**data, "j": "", "s": ""}, separators=(",", ":"))
        return text

    @classmethod
    def from_metadata(cls, text: str) -> FlagRef | None:
        try:
            data = json.loads(text or "")
        except ValueError:
            return None
        if not isinstance(data, dict) or not str(data.get("c") or "").strip():
            return None
        return cls(*(str(data.get(k) or "") for k in ("c", "j", "s", "ch", "ts", "r")))


def button_customer(value: str) -> tuple[str, str, str] | None:
    """(customer, journey, step) from a button's value: the flag's JSON, or a bare customer id
    (digest and updated-flag buttons carry only that)."""
    text = (value or "").strip()
    if not text:
        return None
    if not text.startswith("{"):
        return text, "", ""
    try:
        data = json.loads(text)
    except ValueError:
        return None
    if not isinstance(data, dict) or not str(data.get("c") or "").strip():
        return None
    return str(data["c"]).strip(), str(data.get("j") or ""), str(data.get("s") or "")


def plain(text: str, limit: int = fit.INPUT_LABEL) -> dict[str, Any]:
    return fit.plain(text, limit)


def modal(
    callback_id: str,
    ref: FlagRef,
    title: str,
    submit: str,
    about: str,
    blocks: list[dict[str, Any]],
) -> dict[str, Any]:
    # ``about`` is the flag's own text as Slack hands it back: already escaped, so it is cut
    # on whole escapes.
    context = fit.cut_mrkdwn(about.strip(), _ABOUT_LIMIT) or f"Customer {ref.customer_id}"
    return {
        "type": "modal",
        "callback_id": callback_id,
        "private_metadata": ref.metadata(),
        "title": plain(title, fit.MODAL_TITLE),
        "submit": plain(submit, fit.MODAL_TITLE),
        "close": plain("Cancel", fit.MODAL_TITLE),
        "blocks": [{"type": "context", "elements": [plain(context, fit.CONTEXT_TEXT)]}, *blocks],
    }


def text_input(
    block_id: str,
    label: str,
    limit: int,
    *,
    multiline: bool = False,
    optional: bool = True,
    hint: str = "",
) -> dict[str, Any]:
    block: dict[str, Any] = {
        "type": "input",
        "block_id": block_id,
        "optional": optional,
        "label": plain(label),
        "element": {
            "type": "plain_text_input",
            "action_id": block_id,
            "multiline": multiline,
            "max_length": limit,
        },
    }
    if hint:
        block["hint"] = plain(hint, fit.INPUT_HINT)
    return block


def pause_view(ref: FlagRef, about: str) -> dict[str, Any]:
    note = text_input(
        "note",
        "Note",
        NOTE_LIMIT,
        multiline=True,
        hint="Why, and until when. It shows in the weekly digest.",
    )
    return modal(PAUSE, ref, "Pause onboarding", "Pause", about, [note])


def nudge_view(ref: FlagRef, about: str) -> dict[str, Any]:
    subject = text_input(
        "subject",
        "Email subject",
        SUBJECT_LIMIT,
        hint="Leave empty to re-send the step with its usual subject.",
    )
    return modal(NUDGE, ref, "Nudge the customer", "Send", about, [subject])


def handoff_view(ref: FlagRef, about: str, team: Sequence[TeamMember]) -> dict[str, Any]:
    if not team:
        # No team list in og-config (or the sheet could not be read in time): a name will do.
        who = text_input(
            "to",
            "Hand off to",
            fit.OPTION_VALUE,
            optional=False,
            hint="A name, Slack id or email. Add a team list to og-config to pick from it here.",
        )
        return modal(HANDOFF, ref, "Hand off", "Hand off", about, [who])
    options = []
    for member in team[: fit.OPTIONS]:
        label = f"{member.name} ({member.email})" if member.email else member.name
        options.append({"text": plain(label, fit.OPTION_TEXT), "value": _option_value(member)})
    select = {
        "type": "input",
        "block_id": "to",
        "label": plain("Hand off to"),
        "element": {
            "type": "static_select",
            "action_id": "to",
            "placeholder": plain("Pick a team member", fit.PLACEHOLDER),
            "options": options,
        },
    }
    return modal(HANDOFF, ref, "Hand off", "Hand off", about, [select])


def _option_value(member: TeamMember) -> str:
    """What picking a member submits: their name, or, when that is too long for an option, their
    Slack id or email (the team list finds a member by any of the three)."""
    for key in (member.name, member.slack_id, member.email):
        if key and len(key) <= fit.OPTION_VALUE:
            return key
    return fit.cut(member.name, fit.OPTION_VALUE)


def submitted(view: dict[str, Any], block_id: str) -> str:
    """What was typed or picked in one input of a submitted modal; empty when left blank."""
    values = ((view.get("state") or {}).get("values") or {}).get(block_id) or {}
    element = values.get(block_id) or {}
    if element.get("type") == "static_select":
        return str((element.get("selected_option") or {}).get("value") or "")
    # Kept exactly as typed, apart from surrounding blanks: the workbook writes RAW, so a note
    # that starts with "=" stays text.
    return str(element.get("value") or "").strip()
