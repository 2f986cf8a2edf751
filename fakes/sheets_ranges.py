"""A1 ranges and ``values:batchGet`` answers for the fake Sheets server.

A range is a whole tab (``'tab name'``, quotes doubled inside) or a tab and cells (``tab!A1:Z``).
A range naming an unknown tab fails the whole request, as it does with Google.
"""

from __future__ import annotations

import re
from typing import Any

from fakes.sheets_requests import BadRequest, Sheet, trim

_A1 = re.compile(r"^([A-Z]*)(\d*)(?::([A-Z]*)(\d*))?$")


def batch_get(book_id: str, sheets: list[Sheet], query: dict[str, list[str]]) -> dict[str, Any]:
    # Resolve every range first: one bad range fails the whole request, as with Google.
    resolved = [(_resolve(name, sheets), name) for name in query.get("ranges", [])]
    value_ranges = []
    for (sheet, a1), _name in resolved:
        rows = sheet.rows
        r0, r1, c0, c1 = a1
        if (r0, r1, c0, c1) != (0, None, 0, None):
            rows = trim([trim(r[c0:c1]) for r in rows[r0:r1]])
        value_ranges.append(
            {
                "range": f"{_quote(sheet.title)}!A1:{_column(sheet.column_count)}{sheet.row_count}",
                "majorDimension": "ROWS",
                "values": rows,
            }
        )
        if not rows:
            del value_ranges[-1]["values"]  # Google leaves "values" out of an empty range
    return {"spreadsheetId": book_id, "valueRanges": value_ranges}


def _resolve(
    text: str, sheets: list[Sheet]
) -> tuple[Sheet, tuple[int, int | None, int, int | None]]:
    """'tab', "'tab name'", "'it''s'!A1:Z" -> the sheet and 0-based row/column slice bounds."""
    if text.startswith("'"):
        end = 1
        while True:
            end = text.find("'", end)
            if end < 0:
                raise BadRequest(f"Unable to parse range: {text}")
            if text[end + 1 : end + 2] == "'":
                end += 2
                continue
            break
        title, rest = text[1:end].replace("''", "'"), text[end + 1 :]
    else:
        title, _, rest = text.partition("!")
        rest = "!" + rest if rest else ""
    sheet = next((s for s in sheets if s.title == title), None)
    if sheet is None or (rest and not rest.startswith("!")):
        raise BadRequest(f"Unable to parse range: {text}")
    match = _A1.match(rest[1:].upper()) if rest else _A1.match("")
    if match is None:
        raise BadRequest(f"Unable to parse range: {text}")
    col0, row0, col1, row1 = match.groups()
    bounds = (
        int(row0) - 1 if row0 else 0,
        int(row1) if row1 else None,
        _column_index(col0) if col0 else 0,
        _column_index(col1) + 1 if col1 else None,
    )
    return sheet, bounds


def _column_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def _column(count: int) -> str:
    letters = ""
    while count > 0:
        count, rem = divmod(count - 1, 26)
        letters = chr(65 + rem) + letters
    return letters or "A"


def _quote(title: str) -> str:
    return "'" + title.replace("'", "''") + "'"
