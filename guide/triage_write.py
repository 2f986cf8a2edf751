"""The triage tab's write: the rows ``guide.triage`` builds turned into cell changes of og-triage.

The tick rewrites the whole tab each run: the old rows are overwritten in place where they
differ, new rows appended and leftovers deleted. An unchanged row costs nothing, and of a changed
one the cells from the first that differs to the last are set: one span of a row is one update,
where the changed cells alone would be one each. A cell read back from the sheet is compared as
the sheet gives it (numbers as floats or text, an empty cell as None), so a second tick the same
day writes nothing.
"""

from __future__ import annotations

from guide.workbook import FIRST_DATA_ROW, CellValue, Changes, Table
from sheets.schema import TRIAGE

__all__ = ["rewrite"]


def rewrite(changes: Changes, table: Table | None, rows: list[dict[str, CellValue]]) -> None:
    """og-triage holding ``rows``, in ``changes``: each old row overwritten in place, new rows
    appended, leftover rows deleted. A missing tab is made by the append, with the schema's
    header. Of an old row, the cells from the first that differs to the last are set (an
    unchanged row costs nothing): one span of a row is one update, where the changed cells
    alone would be one each, and the tab is the guide's to rewrite."""
    old = table.rows if table is not None and table.exists else []
    pos = table.positions() if table is not None and table.exists else {}
    for offset, row in enumerate(rows[: len(old)]):
        raw = old[offset]
        width = len(raw)
        differ = []
        for column, value in row.items():
            i = pos.get(column)
            if i is None:
                changes.set(TRIAGE.name, FIRST_DATA_ROW + offset, column, value)
            elif not _same(raw[i] if i < width else None, value):
                differ.append(i)
        if differ:
            first, last = min(differ), max(differ)
            for column, value in row.items():
                i = pos.get(column)
                if i is not None and first <= i <= last:
                    changes.set(TRIAGE.name, FIRST_DATA_ROW + offset, column, value)
    for row in rows[len(old) :]:
        changes.append(TRIAGE.name, row)
    for offset in range(len(rows), len(old)):
        changes.delete(TRIAGE.name, FIRST_DATA_ROW + offset)


def _same(old: CellValue, new: CellValue) -> bool:
    """Whether a cell as read already holds ``new``: a sheet gives numbers back as floats or
    text, and an empty cell as None."""
    if isinstance(new, int | float) and not isinstance(new, bool):
        try:
            return old is not None and float(str(old)) == float(new)
        except ValueError:
            return False
    return ("" if old is None else str(old)) == ("" if new is None else str(new))
