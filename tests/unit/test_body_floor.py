"""The cheap floor under a commit's body: never more than the body ``batch_body`` writes, so a
write it calls too big for Google is too big, and close enough to catch the big ones early."""

from __future__ import annotations

from datetime import date, datetime

from hypothesis import assume, example, given
from hypothesis import strategies as st

from adapters.gsheets_commit import SheetSize, batch_body, batch_requests, least_body_bytes
from adapters.workbook_plan import plan_changes
from guide.workbook import CellValue, Changes, Snapshot, Table

HEADER = ["id", "name", "note", "n", "when"]
values: st.SearchStrategy[CellValue] = st.one_of(
    st.text(),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.none(),
    st.dates(),
    st.datetimes(),
)
edits = st.lists(st.tuples(st.integers(2, 4), st.sampled_from(HEADER), values), max_size=12)
appends = st.lists(st.dictionaries(st.sampled_from(HEADER), values), max_size=4)


def body_bytes(changes: Changes) -> int:
    snapshot = Snapshot({"t": Table("t", HEADER, [["a"], ["b"], ["c"]])})
    plans = plan_changes(snapshot, changes)
    return len(batch_body(batch_requests(plans, {"t": 7}, {"t": SheetSize(7, 26)})))


@given(edits, appends)
def test_the_floor_is_never_above_the_body(
    edited: list[tuple[int, str, CellValue]], appended: list[dict[str, CellValue]]
) -> None:
    changes = Changes()
    for row, column, value in edited:  # the same cell edited twice counts once, as written
        changes.set("t", row, column, value)
    for record in appended:
        changes.append("t", record)
    assert least_body_bytes(changes) <= body_bytes(changes)


def test_the_floor_of_many_long_values_is_most_of_the_body() -> None:
    changes = Changes()
    for n in range(200):
        changes.append("t", {"id": f"c{n}", "note": "x" * 200, "n": n, "when": date(2026, 11, 23)})
        changes.set("t", 2, "when", datetime(2026, 11, 23, 9))
    assert 0.9 * body_bytes(changes) <= least_body_bytes(changes) <= body_bytes(changes)


def one_edit(value: CellValue) -> Changes:
    changes = Changes()
    changes.set("t", 3, "note", value)
    return changes


@given(values)
@example(0)  # the shortest cells, where a floor one byte high shows
@example(True)
@example(0.5)
@example("")
@example('{"a":"\\"}')  # quotes and a backslash, each escaped
@example(date(2026, 11, 23))
def test_each_cell_counts_no_more_than_its_own_json(value: CellValue) -> None:
    # An empty cell is written as {}: the rest of the body is the same either way.
    its_json = body_bytes(one_edit(value)) - body_bytes(one_edit("")) + len("{}")
    assert least_body_bytes(one_edit(value)) <= its_json


def appended(*records: dict[str, CellValue]) -> Changes:
    changes = Changes()
    for record in records:
        changes.append("t", record)
    return changes


@given(st.dictionaries(st.sampled_from(HEADER), values, min_size=1))
@example({"id": 0})  # one short cell: a row's floor one byte high shows
@example({"id": "a", "n": 1})
def test_each_appended_row_counts_no_more_than_its_own_json(record: dict[str, CellValue]) -> None:
    assume(any(v is not None and v != "" for v in record.values()))  # else no row is sent
    # A second row like the first adds that row's JSON and the comma before it.
    row_json = body_bytes(appended(record, record)) - body_bytes(appended(record)) - len(",")
    row_floor = least_body_bytes(appended(record, record)) - least_body_bytes(appended(record))
    assert row_floor <= row_json
