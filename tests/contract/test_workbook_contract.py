"""The workbook port's contract: every test runs against the local .xlsx file and Google Sheets
(the real gspread client against the fake Sheets server). Then a few adapter-specific facts."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from fakes.sheets_server import FakeSheetsServer, gspread_workbook
from guide.ports import RowsMoved, WorkbookError
from guide.workbook import Changes
from sheets.schema import AUDIT, CONFIG, ONBOARDING, SENDS
from tests.contract.conftest import InsertRow, MakeWorkbook

HEADER = ["customer id", "company", "contact email", "plan", "owner"]


def customers(*rows: list[object]) -> dict[str, list[list[object]]]:
    return {"onboarding": [HEADER, *rows]}


def test_reads_several_tabs_in_one_snapshot(make_workbook: MakeWorkbook) -> None:
    # Given a workbook with customers and config
    wb = make_workbook(
        {
            **customers(["c1", "Acme", "a@acme.test", "basic", "sam"]),
            "og-config": [["key", "value"], ["tz", "UTC"]],
        }
    )
    # When both tabs are read
    snap = wb.read(["onboarding", "og-config"])
    # Then each comes back with its header and rows
    assert next(r for _, r in snap["onboarding"].records())["company"] == "Acme"
    assert list(snap["og-config"].records()) == [(2, {"key": "tz", "value": "UTC"})]


def test_reordered_and_extra_columns_are_found_by_name_and_left_alone(
    make_workbook: MakeWorkbook,
) -> None:
    # Given a person moved columns around and added one of their own
    wb = make_workbook(
        {
            "onboarding": [
                ["my notes", "plan", "customer id", "owner"],
                ["call Tue", "basic", "c1", "sam"],
            ]
        }
    )
    snap = wb.read(["onboarding"])
    assert list(snap["onboarding"].records()) == [
        (2, {"plan": "basic", "customer id": "c1", "owner": "sam"})
    ]
    # When the guide edits the plan
    changes = Changes()
    changes.set("onboarding", 2, "plan", "pro")
    wb.commit(snap, changes)
    # Then only that cell changed; the person's column and the order are as they were
    table = wb.read(["onboarding"])["onboarding"]
    assert table.header == ["my notes", "plan", "customer id", "owner"]
    assert table.rows == [["call Tue", "pro", "c1", "sam"]]


def test_a_header_spelled_differently_is_the_same_column(make_workbook: MakeWorkbook) -> None:
    # Given headers typed as 'Customer ID' and 'Contact_Email'
    wb = make_workbook({"onboarding": [["Customer ID", "Contact_Email"], ["c1", "old@x.test"]]})
    snap = wb.read(["onboarding"])
    # When the guide writes 'contact email'
    changes = Changes()
    changes.set("onboarding", 2, "contact email", "new@x.test")
    wb.commit(snap, changes)
    # Then it lands in the existing column; no second 'contact email' column is added
    table = wb.read(["onboarding"])["onboarding"]
    assert table.header == ["Customer ID", "Contact_Email"]
    assert table.rows == [["c1", "new@x.test"]]


def test_blank_rows_are_skipped_but_keep_row_numbers(make_workbook: MakeWorkbook) -> None:
    # Given a blank row between two customers
    wb = make_workbook(customers(["c1"], [None, None], ["c3"]))
    snap = wb.read(["onboarding"])
    # Then records skip it, and the second customer is still on sheet row 4
    assert [(row, r["customer id"]) for row, r in snap["onboarding"].records()] == [
        (2, "c1"),
        (4, "c3"),
    ]
    # And an edit addressed to row 4 lands on that customer
    changes = Changes()
    changes.set("onboarding", 4, "plan", "pro")
    wb.commit(snap, changes)
    records = dict(wb.read(["onboarding"])["onboarding"].records())
    assert records[4]["customer id"] == "c3" and records[4]["plan"] == "pro"


def test_edit_then_clear_by_column_name(make_workbook: MakeWorkbook) -> None:
    wb = make_workbook(customers(["c1", "Acme", "a@acme.test", "basic", "sam"], ["c2", "Bolt"]))
    snap = wb.read(["onboarding"])
    changes = Changes()
    changes.set("onboarding", 2, "owner", "alex")  # 'plan' and 'owner' sit side by side
    changes.set("onboarding", 2, "plan", "pro")
    changes.set("onboarding", 2, "company", None)
    changes.set("onboarding", 3, "customer id", "c2b")
    wb.commit(snap, changes)
    table = wb.read(["onboarding"])["onboarding"]
    assert table.rows == [["c1", None, "a@acme.test", "pro", "alex"], ["c2b", "Bolt"]]


def test_appends_land_after_the_last_row_in_order(make_workbook: MakeWorkbook) -> None:
    wb = make_workbook(customers(["c1", "Acme"]))
    snap = wb.read(["onboarding"])
    changes = Changes()
    changes.append("onboarding", {"customer id": "c2", "plan": "basic"})
    changes.append("onboarding", {"plan": "pro", "customer id": "c3"})
    wb.commit(snap, changes)
    records = list(wb.read(["onboarding"])["onboarding"].records())
    assert [(row, r["customer id"], r["plan"]) for row, r in records] == [
        (2, "c1", None),
        (3, "c2", "basic"),
        (4, "c3", "pro"),
    ]


def test_deleting_several_rows_removes_exactly_those(make_workbook: MakeWorkbook) -> None:
    wb = make_workbook(customers(["c1"], ["c2"], ["c3"], ["c4"], ["c5"]))
    snap = wb.read(["onboarding"])
    changes = Changes()
    for row in (3, 5, 6):  # c2, c4, c5: two adjacent rows and one apart
        changes.delete("onboarding", row)
    wb.commit(snap, changes)
    table = wb.read(["onboarding"])["onboarding"]
    assert [r["customer id"] for _, r in table.records()] == ["c1", "c3"]


def test_edits_appends_and_deletes_in_one_commit(make_workbook: MakeWorkbook) -> None:
    wb = make_workbook(customers(["c1", "A"], ["c2", "B"], ["c3", "C"]))
    snap = wb.read(["onboarding"])
    changes = Changes()
    changes.set("onboarding", 4, "company", "C2")
    changes.delete("onboarding", 2)
    changes.append("onboarding", {"customer id": "c4", "company": "D"})
    wb.commit(snap, changes)
    table = wb.read(["onboarding"])["onboarding"]
    assert [(r["customer id"], r["company"]) for _, r in table.records()] == [
        ("c2", "B"),
        ("c3", "C2"),
        ("c4", "D"),
    ]


def test_a_missing_column_is_added_at_the_right_end(make_workbook: MakeWorkbook) -> None:
    # Given a sheet without 'finished by' and with a person's own column at the end
    wb = make_workbook(
        {"onboarding": [["customer id", "plan", "my notes"], ["c1", "basic", "vip"]]}
    )
    snap = wb.read(["onboarding"])
    # When the guide writes 'finished by' on a row and appends a row with 'segment'
    changes = Changes()
    changes.set("onboarding", 2, "finished by", "sam")
    changes.append("onboarding", {"customer id": "c2", "segment": "smb"})
    wb.commit(snap, changes)
    # Then both columns are added after everything that was there, and the values sit under them
    table = wb.read(["onboarding"])["onboarding"]
    assert table.header == ["customer id", "plan", "my notes", "finished by", "segment"]
    assert table.rows == [["c1", "basic", "vip", "sam"], ["c2", None, None, None, "smb"]]


def test_a_note_starting_with_equals_stays_text(make_workbook: MakeWorkbook) -> None:
    wb = make_workbook({"og-audit": [list(AUDIT.columns)]})
    snap = wb.read(["og-audit"])
    changes = Changes()
    changes.append("og-audit", {"audit id": "a1", "action": "pause", "detail": "=1+1"})
    wb.commit(snap, changes)
    ((_, record),) = wb.read(["og-audit"])["og-audit"].records()
    assert record["detail"] == "=1+1"


def test_bools_numbers_and_dates_round_trip(make_workbook: MakeWorkbook) -> None:
    wb = make_workbook({"og-sends": [list(SENDS.columns)]})
    snap = wb.read(["og-sends"])
    changes = Changes()
    changes.append(
        "og-sends",
        {
            "journey id": "j1",
            "step id": "s1",
            "reminders sent": 3,
            "done by": True,
            "customer id": 2.5,
            "done at": False,
            "sent at": date(2024, 5, 1),
            "last reminded": datetime(2024, 5, 2, 9, 30),
        },
    )
    wb.commit(snap, changes)
    ((_, record),) = wb.read(["og-sends"])["og-sends"].records()
    assert record["reminders sent"] == 3 and type(record["reminders sent"]) is int
    assert record["done by"] is True and record["done at"] is False
    assert record["customer id"] == 2.5
    # Dates are written as ISO text (a RAW write has no date type); the core parses them
    assert record["sent at"] == "2024-05-01"
    assert record["last reminded"] == "2024-05-02T09:30:00"


def test_a_bad_change_raises_and_writes_nothing(make_workbook: MakeWorkbook) -> None:
    wb = make_workbook(customers(["c1", "Acme"]))
    snap = wb.read(["onboarding"])
    before = wb.read(["onboarding"])["onboarding"]
    for bad in (
        lambda c: c.set("onboarding", 3, "plan", "pro"),  # past the last row
        lambda c: c.set("onboarding", 1, "plan", "pro"),  # the header row
        lambda c: c.delete("onboarding", 9),
        lambda c: c.append("og-plans", {"plan": "basic"}),  # a tab the snapshot did not read
    ):
        # Given a good edit and a bad one in the same unit of work
        changes = Changes()
        changes.set("onboarding", 2, "company", "Changed")
        changes.append("onboarding", {"customer id": "c9"})
        bad(changes)
        # Then the commit raises, and not even the good edit was written
        with pytest.raises(WorkbookError):
            wb.commit(snap, changes)
        after = wb.read(["onboarding"])["onboarding"]
        assert (after.header, after.rows) == (before.header, before.rows)


def test_an_edit_of_a_row_a_person_shifted_is_refused_and_writes_nothing(
    make_workbook: MakeWorkbook, insert_row: InsertRow
) -> None:
    # Given the guide read two customers
    wb = make_workbook(customers(["c1", "Acme"], ["c2", "Globex"]))
    snap = wb.read(["onboarding"])
    # And then a person inserted a customer above them
    insert_row(wb, "onboarding", 2, ["c0", "Initech"])
    # When the guide commits an edit of c2's row (row 3 when it read) and an append
    changes = Changes()
    changes.set("onboarding", 3, "company", "Globex Corp")
    changes.append("onboarding", {"customer id": "c9"})
    # Then the commit is refused, saying which row moved
    with pytest.raises(RowsMoved, match="onboarding row 3"):
        wb.commit(snap, changes)
    # And nothing was written: c1's row (now row 3) is untouched and nothing was appended
    rows = [r for _, r in wb.read(["onboarding"])["onboarding"].records()]
    assert [(r["customer id"], r.get("company")) for r in rows] == [
        ("c0", "Initech"),
        ("c1", "Acme"),
        ("c2", "Globex"),
    ]


def test_a_delete_of_a_row_a_person_shifted_is_refused_and_writes_nothing(
    make_workbook: MakeWorkbook, insert_row: InsertRow
) -> None:
    # Given og-sends with two journeys' rows, read by the guide
    header = ["journey id", "customer id", "step id", "sent at"]
    wb = make_workbook({"og-sends": [header, ["j1", "c1", "s1", "x"], ["j2", "c2", "s1", "x"]]})
    snap = wb.read(["og-sends"])
    # And a person then inserted a row at the top
    insert_row(wb, "og-sends", 2, ["j0", "c0", "s1", "x"])
    # When the guide deletes j1's row (row 2 when it read)
    changes = Changes()
    changes.delete("og-sends", 2)
    # Then it is refused and every live row is still there
    with pytest.raises(RowsMoved):
        wb.commit(snap, changes)
    rows = [r["journey id"] for _, r in wb.read(["og-sends"])["og-sends"].records()]
    assert rows == ["j0", "j1", "j2"]


def test_rows_added_below_the_addressed_ones_do_not_stop_a_commit(
    make_workbook: MakeWorkbook, insert_row: InsertRow
) -> None:
    # Given the guide read c1, and a person then added c2 below it
    wb = make_workbook(customers(["c1", "Acme"]))
    snap = wb.read(["onboarding"])
    insert_row(wb, "onboarding", 3, ["c2", "Globex"])
    # When the guide edits c1's row, Then it lands (c1 is still where it was)
    changes = Changes()
    changes.set("onboarding", 2, "company", "Acme Inc")
    wb.commit(snap, changes)
    rows = [r for _, r in wb.read(["onboarding"])["onboarding"].records()]
    assert [r["company"] for r in rows] == ["Acme Inc", "Globex"]


def test_a_header_a_person_changed_since_the_read_stops_a_row_edit(
    make_workbook: MakeWorkbook, insert_row: InsertRow
) -> None:
    # Given the guide read onboarding, and a person then typed a new header row above it
    wb = make_workbook(customers(["c1", "Acme"]))
    snap = wb.read(["onboarding"])
    insert_row(wb, "onboarding", 1, ["notes", *HEADER])
    # When the guide edits c1's company by the positions it read, Then it is refused
    changes = Changes()
    changes.set("onboarding", 2, "company", "Acme Inc")
    with pytest.raises(RowsMoved):
        wb.commit(snap, changes)


def test_ensure_tabs_creates_missing_tabs_with_schema_headers_once(
    make_workbook: MakeWorkbook,
) -> None:
    wb = make_workbook(customers(["c1"]))
    assert sorted(wb.ensure_tabs(["onboarding", "og-config", "og-sends"])) == [
        "og-config",
        "og-sends",
    ]
    snap = wb.read(["onboarding", "og-config", "og-sends"])
    assert snap["og-config"].header == list(CONFIG.columns)
    assert snap["og-sends"].header == list(SENDS.columns)
    assert [r["customer id"] for _, r in snap["onboarding"].records()] == ["c1"]
    assert wb.ensure_tabs(["onboarding", "og-config", "og-sends"]) == []


def test_ensure_tabs_makes_a_workbook_from_nothing(make_workbook: MakeWorkbook) -> None:
    wb = make_workbook({})
    assert wb.ensure_tabs(["onboarding"]) == ["onboarding"]
    assert wb.read(["onboarding"])["onboarding"].header == list(ONBOARDING.columns)


def test_a_tab_that_does_not_exist_reads_empty_beside_ones_that_do(
    make_workbook: MakeWorkbook,
) -> None:
    wb = make_workbook(customers(["c1"]))
    snap = wb.read(["onboarding", "og-sends-archive"])
    assert snap["og-sends-archive"].exists is False
    assert (snap["og-sends-archive"].header, snap["og-sends-archive"].rows) == ([], [])
    assert snap["onboarding"].exists is True and snap["onboarding"].rows == [["c1"]]


def test_a_header_only_tab_reads_its_header_and_appends_after_its_rows(
    make_workbook: MakeWorkbook,
) -> None:
    # Given an audit tab that already has rows
    audit = [list(AUDIT.columns), ["a1", "t", "sam", "pause"], ["a2", "t", "sam", "resume"]]
    wb = make_workbook({**customers(["c1"]), "og-audit": audit})
    # When it is read header only beside a full tab
    snap = wb.read(["onboarding"], header_only=["og-audit", "og-sends-archive"])
    # Then it has its header and no rows, and a missing one is still exists=False
    assert (snap["og-audit"].header, snap["og-audit"].rows) == (list(AUDIT.columns), [])
    assert snap["og-sends-archive"].exists is False
    assert snap["onboarding"].rows == [["c1"]]
    # And an append lands after the rows it did not read
    changes = Changes()
    changes.append("og-audit", {"audit id": "a3", "action": "finish"})
    wb.commit(snap, changes)
    table = wb.read(["og-audit"])["og-audit"]
    assert [r["audit id"] for _, r in table.records()] == ["a1", "a2", "a3"]


def test_appending_to_a_missing_tab_creates_it_with_schema_headers(
    make_workbook: MakeWorkbook,
) -> None:
    wb = make_workbook(customers(["c1"]))
    snap = wb.read(["og-sends-archive"])
    changes = Changes()
    changes.append("og-sends-archive", {"journey id": "j1", "step id": "s1", "archived at": "x"})
    wb.commit(snap, changes)
    table = wb.read(["og-sends-archive"])["og-sends-archive"]
    assert table.exists and table.header[0] == "journey id"
    assert [r["archived at"] for _, r in table.records()] == ["x"]


# -- Google Sheets only: the number of API calls never grows with the work ----------------------


def test_a_read_is_one_batch_get_plus_one_metadata_fetch_per_instance(
    fresh_sheets_server: FakeSheetsServer,
) -> None:
    server = fresh_sheets_server
    server.create_spreadsheet(
        "count-read",
        {**customers(*[[f"c{i}"] for i in range(500)]), "og-config": [["key", "value"]]},
    )
    wb = gspread_workbook(server, "count-read")
    wb.read(["onboarding", "og-config", "og-sends"])
    assert (server.counts["metadata"], server.counts["batchGet"]) == (1, 1)
    wb.read(["onboarding", "og-config"], header_only=["og-audit"])
    assert (server.counts["metadata"], server.counts["batchGet"]) == (1, 2)
    assert server.writes == 0


def test_a_commit_is_one_batch_update_and_no_changes_is_none(
    fresh_sheets_server: FakeSheetsServer,
) -> None:
    server = fresh_sheets_server
    server.create_spreadsheet("count-write", customers(*[[f"c{i}"] for i in range(50)]))
    wb = gspread_workbook(server, "count-write")
    snap = wb.read(["onboarding", "og-sends"])
    server.reset_counts()
    wb.commit(snap, Changes())
    assert server.writes == 0
    changes = Changes()
    for row in range(2, 40):
        changes.set("onboarding", row, "plan", "pro")
    changes.append("onboarding", {"customer id": "new", "finished by": "sam"})
    changes.append("og-sends", {"journey id": "j", "step id": "s", "sent at": "t"})
    changes.delete("onboarding", 45)
    wb.commit(snap, changes)
    assert (server.writes, server.reads) == (1, 0)


def test_gsheets_checks_the_rows_with_one_keys_only_read_only_after_a_slow_unit_of_work(
    fresh_sheets_server: FakeSheetsServer,
) -> None:
    # Given the adapter as deployed, and a person inserting a row after each read
    server = fresh_sheets_server
    server.create_spreadsheet("fenced", customers(["c1", "Acme"], ["c2", "Globex"]))
    wb = gspread_workbook(server, "fenced")
    edit = Changes()
    edit.set("onboarding", 2, "company", "Acme Inc")
    # When a commit follows its read within seconds (an action), Then it costs no extra read
    snap = wb.read(["onboarding"])
    server.reset_counts()
    wb.commit(snap, edit)
    assert (server.reads, server.writes) == (0, 1)
    # When the unit of work held its snapshot longer (a tick that mailed for a minute)
    snap = wb.read(["onboarding"])
    snap.taken_at -= 60
    server.insert_row("fenced", "onboarding", 2, ["c0", "Initech"])
    server.reset_counts()
    # Then one keys-only read finds the shifted row, and nothing is written
    with pytest.raises(RowsMoved):
        wb.commit(snap, edit)
    assert (server.counts["batchGet"], server.writes) == (1, 0)
