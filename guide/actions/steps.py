"""Finish, nudge and the done link: actions on the steps of a journey."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import timedelta

from guide import audit, commands, journey, messages, writes
from guide.actions.context import CustomerWork, Done, log, not_finished
from guide.calendar import business_days_between
from guide.cells import stamp
from guide.commands import ActionError, AlreadyDone
from guide.model import Book, Customer, Step, StepSend
from guide.ports import AlreadyInProgress, Email, MailerError
from guide.tick.decide import current_step
from guide.unit_of_work import AfterCommit
from sheets.schema import SENDS

NUDGE_COOLDOWN = timedelta(minutes=5)  # a double click is one nudge, not two emails


def finish(unit: CustomerWork, command: commands.Finish) -> Done:
    c, config = unit.customer, unit.book.config
    if c.finished:
        raise AlreadyDone(
            f"{c.name} already finished on {c.finished_on or '?'} (by {c.finished_by or '?'})."
        )
    sends = list(unit.book.journey_sends(unit.journey_id).values())
    # 'finished by' names a person: the presser's Slack id (or a Slack id or email given as
    # who) on og-config's team list reads as the name there, not as a Slack handle.
    by = config.name_of(command.by, command.actor_id)
    writes.finish(unit.changes, c, unit.journey_id, sends, unit.state, by, unit.local)
    email = messages.wrapup_email(c, unit.book.plans[c.plan], config.sender, config.reply_to)
    # The tick's own key: a press and a tick never both send the wrap-up.
    unit.after_commit(send_once(unit, f"mail:wrapup:{unit.journey_id}", email, "The wrap-up email"))
    return Done(
        f"Finished {c.name}; the wrap-up email goes to {c.email}.",
        flag=f"finished by {by} at {unit.when}",
    )


def count_reminder(unit: CustomerWork, send: StepSend, by: str, action: str, detail: str) -> None:
    """One more reminder on the step's og-sends row (a nudge, a sent draft), audited with the
    row before and after so an undo can put the count back."""
    count = send.reminders + 1
    unit.changes.set(SENDS.name, send.row, "reminders sent", count)
    unit.changes.set(SENDS.name, send.row, "last reminded", unit.when)
    after = replace(send, reminders=count, last_reminded=unit.local)
    c = unit.customer
    unit.audit(by, action, audit.view(c, sends=[send]), audit.view(c, sends=[after]), detail)


def send_once(unit: CustomerWork, key: str, email: Email, what: str) -> AfterCommit:
    """An email sent once through the ledger after the write; a failure is a warning."""

    def send() -> str | None:
        ports = unit.ports
        try:
            ports.ledger.once(key, lambda: {"message_id": ports.mailer.send(email)})
        except (MailerError, AlreadyInProgress) as err:
            log.warning("%s failed after the write: %s", key, err)
            return f"({what} to {email.to} could not be sent: {err}. The sheet is updated.)"
        return None

    return send


def nudge(unit: CustomerWork, command: commands.Nudge) -> Done:
    c, book, ports = unit.customer, unit.book, unit.ports
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
    token = ports.signer.issue(
        c.customer_id, unit.journey_id, step.step_id, unit.now, config.link_ttl_days
    )
    waited = business_days_between(send.sent_at.date(), unit.local.date(), config.holidays)
    email = messages.reminder_email(
        c,
        step,
        ports.done_link(token),
        config.sender,
        config.reply_to,
        waited,
        subject=command.subject.strip(),
    )
    email = replace(email, tags={**email.tags, "kind": "nudge", "reminder": str(count)})
    # The count is in the key: a retried press finds its email sent, a later nudge sends anew.
    key = f"mail:nudge:{unit.journey_id}:{step.step_id}:{count}"
    unit.after_commit(send_once(unit, key, email, "The reminder"))
    count_reminder(
        unit,
        send,
        command.by,
        "nudge",
        f"'{step.title}' re-sent to {c.email} (reminder {count}), subject '{email.subject}'",
    )
    return Done(
        f"Nudged {c.name} about '{step.title}' (reminder {count}).",
        flag=f"nudged by {command.by} at {unit.when} (reminder {count})",
        buttons=messages.FLAG_BUTTONS,
    )


@dataclass(frozen=True)
class StepStatus:
    """Where one step of one journey stands, as the done link sees it: the one answer both the
    link's page (read without the lock) and marking it done (under the lock) go by."""

    # "open", "paused", "handed_off" (open, held by a person), "done", "finished", "stale",
    # "not_sent" or "unknown"
    kind: str
    message: str
    customer: Customer | None = None
    step: Step | None = None
    send: StepSend | None = None
    checklist: tuple[tuple[str, str], ...] = ()


