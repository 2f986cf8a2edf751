"""How full the workbook is against Google's 10,000,000-cell limit, and the doctor's warning."""

from __future__ import annotations

from guide.capacity import GOOGLE_CELL_LIMIT, capacity
from guide.workbook import Snapshot, Table
from sheets.schema import ACTIVITY, AUDIT, ONBOARDING


def snapshot() -> Snapshot:
    return Snapshot(
        {
            # 3 rows with the header, the widest 4 cells: a person typed beyond the header
            ONBOARDING.name: Table(ONBOARDING.name, ["a", "b", "c"], [["1"], ["1", "2", "3", "4"]]),
            AUDIT.name: Table(AUDIT.name, ["a", "b"], [["x", "y"]] * 9),
            ACTIVITY.name: Table(ACTIVITY.name, [], [], exists=False),
        }
    )


def test_each_tab_counts_its_rows_and_header_times_its_widest_row() -> None:
    used = capacity(snapshot())
    assert used.by_tab == {ONBOARDING.name: 12, AUDIT.name: 20}
    assert used.cells == 32 and used.limit == GOOGLE_CELL_LIMIT


def test_below_four_fifths_of_the_limit_there_is_nothing_to_say() -> None:
    used = capacity(snapshot(), limit=41)  # 32 of 41 cells: 78%
    assert used.problem() is None
    assert used.summary() == "the data fills 78.0% of the 41 cells Google allows"


def test_from_four_fifths_the_fullest_tab_is_named_with_what_to_do() -> None:
    problem = capacity(snapshot(), limit=40).problem()  # 32 of 40: 80%
    assert problem is not None
    assert (problem.tab, problem.row, problem.column) == (AUDIT.name, None, None)
    assert "80.0% of the 40 cells" in problem.message
    assert "20 of them on this tab" in problem.message
    assert "move its older rows to another spreadsheet" in problem.message
