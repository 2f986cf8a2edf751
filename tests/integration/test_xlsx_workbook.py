"""The local .xlsx workbook beyond the shared contract: what is on disk; two processes at once."""

from __future__ import annotations

import multiprocessing
from pathlib import Path
from typing import Any

import openpyxl

from adapters.xlsx_workbook import XlsxWorkbook
from guide.workbook import Changes
from sheets.schema import AUDIT
from tests.contract.conftest import write_xlsx


def test_xlsx_a_formula_looking_note_is_stored_as_text_on_disk(tmp_path: Path) -> None:
    path = tmp_path / "w.xlsx"
    wb = XlsxWorkbook(path)
    wb.ensure_tabs(["og-audit"])
    changes = Changes()
    changes.append("og-audit", {"audit id": "a1", "detail": "=SUM(1,2)"})
    wb.commit(wb.read(["og-audit"]), changes)
    sheet = openpyxl.load_workbook(path)["og-audit"]
    detail = sheet.cell(row=2, column=AUDIT.columns.index("detail") + 1)
    assert (detail.value, detail.data_type) == ("=SUM(1,2)", "s")


def _append_many(path: str, worker: str, count: int, start: Any) -> None:
    wb = XlsxWorkbook(path)
    start.wait()  # both processes begin together, so their commits really overlap
    for i in range(count):
        changes = Changes()
        changes.append("og-audit", {"audit id": f"{worker}-{i}", "action": "test"})
        wb.commit(wb.read(["og-audit"]), changes)


def test_xlsx_two_processes_appending_at_once_both_land(tmp_path: Path) -> None:
    # Given a workbook and two processes (a tick and a button press, say)
    path = tmp_path / "w.xlsx"
    write_xlsx(path, {"og-audit": [list(AUDIT.columns)]})
    context = multiprocessing.get_context("spawn")
    start = context.Barrier(2)
    workers = [context.Process(target=_append_many, args=(str(path), w, 15, start)) for w in "ab"]
    # When both append rows as fast as they can
    for p in workers:
        p.start()
    for p in workers:
        p.join(timeout=120)
        assert p.exitcode == 0
    # Then every row of both is there: no commit overwrote the other's file
    ids = [r["audit id"] for _, r in XlsxWorkbook(path).read(["og-audit"])["og-audit"].records()]
    assert sorted(ids) == sorted(f"{w}-{i}" for w in "ab" for i in range(15))
