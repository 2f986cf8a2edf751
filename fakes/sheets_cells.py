"""The cells of the fake Sheets server: values as Google stores them, and writing them.

A row is never changed in place: a write puts a new list in its place, because a reader outside
the server's lock may hold the old one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fakes.sheets_requests import Sheet


class BadRequest(Exception):
    """Answered as HTTP 400 INVALID_ARGUMENT with this message."""


def cell_json(value: Any) -> Any:
    """A value as Google stores it: numbers that are whole come back as integers."""
    if value is None:
        return ""
    if isinstance(value, bool | str | int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else value
    raise TypeError(f"a sheet cell holds str, number or bool, not {value!r}")


def trim(items: list[Any]) -> list[Any]:
    """Drop trailing empty cells (of a row) or empty rows (of a sheet), in place, as Google does."""
    while items and (items[-1] == "" or items[-1] == []):
        items.pop()
    return items


def check_fields(args: dict[str, Any], where: str) -> None:
    fields = str(args.get("fields") or "")
    if not fields:
        raise BadRequest(f"Invalid {where}: At least one field must be specified.")
    if fields != "*" and "userEnteredValue" not in fields.split(","):
        raise BadRequest(f"Invalid {where}: the fake writes userEnteredValue only")


def value_of(cell: Any, where: str) -> Any:
    entered = cell.get("userEnteredValue") if isinstance(cell, dict) else None
    if not entered:
        return ""  # no value under fields=userEnteredValue clears the cell
    if len(entered) != 1:
        raise BadRequest(f"Invalid {where}: a value must set exactly one kind")
    ((kind, value),) = entered.items()
    if kind == "stringValue" and isinstance(value, str):
        return value
    if kind == "boolValue" and isinstance(value, bool):
        return value
    if kind == "numberValue" and isinstance(value, int | float) and not isinstance(value, bool):
        return cell_json(value)
    # formulaValue would be a live formula: the guide writes values only, never formulas.
    raise BadRequest(f"Invalid {where}: the fake does not accept {kind}={value!r}")


def put(sheet: Sheet, r: int, c: int, value: Any, where: str) -> None:
    if not (0 <= r < sheet.row_count and 0 <= c < sheet.column_count):
        raise BadRequest(
            f"Invalid {where}: Range ({sheet.title}!R{r + 1}C{c + 1}) exceeds grid limits. "
            f"Max rows: {sheet.row_count}, max columns: {sheet.column_count}"
        )
    rows = sheet.rows
    if r >= len(rows) or c >= len(rows[r]):
        if value == "":
            return  # clearing a cell that holds nothing
        rows.extend([] for _ in range(r + 1 - len(rows)))
    row = list(rows[r])  # a new list: readers outside the server lock may hold the old one
    row.extend([""] * (c + 1 - len(row)))
    row[c] = value
    rows[r] = trim(row)


def put_row(sheet: Sheet, r: int, c0: int, values: list[Any], where: str) -> None:
    """``put`` of ``values[j]`` at (r, c0 + j) for each j, the row copied once, not per cell."""
    if not values:
        return
    end = c0 + len(values)
    if not (0 <= r < sheet.row_count and c0 >= 0 and end <= sheet.column_count):
        for j, value in enumerate(values):  # raises at the first cell off the grid, as put does
            put(sheet, r, c0 + j, value, where)
        return
    rows = sheet.rows
    if r >= len(rows):
        if all(value == "" for value in values):
            return  # clearing cells that hold nothing
        rows.extend([] for _ in range(r + 1 - len(rows)))
    row = list(rows[r])
    row.extend([""] * (end - len(row)))
    row[c0:end] = values
    rows[r] = trim(row)
