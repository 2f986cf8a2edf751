"""A customer's journey so far, as people read it: the done page's checklist, the new owner's
hand-off message, and the note a Slack flag becomes once somebody has acted on it.

Pure content from a ``Book``; nothing here sends anything. Everything a person typed is escaped
and cut to fit (``guide.slack_limits``) before it goes into Slack, top-level text included.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from guide import slack_limits as fit
from guide.cells import stamp
from guide.messages import Button, action_value, actions_block
from guide.model import Book, Customer, GuideState, StepSend, TeamMember
from guide.tick.decide import current_step

# Step states on the done page's checklist.
DONE, WAITING, TO_DO = "done", "waiting", "to do"
# A pause note is written to be read (the modal takes up to 1,000 characters): show it all.
_NOTE = 1000
# What an action note says ("paused by sam: <their note>"), likewise.
_WHAT = 1500


def checklist(book: Book, customer_id: str) -> list[tuple[str, str]]:
    """(step title, state) for each step of the customer's current journey, in plan order.

    A finished journey is all done (its send rows have moved to the archive). Unknown: empty.
    """
    customer = book.customer(customer_id)
    if customer is None:
        return []
    steps = book.plans.get(customer.plan, [])
    if customer.finished:
        return [(s.title, DONE) for s in steps]
    sends = book.journey_sends(customer.journey_id())
    items = []
    for step in steps:
        send = sends.get(step.step_id)
        if send is not None and send.done:
            items.append((step.title, DONE))
        elif send is not None and send.sent_at is not None:
            items.append((step.title, WAITING))
        else:
            items.append((step.title, TO_DO))
    return items


def _when(value: datetime | None) -> str:
    return stamp(value) if value else "?"


def _step_line(title: str, send: StepSend | None, is_current: bool) -> str:
    name = fit.typed(title)
    if send is None or send.sent_at is None:
        return f"○ {name}: not sent yet"
    sent = f"sent {_when(send.sent_at)}"
    if send.reminders:
        sent += f", {send.reminders} reminder{'s' if send.reminders != 1 else ''}"
        sent += f" (last {_when(send.last_reminded)})"
    if send.done:
        by = f" by {fit.typed(send.done_by)}" if send.done_by else ""
        return f"✓ {name}: {sent}; done {_when(send.done_at)}{by}"
    return f"{'▶' if is_current else '•'} {name}: {sent}; not done yet"


def journey_lines(book: Book, customer: Customer, state: GuideState | None) -> list[str]:
    """The whole journey so far as mrkdwn lines: each step, then who did what to it."""
    steps = book.plans.get(customer.plan, [])
    sends = book.journey_sends(customer.journey_id())
    current = current_step(steps, sends)
    lines = [_step_line(s.title, sends.get(s.step_id), s is current) for s in steps]
    started = customer.started_on.isoformat() if customer.started_on else "not started yet"
    lines.append(f"Started {started}; owner {fit.typed(customer.owner or '?')}.")
    if state is not None and state.flagged_at is not None:
        level = "escalated" if state.flag_level > 1 else "flagged as stalled"
        lines.append(f"{level.capitalize()} {_when(state.flagged_at)}.")
    if customer.paused:
        by = f" by {fit.typed(state.paused_by)}" if state and state.paused_by else ""
        since = f" since {_when(state.paused_at)}" if state and state.paused_at else ""
        lines.append(f"Paused{since}{by}.")
        if state is not None and state.pause_note:
            lines.append(f"Pause note: “{fit.typed(state.pause_note, _NOTE)}”")
    if customer.handed_off_to:
        by = f" by {fit.typed(state.handed_off_by)}" if state and state.handed_off_by else ""
        since = f" on {_when(state.handed_off_at)}" if state and state.handed_off_at else ""
        lines.append(f"Handed off to {fit.typed(customer.handed_off_to)}{since}{by}.")
    if customer.finished:
        lines.append(
            f"Finished {customer.finished_on or '?'} by {fit.typed(customer.finished_by)}."
        )
    return lines


def handoff_message(
    book: Book, customer: Customer, state: GuideState | None, member: TeamMember, by: str
) -> tuple[str, list[dict[str, Any]]]:
    """What the new owner gets: who handed whom over, how to reach them, the journey so far."""
    name, who = fit.typed(customer.name), fit.typed(by)
    # A hand-off typed into the sheet has no presser to name.
    handed = (
        f"*{name}* was handed over to you in the sheet"
        if by == "sheet"
        else (f"*{who}* handed *{name}* over to you")
    )
    text = f"{handed.replace('*', '')}: the guide sends them nothing more."
    email = fit.typed(customer.email)
    contact = (
        f"{fit.typed(customer.contact_name or customer.name)} "
        f"<mailto:{email}|{email}> · "
        f"plan {fit.typed(customer.plan)} · journey `{fit.typed(customer.journey_id())}`"
    )
    blocks: list[dict[str, Any]] = [
        fit.section(
            f":handshake: {handed}, "
            f"{fit.typed(member.name)}. The guide sends them nothing more until the hand-off "
            "is cleared."
        ),
        fit.context(contact),
        fit.section("*The journey so far*\n" + "\n".join(journey_lines(book, customer, state))),
    ]
    return fit.message(text, blocks)


def flag_note(
    customer: Customer,
    state: GuideState,
    what: str,
    buttons: tuple[Button, ...],
) -> tuple[str, list[dict[str, Any]]]:
    """The stall flag once acted on: what was done, by whom and when, and the buttons that make
    sense next (none once it is over), so nobody presses twice."""
    name, done = fit.typed(customer.name), fit.typed(what, _WHAT)
    text = f"{name}: {done}"
    blocks: list[dict[str, Any]] = [
        fit.section(f":white_check_mark: *{name}*: {done}"),
        fit.context(
            f"Owner {fit.typed(customer.owner)} · journey "
            f"`{fit.typed(state.journey_id or customer.journey_id())}`"
        ),
    ]
    if buttons:
        value = action_value(customer.customer_id, customer.journey_id(), state.flag_step)
        blocks.append(actions_block(value, buttons))
    return fit.message(text, blocks)
