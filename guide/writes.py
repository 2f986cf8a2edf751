"""How each thing the guide does is written down: the cells, rows and audit entries it changes.

Every function adds to one ``Changes`` so a whole tick or action lands in one write.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

from guide import audit
from guide.cells import stamp
from guide.model import Customer, GuideState, StepSend
from guide.workbook import CellValue, Changes
from sheets.schema import AUDIT, ONBOARDING, SENDS, SENDS_ARCHIVE, STATE


class StateUpdates:
    """Collects og-state changes per customer so several in one unit of work make one row."""

    def __init__(self, states: dict[str, GuideState]):
        self._states = states
        self._pending: dict[str, dict[str, CellValue]] = {}

    def set(self, customer_id: str, at: datetime, **values: CellValue) -> None:
        pending = self._pending.setdefault(customer_id, {})
        pending.update({k.replace("_", " "): v for k, v in values.items()})
        pending["updated at"] = stamp(at)

    def write(self, changes: Changes) -> None:
        for customer_id, values in self._pending.items():
            existing = self._states.get(customer_id)
            if existing is None:
                changes.append(STATE.name, {"customer id": customer_id, **values})
            else:
                for column, value in values.items():
                    changes.set(STATE.name, existing.row, column, value)
        self._pending.clear()


def enroll(changes: Changes, customer: Customer, started_on: date, at: datetime) -> None:
    changes.set(ONBOARDING.name, customer.row, "started on", started_on.isoformat())
    after = replace(customer, started_on=started_on)
    changes.append(
        AUDIT.name,
        audit.row(
            at,
            "guide",
            "enroll",
            customer.customer_id,
            customer.journey_id(started_on),
            audit.view(customer),
            audit.view(after),
            f"journey starts {started_on}",
        ),
    )


def step_sent(
    changes: Changes,
    customer: Customer,
    journey_id: str,
    step_id: str,
    existing: StepSend | None,
    sent_at: datetime,
    at: datetime,
) -> None:
    if existing is not None:  # a row a person left with no 'sent at': fill it in
        changes.set(SENDS.name, existing.row, "sent at", stamp(sent_at))
    else:
        changes.append(
            SENDS.name,
            {
                "journey id": journey_id,
                "customer id": customer.customer_id,
                "step id": step_id,
                "sent at": stamp(sent_at),
                "reminders sent": 0,
            },
        )
    changes.append(
        AUDIT.name,
        audit.row(
            at,
            "guide",
            "send step",
            customer.customer_id,
            journey_id,
            detail=f"step {step_id} emailed to {customer.email} at {stamp(sent_at)}",
        ),
    )


def finish(
    changes: Changes,
    customer: Customer,
    journey_id: str,
    sends: list[StepSend],
    state: GuideState | None,
    by: str,
    at: datetime,
    finished_by: str = "",
    was: Customer | None = None,
    action: str = "finish",
    detail: str = "",
) -> None:
    """Row stamped, journey archived, live send rows cleared, audit with how long it took.
    ``by`` is who the audit names; ``finished_by`` what the row says, for a person to read
    (``by`` unless given). ``was`` is the row before, when a person already ticked it.
    ``action`` and ``detail`` are for an ending that is not a finish (a cancel)."""
    finished_by = finished_by or by
    changes.set(ONBOARDING.name, customer.row, "finished", True)
    changes.set(ONBOARDING.name, customer.row, "finished on", at.date().isoformat())
    changes.set(ONBOARDING.name, customer.row, "finished by", finished_by)
    for send in sends:
        changes.append(SENDS_ARCHIVE.name, {**send_values(send), "archived at": stamp(at)})
        changes.delete(SENDS.name, send.row)
    after = replace(customer, finished=True, finished_on=at.date(), finished_by=finished_by)
    took = f"took {(at.date() - customer.started_on).days} days" if customer.started_on else ""
    changes.append(
        AUDIT.name,
        audit.row(
            at,
            by,
            action,
            customer.customer_id,
            journey_id,
            audit.view(was or customer, state, sends),
            audit.view(after, state, []),
            "; ".join(filter(None, (detail, took))),
        ),
    )


def send_values(send: StepSend) -> dict[str, CellValue]:
    def moment(value: datetime | None) -> str:
        return stamp(value) if value else ""

    return {
        "journey id": send.journey_id,
        "customer id": send.customer_id,
        "step id": send.step_id,
        "sent at": moment(send.sent_at),
        "done at": moment(send.done_at),
        "done by": send.done_by,
        "reminders sent": send.reminders,
        "last reminded": moment(send.last_reminded),
    }
