"""Fixtures for the workbook contract: the same factory shape for every workbook adapter.

``make_workbook({tab: [header, row, ...]})`` seeds a workbook the way a person would have left it
(written straight into the file or the fake server, not through the adapter) and returns the
adapter under test pointed at it.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from moto import mock_aws

from adapters.gsheets import GoogleSheetsWorkbook
from adapters.xlsx_workbook import XlsxWorkbook
from fakes.memory_workbook import InMemoryWorkbook
from fakes.sheets_server import FakeSheetsServer, gspread_workbook
from guide.ports import Workbook

Tabs = dict[str, list[list[Any]]]
MakeWorkbook = Callable[[Tabs], Workbook]

_ids = itertools.count(1)


def write_xlsx(path: Path, tabs: Tabs) -> None:
    """Seed an .xlsx file as a spreadsheet program would save it: text stays text."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in tabs.items():
        sheet = book.create_sheet(name)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is None:
                    continue
                cell = sheet.cell(row=r, column=c, value=value)
                if isinstance(value, str):
                    cell.data_type = "s"
    book.save(path)


@pytest.fixture(scope="session")
def sheets_server() -> Iterator[FakeSheetsServer]:
    with FakeSheetsServer() as server:
        yield server


@pytest.fixture
def fresh_sheets_server(sheets_server: FakeSheetsServer) -> Iterator[FakeSheetsServer]:
    """The shared server with clean counters, no faults and no latency."""
    sheets_server.heal()
    sheets_server.latency = 0.0
    sheets_server.reset_counts()
    yield sheets_server
    sheets_server.heal()
    sheets_server.latency = 0.0


@pytest.fixture(params=["xlsx", "gsheets", "memory"])
def make_workbook(
    request: pytest.FixtureRequest, tmp_path: Path, fresh_sheets_server: FakeSheetsServer
) -> MakeWorkbook:
    if request.param == "xlsx":

        def make_xlsx(tabs: Tabs) -> Workbook:
            path = tmp_path / f"workbook-{next(_ids)}.xlsx"
            if tabs:
                write_xlsx(path, tabs)
            return XlsxWorkbook(path)

        return make_xlsx

    if request.param == "memory":

        def make_memory(tabs: Tabs) -> Workbook:
            workbook = InMemoryWorkbook()
            workbook.tabs = {name: [list(row) for row in rows] for name, rows in tabs.items()}
            return workbook

        return make_memory

    def make_gsheets(tabs: Tabs) -> Workbook:
        spreadsheet_id = f"sheet-{next(_ids)}"
        fresh_sheets_server.create_spreadsheet(spreadsheet_id, tabs)
        # Row fencing on every commit (in production only after a slow unit of work), so the
        # contract holds the adapter to it.
        return gspread_workbook(fresh_sheets_server, spreadsheet_id, verify_rows_after=0.0)

    return make_gsheets


InsertRow = Callable[[Workbook, str, int, list[Any]], None]


@pytest.fixture
def insert_row(fresh_sheets_server: FakeSheetsServer) -> InsertRow:
    """A person inserting a row into the workbook behind the adapter's back (the rows below
    move down), whichever adapter it is."""

    def insert(workbook: Workbook, tab: str, row: int, values: list[Any]) -> None:
        if isinstance(workbook, InMemoryWorkbook):
            workbook.insert_row(tab, row, values)
        elif isinstance(workbook, XlsxWorkbook):
            book = openpyxl.load_workbook(workbook.path)
            book[tab].insert_rows(row)
            for c, value in enumerate(values, start=1):
                book[tab].cell(row=row, column=c, value=value)
            book.save(workbook.path)
        else:
            assert isinstance(workbook, GoogleSheetsWorkbook)
            fresh_sheets_server.insert_row(workbook.spreadsheet_id, tab, row, values)

    return insert


REGION = "eu-west-1"


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """moto for every AWS call in the test, with fake credentials so nothing real is reached."""
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.setenv(name, "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    with mock_aws():
        yield
