"""What stall intelligence records in the sheet alone: a step done by a product event, and the
intervention task a new stall brings."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from guide import audit
from guide.cells import stamp
from guide.model import StepSend
from guide.stalls.timeline import add_business_days
from guide.tick.decide import DoneByEvent, OpenTask
from guide.tick.effects.context import TickContext
from sheets.schema import SENDS, TASKS


def done_by_event(tick: TickContext, effect: DoneByEvent) -> None:
    """og-sends records the step done at the event's time, by "event <name>", audited as a
    done link would be. A step never sent gets the event's time as its 'sent at': nobody will
    mail a step the customer has already done."""
    work = tick.work
    customer = tick.customer(effect.customer_id)
    by, at = f"event {effect.event}", stamp(effect.at)
    existing = work.book.journey_sends(effect.journey_id).get(effect.step_id)
    if existing is not None:
        work.changes.set(SENDS.name, existing.row, "done at", at)
        work.changes.set(SENDS.name, existing.row, "done by", by)
        before = [existing]
        after = replace(existing, done_at=effect.at, done_by=by)
        if existing.sent_at is None:
            work.changes.set(SENDS.name, existing.row, "sent at", at)
            after = replace(after, sent_at=effect.at)
    else:
        work.changes.append(
            SENDS.name,
            {
                "journey id": effect.journey_id,
                "customer id": effect.customer_id,
                "step id": effect.step_id,
                "sent at": at,
                "done at": at,
                "done by": by,
                "reminders sent": 0,
            },
        )
        before = []
        after = StepSend(
            0, effect.journey_id, effect.customer_id, effect.step_id, effect.at, effect.at, by, 0,
            None,
        )  # fmt: skip
    work.audit(
        by,
        "done",
        customer.customer_id,
        effect.journey_id,
        audit.view(customer, sends=before),
        audit.view(customer, sends=[after]),
        f"step {effect.step_id} done by the event {effect.event} at {at}",
    )


def open_task(tick: TickContext, effect: OpenTask) -> None:
    """An og-tasks row for the owner, due 24 business hours from now (the same time on the next
    business day), open until somebody marks it done."""
    work = tick.work
    table = work.snapshot.tables.get(TASKS.name)
    if table is None or not table.exists:
        return  # the tick's problems already say to run the setup command
    holidays = work.book.config.holidays
    due = datetime.combine(add_business_days(work.local.date(), 1, holidays), work.local.time())
    task_id = f"T-{effect.customer_id}-{work.local:%Y%m%d}"
    work.changes.append(
        TASKS.name,
        {
            "task id": task_id,
            "customer id": effect.customer_id,
            "title": effect.title,
            "owner": effect.owner,
            "due": stamp(due),
            "status": "open",
            "created at": work.when,
        },
    )
    work.audit(
        "guide",
        "open task",
        effect.customer_id,
        detail=f"{task_id}: {effect.title}, for {effect.owner}, due {stamp(due)}",
    )
