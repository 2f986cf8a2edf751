"""Days as ordinals (``date.toordinal``) for the funnel, which handles hundreds of thousands.

- ``StampDays``: a cell's day as an ordinal, 0 for an empty cell, read the way
  ``funnel_journeys.read_archive`` reads it but remembered per distinct text: the guide's own
  stamps ("YYYY-MM-DD HH:MM") repeat a few thousand days and times over a whole archive.
- ``BusinessDayCount``: business days between two ordinals by prefix counts, exactly
  ``calendar.business_days_between``: a count of business days up to each day, so a span is
  one subtraction instead of a walk over the days.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Collection
from datetime import date, datetime

from guide.workbook import CellValue

NO_DAY = 0  # no ordinal is 0 (1 is 0001-01-01), so a missing day reads as false


class StampDays(dict[CellValue, int]):
    """Cell value -> the ordinal of its day (``NO_DAY`` if empty), learnt on first sight.

    ``slow`` is the reference reading (a moment or None, raising ``cells.CellError``); only
    text and None are remembered, because a dict would take ``True`` for ``1`` and two aware
    moments of the same instant for one. A stamp whose date and time parts were each seen
    valid before is known without a parse: an ISO date of 10 characters fixes where the time
    starts, and the time part is read the same whatever the date."""

    def __init__(self, slow: Callable[[CellValue], datetime | None]) -> None:
        super().__init__()
        self._slow = slow
        self._dates: dict[str, int] = {}
        self._times: set[str] = set()

    def __missing__(self, value: CellValue) -> int:
        if type(value) is str and len(value) == 16:
            day, time = self._dates.get(value[:10]), value[10:]
            if day is not None and time in self._times:
                self[value] = day
                return day
        moment = self._slow(value)  # raises for a cell that is not a moment: not remembered
        found = moment.toordinal() if moment is not None else NO_DAY
        if type(value) is str or value is None:
            self[value] = found
        if type(value) is str and len(value) == 16 and found:
            date_part, time_part = value[:10], value[10:]
            if _iso_date(date_part) == found and _iso_time(time_part):
                self._dates[date_part] = found
                self._times.add(time_part)
        return found


def _iso_date(text: str) -> int:
    if len(text) != 10 or text[4] != "-" or text[7] != "-":
        return NO_DAY
    try:
        return date.fromisoformat(text).toordinal()
    except ValueError:
        return NO_DAY


def _iso_time(part: str) -> bool:
    """Whether ``part`` (a separator and a time) makes a moment after any 10-character date."""
    try:
        datetime.fromisoformat("2000-01-01" + part)
    except ValueError:
        return False
    return True


class BusinessDayCount(dict[int, int]):
    """Ordinal -> business days from 0001-01-01 to it, included; weekends and the holidays
    not counted. ``between(a, b)`` is ``calendar.business_days_between`` on ordinals."""

    def __init__(self, holidays: Collection[date]) -> None:
        super().__init__()
        self._holidays = sorted({h.toordinal() for h in holidays if h.weekday() < 5})

    def __missing__(self, day: int) -> int:
        # Ordinal 1 is a Monday: each whole week has 5 weekdays, and the days of a part week
        # are Monday onwards.
        weeks, extra = divmod(day, 7)
        count = weeks * 5 + min(extra, 5) - bisect_right(self._holidays, day)
        self[day] = count
        return count

    def between(self, start: int, end: int) -> int:
        return self[end] - self[start] if end > start else 0
