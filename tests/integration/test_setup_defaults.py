"""The setup command fills the stall tabs with defaults once, against the fake Sheets API
driven by the real gspread client."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from app.setup_workbook import setup_workbook
from fakes.sheets_server import FakeSheetsServer, gspread_workbook
from guide.reading import read_book
from guide.stalls import read_stall_inputs
from sheets.schema import INTERVENTIONS, STALL_RULES, TABS, TICK_READS


@pytest.fixture
def server() -> Iterator[FakeSheetsServer]:
    with FakeSheetsServer() as server:
        yield server


def test_given_a_new_spreadsheet_when_setup_runs_then_the_prd_rules_and_interventions_are_in(
    server: FakeSheetsServer,
) -> None:
    server.create_spreadsheet("book", {"Sheet1": [[]]})
    workbook = gspread_workbook(server, "book")

    setup_workbook(workbook)

    snapshot = workbook.read(TICK_READS)
    extra = read_stall_inputs(snapshot, read_book(snapshot))
    assert extra.problems == []
    rules = {(r.condition, str(r.threshold), r.severity) for r in extra.rules if r.enabled}
    assert rules == {
        ("phase_overdue", "1.5x", "high"),
        ("step_overdue", "3", "medium"),
        ("no_activity", "5", "medium"),
        ("no_activity", "10", "high"),
        ("no_response", "7", "high"),
    }
    assert sorted(extra.interventions) == [
        "busy_or_forgot",
        "email_spam",
        "internal_blocker",
        "long_step",
        "quiet_after_purchase",
    ]
    assert all("{first_name}" in i.body for kind in extra.interventions.values() for i in kind)


def test_given_setup_has_run_when_it_runs_again_then_nothing_changes(
    server: FakeSheetsServer,
) -> None:
    server.create_spreadsheet("again", {"Sheet1": [[]]})
    workbook = gspread_workbook(server, "again")
    setup_workbook(workbook)
    before = {t.name: server.values("again", t.name) for t in TABS}
    assert len(before[STALL_RULES.name]) == 8  # header and seven rules
    server.reset_counts()

    setup_workbook(gspread_workbook(server, "again"))

    assert server.writes == 0
    assert {t.name: server.values("again", t.name) for t in TABS} == before


def test_given_a_team_s_own_rules_when_setup_runs_then_they_are_left_as_they_are(
    server: FakeSheetsServer,
) -> None:
    own = [list(STALL_RULES.columns), ["any", "no_response", "3", "any", "high", "TRUE"]]
    server.create_spreadsheet("own", {STALL_RULES.name: own})

    setup_workbook(gspread_workbook(server, "own"))

    assert server.values("own", STALL_RULES.name) == own
    assert len(server.values("own", INTERVENTIONS.name)) == 6  # header and five kinds
