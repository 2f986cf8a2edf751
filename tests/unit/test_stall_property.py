"""A property: a customer who has done every step on time is never stalled.

Given any plan (steps of 1 to 10 expected days, in phases, stretched for the customer's segment
or not), team holidays, and a customer who did each step within its expected business days (the
next step going out one or two business days later) and now has the current step for no longer
than it is expected to take, when the setup's rules (every one switched on) assess them, then no
rule fires.
"""

from __future__ import annotations

import math
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from guide.calendar import business_days_between
from guide.stalls import defaults
from guide.stalls.timeline import add_business_days
from tests.stall_world import World, step

MONDAY = date(2026, 11, 2)
RULES = [{**r, "enabled": True} for r in defaults.STALL_RULES]


@st.composite
def on_time(draw: st.DrawFn) -> tuple[World, date]:
    count = draw(st.integers(1, 6))
    expected = draw(st.lists(st.integers(1, 10), min_size=count, max_size=count))
    phases = draw(
        st.lists(st.sampled_from(["", "Setup", "Launch"]), min_size=count, max_size=count)
    )
    stretch = draw(st.sampled_from([None, 1.5, 2.0]))
    holidays = sorted(
        draw(st.sets(st.integers(0, 60).map(lambda d: MONDAY + timedelta(days=d)), max_size=4))
    )
    start = MONDAY + timedelta(days=draw(st.integers(0, 4)))
    if start in holidays:
        holidays.remove(start)
    steps = [
        step(f"s{i}", days, i + 1, phase=phase)
        for i, (days, phase) in enumerate(zip(expected, phases, strict=True))
    ]
    allowed = [math.ceil(d * stretch) if stretch else d for d in expected]
    done_count = draw(st.integers(0, count - 1))
    sends, sent = [], start
    for i in range(done_count):
        took = draw(st.integers(0, allowed[i]))
        done = add_business_days(sent, took, holidays)
        sends.append((f"s{i}", f"{sent} 09:00", f"{done} 16:00"))
        sent = add_business_days(done, draw(st.integers(1, 2)), holidays)
    sends.append((f"s{done_count}", f"{sent} 09:00", ""))
    today = add_business_days(sent, draw(st.integers(0, allowed[done_count])), holidays)
    assert business_days_between(sent, today, holidays) <= allowed[done_count]
    world = World(
        steps,
        sends,
        rules=RULES,
        segments=[{"segment": "smb", "multiplier": stretch}] if stretch else [],
        holidays=", ".join(str(h) for h in holidays),
        customer={"started on": str(start)},
    )
    return world, today


@settings(max_examples=150, deadline=None)
@given(on_time())
def test_a_customer_with_every_step_done_on_time_is_never_stalled(case: tuple[World, date]) -> None:
    world, today = case
    found = world.on(today)
    assert found.severity is None, found.fired
