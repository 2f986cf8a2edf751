"""The workbook port in memory: for unit tests of anything that reads and commits the workbook.

Lays out a unit of work with the adapters' own ``plan_changes``, so an edit of a row or tab the
snapshot did not read fails here as it would against a real sheet. Counts reads and writes, and
can be told to fail the next commit.
"""

from __future__ import annotations

from collections.abc import Sequence

from adapters.workbook_plan import (
    Plain,
    TabPlan,
    check_fence,
    missing_columns_plan,
    plan_changes,
    schema_header,
)
from guide.ports import RowsMoved, WorkbookError
from guide.workbook import CellValue, Changes, Snapshot, Table
from sheets.formats import TabFormat


class InMemoryWorkbook:
    def __init__(self) -> None:
        self.tabs: dict[str, list[list[CellValue]]] = {}  # tab -> rows, header first
        self.reads = 0
        self.writes = 0
        self.fail_commits = 0  # the next N commits raise WorkbookError and change nothing
        self.last_read: tuple[list[str], list[str]] = ([], [])  # (tabs, header_only)
        self.formats: dict[str, TabFormat] = {}  # tab -> the format setup last gave it

    # -- the port ---------------------------------------------------------------------------

    def read(self, tabs: Sequence[str], header_only: Sequence[str] = ()) -> Snapshot:
        self.reads += 1
        self.last_read = (list(tabs), list(header_only))
        tables = {}
        for name in dict.fromkeys([*tabs, *header_only]):
            rows = self.tabs.get(name)
            if rows is None:
                tables[name] = Table(name, [], [], exists=False)
                continue
            header = ["" if v is None else str(v) for v in rows[0]] if rows else []
            data = [] if name in header_only else [list(r) for r in rows[1:]]
            tables[name] = Table(name, header, data)
        return Snapshot(tables)

    def commit(self, snapshot: Snapshot, changes: Changes) -> None:
        if not changes:
            return
        plans = plan_changes(snapshot, changes)
        if self.fail_commits:
            self.fail_commits -= 1
            raise WorkbookError("in-memory workbook told to fail this commit")
        for plan in plans:
            self._check_fence(plan)
        self.writes += 1
        for plan in plans:
            self._apply(plan)

    def ensure_tabs(self, tabs: Sequence[str]) -> list[str]:
        names = list(dict.fromkeys(tabs))
        missing = [t for t in names if t not in self.tabs]
        snapshot = self.read([t for t in names if t in self.tabs])
        self.reads -= 1  # the port's own look, not a unit of work's read
        for table in snapshot.tables.values():
            plan = missing_columns_plan(table)
            if plan:
                self._apply(plan)
        for tab in missing:
            self.tabs[tab] = [list(schema_header(tab))]
        return missing

    def format_tabs(self, layout: Sequence[TabFormat]) -> int:
        """Records each existing tab's format; counts the tabs whose format changed."""
        changed = 0
        for fmt in layout:
            if fmt.tab in self.tabs and self.formats.get(fmt.tab) != fmt:
                self.formats[fmt.tab] = fmt
                changed += 1
        return changed

    # -- for tests --------------------------------------------------------------------------

    def rows(self, tab: str) -> list[dict[str, CellValue]]:
        """The tab's data rows as {header: value}, blank rows left out."""
        header, *data = self.tabs[tab]
        out = []
        for row in data:
            if any(v not in (None, "") for v in row):
                out.append(
                    {str(h): (row[i] if i < len(row) else None) for i, h in enumerate(header)}
                )
        return out

    def row(self, tab: str, column: str, value: CellValue) -> dict[str, CellValue]:
        """The one data row whose ``column`` is ``value``."""
        found = [r for r in self.rows(tab) if r.get(column) == value]
        assert len(found) == 1, f"{tab}: {len(found)} rows with {column}={value!r}"
        return found[0]

    def insert_row(self, tab: str, row: int, values: list[CellValue]) -> None:
        """A person inserting a row at sheet row ``row`` (the rows below move down)."""
        self.tabs[tab].insert(row - 1, list(values))

    def _check_fence(self, plan: TabPlan) -> None:
        if not plan.fence_header:
            return
        rows = self.tabs.get(plan.tab)
        if rows is None:
            raise RowsMoved(f"{plan.tab}: the tab is gone since it was read; nothing was written")

        def cell(r: int, c: int) -> CellValue:
            row = rows[r - 1] if r - 1 < len(rows) else []
            return row[c] if c < len(row) else None

        check_fence(plan, rows[0] if rows else [], cell)

    def _apply(self, plan: TabPlan) -> None:
        rows = self.tabs.setdefault(plan.tab, [])
        if plan.create and not rows:
            rows.append([])

        def put(r: int, c: int, value: Plain) -> None:
            while len(rows) < r:
                rows.append([])
            row = rows[r - 1]
            row.extend([None] * (c + 1 - len(row)))
            row[c] = None if value == "" else value

        for column, name in plan.new_headers:
            put(1, column, name)
        for (r, c), value in plan.edits.items():
            put(r, c, value)
        last = max(
            (i + 1 for i, row in enumerate(rows) if any(v is not None for v in row)), default=0
        )
        for offset, cells in enumerate(plan.appends):
            for c, value in cells.items():
                put(last + 1 + offset, c, value)
        for r in plan.deletes:  # highest first
            del rows[r - 1]
