"""The kinds of stall the fired rules point at, each with its interventions in og-interventions:
a step of ours, an email that went to spam, a long or confusing step, a customer busy or who
forgot, or one gone quiet since buying."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from guide.model import StepSend
from guide.stalls.model import (
    BUSY_OR_FORGOT,
    EMAIL_SPAM,
    INTEGRATION_PENDING,
    INTERNAL_BLOCKER,
    LONG_STEP,
    NO_ACTIVITY,
    NO_RESPONSE,
    NOT_ACTIVATED,
    QUIET_AFTER_PURCHASE,
    STALL_KINDS,
    FiredRule,
    Heard,
)
from guide.stalls.timeline import TimedStep, Timeline


def stall_kinds(
    fired: Sequence[FiredRule],
    current: TimedStep,
    timeline: Timeline,
    sends: Mapping[str, StepSend],
    done_at: Mapping[str, datetime | None],
    heard: Heard,
    start: datetime | None,
) -> tuple[str, ...]:
    """The kinds, in og-interventions' order, of the stall ``fired`` makes: ``current`` is the
    customer's step in hand, ``done_at`` when each done step was done, ``start`` the start
    of the journey."""
    if not fired:
        return ()
    found: set[str] = set()
    heard_in_journey = any(done_at.values()) or bool(
        heard.last_heard and (start is None or heard.last_heard >= start)
    )
    for f in fired:
        t = timeline.step(f.step_id) if f.step_id else current
        if t is None:
            continue
        if f.condition in (NO_ACTIVITY, NO_RESPONSE):
            found.add(BUSY_OR_FORGOT if heard_in_journey else QUIET_AFTER_PURCHASE)
            if f.condition == NO_RESPONSE and not heard_in_journey:
                found.add(EMAIL_SPAM)
        elif t.step.owned_by == "us":
            found.add(INTERNAL_BLOCKER)
        elif f.condition in (NOT_ACTIVATED, INTEGRATION_PENDING) or _heard_since(t, sends, heard):
            found.add(LONG_STEP)
        else:
            found.add(BUSY_OR_FORGOT if heard_in_journey else QUIET_AFTER_PURCHASE)
    trouble = heard.mail_trouble
    if trouble and (start is None or trouble >= start):
        found.add(EMAIL_SPAM)
    return tuple(k for k in STALL_KINDS if k in found)


def _heard_since(t: TimedStep, sends: Mapping[str, StepSend], heard: Heard) -> bool:
    """Whether the customer did anything since the step's email went out."""
    send = sends.get(t.step.step_id)
    last = heard.last_heard
    return bool(send and send.sent_at and last and last >= send.sent_at)
