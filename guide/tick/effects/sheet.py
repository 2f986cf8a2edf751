"""What the tick records in the sheet alone: a new row enrolled, and a person's edit noticed.

The sheet is a way in equal to the buttons: a pause, a hand-off or a resume made there is
recorded in og-state and og-audit (who: "sheet") as the button would record it, so undo can
reverse it; once the write has landed the live flag is updated and a new owner told.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

from guide import audit, journey, messages, writes
from guide.cells import stamp
from guide.model import Customer, GuideState
from guide.ports import AlreadyInProgress, NotifierError, SlackMessage
from guide.tick.decide import SHEET, Enroll, NoticeHandOff, NoticePause, NoticeResume
from guide.tick.effects.context import TickContext


def enroll(tick: TickContext, effect: Enroll) -> None:
    work = tick.work
    customer = tick.customers[effect.customer_id]
    writes.enroll(work.changes, customer, effect.started_on, work.local)
    tick.started[customer.customer_id] = replace(customer, started_on=effect.started_on)


def notice_resume(tick: TickContext, effect: NoticeResume) -> None:
    """A person cleared the paused box or the hand-off in the sheet: record it like a button."""
    work = tick.work
    customer = tick.customer(effect.customer_id)
    state = work.book.states[customer.customer_id]
    # The row as it was before the person's edit, so an undo of this resume holds them again.
    if effect.what == "pause":
        cleared: dict[str, Any] = {"paused_at": None, "pause_note": "", "paused_by": ""}
        held = work.local - state.paused_at if state.paused_at else timedelta()
        detail = f"paused box cleared in the sheet after {held.days} days"
        was = replace(customer, paused=True)
    else:
        cleared = {"handed_off_to": "", "handed_off_at": None, "handed_off_by": ""}
        detail = f"hand-off to {state.handed_off_to} cleared in the sheet"
        was = replace(customer, handed_off_to=state.handed_off_to)
    after = replace(state, resumed_at=work.local, **cleared)
    work.states.set(
        customer.customer_id,
        work.local,
        resumed_at=stamp(work.local),
        **{k: v or "" for k, v in cleared.items()},
    )
    work.audit(
        "sheet",
        "resume",
        customer.customer_id,
        state.journey_id,
        audit.view(was, state, updated_at=audit.state_updated_at(work.snapshot, state)),
        audit.view(customer, after, updated_at=stamp(work.local)),
        detail,
    )


def notice_pause(tick: TickContext, effect: NoticePause) -> None:
    """A person ticked the paused box in the sheet: og-state learns when, so the paused days
    never count toward a stall once the box is cleared (the resume restarts the clock)."""
    work = tick.work
    customer = tick.customer(effect.customer_id)
    state = work.book.states.get(customer.customer_id)
    journey_id = customer.journey_id()
    values: dict[str, Any] = {"journey_id": journey_id, "paused_by": SHEET, "pause_note": ""}
    work.states.set(customer.customer_id, work.local, paused_at=work.when, **values)
    after = _state_after(state, customer.customer_id, paused_at=work.local, **values)
    work.audit(
        SHEET,
        "pause",
        customer.customer_id,
        journey_id,
        _before(tick, replace(customer, paused=False), state),
        audit.view(customer, after, updated_at=work.when),
        "paused box ticked in the sheet",
    )
    what = f"paused by {SHEET} at {work.when}."
    _update_flag(tick, customer, state, what, (messages.RESUME,))


def notice_hand_off(tick: TickContext, effect: NoticeHandOff) -> None:
    """A person typed a name into 'handed off to': recorded, and the new owner told in Slack
    with the journey so far, once (through the ledger), after the write."""
    work = tick.work
    customer = tick.customer(effect.customer_id)
    state = work.book.states.get(customer.customer_id)
    journey_id = customer.journey_id()
    config = work.book.config
    member = config.member(effect.to)
    name = member.name if member else effect.to
    values: dict[str, Any] = {
        "journey_id": journey_id,
        "handed_off_to": name,
        "handed_off_by": SHEET,
    }
    work.states.set(customer.customer_id, work.local, handed_off_at=work.when, **values)
    after = _state_after(state, customer.customer_id, handed_off_at=work.local, **values)
    previous = state.handed_off_to if state else ""
    work.audit(
        SHEET,
        "hand off",
        customer.customer_id,
        journey_id,
        _before(tick, replace(customer, handed_off_to=previous), state),
        audit.view(customer, after, updated_at=work.when),
        f"to {name} in the sheet" + (f" (from {previous})" if previous else ""),
    )
    _update_flag(
        tick,
        customer,
        state,
        f"handed off to {name} by {SHEET} at {work.when}",
        (messages.CLEAR_HAND_OFF,),
    )
    channel = (member.slack_id if member else "") or config.slack_channel
    if member is None or not channel:
        why = "is not in og-config's team list" if member is None else "has no Slack id"
        tick.problem(
            "team",
            f"hand-off to '{effect.to}' recorded, but {why} and there is no slack channel: "
            "tell them yourself",
            customer.customer_id,
        )
        return
    text, blocks = journey.handoff_message(work.book, customer, after, member, SHEET)
    message = SlackMessage(channel, text, blocks)
    key = f"slack:handoff:{journey_id}:{name}:{work.when}"

    def tell_new_owner() -> str | None:
        def post() -> dict[str, Any]:
            posted = work.ports.notifier.post(message)
            return {"channel": posted.channel, "ts": posted.ts}

        try:
            work.ports.ledger.once(key, post)
        except (NotifierError, AlreadyInProgress) as err:
            return f"{customer.customer_id}: the Slack message to {name} could not be sent: {err}"
        return None

    work.after_commit.append(tell_new_owner)


def _state_after(state: GuideState | None, customer_id: str, **values: Any) -> GuideState:
    return replace(state or GuideState(row=0, customer_id=customer_id), **values)


def _before(tick: TickContext, was: Customer, state: GuideState | None) -> dict[str, Any]:
    """The row as it was before the person's edit, so an undo puts it back."""
    snapshot = tick.work.snapshot
    return audit.view(was, state, updated_at=audit.state_updated_at(snapshot, state))


def _update_flag(
    tick: TickContext,
    customer: Customer,
    state: GuideState | None,
    what: str,
    buttons: tuple[messages.Button, ...],
) -> None:
    """Once the write has landed, the live flag says what was done, with the buttons that now
    make sense, as after a button press; a failure is a problem in the report."""
    if state is None or not state.flag_channel or not state.flag_ts:
        return
    text, blocks = journey.flag_note(customer, state, what, buttons)
    message = SlackMessage(state.flag_channel, text, blocks)
    notifier = tick.work.ports.notifier

    def update() -> str | None:
        try:
            notifier.update(state.flag_channel, state.flag_ts, message)
        except NotifierError as err:
            return f"{customer.customer_id}: the Slack flag could not be updated: {err}"
        return None

    tick.work.after_commit.append(update)
