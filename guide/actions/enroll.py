"""Re-enrolling: a customer starts a new journey today, on the same plan again or another one.

A journey is one run of one plan (``Customer.journey_id``: customer, plan, start day), so the
new start day makes a new journey and the next tick sends its first step. The old journey's
live step rows move to og-sends-archive, as a finish leaves them, so its history stays and its
done links find nothing open.
"""

from __future__ import annotations

from dataclasses import replace

from guide import audit, commands
from guide.actions.context import CustomerWork, Done
from guide.commands import ActionError, AlreadyDone
from guide.workbook import CellValue
from guide.writes import send_values
from sheets.schema import ONBOARDING, SENDS, SENDS_ARCHIVE

# What a new journey starts without: no hold, no hand-off, no Slack flag of the old journey.
_FRESH_STATE: dict[str, CellValue] = {
    "paused_at": "",
    "pause_note": "",
    "paused_by": "",
    "handed_off_to": "",
    "handed_off_at": "",
    "handed_off_by": "",
    "resumed_at": "",
    "flag_channel": "",
    "flag_ts": "",
    "flag_step": "",
    "flag_level": 0,
    "flagged_at": "",
}


def reenroll(unit: CustomerWork, command: commands.Reenroll) -> Done:
    c, book = unit.customer, unit.book
    plan = command.plan.strip()
    if plan not in book.plans:
        known = ", ".join(sorted(book.plans)) or "none (og-plans has no usable plan)"
        asked = f"There is no plan {plan!r}." if plan else "Which plan?"
        raise ActionError(f"{asked} The plans are: {known}.", "unknown_plan")
    today = unit.local.date()
    after = replace(
        c,
        plan=plan,
        started_on=today,
        finished=False,
        finished_on=None,
        finished_by="",
        paused=False,
        handed_off_to="",
    )
    old_journey, new_journey = unit.journey_id, after.journey_id()
    if new_journey == old_journey:
        # The same id again would hand the new journey the old one's done links and rows.
        if not c.finished:
            raise AlreadyDone(f"{c.name} already started plan '{plan}' today ({today}).")
        raise ActionError(
            f"{c.name} started and finished plan '{plan}' today: a new journey on it can "
            "start tomorrow.",
            "same_journey",
        )
    for column, value in (
        ("plan", plan),
        ("started on", today.isoformat()),
        ("finished", False),
        ("finished on", ""),
        ("finished by", ""),
        ("paused", False),
        ("handed off to", ""),
    ):
        unit.changes.set(ONBOARDING.name, c.row, column, value)
    sends = list(book.journey_sends(old_journey).values())
    for send in sends:
        unit.changes.append(SENDS_ARCHIVE.name, {**send_values(send), "archived at": unit.when})
        unit.changes.delete(SENDS.name, send.row)
    unit.states.set(c.customer_id, unit.local, journey_id=new_journey, **_FRESH_STATE)
    state_after = unit.state_after(
        journey_id=new_journey,
        paused_at=None,
        pause_note="",
        paused_by="",
        handed_off_to="",
        handed_off_at=None,
        handed_off_by="",
        resumed_at=None,
        flag_channel="",
        flag_ts="",
        flag_step="",
        flag_level=0,
        flagged_at=None,
    )
    archived = f"; {len(sends)} step rows of {old_journey} archived" if sends else ""
    unit.work.audit(
        command.by,
        "reenroll",
        c.customer_id,
        new_journey,
        audit.view(c, unit.state, sends),
        audit.view(after, state_after, []),
        f"plan '{c.plan}' -> '{plan}', starts {today}{archived}",
    )
    return Done(
        f"Re-enrolled {c.name} on plan '{plan}' from {today} (journey {new_journey}); "
        "the next tick sends its first step.",
        flag=f"re-enrolled on plan '{plan}' by {command.by} at {unit.when}; a new journey starts",
    )
