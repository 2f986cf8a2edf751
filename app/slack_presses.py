"""Reading a Slack press and answering the presser: who pressed, which flag (customer, journey,
step, and where to answer), whether it is Slack's retry, what a stall modal's call and cancel
inputs say, and the ephemeral lines that tell the presser how it went.

Plain functions over Bolt's request bodies, kept apart from the listeners
(``app.slack_listeners``) that use them, so the class reads as the ack-then-work pattern alone.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from slack_bolt import BoltRequest

from app import slack_stall_views as stall_views
from app import slack_views as views
from guide.ports import NotifierError, Ports

FAILED = (
    "That did not go through: the onboarding sheet could not be reached, so nothing changed. "
    "Please try again in a minute."
)
BROKEN = (
    "Nothing was done: the onboarding sheet is missing something the guide needs ({}). "
    "Restore it or run the setup command, then press again."
)
NO_CUSTOMER = "This button does not say which customer it is for, so nothing was done."

# The listeners' logger: a presser left untold is logged where it always was.
log = logging.getLogger("app.slack_listeners")


def utc_now() -> datetime:
    return datetime.now(UTC)


def tell(ports: Ports, ref: views.FlagRef, user_id: str, text: str) -> None:
    """An ephemeral line for the presser: by the flag's ``response_url``, else in its channel."""
    try:
        ports.notifier.whisper(user_id, text, response_url=ref.response_url, channel=ref.channel)
    except NotifierError:
        # The action itself stands (or was refused) either way; losing the note is not worse.
        log.warning("could not tell the presser: %s", text, exc_info=True)


def presser(body: dict[str, Any]) -> tuple[str, str]:
    """(who for the audit trail, Slack user id)."""
    user = body.get("user") or {}
    user_id = str(user.get("id") or "")
    return str(user.get("name") or user.get("username") or user_id or "someone"), user_id


def press_ref(body: dict[str, Any], value: str) -> views.FlagRef | None:
    found = views.button_customer(value)
    if found is None:
        return None
    container = body.get("container") or {}
    return views.FlagRef(
        *found,
        channel=str(container.get("channel_id") or (body.get("channel") or {}).get("id") or ""),
        message_ts=str(container.get("message_ts") or ""),
        response_url=str(body.get("response_url") or ""),
    )


def is_retry(request: BoltRequest) -> bool:
    return bool(request.headers.get("x-slack-retry-num"))


def call_start(view: dict[str, Any]) -> datetime | None:
    """The call's start, team time (naive), from the modal's date and time pickers."""
    day, at = stall_views.picked(view, "date"), stall_views.picked(view, "time")
    try:
        return datetime.fromisoformat(f"{day}T{at}")
    except (TypeError, ValueError):
        return None


def cancel_reason(view: dict[str, Any]) -> str:
    reason = stall_views.picked(view, "reason")
    if reason == "other":
        return views.submitted(view, "other")
    return reason if isinstance(reason, str) else ""
