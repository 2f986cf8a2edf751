"""The sheet is a way in, equal to the buttons.

Given the demo workbook after Monday's tick, When a person ticks 'paused', types a name into
'handed off to' or ticks 'finished' in the sheet, Then the next tick records it as the button
would: og-state, an og-audit row with "sheet" as who that undo can reverse, the live flag updated,
the new owner told once, the wrap-up sent once; and paused days never count toward a stall.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from app.demo import build_demo
from fakes.memory_workbook import InMemoryWorkbook
from guide import commands as cmd
from guide.actions import perform
from guide.ports import Ports
from tests.conftest import NOW, MakePorts
from tests.unit.tick_world import MON, TUE, WED, audits, buttons, calls, edit, mails, tick

SAM, ALEX = "U01SAMRIVERA", "U02ALEXCHEN"


@pytest.fixture
def workbook() -> InMemoryWorkbook:
    workbook = InMemoryWorkbook()
    build_demo(workbook, MON)
    return workbook


@pytest.fixture
def ports(workbook: InMemoryWorkbook, make_ports: MakePorts) -> Ports:
    tick(make_ports(workbook), MON)  # Evergreen Health (C005) is flagged to Sam
    return make_ports(workbook)


def onboarding(workbook: InMemoryWorkbook, customer_id: str) -> dict[str, object]:
    return workbook.row("onboarding", "customer id", customer_id)


def state(workbook: InMemoryWorkbook, customer_id: str) -> dict[str, object]:
    return workbook.row("og-state", "customer id", customer_id)


def test_paused_ticked_in_the_sheet_is_recorded_like_the_button_and_undo_reverses_it(
    workbook: InMemoryWorkbook, ports: Ports, outbox: Path
) -> None:
    (flag,) = [p for p in calls(outbox, "chat.postMessage", SAM) if "Evergreen" in p["text"]]
    # Given a person ticks 'paused' for Evergreen Health in the sheet
    edit(workbook, "onboarding", "customer id", "C005", paused=True)
    # When Tuesday's tick runs
    tick(ports, TUE)
    # Then og-state knows when and who, and the audit has a row by "sheet"
    record = state(workbook, "C005")
    assert (record["paused at"], record["paused by"]) == ("2026-11-24 09:00", "sheet")
    assert audits(workbook, "C005")[-1] == ("sheet", "pause")
    # And the flag says it is paused, as a button pause would, with only Resume left
    (update,) = [p for p in calls(outbox, "chat.update", SAM) if p["ts"] == flag["ts"]]
    assert "paused by sheet at 2026-11-24 09:00" in update["text"]
    assert buttons(update) == ["og_resume"]
    # And a second tick records nothing more
    tick(ports, TUE)
    assert audits(workbook, "C005")[-1] == ("sheet", "pause")
    assert len(calls(outbox, "chat.update", SAM)) == 1
    # And undo puts the box and og-state back as they were
    perform(ports, cmd.Undo("C005", "Sam Rivera"), NOW)
    assert onboarding(workbook, "C005")["paused"] in (False, None, "")
    assert state(workbook, "C005")["paused at"] in (None, "")


def test_days_paused_in_the_sheet_never_count_toward_a_stall(
    workbook: InMemoryWorkbook, ports: Ports, outbox: Path
) -> None:
    # Given Dune Logistics got its second step on Monday, and was paused in the sheet on Tuesday
    edit(workbook, "onboarding", "customer id", "C004", paused=True)
    tick(ports, TUE)
    # When the box is cleared three weeks later and the tick runs
    edit(workbook, "onboarding", "customer id", "C004", paused=False)
    report = tick(ports, date(2026, 12, 15))
    # Then the step's clock starts again at the resume: on track, nobody flagged
    (status,) = [s for s in report.plan.statuses if s.customer_id == "C004"]
    assert status.state == "on track"
    assert not [p for p in calls(outbox, "chat.postMessage") if "Dune" in p["text"]]
    assert [a for _, a in audits(workbook, "C004")][-2:] == ["pause", "resume"]


def test_a_hand_off_typed_in_the_sheet_is_recorded_and_the_new_owner_told_once(
    workbook: InMemoryWorkbook, ports: Ports, outbox: Path
) -> None:
    # Given a person types Alex's name into Evergreen Health's 'handed off to'
    edit(workbook, "onboarding", "customer id", "C005", handed_off_to="alex chen")
    # When the tick runs, twice
    tick(ports, TUE)
    tick(ports, TUE)
    # Then og-state and the audit record it, by "sheet", under the team list's name
    record = state(workbook, "C005")
    assert (record["handed off to"], record["handed off by"]) == ("Alex Chen", "sheet")
    assert record["handed off at"] == "2026-11-24 09:00"
    assert audits(workbook, "C005")[-1] == ("sheet", "hand off")
    # And Alex hears once, with the journey so far
    (told,) = [p for p in calls(outbox, "chat.postMessage", ALEX) if "Evergreen" in p["text"]]
    assert "handed over to you in the sheet" in told["text"]
    assert "The journey so far" in str(told["blocks"])
    # And Sam's flag now offers only to clear the hand-off
    (update,) = [p for p in calls(outbox, "chat.update", SAM) if "Evergreen" in p["text"]]
    assert buttons(update) == ["og_clear_handoff"]


@pytest.mark.parametrize(
    ("typed", "stamped"), [("", "sheet"), ("Mia from Sales", "Mia from Sales")]
)
def test_finished_ticked_in_the_sheet_archives_and_sends_the_wrap_up_once(
    workbook: InMemoryWorkbook, ports: Ports, outbox: Path, typed: str, stamped: str
) -> None:
    # Given a person ticks 'finished' for Dune Logistics (and maybe says who)
    edit(workbook, "onboarding", "customer id", "C004", finished=True, finished_by=typed)
    # When the tick runs, twice
    tick(ports, TUE)
    tick(ports, WED)
    # Then the row is stamped, the journey archived, and the wrap-up sent once
    row = onboarding(workbook, "C004")
    assert (row["finished on"], row["finished by"]) == ("2026-11-24", stamped)
    assert not [r for r in workbook.rows("og-sends") if r["customer id"] == "C004"]
    assert len([r for r in workbook.rows("og-sends-archive") if r["customer id"] == "C004"]) == 2
    assert [m["subject"] for m in mails(outbox, "omar@dune.example")][-1:] == ["You're all set"]
    assert (
        len([m for m in mails(outbox, "omar@dune.example") if m["subject"] == "You're all set"])
        == 1
    )
    # And the audit says who and how long it took
    (finish,) = [
        r
        for r in workbook.rows("og-audit")
        if r["action"] == "finish" and r["customer id"] == "C004"
    ]
    assert finish["who"] == "sheet" and str(finish["detail"]).startswith("took ")
