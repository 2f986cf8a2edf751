"""Business days (weekends and the team's holidays do not count toward a stall) and team time."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime
from zoneinfo import ZoneInfo


def is_business_day(day: date, holidays: Collection[date]) -> bool:
    return day.weekday() < 5 and day not in holidays


def business_days_between(start: date, end: date, holidays: Collection[date] = ()) -> int:
    """Business days after ``start`` up to and including ``end`` (0 if end <= start).

    A step sent on Friday and still open on Monday has waited one business day.
    """
    if end <= start:
        return 0
    count = _weekdays_to(end.toordinal()) - _weekdays_to(start.toordinal())
    if holidays:
        unique = holidays if isinstance(holidays, set | frozenset) else set(holidays)
        count -= sum(1 for h in unique if start < h <= end and h.weekday() < 5)
    return count


def _weekdays_to(ordinal: int) -> int:
    """Weekdays from 1 January of year 1 (a Monday, ordinal 1) up to ``ordinal``, included:
    a tick counts days for every customer, so by arithmetic rather than a walk over them."""
    weeks, extra = divmod(ordinal, 7)
    return weeks * 5 + min(extra, 5)


def team_time(now: datetime, timezone: str) -> datetime:
    """The moment in the team's time zone, naive: how the sheet shows times."""
    return now.astimezone(ZoneInfo(timezone)).replace(tzinfo=None)
