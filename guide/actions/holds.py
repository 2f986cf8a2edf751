"""Pause and resume, hand off and clear the hand-off: holding a journey without dropping it."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from guide import audit, commands, journey, messages
from guide.actions.context import CustomerWork, Done, held, log, not_finished
from guide.cells import stamp
from guide.commands import ActionError, AlreadyDone
from guide.links import hold_stamp
from guide.model import Customer, GuideState
from guide.ports import AlreadyInProgress, NotifierError, SlackMessage
from sheets.schema import ONBOARDING


def _views(
    unit: CustomerWork, customer_after: Customer, state_after: GuideState
) -> tuple[dict[str, Any], dict[str, Any]]:
    """A hold's audit before and after: the onboarding row and the og-state record, with the
    record's 'updated at', so an undo can put both back exactly."""
    snapshot = unit.work.snapshot
    before = audit.view(
        unit.customer, unit.state, updated_at=audit.state_updated_at(snapshot, unit.state)
    )
    return before, audit.view(customer_after, state_after, updated_at=unit.when)


def pause(unit: CustomerWork, command: commands.Pause) -> Done:
    c, state = unit.customer, unit.state
    not_finished(c, "pause")
    if c.paused:
        since = f" since {stamp(state.paused_at)}" if state and state.paused_at else ""
        raise AlreadyDone(f"{c.name} is already paused{since}.")
    note = command.note.strip()
    unit.changes.set(ONBOARDING.name, c.row, "paused", True)
    unit.states.set(
        c.customer_id,
        unit.local,
        journey_id=unit.journey_id,
        paused_at=unit.when,
        pause_note=note,
        paused_by=command.by,
    )
    after = unit.state_after(
        journey_id=unit.journey_id, paused_at=unit.local, pause_note=note, paused_by=command.by
    )
    unit.audit(command.by, "pause", *_views(unit, replace(c, paused=True), after), note)
    said = f" Note: {note}" if note else ""
    return Done(
        f"Paused {c.name}.{said}",
        flag=f"paused by {command.by} at {unit.when}.{said}",
        buttons=(messages.RESUME,),
    )


def _same_hold(since: str | None, held_at: datetime | None, what: str) -> None:
    """A digest link ends only the hold it was issued for."""
    if since is not None and since != hold_stamp(held_at):
        raise AlreadyDone(f"That {what} has already ended; this link is out of date.")


def resume(unit: CustomerWork, command: commands.Resume) -> Done:
    c, state = unit.customer, unit.state
    if not c.paused:
        raise AlreadyDone(f"{c.name} is not paused.")
    _same_hold(command.since, state.paused_at if state else None, "pause")
    unit.changes.set(ONBOARDING.name, c.row, "paused", False)
    unit.states.set(
        c.customer_id, unit.local, paused_at="", pause_note="", paused_by="", resumed_at=unit.when
    )
    after = unit.state_after(paused_at=None, pause_note="", paused_by="", resumed_at=unit.local)
    lasted = held(state.paused_at if state else None, unit.local)
    unit.audit(
        command.by,
        "resume",
        *_views(unit, replace(c, paused=False), after),
        f"paused for {lasted}",
    )
    return Done(
        f"Resumed {c.name} after {lasted}; the next tick carries on where it left off.",
        flag=f"resumed by {command.by} at {unit.when} after {lasted}",
        buttons=messages.FLAG_BUTTONS,
    )


def hand_off(unit: CustomerWork, command: commands.HandOff) -> Done:
    c, book = unit.customer, unit.book
    not_finished(c, "hand off")
    member = book.config.member(command.to)
    if member is None:
        raise ActionError(
            f"{command.to!r} is not in the team list (og-config, key 'team').", "not_a_member"
        )
    if c.handed_off_to.casefold() == member.name.casefold():
        raise AlreadyDone(f"{c.name} is already handed off to {member.name}.")
    unit.changes.set(ONBOARDING.name, c.row, "handed off to", member.name)
    unit.states.set(
        c.customer_id,
        unit.local,
        journey_id=unit.journey_id,
        handed_off_to=member.name,
        handed_off_at=unit.when,
        handed_off_by=command.by,
    )
    customer_after = replace(c, handed_off_to=member.name)
    after = unit.state_after(
        journey_id=unit.journey_id,
        handed_off_to=member.name,
        handed_off_at=unit.local,
        handed_off_by=command.by,
    )
    previously = f" (from {c.handed_off_to})" if c.handed_off_to else ""
    unit.audit(
        command.by,
        "hand off",
        *_views(unit, customer_after, after),
        f"to {member.name}{previously}",
    )

    def tell_new_owner() -> str | None:
        channel = member.slack_id or book.config.slack_channel
        if not channel:
            return (
                f"({member.name} has no Slack id in og-config's team list and there is no "
                "slack channel: tell them yourself.)"
            )
        text, blocks = journey.handoff_message(book, customer_after, after, member, command.by)
        message = SlackMessage(channel, text, blocks)

        def post() -> dict[str, Any]:
            posted = unit.ports.notifier.post(message)
            return {"channel": posted.channel, "ts": posted.ts}

        try:
            # After the write, so a hand-off that failed to save never reaches the new owner.
            unit.ports.ledger.once(
                f"slack:handoff:{unit.journey_id}:{member.name}:{unit.when}", post
            )
        except (NotifierError, AlreadyInProgress) as err:
            log.warning("hand-off message failed for %s: %s", c.customer_id, err)
            return f"(The Slack message to {member.name} could not be sent: {err}.)"
        return None

    unit.after_commit(tell_new_owner)
    return Done(
        f"Handed {c.name} off to {member.name}; the guide sends them nothing more.",
        flag=f"handed off to {member.name} by {command.by} at {unit.when}",
        buttons=(messages.CLEAR_HAND_OFF,),
    )


def clear_hand_off(unit: CustomerWork, command: commands.ClearHandOff) -> Done:
    c, state = unit.customer, unit.state
    if not c.handed_off_to:
        raise AlreadyDone(f"{c.name} is not handed off.")
    _same_hold(command.since, state.handed_off_at if state else None, "hand-off")
    unit.changes.set(ONBOARDING.name, c.row, "handed off to", "")
    unit.states.set(
        c.customer_id,
        unit.local,
        handed_off_to="",
        handed_off_at="",
        handed_off_by="",
        resumed_at=unit.when,
    )
    after = unit.state_after(
        handed_off_to="", handed_off_at=None, handed_off_by="", resumed_at=unit.local
    )
    lasted = held(state.handed_off_at if state else None, unit.local)
    unit.audit(
        command.by,
        "clear hand-off",
        *_views(unit, replace(c, handed_off_to=""), after),
        f"was with {c.handed_off_to} for {lasted}",
    )
    return Done(
        f"Cleared the hand-off of {c.name} to {c.handed_off_to}; the guide resumes.",
        flag=f"hand-off cleared by {command.by} at {unit.when}; the guide resumes",
        buttons=messages.FLAG_BUTTONS,
    )
