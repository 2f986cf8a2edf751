"""Business days (weekends and the team's holidays do not count toward a stall) and team time."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo


def is_business_day(day: date, holidays: Collection[date]) -> bool:
    return day.weekday() < 5 and day not in holidays


def business_days_between(start: date, end: date, holidays: Collection[date] = ()) -> int:
    """Business days after ``start`` up to and including ``end`` (0 if end <= start).

    A step sent on Friday and still open on Monday has waited one business day.
    """
    if end <= start:
        return 0
    total_days = (end - start).days
    full_weeks, extra = divmod(total_days, 7)
    count = full_weeks * 5
    for offset in range(1, extra + 1):
        if (start + timedelta(days=offset)).weekday() < 5:
            count += 1
    count -= sum(1 for h in set(holidays) if start < h <= end and h.weekday() < 5)
    return count


def team_time(now: datetime, timezone: str) -> datetime:
    """The moment in the team's time zone, naive: how the sheet shows times."""
    return now.astimezone(ZoneInfo(timezone)).replace(tzinfo=None)
