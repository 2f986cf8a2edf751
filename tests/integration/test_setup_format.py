"""The setup command formats the workbook and fills og-plans with a starter plan, against the fake
Sheets API driven by the real gspread client: frozen headers, tick boxes, drop-downs fed from
og-plans, og-config and og-segments, og-audit protected (warning-only). A second run sends no
write; a sheet a team already uses keeps its data, its own columns and their order."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from app.setup_workbook import STARTER_PLAN, setup_workbook
from fakes.sheets_requests import Sheet
from fakes.sheets_server import FakeSheetsServer, gspread_workbook
from sheets.schema import AUDIT, CONFIG, ONBOARDING, PLANS, SEGMENTS, TABS


@pytest.fixture
def server() -> Iterator[FakeSheetsServer]:
    with FakeSheetsServer() as server:
        yield server


def rules_by_column(sheet: Sheet) -> dict[str, dict[str, Any]]:
    """Header name -> the validation rule on that column (below the header)."""
    header = sheet.rows[0]
    out = {}
    for found in sheet.validations.values():
        grid = found["range"]
        assert grid["startRowIndex"] == 1  # the header itself carries no rule
        assert grid["endColumnIndex"] == grid["startColumnIndex"] + 1
        out[header[grid["startColumnIndex"]]] = found["rule"]
    return out


def choices(rule: dict[str, Any]) -> list[str]:
    assert rule["condition"]["type"] == "ONE_OF_LIST"
    return [v["userEnteredValue"] for v in rule["condition"]["values"]]


TEAM = ["team", "Sam Lee | U01 | sam@ours.test\nAda Park | U02 | ada@ours.test"]


def test_given_a_new_spreadsheet_when_setup_runs_then_the_tabs_are_formatted_and_a_plan_is_in(
    server: FakeSheetsServer,
) -> None:
    # Given a spreadsheet with only a team in og-config
    server.create_spreadsheet("new", {CONFIG.name: [list(CONFIG.columns), TEAM]})

    # When setup runs
    setup_workbook(gspread_workbook(server, "new"))

    # Then every tab's header row is frozen
    assert {t.name: server.sheet("new", t.name).frozen_rows for t in TABS} == {
        t.name: 1 for t in TABS
    }
    # And onboarding has tick boxes and drop-downs from og-plans and og-config
    rules = rules_by_column(server.sheet("new", ONBOARDING.name))
    assert rules["paused"]["condition"] == {"type": "BOOLEAN"}
    assert rules["finished"]["condition"] == {"type": "BOOLEAN"}
    assert choices(rules["plan"]) == ["standard"]
    assert choices(rules["owner"]) == ["Sam Lee", "Ada Park"]
    assert rules["plan"]["strict"] is False  # a plan added later is warned about, not refused
    assert "segment" not in rules  # og-segments is empty: nothing to choose from yet
    # And og-audit is protected, warning-only, and no other tab is
    (audit,) = server.sheet("new", AUDIT.name).protected
    assert audit["warningOnly"] is True and audit["range"] == {
        "sheetId": server.sheet("new", AUDIT.name).sheet_id
    }
    assert [t.name for t in TABS if server.sheet("new", t.name).protected] == [AUDIT.name]
    # And og-plans holds the four-step starter plan
    plans = server.values("new", PLANS.name)
    assert len(plans) == 1 + len(STARTER_PLAN) == 5
    assert [r[2] for r in plans[1:]] == [s["step id"] for s in STARTER_PLAN]


def test_given_setup_has_run_when_it_runs_again_then_no_write_is_sent(
    server: FakeSheetsServer,
) -> None:
    server.create_spreadsheet("twice", {CONFIG.name: [list(CONFIG.columns), TEAM]})
    setup_workbook(gspread_workbook(server, "twice"))
    before = {t.name: server.sheet("twice", t.name) for t in TABS}
    server.reset_counts()

    made = setup_workbook(gspread_workbook(server, "twice"))

    assert made == []
    assert server.writes == 0
    assert {t.name: server.sheet("twice", t.name) for t in TABS} == before


def test_given_a_sheet_in_use_when_setup_runs_then_data_and_own_columns_stay_and_rules_follow(
    server: FakeSheetsServer,
) -> None:
    # Given an onboarding tab in a team's own order, with a column of their own and a customer,
    # their own plan, and segments
    own = ["customer id", "our notes", "plan", "finished", "contact email", "owner"]
    customer = ["c1", "vip", "pro", True, "a@acme.test", "Sam Lee"]
    plan = [list(PLANS.columns[:5]), ["pro", 1, "kickoff", "Kick-off", 2]]
    segments = [list(SEGMENTS.columns), ["smb", "", "", "", 1], ["enterprise", "", "", "", 2]]
    server.create_spreadsheet(
        "used",
        {ONBOARDING.name: [own, customer], PLANS.name: plan, SEGMENTS.name: segments},
    )

    # When setup runs
    setup_workbook(gspread_workbook(server, "used"))

    # Then the team's columns, their order and their customer are untouched, and the missing
    # schema columns follow at the right end
    onboarding = server.values("used", ONBOARDING.name)
    assert onboarding[0][: len(own)] == own
    assert onboarding[0][len(own) :] == [c for c in ONBOARDING.columns if c not in own]
    assert onboarding[1] == customer
    # And the rules sit on the columns where the team has them
    rules = rules_by_column(server.sheet("used", ONBOARDING.name))
    assert sorted(rules) == ["finished", "paused", "plan", "segment"]  # no team in og-config
    assert choices(rules["plan"]) == ["pro"]
    assert choices(rules["segment"]) == ["smb", "enterprise"]
    # And the team's plan is theirs: no starter plan beside it
    after = server.values("used", PLANS.name)
    assert after[0][:5] == plan[0] and after[1:] == plan[1:]

    # And a second run sends nothing
    server.reset_counts()
    setup_workbook(gspread_workbook(server, "used"))
    assert server.writes == 0


def test_given_a_plan_added_after_setup_when_setup_runs_again_then_only_the_list_is_refreshed(
    server: FakeSheetsServer,
) -> None:
    server.create_spreadsheet("grow", {"Sheet1": [[]]})
    setup_workbook(gspread_workbook(server, "grow"))
    server.add_tab("grow", "scratch", [])  # a person's own tab: setup leaves it alone
    rows = server.values("grow", PLANS.name)
    server.insert_row("grow", PLANS.name, len(rows) + 1, ["pro", 1, "kickoff", "Kick-off", 2])
    server.reset_counts()

    setup_workbook(gspread_workbook(server, "grow"))

    assert server.writes == 1
    rules = rules_by_column(server.sheet("grow", ONBOARDING.name))
    assert choices(rules["plan"]) == ["standard", "pro"]
    assert rules["paused"]["condition"] == {"type": "BOOLEAN"}
    assert server.sheet("grow", "scratch").frozen_rows == 0
