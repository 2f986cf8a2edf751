"""The workbook port's setup contract, on every adapter: ``ensure_tabs`` completes a tab a person
already uses without disturbing their data, their own columns or their column order."""

from __future__ import annotations

from sheets.formats import PLAN_NAMES, Dropdown, TabFormat
from sheets.schema import CONFIG, ONBOARDING
from tests.contract.conftest import MakeWorkbook

OWN = ["contact email", "customer id", "our notes", "plan"]


def test_given_a_tab_missing_schema_columns_when_tabs_are_ensured_then_they_join_at_the_right(
    make_workbook: MakeWorkbook,
) -> None:
    # Given an onboarding tab in a person's own order, with a column of their own, and a row
    # that fills a column past the header (no header over it)
    wb = make_workbook(
        {"onboarding": [OWN, ["a@acme.test", "c1", "vip", "basic", "side note"]]},
    )
    # When setup ensures the tabs
    wb.ensure_tabs(["onboarding", "og-config"])
    # Then the person's columns stay where they are, the data too, and the missing schema
    # columns follow the last used column, in schema order
    snap = wb.read(["onboarding", "og-config"])
    header = snap["onboarding"].header
    assert header[: len(OWN)] == OWN
    assert header[len(OWN)] == ""  # the headerless column a person filled is still theirs
    missing = [c for c in ONBOARDING.columns if c not in OWN]
    assert header[len(OWN) + 1 :] == missing
    assert snap["onboarding"].rows[0][:5] == ["a@acme.test", "c1", "vip", "basic", "side note"]
    assert snap["og-config"].header == list(CONFIG.columns)


def test_given_complete_tabs_when_tabs_are_ensured_again_then_nothing_changes(
    make_workbook: MakeWorkbook,
) -> None:
    wb = make_workbook({"onboarding": [[*ONBOARDING.columns, "our notes"], ["c1"]]})
    assert wb.ensure_tabs(["onboarding"]) == []
    assert wb.read(["onboarding"])["onboarding"].header == [*ONBOARDING.columns, "our notes"]


def test_given_a_layout_when_tabs_are_formatted_twice_then_the_second_time_changes_nothing(
    make_workbook: MakeWorkbook,
) -> None:
    # Given a tab a team uses and a layout with a frozen header, tick boxes and a drop-down
    tabs = {"onboarding": [[*OWN, "paused"], ["a@acme.test", "c1", "vip", "basic", True]]}
    wb = make_workbook(tabs)
    layout = [
        TabFormat(
            "onboarding",
            checkboxes=("paused", "finished"),  # finished is not a column here: skipped
            dropdowns=(Dropdown("plan", PLAN_NAMES, ("basic", "pro")),),
        ),
        TabFormat("og-audit", protected=True),  # not a tab here: skipped
    ]
    # When it is applied, then something changed; applied again, nothing does
    assert wb.format_tabs(layout) > 0
    assert wb.format_tabs(layout) == 0
    # And the data is as it was
    snap = wb.read(["onboarding"])
    assert snap["onboarding"].header == tabs["onboarding"][0]
    assert snap["onboarding"].rows == tabs["onboarding"][1:]
