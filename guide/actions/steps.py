"""Finish, nudge and the done link: actions on the steps of a journey."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from guide import audit, commands, journey, messages, records
from guide.actions.unit import Done, Unit, not_finished
from guide.cells import stamp
from guide.commands import ActionError, AlreadyDone
from guide.tick import current_step
from sheets.schema import SENDS

NUDGE_COOLDOWN = timedelta(minutes=5)  # a double click is one nudge, not two emails


def finish(unit: Unit, command: commands.Finish) -> Done:
    c, config = unit.customer, unit.book.config
    if c.finished:
        raise AlreadyDone(
            f"{c.name} already finished on {c.finished_on or '?'} (by {c.finished_by or '?'})."
        )
    email = messages.wrapup_email(c, unit.book.plans[c.plan], config.sender, config.reply_to)
    # The tick's own key: a press and a tick never both send the wrap-up.
    unit.services.ledger.once(
        f"mail:wrapup:{unit.journey_id}", lambda: {"message_id": unit.services.mailer.send(email)}
    )
    sends = list(unit.book.journey_sends(unit.journey_id).values())
    records.finish(unit.changes, c, unit.journey_id, sends, unit.state, command.by, unit.local)
    return Done(
        f"Finished {c.name}; the wrap-up email went to {c.email}.",
        flag=f"finished by {command.by} at {unit.when}",
    )


def nudge(unit: Unit, command: commands.Nudge) -> Done:
    c, book, services = unit.customer, unit.book, unit.services
    not_finished(c, "nudge")
    if c.paused:
        raise ActionError(f"{c.name} is paused: resume them before nudging.", "paused")
    if c.handed_off_to:
        raise ActionError(
            f"{c.name} is handed off to {c.handed_off_to}: the guide sends them "
            "nothing while that lasts.",
            "handed_off",
        )
    sends = book.journey_sends(unit.journey_id)
    step = current_step(book.plans[c.plan], sends)
    send = sends.get(step.step_id) if step else None
    if step is None or send is None or send.sent_at is None:
        what = "every step is done" if step is None else f"'{step.title}' has not been sent yet"
        raise ActionError(f"Nothing to nudge {c.name} about: {what}.", "nothing_sent")
    # Either way round: two presses of one double click may reach us in any order.
    if send.last_reminded and abs(unit.local - send.last_reminded) < NUDGE_COOLDOWN:
        raise AlreadyDone(
            f"{c.name} was nudged about '{step.title}' at {stamp(send.last_reminded)}."
        )
    count = send.reminders + 1
    config = book.config
    token = services.signer.issue(
        c.customer_id, unit.journey_id, step.step_id, unit.now, config.link_ttl_days
    )
    email = messages.step_email(
        c,
        step,
        services.done_link(token),
        config.sender,
        config.reply_to,
        subject=command.subject.strip(),
    )
    email = replace(email, tags={**email.tags, "kind": "nudge", "reminder": str(count)})
    # The count is in the key: a retried press finds its email sent, a later nudge sends anew.
    key = f"mail:nudge:{unit.journey_id}:{step.step_id}:{count}"
    services.ledger.once(key, lambda: {"message_id": services.mailer.send(email)})
    unit.changes.set(SENDS.name, send.row, "reminders sent", count)
    unit.changes.set(SENDS.name, send.row, "last reminded", unit.when)
    after = replace(send, reminders=count, last_reminded=unit.local)
    unit.audit(
        command.by,
        "nudge",
        audit.view(c, None, [send]),
        audit.view(c, None, [after]),
        f"'{step.title}' re-sent to {c.email} (reminder {count}), subject '{email.subject}'",
    )
    return Done(
        f"Nudged {c.name} about '{step.title}' (reminder {count}).",
        flag=f"nudged by {command.by} at {unit.when} (reminder {count})",
        buttons=messages.FLAG_BUTTONS,
    )


def mark_done(unit: Unit, command: commands.MarkDone) -> Done:
    c, book = unit.customer, unit.book
    if c.finished:
        raise AlreadyDone(
            f"{c.name} has finished onboarding: every step is done.",
            tuple(journey.checklist(book, c.customer_id)),
        )
    if command.journey_id != unit.journey_id:
        raise ActionError(
            "This link belongs to an earlier onboarding; use the newest email.", "stale_link"
        )
    step = next((s for s in book.plans[c.plan] if s.step_id == command.step_id), None)
    send = book.journey_sends(unit.journey_id).get(command.step_id)
    if step is None or send is None or send.sent_at is None:
        raise ActionError("This step is not part of your onboarding yet.", "not_sent")
    if send.done:
        since = stamp(send.done_at) if send.done_at else "?"
        raise AlreadyDone(
            f"'{step.title}' is already done (since {since}).",
            tuple(journey.checklist(book, c.customer_id)),
        )
    unit.changes.set(SENDS.name, send.row, "done at", unit.when)
    unit.changes.set(SENDS.name, send.row, "done by", command.by)
    after = replace(send, done_at=unit.local, done_by=command.by)
    unit.audit(
        command.by,
        "done",
        audit.view(c, None, [send]),
        audit.view(c, None, [after]),
        f"'{step.title}' marked done",
    )
    journey_after = {**book.journey_sends(unit.journey_id), step.step_id: after}
    items = journey.checklist(
        replace(book, sends={**book.sends, unit.journey_id: journey_after}), c.customer_id
    )
    state = unit.state
    flagged_here = (
        state is not None
        and state.flag_step == step.step_id
        and state.journey_id == unit.journey_id
    )
    who = (c.contact_name or c.name) if command.by == "customer" else command.by
    return Done(
        f"Thanks! '{step.title}' is marked done.",
        flag=f"{who} marked '{step.title}' done at {unit.when}" if flagged_here else None,
        checklist=tuple(items),
    )
