"""Steps a product event does: og-plans "done when" names an og-activity event, and seeing it
since the journey started does the step, whether or not its email went out."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time
from functools import lru_cache
from typing import NamedTuple

from guide.model import Book, Customer, StepSend
from guide.stalls.model import StallInputs
from guide.stalls.timeline import customer_timeline


class DoneByEvent(NamedTuple):
    journey_id: str
    step_id: str
    at: datetime


def steps_done_by_events(book: Book, extra: StallInputs, customer: Customer) -> list[DoneByEvent]:
    """Steps of the customer's journey not yet done whose og-plans "done when" event has been
    seen in og-activity since the journey started: for the tick to record as done, by the
    event. A step not sent yet is among them: it need never be sent."""
    journey_id = customer.journey_id()
    return events_done(book, extra, customer, journey_id, book.journey_sends(journey_id))


def events_done(
    book: Book,
    extra: StallInputs,
    customer: Customer,
    journey_id: str,
    sends: Mapping[str, StepSend],
) -> list[DoneByEvent]:
    """``steps_done_by_events``, given the journey's id and sends the tick has looked up."""
    if customer.finished or customer.plan not in book.plans:
        return []
    heard = extra.heard.get(customer.customer_id)
    if heard is None or not heard.events:
        return []
    by_event = customer_timeline(book, extra, customer).by_event
    if not by_event:
        return []
    start = journey_start(customer)
    found = []
    for t in by_event:
        if t.done_when not in heard.events:
            continue  # never seen: the usual case, asked of every customer every tick
        send = sends.get(t.step.step_id)
        if t.done_when and not (send is not None and send.done_at is not None):
            at = heard.event_since(t.done_when, start)
            if at is not None:
                found.append(DoneByEvent(journey_id, t.step.step_id, at))
    return found


def journey_start(customer: Customer) -> datetime | None:
    """The start of the journey's first day: events before it belong to an earlier one."""
    return _midnight(customer.started_on) if customer.started_on else None


@lru_cache(maxsize=4096)  # thousands of customers started on the same few hundred days
def _midnight(day: date) -> datetime:
    return datetime.combine(day, time())
