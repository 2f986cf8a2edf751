"""Business days: stalls are counted in working days, skipping weekends and holidays."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from guide.calendar import business_days_between, is_business_day

FRIDAY = date(2026, 11, 6)
MONDAY = date(2026, 11, 9)
THANKSGIVING = date(2026, 11, 26)


def test_friday_to_monday_is_one_business_day() -> None:
    assert business_days_between(FRIDAY, MONDAY) == 1


def test_the_same_day_and_earlier_days_count_zero() -> None:
    assert business_days_between(MONDAY, MONDAY) == 0
    assert business_days_between(MONDAY, FRIDAY) == 0


def test_a_holiday_on_a_weekday_does_not_count() -> None:
    wed, fri = date(2026, 11, 25), date(2026, 11, 27)
    assert business_days_between(wed, fri) == 2
    assert business_days_between(wed, fri, {THANKSGIVING}) == 1


def test_a_holiday_on_a_weekend_is_not_subtracted_twice() -> None:
    saturday = date(2026, 11, 7)
    assert business_days_between(FRIDAY, MONDAY, [saturday, saturday]) == 1


def test_two_full_weeks_are_ten_business_days() -> None:
    assert business_days_between(MONDAY, MONDAY + timedelta(days=14)) == 10


def brute_force(start: date, end: date, holidays: set[date]) -> int:
    days = (end - start).days
    return sum(
        1 for i in range(1, days + 1) if is_business_day(start + timedelta(days=i), holidays)
    )


@given(
    st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 1, 1)),
    st.integers(min_value=0, max_value=400),
    st.sets(st.dates(min_value=date(2020, 1, 1), max_value=date(2031, 3, 1)), max_size=20),
)
def test_the_fast_count_agrees_with_counting_day_by_day(
    start: date, span: int, holidays: set[date]
) -> None:
    end = start + timedelta(days=span)
    assert business_days_between(start, end, holidays) == brute_force(start, end, holidays)
