"""The workbook port on a local .xlsx file a person can open, edit and save in a spreadsheet app.

Every read and every commit holds a file lock on ``<file>.lock``, so two processes (a tick and a
button press) never interleave. A commit writes a new file beside the old one and swaps it in with
``os.replace``, so a crash leaves either the old workbook or the new one, never half of one.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout
from openpyxl import Workbook as OpenpyxlWorkbook
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from adapters.workbook_plan import (
    ANYTHING,
    Plain,
    TabPlan,
    check_fence,
    header_positions,
    missing_columns_plan,
    new_tab_plan,
    plan_changes,
)
from guide.ports import WorkbookError
from guide.workbook import Changes, Snapshot, Table
from sheets.formats import TabFormat
from sheets.schema import normalize_header


class XlsxWorkbook:
    """``guide.ports.Workbook`` on the .xlsx file at ``path`` (created by ``ensure_tabs``)."""

    def __init__(self, path: str | os.PathLike[str], *, lock_timeout: float = 30.0) -> None:
        self.path = Path(path)
        self._lock = FileLock(f"{self.path}.lock")
        self._lock_timeout = lock_timeout

    def read(self, tabs: Sequence[str], header_only: Sequence[str] = ()) -> Snapshot:
        headers = set(header_only)
        names = list(dict.fromkeys([*tabs, *header_only]))
        with self._locked():
            if not self.path.exists():
                return Snapshot({t: Table(t, [], [], exists=False) for t in names})
            try:
                # read_only streams the sheet XML; data_only gives what a person sees for a
                # formula they typed (the value their spreadsheet program saved), not its text.
                book = load_workbook(self.path, read_only=True, data_only=True)
            except (OSError, ValueError, KeyError) as error:
                raise WorkbookError(f"cannot read {self.path.name}: {error}") from error
            try:
                tables = {}
                for name in names:
                    if name in book.sheetnames:
                        # A tab that only grows is read to its header: enough to append to it.
                        last = 1 if name in headers else None
                        rows = book[name].iter_rows(max_row=last, values_only=True)
                        tables[name] = _table(name, rows)
                    else:
                        tables[name] = Table(name, [], [], exists=False)
            finally:
                book.close()
        return Snapshot(tables)

    def commit(self, snapshot: Snapshot, changes: Changes) -> None:
        if not changes:
            return
        plans = plan_changes(snapshot, changes)
        with self._locked():
            book = self._load(create=any(p.create for p in plans))
            for plan in plans:
                # Free here: the file as it is about to be written is in hand.
                if plan.fence_header and plan.tab in book.sheetnames:
                    _check_fence(book[plan.tab], plan)
            for plan in plans:
                _apply(book, plan)
            self._save(book)

    def ensure_tabs(self, tabs: Sequence[str]) -> list[str]:
        with self._locked():
            book = self._load(create=True)
            names = list(dict.fromkeys(tabs))
            missing = [t for t in names if t not in book.sheetnames]
            plans = [new_tab_plan(t) for t in missing]
            for tab in names:
                if tab in book.sheetnames:
                    rows = book[tab].iter_rows(values_only=True)
                    plan = missing_columns_plan(_table(tab, rows))
                    plans += [plan] if plan else []
            for plan in plans:
                _apply(book, plan)
            if plans:
                self._save(book)
        return missing

    def format_tabs(self, layout: Sequence[TabFormat]) -> int:
        """Frozen header rows and in-cell lists (tick boxes as a TRUE/FALSE list, drop-downs),
        each set only where it is not there yet. Protection is left off: a protected sheet in a
        desktop spreadsheet program refuses every edit, which is stronger than warning-only."""
        with self._locked():
            if not self.path.exists():
                return 0
            book = self._load(create=False)
            changes = sum(_format(book[f.tab], f) for f in layout if f.tab in book.sheetnames)
            if changes:
                self._save(book)
        return changes

    # -- helpers ----------------------------------------------------------------------------

    @contextmanager
    def _locked(self) -> Iterator[None]:
        try:
            self._lock.acquire(timeout=self._lock_timeout)
        except Timeout as error:
            raise WorkbookError(f"{self.path.name} is busy: {error}") from error
        try:
            yield
        finally:
            self._lock.release()

    def _load(self, *, create: bool) -> OpenpyxlWorkbook:
        if not self.path.exists():
            if not create:
                raise WorkbookError(f"{self.path.name} does not exist; run setup first")
            book = OpenpyxlWorkbook()
            # A new workbook comes with an empty "Sheet"; the guide's tabs replace it.
            book.remove(book.active)
            return book
        try:
            return load_workbook(self.path)
        except (OSError, ValueError, KeyError) as error:
            raise WorkbookError(f"cannot open {self.path.name}: {error}") from error

    def _save(self, book: OpenpyxlWorkbook) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # Same folder, so os.replace is an atomic rename on the same file system. (Not mkstemp:
        # its 0600 mode would make the workbook unreadable to the person's other programs.)
        tmp = self.path.with_name(f".{self.path.name}.{uuid.uuid4().hex}.tmp")
        try:
            book.save(tmp)
            os.replace(tmp, self.path)
        except OSError as error:
            raise WorkbookError(f"cannot save {self.path.name}: {error}") from error
        finally:
            if os.path.exists(tmp):
                os.remove(tmp)


def _format(sheet: Worksheet, fmt: TabFormat) -> int:
    changes = 0
    freeze = f"A{fmt.frozen_rows + 1}" if fmt.frozen_rows else None
    if sheet.freeze_panes != freeze:
        sheet.freeze_panes = freeze
        changes += 1
    positions = header_positions(c.value for c in sheet[1]) if sheet.max_row else {}
    lists: list[tuple[str, tuple[str, ...]]] = [(c, ("TRUE", "FALSE")) for c in fmt.checkboxes]
    lists += [(d.column, d.choices) for d in fmt.dropdowns if d.choices]
    have = {(str(v.sqref), v.formula1) for v in sheet.data_validations.dataValidation}
    for column, choices in lists:
        at = positions.get(normalize_header(column))
        if at is None:
            continue
        letter = get_column_letter(at + 1)
        # A list formula is one quoted, comma-separated string (Excel caps it at 255 chars).
        rule = DataValidation(
            type="list", formula1='"' + ",".join(choices) + '"', showErrorMessage=False
        )
        rule.add(f"{letter}{fmt.frozen_rows + 1}:{letter}1048576")
        if (str(rule.sqref), rule.formula1) not in have:
            sheet.add_data_validation(rule)
            changes += 1
    return changes


def _table(tab: str, raw_rows: Iterator[tuple[Any, ...]]) -> Table:
    rows = [_trim(list(r)) for r in raw_rows]
    # Formatting can make a program save empty rows at the bottom; Google would not show them.
    while rows and not rows[-1]:
        rows.pop()
    if not rows:
        return Table(tab, [], [])
    header = ["" if v is None else str(v) for v in rows[0]]
    return Table(tab, header, rows[1:])


def _trim(row: list[Any]) -> list[Any]:
    cells = [None if v == "" else v for v in row]
    while cells and cells[-1] is None:
        cells.pop()
    return cells


def _check_fence(sheet: Worksheet, plan: TabPlan) -> None:
    def cell(row: int, column: int) -> object:
        found = sheet.cell(row=row, column=column + 1)
        # A formula a person typed shows here as its text, not the value read: cannot compare.
        return ANYTHING if found.data_type == "f" else found.value

    check_fence(plan, [c.value for c in sheet[1]] if sheet.max_row else [], cell)


def _apply(book: OpenpyxlWorkbook, plan: TabPlan) -> None:
    if plan.create:
        if plan.tab in book.sheetnames:
            raise WorkbookError(f"{plan.tab}: the tab appeared after the snapshot; re-read")
        sheet = book.create_sheet(plan.tab)
    elif plan.tab in book.sheetnames:
        sheet = book[plan.tab]
    else:
        raise WorkbookError(f"{plan.tab}: the tab is gone from the workbook; re-read")
    for column, name in plan.new_headers:
        _write(sheet, 1, column, name)
    for (row, column), value in plan.edits.items():
        _write(sheet, row, column, value)
    if plan.appends:
        next_row = _last_row_with_data(sheet) + 1
        for offset, cells in enumerate(plan.appends):
            for column, value in cells.items():
                _write(sheet, next_row + offset, column, value)
    for row in plan.deletes:  # highest first, so the rows still to delete keep their numbers
        sheet.delete_rows(row)


def _write(sheet: Worksheet, row: int, column: int, value: Plain) -> None:
    cell = sheet.cell(row=row, column=column + 1)
    cell.value = None if value == "" else value
    if isinstance(value, str) and value:
        # openpyxl turns any str starting with "=" into a formula; a note is text (RAW writes).
        cell.data_type = "s"


def _last_row_with_data(sheet: Worksheet) -> int:
    """Like Google's appendCells: after the last row holding a value, not the last formatted one."""
    for row in range(sheet.max_row, 0, -1):
        if any(c.value not in (None, "") for c in sheet[row]):
            return row
    return 0
