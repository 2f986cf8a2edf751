"""The tick's fast readers (by position, each stamp parsed once) give the very records and
problems the straightforward ones (``reading_reference``) give, on generated tabs.

The generated cells hold what the shortcuts go around: stamps in every form a cell may hold
(the guide's own, with a T, a bare day, a date object, a moment with a zone, a serial number,
unreadable text, a 16-character text that is no moment), blank and short rows (Google leaves a
row's empty cells off its end), repeated steps, and columns in another order or missing.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from guide import cells
from guide.model import Problem, Step
from guide.reading import _read_sends, read_book
from guide.reading_onboarding import read_customers
from guide.stalls.activity import read_activity
from guide.workbook import Table
from sheets.schema import ACTIVITY, ONBOARDING, SENDS
from tests.builders import customer, snapshot
from tests.unit.reading_reference import (
    reference_activity,
    reference_customers,
    reference_sends,
)

ZONE = ZoneInfo("America/New_York")
FIRST = date(2026, 6, 1)


def _stamp(rng: random.Random) -> Any:
    day = FIRST + timedelta(days=rng.randrange(20))
    kind = rng.random()
    if kind < 0.5:
        return f"{day.isoformat()} {rng.choice((9, 14)):02d}:00"
    return rng.choice(
        (
            f"{day.isoformat()}T10:30",
            day.isoformat(),
            day,
            datetime(day.year, day.month, day.day, 23),
            datetime(day.year, day.month, day.day, 23, tzinfo=timezone(timedelta(hours=-9))),
            f"  {day.isoformat()} 09:00 ",
            f"{day.isoformat()} 25:00",
            "11/3/2026",
            46000,
            46000.5,
            True,
            "soon",
            None,
            "",
            " ",
        )
    )


def _rows(rng: random.Random, header: list[str], cell: dict[str, Any]) -> list[list[Any]]:
    rows: list[list[Any]] = []
    for _ in range(rng.randrange(60)):
        if rng.random() < 0.05:
            rows.append(rng.choice(([], [None, " "], [""])))
            continue
        row = [cell[name]() if name in cell else "" for name in header]
        while row and rng.random() < 0.3 and row[-1] in ("", None):
            row.pop()  # Google leaves a row's empty cells off its end
        if rng.random() < 0.2:
            row = row[: rng.randrange(len(row) + 1)]
        rows.append(row)
    return rows


def _header(rng: random.Random, columns: tuple[str, ...], optional: tuple[str, ...]) -> list[str]:
    header = [c for c in columns if c not in optional or rng.random() < 0.7]
    rng.shuffle(header)
    return [*header, "a person's notes"]


@pytest.mark.parametrize("seed", range(40))
def test_given_generated_og_sends_then_the_fast_reader_gives_the_reference_sends_and_problems(
    seed: int,
) -> None:
    rng = random.Random(seed)
    header = _header(rng, SENDS.columns, ("last reminded", "done by", "customer id"))
    cell = {
        "journey id": lambda: rng.choice(("J1", "J2", "J3", "", " J1 ")),
        "customer id": lambda: rng.choice(("C1", "C2", 7, 7.0, None)),
        "step id": lambda: rng.choice(("connect", "invite", "", None)),
        "sent at": lambda: _stamp(rng),
        "done at": lambda: _stamp(rng) if rng.random() < 0.6 else None,
        "done by": lambda: rng.choice(("customer", "", None)),
        "reminders sent": lambda: rng.choice((0, 2, -1, 1.0, 1.5, "3", "x", "", None, True)),
        "last reminded": lambda: _stamp(rng) if rng.random() < 0.3 else None,
        "a person's notes": lambda: rng.choice(("", "called them")),
    }
    tab = Table(SENDS.name, header, _rows(rng, header, cell))
    fast: list[Problem] = []
    slow: list[Problem] = []
    assert _read_sends(tab, fast, ZONE) == reference_sends(tab, slow, ZONE)
    assert fast == slow


@pytest.mark.parametrize("seed", range(40))
def test_given_generated_og_onboarding_then_the_fast_reader_gives_the_reference_customers(
    seed: int,
) -> None:
    rng = random.Random(seed)
    header = _header(rng, ONBOARDING.columns, ("segment", "finished by", "contact name"))
    cell = {
        "customer id": lambda: rng.choice(("C1", "C2", "C3", " C4 ", "", None, 5, 5.0)),
        "company": lambda: rng.choice(("Acme", "", None, 3)),
        "contact email": lambda: rng.choice(("a@x.io", " b@x.io ", "a b@x.io", "nope", "", None)),
        "plan": lambda: rng.choice(("growth", "growth", "other", "", None)),
        "owner": lambda: rng.choice(("Sam", "", None)),
        "segment": lambda: rng.choice(("smb", "Enterprise", "", None)),
        "started on": lambda: _stamp(rng),
        "paused": lambda: rng.choice((True, False, "TRUE", "no", "x", "maybe", 0, 2, "", None)),
        "handed off to": lambda: rng.choice(("", "Alex", None)),
        "finished": lambda: rng.choice((False, False, True, "yes", "?", "", None)),
        "finished on": lambda: _stamp(rng) if rng.random() < 0.3 else None,
        "finished by": lambda: rng.choice(("", "Sam", None)),
    }
    tab = Table(ONBOARDING.name, header, _rows(rng, header, cell))
    plans: dict[str, list[Step]] = {"growth": []}
    fast: list[Problem] = []
    slow: list[Problem] = []
    assert read_customers(tab, plans, fast, ZONE) == reference_customers(tab, plans, slow, ZONE)
    assert fast == slow


@pytest.mark.parametrize("seed", range(40))
def test_given_generated_og_activity_then_the_fast_fold_gives_the_reference_fold_and_problems(
    seed: int,
) -> None:
    rng = random.Random(seed)
    header = _header(rng, ACTIVITY.columns, ("name", "detail"))
    cell = {
        "at": lambda: _stamp(rng),
        "customer id": lambda: rng.choice(("C1", "C2", " C1", "", None, 3)),
        "kind": lambda: rng.choice(
            ("activity", "response", "event", "mail event", "Event", "", "x")
        ),
        "name": lambda: rng.choice(("login", "user.activated", "bounce", "", None)),
    }
    tab = Table(ACTIVITY.name, header, _rows(rng, header, cell))
    fast: list[Problem] = []
    slow: list[Problem] = []
    assert read_activity(tab, fast, ZONE) == reference_activity(tab, slow, ZONE)
    assert fast == slow


def test_given_start_days_typed_every_way_then_each_customer_reads_its_own_day() -> None:
    """Start days are parsed once per distinct text: a repeat reads the same day, an
    unreadable one is a problem on every row that holds it."""
    days = ["2026-06-01", "6/2/2026", "2026-06-01", "soon", date(2026, 6, 3), "soon", ""]
    rows = [customer(f"C{i}", **{"started on": d}) for i, d in enumerate(days)]
    book = read_book(snapshot(rows))
    started = {c.customer_id: c.started_on for c in book.customers}
    assert started == {
        "C0": date(2026, 6, 1),
        "C1": date(2026, 6, 2),
        "C2": date(2026, 6, 1),
        "C4": date(2026, 6, 3),
        "C6": None,
    }
    assert [(p.row, p.column) for p in book.problems if p.column == "started on"] == [
        (5, "started on"),
        (7, "started on"),
    ]


_CELL = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 50000),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(("", " ", "2026-06-01 09:00", "2026-06-01", "6/1/2026", "soon", "46000")),
    st.dates(date(2000, 1, 1), date(2100, 1, 1)),
)


@given(st.lists(_CELL, max_size=30))
def test_remembered_moments_read_every_cell_as_optional_moment_does(values: list[Any]) -> None:
    """Given cells in any order, repeats and all, when read through ``Moments``, then each
    reads as ``optional_moment`` reads it (True is not 1) or raises as it raises."""
    moments = cells.Moments(ZONE)
    for value in values:
        try:
            expected: Any = cells.optional_moment(value, zone=ZONE)
        except cells.CellError as err:
            expected = str(err)
        try:
            found: Any = moments[value]
        except cells.CellError as err:
            found = str(err)
        assert found == expected


@given(
    st.lists(
        st.lists(st.sampled_from((None, "", " ", "a", "b", 1, 0.5, True)), max_size=6),
        max_size=12,
    ),
    st.permutations(("customer id", "kind", "at", "name", "detail")),
    st.lists(st.sampled_from(("customer id", "kind", "at", "name", "detail")), max_size=5),
)
def test_table_columns_give_each_record_s_values_by_position(
    rows: list[list[Any]], header: list[str], names: list[str]
) -> None:
    """Given any rows (short, blank, longer than the header) and a header in any order, maybe
    missing a column, ``columns`` gives, row by row, what ``records`` gives by name."""
    tab = Table(ACTIVITY.name, header[:4], rows)
    expected = [(row, [r.get(n) for n in names]) for row, r in tab.records()]
    assert [(row, list(v)) for row, v in tab.columns(*names)] == expected
