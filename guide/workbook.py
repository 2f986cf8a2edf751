"""A workbook snapshot as read in one request, and a unit of work committed in one request.

Both speak in column *names* (from ``sheets.schema``); a table maps them to the positions the
person's sheet actually has, so reordered and extra columns are harmless.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from operator import itemgetter

from sheets.schema import BY_NAME, normalize_header

CellValue = str | int | float | bool | date | datetime | None

FIRST_DATA_ROW = 2


@dataclass
class Table:
    """One tab as read: the header row and the data rows, cell values as the adapter got them."""

    tab: str
    header: list[str]
    rows: list[list[CellValue]]
    exists: bool = True
    _positions: dict[str, int] | None = field(default=None, repr=False)

    def positions(self) -> dict[str, int]:
        """Canonical column name -> 0-based position, for the columns of the schema found."""
        if self._positions is None:
            known = BY_NAME[self.tab].index() if self.tab in BY_NAME else {}
            found: dict[str, int] = {}
            for i, text in enumerate(self.header):
                name = known.get(normalize_header(text))
                if name is not None and name not in found:
                    found[name] = i
            self._positions = found
        return self._positions

    def missing(self, columns: tuple[str, ...]) -> list[str]:
        have = self.positions()
        return [c for c in columns if c not in have]

    def records(self) -> Iterator[tuple[int, dict[str, CellValue]]]:
        """(sheet row number, {column: value}) for every non-blank data row."""
        pos = self.positions()
        for offset, raw in enumerate(self.rows):
            if _blank(raw):
                continue
            record = {name: (raw[i] if i < len(raw) else None) for name, i in pos.items()}
            yield FIRST_DATA_ROW + offset, record

    def columns(self, *names: str) -> Iterator[tuple[int, Sequence[CellValue]]]:
        """(sheet row number, [each named column's value]) for the rows ``records`` yields: a
        big tab read by position, without a dict per row. A column not in the header is None."""
        pos = self.positions()
        if not names or any(name not in pos for name in names):
            at = [pos.get(name, -1) for name in names]
            for offset, raw in enumerate(self.rows):
                if not _blank(raw):
                    width = len(raw)
                    yield FIRST_DATA_ROW + offset, [raw[i] if 0 <= i < width else None for i in at]
            return
        # Every column there (the usual case): picked in C, a short row padded first (Google
        # leaves a row's empty cells off its end).
        at = [pos[name] for name in names]
        width = max(at) + 1
        pick = itemgetter(*at) if len(at) > 1 else (lambda raw: (raw[at[0]],))
        for offset, raw in enumerate(self.rows):
            if _blank(raw):
                continue
            if len(raw) < width:
                raw = [*raw, *[None] * (width - len(raw))]
            yield FIRST_DATA_ROW + offset, pick(raw)

    @property
    def last_row(self) -> int:
        return FIRST_DATA_ROW + len(self.rows) - 1


def _blank(raw: list[CellValue]) -> bool:
    if raw and type(raw[0]) is str and raw[0].strip():
        return False  # the common case, an id in the first column, without a generator
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in raw)


@dataclass
class Snapshot:
    """Every tab a unit of work needs, read together."""

    tables: dict[str, Table]
    # When it was read (monotonic seconds): how long a person has had to move rows under it.
    taken_at: float = field(default_factory=time.monotonic, compare=False)

    def __getitem__(self, tab: str) -> Table:
        return self.tables[tab]


@dataclass(frozen=True)
class CellEdit:
    tab: str
    row: int
    column: str
    value: CellValue


@dataclass(frozen=True)
class Append:
    tab: str
    values: dict[str, CellValue]


@dataclass(frozen=True)
class DeleteRow:
    tab: str
    row: int


@dataclass
class Changes:
    """One unit of work: cell edits, appended rows and deleted rows, applied all or nothing.

    Edits and deletes address rows of the snapshot the changes were made from; appends go after
    the last row. Only the cells named are written, so a person's edit to another cell of the same
    row is never overwritten.
    """

    edits: list[CellEdit] = field(default_factory=list)
    appends: list[Append] = field(default_factory=list)
    deletes: list[DeleteRow] = field(default_factory=list)

    def set(self, tab: str, row: int, column: str, value: CellValue) -> None:
        self.edits.append(CellEdit(tab, row, column, value))

    def append(self, tab: str, values: dict[str, CellValue]) -> None:
        self.appends.append(Append(tab, dict(values)))

    def delete(self, tab: str, row: int) -> None:
        self.deletes.append(DeleteRow(tab, row))

    def __bool__(self) -> bool:
        return bool(self.edits or self.appends or self.deletes)

    def __len__(self) -> int:
        return len(self.edits) + len(self.appends) + len(self.deletes)
