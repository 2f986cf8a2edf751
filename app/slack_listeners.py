"""The Slack app's listeners: what each button press and modal submission does, with what it runs
against (the ports, the core's ``perform``, a clock). ``app.slack_app`` registers them on Bolt.

The listener acks inside Slack's 3 seconds, opening a modal right there when the button needs
one (a ``trigger_id`` lasts 3 s and works once); the command itself runs after the answer as a
lazy listener, once per Slack action (the ledger key), and the presser is told when it was
refused or failed.

One class holds every listener so the ack-then-work pattern and the ledger key of each press are
read side by side; reading a press and answering the presser are ``app.slack_presses``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from slack_bolt import Ack, BoltRequest

from app import slack_stall_views as stall_views
from app import slack_views as views
from app.slack_presses import (
    BROKEN,
    FAILED,
    NO_CUSTOMER,
    call_start,
    cancel_reason,
    is_retry,
    press_ref,
    presser,
    tell,
)
from app.slack_team import TeamDirectory
from guide.actions.outreach import compose
from guide.actions.permissions import UndoGrant, undo_refusal
from guide.calendar import team_time
from guide.commands import (
    ActionError,
    Answer,
    Cancel,
    ClearHandOff,
    Command,
    Finish,
    HandOff,
    Nudge,
    Pause,
    Resume,
    ScheduleCall,
    SendDraft,
    TaskDone,
    Undo,
)
from guide.config import read_config
from guide.messages import TASK_DONE, UNDO
from guide.ports import AlreadyInProgress, LockBusy, NotifierError, Ports, WorkbookError
from guide.reading import read_book
from guide.unit_of_work import WorkbookBroken
from sheets.schema import CONFIG, TICK_READS

Perform = Callable[[Ports, Command, datetime], Answer]
PortsFactory = Callable[[], Ports]
Clock = Callable[[], datetime]

log = logging.getLogger(__name__)
UNDO_BUTTON = UNDO[0]
# The buttons that act at once, with no modal; ``DIRECT_BUTTONS`` is the pattern Bolt matches.
_DIRECT: dict[str, type[Finish] | type[Resume] | type[ClearHandOff] | type[TaskDone]] = {
    "og_finish": Finish,
    "og_resume": Resume,
    "og_clear_handoff": ClearHandOff,
    TASK_DONE[0]: TaskDone,
}
DIRECT_BUTTONS = re.compile(f"^({'|'.join(map(re.escape, _DIRECT))})$")


class SlackActions:
    """The listeners, with what they run against."""

    def __init__(self, ports: PortsFactory, perform: Perform, clock: Clock) -> None:
        self.ports, self.perform, self.clock = ports, perform, clock
        self.team = TeamDirectory(ports)

    def carry_out(self, key: str, command: Command, ref: views.FlagRef, user_id: str) -> None:
        """Run ``command`` once for this Slack action and tell the presser how it went. A retry
        or a second delivery finds the ledger record and stays quiet."""
        ports = self.ports()
        ran = False

        def effect() -> dict[str, Any]:
            nonlocal ran
            ran = True
            try:
                outcome = self.perform(ports, command, self.clock())
            except ActionError as refused:
                # Recorded too: a repeat of a refused press is answered by the first answer.
                return {"ok": False, "message": refused.message, "code": refused.code}
            return {"ok": True, "message": outcome.message}

        try:
            result = ports.ledger.once(key, effect)
        except AlreadyInProgress:
            log.info("action %s already running elsewhere; this delivery does nothing", key)
            return
        except WorkbookBroken as broken:
            log.error("action %s refused: the workbook is broken: %s", key, broken)
            tell(ports, ref, user_id, BROKEN.format(broken))
            return
        except (WorkbookError, LockBusy):
            log.warning("action %s failed; nothing changed", key, exc_info=True)
            tell(ports, ref, user_id, FAILED)
            return
        if ran:
            tell(ports, ref, user_id, str(result.get("message") or "Done."))
        else:
            log.info("action %s was already done; repeat ignored", key)

    # --- buttons that act at once --------------------------------------------------------

    def act_on_press(self, body: dict[str, Any], action: dict[str, Any]) -> None:
        by, user_id = presser(body)
        ref = press_ref(body, str(action.get("value") or ""))
        if ref is None:
            nowhere = views.FlagRef("", response_url=str(body.get("response_url") or ""))
            tell(self.ports(), nowhere, user_id, NO_CUSTOMER)
            return
        action_id = str(action.get("action_id"))
        command = _DIRECT[action_id](
            customer_id=ref.customer_id, by=by, actor_id=user_id, journey_id=ref.journey_id
        )
        key = f"slack:{action_id}:{ref.customer_id}:{user_id}:{action.get('action_ts')}"
        self.carry_out(key, command, ref, user_id)

    def undo_on_press(self, body: dict[str, Any], action: dict[str, Any]) -> None:
        """A flag's Undo: only its presser, only for a while, and only the action it was
        offered for (the core refuses when a later action came first)."""
        by, user_id = presser(body)
        value = str(action.get("value") or "")
        ref, grant = press_ref(body, value), UndoGrant.from_value(value)
        if ref is None or grant is None:
            nowhere = views.FlagRef("", response_url=str(body.get("response_url") or ""))
            tell(self.ports(), nowhere, user_id, NO_CUSTOMER)
            return
        refusal = undo_refusal(grant, user_id, self.clock())
        if refusal is not None:
            tell(self.ports(), ref, user_id, refusal)
            return
        command = Undo(grant.customer_id, by, actor_id=user_id, audit_id=grant.audit_id)
        key = f"slack:og_undo:{grant.audit_id}:{user_id}:{action.get('action_ts')}"
        self.carry_out(key, command, ref, user_id)

    # --- buttons that open a modal -------------------------------------------------------

    def open_modal(
        self,
        ack: Ack,
        body: dict[str, Any],
        action: dict[str, Any],
        request: BoltRequest,
    ) -> None:
        ack()
        if is_retry(request):
            return  # the first delivery opened it; the trigger works once anyway
        _, user_id = presser(body)
        ref = press_ref(body, str(action.get("value") or ""))
        if ref is None:
            nowhere = views.FlagRef("", response_url=str(body.get("response_url") or ""))
            tell(self.ports(), nowhere, user_id, NO_CUSTOMER)
            return
        about = str((body.get("message") or {}).get("text") or "")
        action_id = action.get("action_id")
        ports = self.ports()
        view: dict[str, Any] | None
        if action_id == "og_pause":
            view = views.pause_view(ref, about)
        elif action_id == "og_nudge":
            view = views.nudge_view(ref, about)
        elif action_id == "og_draft":
            view = self._draft_view(ports, ref, about, user_id)
        elif action_id == "og_call":
            view = self._call_view(ports, ref, about, user_id)
        elif action_id == "og_cancel":
            view = stall_views.cancel_view(ref, about)
        else:
            view = views.handoff_view(ref, about, self.team.members())
        if view is None:
            return  # the presser was told why
        try:
            ports.notifier.open_modal(str(body.get("trigger_id") or ""), view)
        except NotifierError:
            log.warning("views.open failed for %s", action_id, exc_info=True)
            tell(ports, ref, user_id, "Slack did not open the form in time. Please press again.")

    def _draft_view(
        self, ports: Ports, ref: views.FlagRef, about: str, user_id: str
    ) -> dict[str, Any] | None:
        """The drafted email, read fresh (without the lock: it changes nothing) inside the
        trigger's 3 seconds: one read, as a done link's page makes."""
        try:
            snapshot = ports.workbook.read(TICK_READS)
            book = read_book(snapshot)
            customer = book.customer(ref.customer_id)
            if customer is None:
                raise ActionError(f"There is no customer {ref.customer_id} in the sheet.")
            now = self.clock()
            local = team_time(now, book.config.timezone)
            draft = compose(snapshot, book, customer, ports, now, local)
        except ActionError as refused:
            tell(ports, ref, user_id, refused.message)
            return None
        except WorkbookError:
            log.warning("draft: the sheet could not be read", exc_info=True)
            tell(ports, ref, user_id, FAILED)
            return None
        why = (
            f"Drafted for a {draft.kind.replace('_', ' ')} stall (og-interventions)."
            if draft.kind
            else "The step's own email (og-plans): no intervention matched."
        )
        return stall_views.draft_view(ref, about, draft.subject, draft.body, why)

    def _call_view(
        self, ports: Ports, ref: views.FlagRef, about: str, user_id: str
    ) -> dict[str, Any] | None:
        try:
            config = read_config(ports.workbook.read([CONFIG.name]).tables.get(CONFIG.name), [])
        except WorkbookError:
            log.warning("call: og-config could not be read", exc_info=True)
            tell(ports, ref, user_id, FAILED)
            return None
        return stall_views.call_view(ref, about, config.timezone, config.booking_link)

    # --- modal submissions ---------------------------------------------------------------

    def check_submission(self, ack: Ack, view: dict[str, Any]) -> None:
        kind = view.get("callback_id")
        if kind == views.HANDOFF and not views.submitted(view, "to"):
            ack(response_action="errors", errors={"to": "Pick who takes over."})
            return
        if kind == stall_views.CALL and call_start(view) is None:
            ack(response_action="errors", errors={"time": "Pick a date and a time."})
            return
        if kind == stall_views.CANCEL and not cancel_reason(view):
            ack(response_action="errors", errors={"other": "Say why it is cancelled."})
            return
        ack()

    def act_on_submission(self, body: dict[str, Any], view: dict[str, Any]) -> None:
        by, user_id = presser(body)
        ref = views.FlagRef.from_metadata(str(view.get("private_metadata") or ""))
        if ref is None:
            log.warning("submission %s without a customer; ignored", view.get("id"))
            return
        kind = view.get("callback_id")
        command: Command
        # Who pressed and which journey's flag: checked in the core (guide.actions.permissions).
        slack = {"actor_id": user_id, "journey_id": ref.journey_id}
        if kind == views.PAUSE:
            command = Pause(ref.customer_id, by, note=views.submitted(view, "note"), **slack)
        elif kind == views.NUDGE:
            subject = views.submitted(view, "subject")
            command = Nudge(ref.customer_id, by, subject=subject, **slack)
        elif kind == stall_views.DRAFT:
            subject, text = views.submitted(view, "subject"), views.submitted(view, "body")
            command = SendDraft(ref.customer_id, by, subject, text, **slack)
        elif kind == stall_views.CALL:
            starts, minutes = call_start(view), stall_views.picked(view, "length")
            if starts is None:
                return  # refused in the ack
            note = views.submitted(view, "note")
            length = int(minutes) if isinstance(minutes, str) and minutes.isdigit() else 30
            command = ScheduleCall(ref.customer_id, by, starts, length, note, **slack)
        elif kind == stall_views.CANCEL:
            reason = cancel_reason(view)
            if not reason:
                return  # refused in the ack
            closing = "yes" in stall_views.picked(view, "closing")
            command = Cancel(ref.customer_id, by, reason, closing_email=closing, **slack)
        else:
            to = views.submitted(view, "to")
            if not to:
                return  # refused in the ack (Bolt still starts lazy work); nothing to do
            command = HandOff(ref.customer_id, by, to=to, **slack)
        # One view is submitted once; Slack's retries of it carry the same view id.
        self.carry_out(f"slack:{kind}:{view.get('id')}", command, ref, user_id)
