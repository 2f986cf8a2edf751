"""Undo: put back what a customer's last action not yet undone changed, on every tab it touched.

The action's audit row holds the before and after of what it changed: the onboarding row, the
og-state record and the journey's og-sends rows. Undo writes the before back, for the fields the
action changed; a finish's journey comes back from og-sends-archive to og-sends. The undo is
audited with the audit id it reverses in 'undoes', so the next undo reverses the action before.

Undone: pause, resume (a button, or the paused box cleared in the sheet), hand off, clear hand-off
(either way), done, nudge, a sent draft (a reminder), finish (a button, or the tick's
auto-finish), cancel (archived like a finish) and task done (its og-tasks rows open again).
The tick's own records (send step, flag, re-flag, escalate, enroll) are not a person's actions
and are skipped: what they sent is out, and the next tick would only do them again.

A value that differs from the action's after (a person edited it since) is not overwritten
without ``force``: the refusal shows each (audited after → now) and writes nothing. A value
already back to its before is left alone. An email cannot be unsent: the answer says which went.
"""

from __future__ import annotations

from typing import Any

from guide import audit, commands, messages, trail
from guide.actions.context import CustomerWork, Done
from guide.actions.restore import restore, when
from guide.commands import ActionError, AlreadyDone
from guide.trail import TrailEntry
from sheets.schema import AUDIT


def undo(unit: CustomerWork, command: commands.Undo) -> Done:
    c = unit.customer
    found = trail.entries(unit.work.snapshot[AUDIT.name], c.customer_id)
    entry = trail.last_undoable(found)
    if command.audit_id:
        _bound(c.name, command.audit_id, found, entry)
    if entry is None:
        raise ActionError(
            f"Nothing to undo for {c.name}: no action left that undo reverses.", "nothing_to_undo"
        )
    r = restore(unit, entry)
    what = f"the {entry.action} by {entry.who or '?'} at {when(entry)}"
    if r.conflicts and not command.force:
        raise ActionError(
            f"{c.name} changed after {what}; undoing it would overwrite "
            f"(audited after → now): {'; '.join(r.conflicts)}. "
            "Check the sheet, then undo with force to overwrite them.",
            "edited_since",
        )
    forced = f"; forced, overwriting {'; '.join(r.conflicts)}" if r.conflicts else ""
    unit.changes.append(
        AUDIT.name,
        audit.row(
            unit.local,
            command.by,
            trail.UNDO,
            c.customer_id,
            entry.journey_id,
            r.found,
            r.restored,
            f"undid {what}{forced}",
            undoes=entry.audit_id,
        ),
    )
    final = {**audit.fields_of(c), **r.restored.get("onboarding", {})}
    overwrote = f" Overwrote {'; '.join(r.conflicts)}." if r.conflicts else ""
    return Done(
        f"Undid {what} for {c.name}.{overwrote}{_already_out(entry, c.email)}",
        flag=f"{entry.action} undone by {command.by} at {unit.when}",
        buttons=_buttons(final),
    )


def _bound(name: str, audit_id: str, found: list[TrailEntry], last: TrailEntry | None) -> None:
    """An undo bound to one action (a flag's Undo button) undoes that action or nothing."""
    if last is not None and last.audit_id == audit_id:
        return
    bound = next((e for e in found if e.audit_id == audit_id), None)
    if bound is not None and bound.undone_by is not None:
        raise AlreadyDone(f"The {bound.action} of {name} was already undone.")
    later = f": the last is now the {last.action} by {last.who or '?'}" if last else ""
    raise ActionError(
        f"{name} has changed since that action{later}. Nothing was undone; "
        "use the admin command to undo step by step.",
        "not_last",
    )


def _already_out(entry: TrailEntry, email: str) -> str:
    """What the undone action sent: restoring cells does not take it back."""
    if entry.action == "finish":
        return f" The wrap-up email already went to {email}: an email cannot be unsent."
    if entry.action in {"nudge", "send draft"}:
        return f" The reminder already went to {email}: an email cannot be unsent."
    if entry.action == "cancel" and "closing email" in entry.detail:
        return f" The closing email already went to {email}: an email cannot be unsent."
    if entry.action == "hand off":
        to = ((entry.after or {}).get("onboarding") or {}).get("handed_off_to") or "the new owner"
        return f" The Slack message to {to} with the journey so far already went."
    return ""


def _buttons(customer: dict[str, Any]) -> tuple[messages.Button, ...]:
    """The flag's buttons for the customer as the undo leaves them (Task done, when a task is
    open, is added by ``guide.actions.tasks.offer_task_done``)."""
    return messages.buttons_for(
        bool(customer.get("finished")),
        bool(customer.get("paused")),
        str(customer.get("handed_off_to") or ""),
    )
