"""The fake Sheets server writes a row's cells at once, exactly as it wrote them one by one.

Given a sheet, When a row of values is put at once (``put_row``), Then the stored rows are the
ones cell-by-cell puts make, and a value off the grid is refused naming the same cell.
"""

from __future__ import annotations

from typing import Any

import pytest

from fakes.sheets_cells import BadRequest, put, put_row
from fakes.sheets_requests import Sheet


def sheet(rows: list[list[Any]], columns: int = 6) -> Sheet:
    return Sheet(1, "t", 0, [list(r) for r in rows], 10, columns)


def one_by_one(start: Sheet, r: int, c0: int, values: list[Any]) -> list[list[Any]]:
    for j, value in enumerate(values):
        put(start, r, c0 + j, value, "here")
    return start.rows


CASES = [
    ([["a", "b"]], 0, 1, ["x", "y", "z"]),  # overwrite and extend a row
    ([["a", "b", "c"]], 0, 1, ["", ""]),  # clear to the end: the row is trimmed
    ([["a"]], 3, 2, ["", "q", ""]),  # a new row below the last, padded
    ([["a"]], 4, 0, ["", ""]),  # clearing cells of a row that holds nothing adds nothing
    ([["a", "", "c"]], 0, 0, ["", 2, ""]),  # empties inside a row stay ""
]


@pytest.mark.parametrize(("rows", "r", "c0", "values"), CASES)
def test_given_a_row_of_values_then_put_row_stores_what_puts_one_by_one_store(
    rows: list[list[Any]], r: int, c0: int, values: list[Any]
) -> None:
    at_once = sheet(rows)
    put_row(at_once, r, c0, values, "here")
    assert at_once.rows == one_by_one(sheet(rows), r, c0, values)


def test_given_a_row_past_the_last_column_then_it_is_refused_naming_the_first_cell_off() -> None:
    with pytest.raises(BadRequest, match=r"R1C7\) exceeds grid limits"):
        put_row(sheet([["a"]]), 0, 4, ["x", "y", "z"], "here")
