"""What every kind of tick effect works with: the unit of work, the report, and the customers as
the tick has changed them so far."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from guide.model import Customer, Problem, Step
from guide.tick.report import TickReport
from guide.unit_of_work import Work

Receipt = dict[str, Any]  # what an outside effect returned, as the ledger stored it


@dataclass
class Outside:
    """One outside effect: run once through the ledger, then recorded with its receipt."""

    key: str
    customer_id: str
    run: Callable[[], Receipt]
    record: Callable[[Receipt], None]


@dataclass
class TickContext:
    work: Work
    report: TickReport
    started: dict[str, Customer] = field(default_factory=dict)  # enrolled by this tick
    # customer id -> (step id, channel, ts) of a flag this tick posted or updated
    flags: dict[str, tuple[str, str, str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.customers = {c.customer_id: c for c in self.work.book.customers}

    def customer(self, customer_id: str) -> Customer:
        return self.started.get(customer_id) or self.customers[customer_id]

    def step(self, customer: Customer, step_id: str) -> Step:
        return next(s for s in self.work.book.plans[customer.plan] if s.step_id == step_id)

    def live_flag(self, customer_id: str, journey_id: str, step_id: str) -> tuple[str, str] | None:
        """(channel, ts) of the customer's flag for this step, posted today or before, if any."""
        posted = self.flags.get(customer_id)
        if posted is not None and posted[0] == step_id:
            return posted[1], posted[2]
        state = self.work.book.states.get(customer_id)
        if (
            state is not None
            and (state.journey_id, state.flag_step) == (journey_id, step_id)
            and state.flag_channel
            and state.flag_ts
        ):
            return state.flag_channel, state.flag_ts
        return None

    def problem(self, column: str, message: str, customer_id: str) -> None:
        self.report.failures.append(Problem("og-config", None, column, message, customer_id))
