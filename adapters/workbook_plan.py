"""Turn ``Changes`` made against a ``Snapshot`` into positions on each tab, for any workbook.

Both workbook adapters validate and lay out a unit of work the same way, so the contract tests hold
for both by construction: every check happens here, before anything is sent or saved.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from guide.ports import RowsMoved, WorkbookError
from guide.workbook import FIRST_DATA_ROW, CellValue, Changes, Snapshot, Table
from sheets.schema import BY_NAME, normalize_header

# A cell as written: dates become ISO text, because a RAW write has no date type and ISO text is
# what the core parses back.
Plain = str | int | float | bool | None


@dataclass
class TabPlan:
    """One tab's share of a unit of work, in sheet coordinates (rows 1-based, columns 0-based)."""

    tab: str
    create: bool  # the tab does not exist yet: make it, with the whole header
    width: int  # columns in use once the new headers are in
    new_headers: list[tuple[int, str]] = field(default_factory=list)
    edits: dict[tuple[int, int], Plain] = field(default_factory=dict)  # (row, column) -> value
    appends: list[dict[int, Plain]] = field(default_factory=list)  # column -> value
    deletes: list[int] = field(default_factory=list)  # sheet rows, highest first
    # Fencing: the header, and each addressed row's key cells, as the snapshot had them. The
    # adapter compares them with the sheet right before it writes (``check_fence``).
    fence_header: list[str] = field(default_factory=list)
    fence: dict[int, dict[int, object]] = field(default_factory=dict)  # row -> column -> value


def plain(value: CellValue) -> Plain:
    if isinstance(value, date):  # datetime too: it is a date
        return value.isoformat()
    return value


def header_positions(header: Iterable[object]) -> dict[str, int]:
    """Normalised header -> 0-based position; the first of two same-named columns wins."""
    found: dict[str, int] = {}
    for i, text in enumerate(header):
        key = normalize_header(text)
        if key and key not in found:
            found[key] = i
    return found


def schema_header(tab: str) -> list[str]:
    return list(BY_NAME[tab].columns) if tab in BY_NAME else []


def new_tab_plan(tab: str) -> TabPlan:
    """Make ``tab`` with its schema header and nothing else (what setup does)."""
    header = schema_header(tab)
    return TabPlan(tab, create=True, width=len(header), new_headers=list(enumerate(header)))


def missing_columns_plan(table: Table) -> TabPlan | None:
    """Add the schema columns an existing tab lacks, at the right end of its header, after
    any column a person filled (with or without a header); None when nothing is missing.
    A person's own columns and their order are left as they are."""
    positions = header_positions(table.header)
    missing = [c for c in schema_header(table.tab) if normalize_header(c) not in positions]
    if not missing:
        return None
    first = max(len(table.header), max((len(r) for r in table.rows), default=0))
    new_headers = [(first + i, name) for i, name in enumerate(missing)]
    return TabPlan(table.tab, create=False, width=first + len(missing), new_headers=new_headers)


class _TabLayout:
    """Where each named column is on one tab, adding columns at the right end as changes ask."""

    def __init__(self, table: Table) -> None:
        self.plan = TabPlan(tab=table.tab, create=not table.exists, width=0)
        header = list(table.header) if table.exists else schema_header(table.tab)
        self.positions = header_positions(header)
        self._by_name: dict[str, int] = {}  # a big commit names the same columns many times
        if self.plan.create:
            self.plan.new_headers = list(enumerate(header))
            self.plan.width = len(header)
        else:
            # A column people filled without a header is still theirs: new columns go after it.
            widest = max((len(r) for r in table.rows), default=0)
            self.plan.width = max(len(header), widest)

    def column(self, name: str) -> int:
        found = self._by_name.get(name)
        if found is None:
            found = self._by_name[name] = self._column(name)
        return found

    def _column(self, name: str) -> int:
        key = normalize_header(name)
        if not key:
            raise WorkbookError(f"{self.plan.tab}: a change names a column with no name")
        if key not in self.positions:
            self.positions[key] = self.plan.width
            self.plan.new_headers.append((self.plan.width, name))
            self.plan.width += 1
        return self.positions[key]


