"""Reading what people type into cells.

Every parser takes a raw cell value (whatever the adapter read: text, a number, a bool, a date)
and returns the value or raises ``CellError`` with a message a person can act on. Nothing here
guesses silently: a value it cannot read is reported, never replaced.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from functools import lru_cache

from guide.workbook import CellValue


class CellError(ValueError):
    """A cell holds something the guide cannot read; the message says what it expected."""


_TRUE = {"true", "yes", "y", "x", "✓", "✔", "☑", "1", "checked", "done", "on"}
_FALSE = {"", "false", "no", "n", "0", "-", "unchecked", "off", "☐"}

# Google Sheets counts days from 1899-12-30; accept serials between 1970 and 2200.
_SHEETS_EPOCH = date(1899, 12, 30)
_SERIAL_MIN, _SERIAL_MAX = 25569, 109575

_US_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_SERIAL_TEXT = re.compile(r"^\d{5,6}(\.\d+)?$")


def text(value: CellValue) -> str:
    """A cell as text: numbers typed into an id column read '1001', not '1001.0'."""
    if type(value) is str:  # the common case first: a tick reads hundreds of thousands of cells
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def checkbox(value: CellValue) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        if value in (0, 1):
            return bool(value)
        raise CellError(f"expected a tick box (TRUE/FALSE, yes/no, x), got {text(value)!r}")
    word = text(value).casefold()
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    raise CellError(f"expected a tick box (TRUE/FALSE, yes/no, x), got {text(value)!r}")


def whole_number(value: CellValue, *, minimum: int = 0) -> int:
    if type(value) is int and value >= minimum:
        return value
    if isinstance(value, bool):
        raise CellError(f"expected a whole number, got {text(value)!r}")
    if isinstance(value, int | float) and float(value).is_integer():
        number = int(value)
    else:
        raw = text(value)
        try:
            number = int(float(raw)) if raw and float(raw).is_integer() else int(raw)
        except ValueError:
            raise CellError(f"expected a whole number, got {raw!r}") from None
    if number < minimum:
        raise CellError(f"expected a whole number of at least {minimum}, got {number}")
    return number


def _from_serial(serial: float) -> datetime:
    if not _SERIAL_MIN <= serial <= _SERIAL_MAX:
        raise CellError(f"{serial!r} is not a date")
    return datetime.combine(_SHEETS_EPOCH, time()) + timedelta(days=serial)


def moment(value: CellValue, *, zone: tzinfo = UTC) -> datetime:
    """A date or a date and time, as people and spreadsheets write them, naive in team time.

    A time without an offset is already team time and stays as typed; one with an offset
    (``+01:00``, ``-05:00``, ``Z``) is that moment, shown in ``zone``, the team's time zone."""
    if type(value) is str and len(value) == 16 and value[4] == "-":
        try:  # fast path for the guide's own stamps, 'YYYY-MM-DD HH:MM'
            return datetime.fromisoformat(value)
        except ValueError:
            pass
    if isinstance(value, datetime):
        return _in_zone(value, zone)
    if isinstance(value, date):
        return datetime.combine(value, time())
    if isinstance(value, bool):
        raise CellError(f"expected a date, got {text(value)!r}")
    if isinstance(value, int | float):
        return _from_serial(float(value))
    raw = text(value)
    if not raw:
        raise CellError("expected a date, the cell is empty")
    us = _US_DATE.match(raw)
    if us:
        month, day, year = (int(g) for g in us.groups())
        try:
            return datetime(year, month, day)
        except ValueError:
            raise CellError(f"{raw!r} is not a date (month/day/year)") from None
    if _SERIAL_TEXT.match(raw):
        return _from_serial(float(raw))
    try:
        parsed = datetime.fromisoformat(raw.replace("/", "-"))
    except ValueError:
        raise CellError(f"expected a date like 2026-11-03 or 11/3/2026, got {raw!r}") from None
    return _in_zone(parsed, zone)


def _in_zone(value: datetime, zone: tzinfo) -> datetime:
    if value.utcoffset() is None:
        return value.replace(tzinfo=None)
    return value.astimezone(zone).replace(tzinfo=None)


def day(value: CellValue, *, zone: tzinfo = UTC) -> date:
    """The day of a date or moment; a moment typed with an offset counts on the team's day."""
    return moment(value, zone=zone).date()


def optional_moment(value: CellValue, *, zone: tzinfo = UTC) -> datetime | None:
    return None if text(value) == "" else moment(value, zone=zone)


class Moments(dict[CellValue, datetime | None]):
    """Cell value -> ``optional_moment(value, zone=zone)``, learnt on first sight: a tick reads
    the same stamps over and over (every send of a day at the hour the tick ran), and one
    datetime shared by them all is less memory too. Only text and None are remembered, because
    a dict would take ``True`` for ``1`` and two aware moments of one instant for one; a cell
    that is not a moment raises ``CellError`` every time."""

    def __init__(self, zone: tzinfo = UTC) -> None:
        super().__init__()
        self.zone = zone

    def __missing__(self, value: CellValue) -> datetime | None:
        found = optional_moment(value, zone=self.zone)
        if type(value) is str or value is None:
            self[value] = found
        return found


def optional_day(value: CellValue, *, zone: tzinfo = UTC) -> date | None:
    return None if text(value) == "" else day(value, zone=zone)


def stamp(value: datetime) -> str:
    """How the guide writes a moment into the sheet: readable, sortable, team time."""
    # A tick stamps the same few moments thousands of times (its own time on every record),
    # and strftime is slow. Only naive ones are remembered: two aware moments of one instant
    # in different zones are equal keys but stamp differently.
    if getattr(value, "tzinfo", None) is None:  # a date has none either
        return _naive_stamp(value)
    return value.strftime("%Y-%m-%d %H:%M")


@lru_cache(maxsize=4096)
def _naive_stamp(value: datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M")
