"""Reading what people type: every accepted spelling, and a clear error for everything else."""

from __future__ import annotations

import contextlib
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from guide import cells

TRUE_SPELLINGS = ["TRUE", "true", "Yes", "y", "x", "X", "✓", "✔", "1", True, 1]
FALSE_SPELLINGS = ["FALSE", "no", "", " ", None, "0", False, 0, "-"]


@pytest.mark.parametrize("typed", TRUE_SPELLINGS)
def test_a_ticked_box_may_be_typed_many_ways(typed: object) -> None:
    assert cells.checkbox(typed) is True  # type: ignore[arg-type]


@pytest.mark.parametrize("typed", FALSE_SPELLINGS)
def test_an_empty_box_may_be_typed_many_ways(typed: object) -> None:
    assert cells.checkbox(typed) is False  # type: ignore[arg-type]


@pytest.mark.parametrize("typed", ["maybe", "2", "tru", 7])
def test_anything_else_in_a_box_is_a_problem_not_a_guess(typed: object) -> None:
    with pytest.raises(cells.CellError, match="tick box"):
        cells.checkbox(typed)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "typed",
    [
        "2026-11-03",
        "11/3/2026",
        "11/03/2026",
        46329,
        46329.0,
        "46329",
        "2026/11/03",
        date(2026, 11, 3),
        datetime(2026, 11, 3, 15, 30),
        "2026-11-03 09:00",
    ],
)
def test_the_same_date_in_every_spelling_people_and_sheets_use(typed: object) -> None:
    assert cells.day(typed) == date(2026, 11, 3)  # type: ignore[arg-type]


@pytest.mark.parametrize("typed", ["next tuesday", "13/13/2026", "2026-02-30", True, 12, ""])
def test_a_date_that_is_not_one_is_a_problem(typed: object) -> None:
    with pytest.raises(cells.CellError):
        cells.day(typed)  # type: ignore[arg-type]


def test_an_id_typed_as_a_number_reads_without_a_decimal_point() -> None:
    assert cells.text(1001.0) == "1001"
    assert cells.text(" C7 ") == "C7"


@given(st.dates(min_value=date(1971, 1, 1), max_value=date(2199, 12, 31)))
def test_any_date_survives_every_spelling(day: date) -> None:
    serial = (day - date(1899, 12, 30)).days
    for typed in (
        day.isoformat(),
        f"{day.month}/{day.day}/{day.year}",
        serial,
        str(serial),
        datetime(day.year, day.month, day.day, 17, 45),
    ):
        assert cells.day(typed) == day


@given(
    st.one_of(
        st.text(), st.integers(), st.floats(), st.booleans(), st.none(), st.dates(), st.datetimes()
    )
)
def test_no_cell_value_crashes_a_parser(value: object) -> None:
    for parse in (cells.checkbox, cells.day, cells.optional_day, cells.whole_number, cells.text):
        # A clear problem report is the right answer for junk; any other exception fails.
        with contextlib.suppress(cells.CellError):
            parse(value)  # type: ignore[operator]


@given(st.integers(min_value=0, max_value=10_000))
def test_whole_numbers_read_from_text_numbers_and_floats(n: int) -> None:
    assert cells.whole_number(n) == cells.whole_number(str(n)) == cells.whole_number(float(n)) == n


def test_stamp_reads_back_as_the_same_minute() -> None:
    moment = datetime(2026, 11, 3, 9, 5)
    assert cells.moment(cells.stamp(moment)) == moment
    assert cells.moment(cells.stamp(moment) + "") - moment < timedelta(minutes=1)


NEW_YORK = ZoneInfo("America/New_York")


@pytest.mark.parametrize(
    ("typed", "team_time"),
    [
        ("2026-11-20T10:00:00+01:00", datetime(2026, 11, 20, 4, 0)),
        ("2026-11-20 10:00 -05:00", datetime(2026, 11, 20, 10, 0)),
        ("2026-11-20 10:00 -08:00", datetime(2026, 11, 20, 13, 0)),
        ("2026-11-20T10:00:00Z", datetime(2026, 11, 20, 5, 0)),
        (datetime(2026, 11, 20, 10, 0, tzinfo=UTC), datetime(2026, 11, 20, 5, 0)),
    ],
)
def test_given_a_time_typed_with_an_offset_then_it_reads_as_that_moment_in_team_time(
    typed: object, team_time: datetime
) -> None:
    assert cells.moment(typed, zone=NEW_YORK) == team_time  # type: ignore[arg-type]
    assert cells.optional_moment(typed, zone=NEW_YORK) == team_time  # type: ignore[arg-type]


@pytest.mark.parametrize("typed", ["2026-11-20 10:00", "2026-11-20T10:00:00", "11/20/2026"])
def test_given_a_time_without_an_offset_then_it_is_team_time_as_typed(typed: str) -> None:
    as_typed = datetime.fromisoformat(typed) if "-" in typed else datetime(2026, 11, 20)
    assert cells.moment(typed, zone=NEW_YORK) == as_typed


def test_given_an_offset_that_crosses_midnight_then_the_day_is_the_team_s_day() -> None:
    assert cells.day("2026-11-20T02:00:00Z", zone=NEW_YORK) == date(2026, 11, 19)