def plan_changes(snapshot: Snapshot, changes: Changes) -> list[TabPlan]:
    """Validate ``changes`` against ``snapshot`` and lay them out per tab.

    Raises ``WorkbookError`` (before anything is written) for a tab the snapshot did not read, or
    an edit or delete of a row the snapshot does not have.
    """
    layouts: dict[str, _TabLayout] = {}

    def layout(tab: str) -> _TabLayout:
        if tab not in snapshot.tables:
            raise WorkbookError(
                f"{tab!r} was not read in this snapshot; read it before changing it"
            )
        if tab not in layouts:
            layouts[tab] = _TabLayout(snapshot.tables[tab])
        return layouts[tab]

    def check_row(tab: str, row: int, what: str) -> None:
        table = snapshot.tables[tab]
        if not FIRST_DATA_ROW <= row <= table.last_row:
            raise WorkbookError(
                f"{tab}: cannot {what} row {row}; the snapshot has data rows "
                f"{FIRST_DATA_ROW}..{table.last_row}"
            )

    tab, last_row, tab_layout = "", 0, None  # the tab of the edit before: edits come in runs
    for edit in changes.edits:
        if edit.tab != tab or tab_layout is None:
            tab, tab_layout = edit.tab, layout(edit.tab)
            last_row = snapshot.tables[tab].last_row
        if not FIRST_DATA_ROW <= edit.row <= last_row:
            check_row(edit.tab, edit.row, "edit")
        # Later edits of the same cell win, as they would applied one after another.
        tab_layout.plan.edits[(edit.row, tab_layout.column(edit.column))] = plain(edit.value)
    tab, tab_layout = "", None
    for append in changes.appends:
        if append.tab != tab or tab_layout is None:
            tab, tab_layout = append.tab, layout(append.tab)
        # A row with nothing in it carries nothing; records() would skip it anyway.
        named = {tab_layout.column(name): v for name, v in append.values.items()}
        cells: dict[int, Plain] = {
            i: plain(v) for i, v in named.items() if v is not None and v != ""
        }
        if cells:
            tab_layout.plan.appends.append(cells)
    deleted: set[tuple[str, int]] = set()
    for delete in changes.deletes:
        tab_layout = layout(delete.tab)
        check_row(delete.tab, delete.row, "delete")
        if (delete.tab, delete.row) not in deleted:
            deleted.add((delete.tab, delete.row))
            tab_layout.plan.deletes.append(delete.row)
    for tab_layout in layouts.values():
        tab_layout.plan.deletes.sort(reverse=True)
        _fence(tab_layout.plan, snapshot.tables[tab_layout.plan.tab])
    return [tab_layout.plan for tab_layout in layouts.values()]


def _fence(plan: TabPlan, table: Table) -> None:
    """What must still be where it was for the plan's row numbers to mean the same records: the
    header, and the tab's key columns (``sheets.schema``) at every row edited or deleted."""
    rows = sorted({row for row, _ in plan.edits} | set(plan.deletes))
    if not rows or not table.exists:
        return
    plan.fence_header = _header(table.header)
    key = BY_NAME[table.tab].key if table.tab in BY_NAME else ()
    positions = table.positions()
    columns = [positions[k] for k in key if k in positions]
    for row in rows:
        raw = table.rows[row - FIRST_DATA_ROW]
        plan.fence[row] = {c: (raw[c] if c < len(raw) else None) for c in columns}


ANYTHING = object()  # a cell the adapter cannot compare (a formula): taken to match


def check_fence(
    plan: TabPlan, header_now: Sequence[object], cell_now: Callable[[int, int], object]
) -> None:
    """Raise ``RowsMoved`` (write nothing) unless the sheet as it is now still has the header
    and, at every addressed row, the key the snapshot had there. ``cell_now(row, column)`` is
    the cell's value now (row 1-based, column 0-based)."""
    if plan.fence_header and _header(header_now) != plan.fence_header:
        raise RowsMoved(
            f"{plan.tab}: the header changed since it was read; nothing was written, run again"
        )
    for row, cells in plan.fence.items():
        for column, value in cells.items():
            now = cell_now(row, column)
            if now is not ANYTHING and _same(now) != _same(value):
                raise RowsMoved(
                    f"{plan.tab} row {row} held {value!r} when read and holds {now!r} now "
                    "(rows were inserted, deleted or sorted meanwhile); nothing was written, "
                    "run again"
                )


def _header(cells: Iterable[object]) -> list[str]:
    found = [normalize_header(c) for c in cells]
    while found and not found[-1]:
        found.pop()
    return found


def _same(value: object) -> object:
    """A cell's value as two reads of it compare: blank is blank, whole floats are ints."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, date):
        return value.isoformat()
    return value
