"""Where each customer stands, per owner: what ``/onboarding`` and the App Home show. Pure.

A ``Card`` is one customer's line: the tick's own status for them (``guide.tick.decide``: state,
step, detail, never worked out a second way), plus what a person scanning a list needs beside
it: step n of m, business days the step has waited, business days past its expected days (the
"days stalled" the ``stalls`` thresholds count), and where the flag is.

Who sees whom: an owner sees the customers whose owner cell names them on og-config's team list
(by name, Slack id or email); the og-config ``manager`` sees every customer of the team.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from guide.model import Book, Config, Customer, TeamMember
from guide.tick.decide import Status, business_days_waited, current_step

STALLED_STATES = ("escalated", "stalled")
DONE_STATES = ("finished", "finishing")


@dataclass(frozen=True)
class Card:
    customer: Customer
    state: str  # the tick's status: new, on track, stalled, escalated, paused, ...
    step: str  # the current step's title, when there is one
    detail: str
    step_number: int  # 1-based; 0 with no plan
    step_count: int
    waited_days: int  # business days since the current step was sent (0 if not sent)
    stalled_days: int  # business days past the step's expected days, when stalled
    journey_id: str
    step_id: str
    flag_channel: str = ""
    flag_ts: str = ""

    @property
    def stalled(self) -> bool:
        return self.state in STALLED_STATES

    @property
    def active(self) -> bool:
        return self.state not in DONE_STATES


def cards(book: Book, statuses: Iterable[Status], today: date) -> list[Card]:
    """Every customer the statuses name, stalled first (escalated, then longest stalled)."""
    by_id = {c.customer_id: c for c in book.customers}
    found = [
        _card(book, by_id[s.customer_id], s, today) for s in statuses if s.customer_id in by_id
    ]
    return sorted(found, key=_rank)


def _rank(card: Card) -> tuple[int, int, str]:
    order = STALLED_STATES.index(card.state) if card.stalled else len(STALLED_STATES)
    return order, -card.stalled_days, card.customer.name.casefold()


def _card(book: Book, customer: Customer, status: Status, today: date) -> Card:
    steps = book.plans.get(customer.plan, [])
    journey_id = customer.journey_id()
    sends = book.journey_sends(journey_id)
    step = current_step(steps, sends)
    state = book.states.get(customer.customer_id)
    waited = stalled = 0
    if step is not None:
        send = sends.get(step.step_id)
        if send is not None and send.sent_at is not None:
            waited = business_days_waited(send, state, today, book.config.holidays)
        if status.state in STALLED_STATES:
            stalled = max(0, waited - step.expected_days)
    number = steps.index(step) + 1 if step is not None else len(steps)
    flag_here = state is not None and state.journey_id == journey_id
    return Card(
        customer,
        status.state,
        status.step,
        status.detail,
        number,
        len(steps),
        waited,
        stalled,
        journey_id,
        step.step_id if step is not None else "",
        state.flag_channel if state is not None and flag_here else "",
        state.flag_ts if state is not None and flag_here else "",
    )


def is_manager(config: Config, user_id: str) -> bool:
    """og-config's manager is a Slack id, or an email or name on the team list."""
    manager = config.manager.strip().casefold()
    if not manager or not user_id:
        return False
    if manager == user_id.casefold():
        return True
    member = config.member(user_id)
    return member is not None and manager in {member.email.casefold(), member.name.casefold()}


def owner_of(config: Config, customer: Customer) -> TeamMember | None:
    return config.member(customer.owner) if customer.owner.strip() else None


def visible_to(config: Config, user_id: str, found: Sequence[Card]) -> list[Card]:
    """The live customers ``user_id`` looks after: their own, or the team's for the manager."""
    live = [c for c in found if c.active]
    if is_manager(config, user_id):
        return live
    member = config.member(user_id) if user_id else None
    if member is None or member.slack_id.casefold() != user_id.casefold():
        return []
    return [c for c in live if _owned_by(config, c.customer, member)]


def _owned_by(config: Config, customer: Customer, member: TeamMember) -> bool:
    owner = owner_of(config, customer)
    return owner is not None and owner.slack_id == member.slack_id


def stalled_for(found: Sequence[Card], at_least: int) -> list[Card]:
    """The stalled, for at least ``at_least`` business days past their step's expected days."""
    return [c for c in found if c.stalled and c.stalled_days >= at_least]


def find(found: Sequence[Card], name: str) -> tuple[Card | None, list[Card]]:
    """(the one card ``name`` means, candidates). An id wins over a company name; a name many
    share, or only part of a name, is never guessed: the candidates go back to the person."""
    key = name.strip().casefold()
    if not key:
        return None, []
    for card in found:
        if card.customer.customer_id.casefold() == key:
            return card, []
    named = [c for c in found if c.customer.company.casefold() == key]
    if len(named) == 1:
        return named[0], []
    if named:
        return None, named
    return None, [c for c in found if key in c.customer.company.casefold()]


def homes(config: Config, found: Sequence[Card]) -> dict[str, list[Card]]:
    """Each Home tab's customers, by Slack user id: every team member with a Slack id (one
    with none left gets an empty Home rather than a stale one), and the manager."""
    users = [m.slack_id for m in config.team if m.slack_id]
    if slack_user_id(config.manager.strip()):
        users.append(config.manager.strip())
    return {user: visible_to(config, user, found) for user in dict.fromkeys(users)}


def slack_user_id(text: str) -> bool:
    """Does this look like a Slack user id (U... or W...), not an email or a name?"""
    return len(text) > 1 and text[0] in "UW" and text.isalnum() and text.upper() == text
