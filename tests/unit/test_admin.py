"""Admin commands as payloads in and results out, against workbooks held in memory.

Given a workbook, when an admin payload is run, then the result's exit code, text and data say
what happened: a customer named by id or company, ambiguous and unknown names refused before
anything is written, resume lifting every hold, and doctor listing every problem by tab.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from app.admin import run
from app.demo import build_demo
from fakes.memory_workbook import InMemoryWorkbook
from guide import commands as cmd
from guide.actions import perform
from guide.ports import Ports, WorkbookError
from guide.workbook import Changes, Snapshot
from sheets.schema import SENDS, SENDS_ARCHIVE, TABS
from tests import builders
from tests.conftest import MakePorts

TODAY = datetime(2026, 11, 20).date()
BY = "arn:aws:iam::123456789012:user/morgan"


@pytest.fixture
def workbook() -> InMemoryWorkbook:
    workbook = InMemoryWorkbook()
    build_demo(workbook, TODAY)
    workbook.reads = workbook.writes = 0  # count only what the admin command does
    return workbook


@pytest.fixture
def ports(workbook: InMemoryWorkbook, make_ports: MakePorts) -> Ports:
    return make_ports(workbook)


def audits(workbook: InMemoryWorkbook, customer_id: str) -> list[str]:
    return [str(r["action"]) for r in workbook.rows("og-audit") if r["customer id"] == customer_id]


def resume(customer: str) -> dict[str, Any]:
    return {"command": "resume", "customer": customer, "by": BY}


# -- naming the customer ----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["C007", "c007", "Granite Works", "  GRANITE works "])
def test_a_customer_is_named_by_id_or_company_in_any_case(
    ports: Ports, now: datetime, name: str
) -> None:
    result = run(ports, resume(name), now)
    assert (result["ok"], result["exit_code"]) == (True, 0)
    assert result["data"]["customer_id"] == "C007"


def test_a_company_name_shared_by_two_customers_lists_both_and_exits_3(
    workbook: InMemoryWorkbook, ports: Ports, now: datetime
) -> None:
    header, *rows = workbook.tabs["onboarding"]
    twin = list(rows[6])  # C007, Granite Works
    twin[header.index("customer id")] = "C099"
    workbook.tabs["onboarding"].append(twin)
    writes = workbook.writes

    result = run(ports, resume("granite works"), now)

    assert (result["ok"], result["exit_code"]) == (False, 3)
    assert [c["customer_id"] for c in result["data"]["candidates"]] == ["C007", "C099"]
    assert result["data"]["exact"] is True
    assert "C099  Granite Works" in result["text"]
    assert workbook.writes == writes


def test_part_of_a_company_name_is_never_acted_on_even_when_only_one_matches(
    workbook: InMemoryWorkbook, ports: Ports, now: datetime
) -> None:
    result = run(ports, resume("granite"), now)
    assert result["exit_code"] == 3 and result["data"]["exact"] is False
    assert result["data"]["candidates"] == [{"customer_id": "C007", "company": "Granite Works"}]
    assert workbook.writes == 0


def test_a_name_nobody_has_exits_4_with_a_sentence(ports: Ports, now: datetime) -> None:
    result = run(ports, resume("Zephyr Corp"), now)
    assert result["exit_code"] == 4
    assert result["text"] == "No customer has the id or company name 'Zephyr Corp'."


# -- resume ---------------------------------------------------------------------------------


def test_resume_lifts_a_pause_and_clears_a_hand_off_with_an_audit_row_each(
    workbook: InMemoryWorkbook, ports: Ports, now: datetime
) -> None:
    perform(ports, cmd.Pause("C008", by="Sam Rivera"), now)  # handed off, and now paused too

    result = run(ports, resume("Harbor Freight Co"), now)

    assert result["exit_code"] == 0 and result["data"]["done"] == ["resume", "clear hand-off"]
    row = workbook.row("onboarding", "customer id", "C008")
    assert row["paused"] is False and not row["handed off to"]
    assert audits(workbook, "C008") == ["pause", "resume", "clear hand-off"]


class FailsFromTheThirdWrite(InMemoryWorkbook):
    def commit(self, snapshot: Snapshot, changes: Changes) -> None:
        if changes and self.writes >= 2:
            raise WorkbookError("Sheets answered 503")
        super().commit(snapshot, changes)


def test_a_hand_off_that_cannot_be_cleared_after_the_pause_was_lifted_says_both(
    make_ports: MakePorts, now: datetime
) -> None:
    workbook = FailsFromTheThirdWrite()
    build_demo(workbook, TODAY)
    workbook.writes = 0
    ports = make_ports(workbook)
    perform(ports, cmd.Pause("C008", by="Sam Rivera"), now)  # the first write

    result = run(ports, resume("C008"), now)

    assert (result["exit_code"], result["data"]["done"]) == (2, ["resume"])
    assert result["text"].startswith("Resumed Harbor Freight Co")
    assert result["text"].endswith("The hand-off was not cleared: Sheets answered 503")
    assert workbook.row("onboarding", "customer id", "C008")["paused"] is False


def test_resume_of_a_customer_the_guide_is_already_on_is_refused_with_exit_1(
    workbook: InMemoryWorkbook, ports: Ports, now: datetime
) -> None:
    result = run(ports, resume("C004"), now)
    assert (result["exit_code"], result["data"]["error"]) == (1, "not_held")
    assert result["text"] == "Dune Logistics is neither paused nor handed off: nothing to resume."
    assert audits(workbook, "C004") == []


def test_a_tab_missing_under_the_command_exits_2_and_names_it(
    workbook: InMemoryWorkbook, ports: Ports, now: datetime
) -> None:
    del workbook.tabs[SENDS.name]
    result = run(ports, resume("C007"), now)
    assert result["exit_code"] == 2 and result["data"]["error"] == "workbook_broken"
    assert "og-sends: tab is missing" in result["text"]
    assert workbook.writes == 0


# -- the payload ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("payload", "said"),
    [
        (["resume", "C007"], "must be a JSON object"),
        ({"command": "delete", "customer": "C007", "by": BY}, "'command' must be one of"),
        ({"command": "undo", "customer": "C007", "by": BY, "forse": True}, "unknown field"),
        ({"command": "undo", "customer": "C007", "by": BY, "force": "yes"}, "'force' must be"),
        ({"command": "resume", "by": BY}, "resume needs a customer"),
        ({"command": "reenroll", "customer": "C010", "plan": "standard"}, "say who runs it"),
    ],
)
def test_a_malformed_payload_exits_2_before_the_workbook_is_read(
    workbook: InMemoryWorkbook, ports: Ports, now: datetime, payload: Any, said: str
) -> None:
    result = run(ports, payload, now)
    assert (result["exit_code"], result["data"]["error"]) == (2, "bad_request")
    assert said in result["text"]
    assert workbook.reads == 0


def test_reenroll_through_a_payload_names_the_new_journey(
    workbook: InMemoryWorkbook, ports: Ports, now: datetime
) -> None:
    payload = {"command": "reenroll", "customer": "Juniper Bank", "plan": "enterprise", "by": BY}
    result = run(ports, payload, now)
    assert result["exit_code"] == 0
    assert "C010/enterprise/2026-11-20" in result["text"]
    assert result["data"] == {
        "customer_id": "C010",
        "customer": "Juniper Bank",
        "plan": "enterprise",
    }


# -- doctor ---------------------------------------------------------------------------------


def test_doctor_lists_broken_rows_and_a_missing_column_by_tab_and_exits_1(
    workbook: InMemoryWorkbook, ports: Ports, now: datetime
) -> None:
    header = workbook.tabs[SENDS.name][0]
    header[header.index("sent at")] = "sent"  # a person renamed a required column
    del workbook.tabs[SENDS_ARCHIVE.name]

    result = run(ports, {"command": "doctor"}, now)

    assert (result["ok"], result["exit_code"]) == (False, 1)
    text = result["text"]
    assert text.splitlines()[0] == "6 problems in the workbook:"
    sections = [line for line in text.splitlines() if line and not line.startswith(" ")][1:]
    assert sections == ["onboarding (4)", "og-sends (1)", "og-sends-archive (1)"]
    assert "  row 12, column 'plan': unknown plan 'standrad' (not in og-plans)" in text
    # Said once, though both the structure check and the reading find it.
    assert text.count("column 'sent at'") == 1
    assert "og-sends-archive (1)\n  tab is missing (run the setup command)" in text
    where = {(p["tab"], p["row"], p["column"]) for p in result["data"]["problems"]}
    assert ("og-sends", 1, "sent at") in where and ("og-sends-archive", None, None) in where
    assert workbook.writes == 0


def test_doctor_on_a_clean_workbook_exits_0(make_ports: MakePorts, now: datetime) -> None:
    workbook = InMemoryWorkbook()
    workbook.ensure_tabs([t.name for t in TABS])
    clean = builders.snapshot(
        [builders.customer("C1"), builders.customer("C2", company="Acme")],
        sends=[builders.send("C1", "connect", "2026-11-02 09:00")],
    )
    for name, table in clean.tables.items():
        workbook.tabs[name] = [list(table.header), *table.rows]

    result = run(make_ports(workbook), {"command": "doctor"}, now)

    assert result["exit_code"] == 0, result["text"]
    assert result["text"].startswith("No problems: 2 customers and 1 plan read")
    assert result["text"].endswith("of the 10,000,000 cells Google allows a spreadsheet.")
    assert result["data"]["cells"] > 0
    assert result["data"]["problems"] == []
