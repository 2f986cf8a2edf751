"""The fast funnel (days as ordinals, the archive read in one pass) gives the very ``Funnel``
and problems the straightforward one (``funnel_reference``) gives, on generated workbooks.

Each seed builds a workbook that has what the fast path takes shortcuts around: stamps in
every form a cell may hold (the guide's own, ISO with a T, a bare day, a date object, a
moment with a zone, unreadable text, a 16-character text that is no moment), a journey's rows
apart and a step archived twice, live sends over archived ones, holidays, weekends, plans
gone, journeys never started, cancellations, and ranges and todays before and after it all.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest

from guide.calendar import business_days_between
from guide.day_numbers import BusinessDayCount
from guide.funnel import funnel
from guide.funnel_journeys import read_archive, read_past
from guide.model import Problem
from guide.reading import read_book
from guide.trail import Reversal, TrailEntry
from sheets.schema import SENDS_ARCHIVE
from tests.builders import config_rows, customer, plan_rows, send, snapshot, table
from tests.unit.funnel_reference import reference_funnel

FIRST = date(2026, 6, 1)  # a Monday
PLANS = ("standard", "premium")
STEP_IDS = {"standard": ("connect", "invite", "checkin"), "premium": ("kickoff", "connect")}


def _day(rng: random.Random, spread: int = 150) -> date:
    return FIRST + timedelta(days=rng.randrange(spread))


def _stamp(rng: random.Random, day: date) -> Any:
    """A moment on ``day`` as some cell might hold it, now and then no moment at all."""
    kind = rng.random()
    hour = rng.randrange(24)
    if kind < 0.6:
        return f"{day.isoformat()} {hour:02d}:{rng.choice((0, 15, 59)):02d}"
    if kind < 0.68:
        return f"{day.isoformat()}T{hour:02d}:30"
    if kind < 0.74:
        return day.isoformat()
    if kind < 0.79:
        return datetime(day.year, day.month, day.day, hour)
    if kind < 0.83:  # late in the evening somewhere east: another day in the team's zone
        return datetime(day.year, day.month, day.day, 23, tzinfo=timezone(timedelta(hours=-9)))
    if kind < 0.86:
        return f"  {day.isoformat()} 09:00 "
    if kind < 0.88:
        return f"{day.isoformat()} 25:00"  # 16 characters, not a moment
    if kind < 0.89:
        return "soon"
    if kind < 0.91:
        return rng.choice((None, "", " "))
    return f"{day.isoformat()} 09:00"


def _workbook(seed: int) -> tuple[Any, list[dict[str, Any]], list[TrailEntry], date]:
    rng = random.Random(seed)
    plans = plan_rows("standard") + [
        {**row, "plan": "premium", "step id": sid, "expected days": days}
        for row, (sid, days) in zip(
            plan_rows("premium"), (("kickoff", 1), ("connect", 4)), strict=False
        )
    ]
    holidays = ", ".join(_day(rng).isoformat() for _ in range(rng.randrange(4)))
    customers, live = [], []
    for n in range(rng.randrange(5, 40)):
        cid, plan = f"C{n}", rng.choice(PLANS)
        started = _day(rng)
        finished = rng.random() < 0.4
        extra: dict[str, Any] = {
            "plan": plan,
            "segment": rng.choice(("", "smb", "mid-market")),
            "started on": started.isoformat() if rng.random() < 0.95 else "",
            "finished": finished,
        }
        if finished and rng.random() < 0.7:
            extra["finished on"] = (started + timedelta(days=rng.randrange(30))).isoformat()
        customers.append(customer(cid, **extra))
        at = started
        for step in STEP_IDS[plan]:
            if rng.random() < 0.3:
                break
            done = at + timedelta(days=rng.randrange(8))
            live.append(
                send(
                    cid,
                    step,
                    _stamp(rng, at),
                    _stamp(rng, done) if rng.random() < 0.7 else "",
                    started=started.isoformat(),
                    plan=plan,
                )
            )
            at = done
    archive: list[dict[str, Any]] = []
    for n in range(rng.randrange(0, 60)):
        # some are live customers' journeys, or their earlier ones; some of plans now gone
        cid = f"C{rng.randrange(50)}" if rng.random() < 0.5 else f"H{n}"
        plan = rng.choice((*PLANS, "retired"))
        started = _day(rng)
        start_text = started.isoformat() if rng.random() < 0.95 else "unstarted"
        at, archived = started, _stamp(rng, started + timedelta(days=rng.randrange(20, 60)))
        for step in STEP_IDS.get(plan, ("connect", "legacy")):
            if rng.random() < 0.15:
                continue
            done = at + timedelta(days=rng.randrange(8))
            archive.append(
                {
                    **send(cid, step, _stamp(rng, at), "", started=start_text, plan=plan),
                    "done at": _stamp(rng, done) if rng.random() < 0.85 else "",
                    # archived a second time now and then, earlier or later
                    "archived at": rng.choice(
                        (archived, archived, archived, "", _stamp(rng, _day(rng)))
                    ),
                }
            )
            at = done
    rng.shuffle(archive)  # a journey's rows apart, and then some twice
    archive += [dict(r, **{"sent at": _stamp(rng, _day(rng))}) for r in archive[:3]]
    archive.append({"journey id": "", "step id": "connect", "sent at": "soon"})
    audit = [
        TrailEntry(
            row=2 + i,
            audit_id=f"a{i}",
            at=datetime(2026, 11, 1, 9),
            who="Sam",
            action=rng.choice(("cancel", "nudge")),
            customer_id="",
            journey_id=r["journey id"],
            detail="",
            undoes="",
            before=None,
            after=None,
            undone_by=None if rng.random() < 0.8 else Reversal("a9", "Sam", None),
        )
        for i, r in enumerate(rng.sample(archive, min(3, len(archive))))
    ]
    book = read_book(
        snapshot(customers, sends=live, plans=plans, config=config_rows(holidays=holidays))
    )
    return book, archive, audit, _day(rng, 200)


@pytest.mark.parametrize("seed", range(40))
def test_given_a_generated_workbook_the_fast_funnel_is_the_straightforward_one(seed: int) -> None:
    book, rows, audit, today = _workbook(seed)
    rng = random.Random(-seed)
    start, end = sorted((_day(rng, 200), _day(rng, 200)))
    zone = UTC if seed % 2 else timezone(timedelta(hours=5))
    slow_problems: list[Problem] = []
    archive = read_archive(table(SENDS_ARCHIVE.name, rows), zone, slow_problems)
    expected = reference_funnel(book, archive, audit, start, end, today)

    fast_problems: list[Problem] = []
    past = read_past(table(SENDS_ARCHIVE.name, rows), zone, fast_problems)

    assert funnel(book, past, audit, start, end, today=today) == expected
    assert funnel(book, archive, audit, start, end, today=today) == expected
    assert fast_problems == slow_problems


def test_given_holidays_business_days_between_ordinals_are_the_calendars() -> None:
    """Every pair of days over seven weeks, holidays on a weekday, a weekend and twice."""
    holidays = [date(2026, 12, 24), date(2026, 12, 25), date(2026, 12, 26), date(2026, 12, 25)]
    count = BusinessDayCount(holidays)
    days = [date(2026, 12, 1) + timedelta(days=n) for n in range(50)]
    for a in days:
        for b in days:
            expected = business_days_between(a, b, holidays)
            assert count.between(a.toordinal(), b.toordinal()) == expected, (a, b)
