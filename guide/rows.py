"""Reading the rows of a tab defensively: each cell the guide cannot use becomes a ``Problem``
naming tab, row and column, and the row's other cells are still read."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, tzinfo
from functools import partial
from typing import TypeVar

from guide import cells
from guide.model import Problem
from guide.workbook import CellValue, Table
from sheets.schema import Tab

T = TypeVar("T")


class RowReader:
    """Reads the cells of one row, collecting a problem for each one it cannot read."""

    def __init__(self, tab: str, row: int, record: dict[str, CellValue], problems: list[Problem]):
        self.tab, self.row, self.record, self.problems = tab, row, record, problems
        self.ok = True
        self.customer_id: str | None = None

    def cell(self, column: str, parse: Callable[[CellValue], T], default: T) -> T:
        try:
            return parse(self.record.get(column))
        except cells.CellError as err:
            self.fail(column, str(err))
            return default

    def fail(self, column: str | None, message: str) -> None:
        self.ok = False
        self.problems.append(Problem(self.tab, self.row, column, message, self.customer_id))


def usable(table: Table, tab: Tab, problems: list[Problem]) -> bool:
    """Is the tab there with the columns the guide cannot do without?"""
    if not table.exists:
        problems.append(Problem(tab.name, None, None, "tab is missing (run the setup command)"))
        return False
    missing = table.missing(tab.required)
    for column in missing:
        problems.append(Problem(tab.name, 1, column, "required column is missing from the header"))
    return not missing


def moment_reader(zone: tzinfo) -> Callable[[CellValue], datetime | None]:
    return partial(cells.optional_moment, zone=zone)


def day_reader(zone: tzinfo) -> Callable[[CellValue], date | None]:
    """``cells.optional_day``, each distinct text read once (start days repeat)."""
    moments = cells.Moments(zone)

    def day(value: CellValue) -> date | None:
        found = moments[value]
        return None if found is None else found.date()

    return day
