"""What the tick records in the sheet alone: a new row enrolled, and a person's edit noticed."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

from guide import audit, writes
from guide.cells import stamp
from guide.tick.decide import Enroll, NoticeResume
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