def step_status(book: Book, customer_id: str, journey_id: str, step_id: str) -> StepStatus:
    c = book.customer(customer_id)
    if c is None:
        return StepStatus("unknown", "This onboarding is no longer in our records.")
    items = tuple(journey.checklist(book, customer_id))
    step = next((s for s in book.plans.get(c.plan, []) if s.step_id == step_id), None)
    if c.finished:
        message = f"{c.name} has finished onboarding: every step is done."
        return StepStatus("finished", message, c, step, None, items)
    if journey_id != c.journey_id():
        message = "This link belongs to an earlier onboarding; use the newest email."
        return StepStatus("stale", message, c, step, None, items)
    send = book.journey_sends(journey_id).get(step_id)
    if step is None or send is None or send.sent_at is None:
        message = "This step is not part of your onboarding yet."
        return StepStatus("not_sent", message, c, step, send, items)
    if send.done:
        since = stamp(send.done_at) if send.done_at else "?"
        message = f"'{step.title}' is already done (since {since})."
        return StepStatus("done", message, c, step, send, items)
    if c.paused:
        # Marking a step done while paused stays allowed: the customer did it, and saying so
        # is true and harmless; the next step simply waits for the resume.
        return StepStatus("paused", PAUSED_NOTE, c, step, send, items)
    if c.handed_off_to:
        return StepStatus("handed_off", HANDED_OFF_NOTE, c, step, send, items)
    return StepStatus("open", f"'{step.title}' is waiting for you.", c, step, send, items)


# What the done page says of a journey held by a person, before and after the click.
PAUSED_NOTE = (
    "Your onboarding is on hold for now. You can still tell us this step is done; "
    "the next one follows when it picks up again."
)
HANDED_OFF_NOTE = (
    "Someone from our team is now looking after your onboarding personally and will be in "
    "touch. You can still tell us this step is done."
)


def mark_done(unit: CustomerWork, command: commands.MarkDone) -> Done:
    c, book = unit.customer, unit.book
    status = step_status(book, c.customer_id, command.journey_id, command.step_id)
    if status.kind in {"finished", "done"}:
        raise AlreadyDone(status.message, status.checklist)
    if status.kind == "stale":
        raise ActionError(status.message, "stale_link")
    if status.kind == "not_sent":
        raise ActionError(status.message, "not_sent")
    step, send = status.step, status.send
    assert step is not None and send is not None  # an open step has both
    unit.changes.set(SENDS.name, send.row, "done at", unit.when)
    unit.changes.set(SENDS.name, send.row, "done by", command.by)
    after = replace(send, done_at=unit.local, done_by=command.by)
    unit.audit(
        command.by,
        "done",
        audit.view(c, sends=[send]),
        audit.view(c, sends=[after]),
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
    held = {
        "paused": " We'll send the next step once your onboarding picks up again.",
        "handed_off": " Someone from our team will be in touch.",
    }.get(status.kind, "")
    # The page's heading thanks the customer; the message says what happened, once.
    return Done(
        f"'{step.title}' is marked done.{held}",
        flag=f"{who} marked '{step.title}' done at {unit.when}" if flagged_here else None,
        checklist=tuple(items),
    )
