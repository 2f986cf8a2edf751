"""Undo and history, against the demo workbook held in memory.

Given a customer some action changed, when a person undoes it, then every tab the action touched
is as it was before it, the undo is audited with the action it reverses, and what already went
out is named, not pretended away.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from adapters.outbox import read_outbox
from app.demo import build_demo
from fakes.memory_workbook import InMemoryWorkbook
from guide import audit, trail
from guide import commands as cmd
from guide.actions import perform
from guide.cells import stamp
from guide.commands import ActionError, UnknownCustomer
from guide.ports import Ports
from guide.tick.decide import EVERY_STEP_DONE
from guide.tick.run import run_tick
from guide.workbook import CellValue
from sheets.schema import AUDIT, COMMITS, SENDS_ARCHIVE, TICK_READS
from tests.conftest import MakePorts
from tests.unit.test_actions import FLAG_TS, buttons, flagged, slack

TODAY = datetime(2026, 11, 20).date()
SAM, ALEX, MORGAN = "Sam Rivera", "Alex Chen", "Morgan Lee"

Tabs = dict[str, list[list[CellValue]]]


@pytest.fixture
def workbook() -> InMemoryWorkbook:
    workbook = InMemoryWorkbook()
    build_demo(workbook, TODAY)
    return workbook


@pytest.fixture
def ports(workbook: InMemoryWorkbook, make_ports: MakePorts) -> Ports:
    return make_ports(workbook)


def tabs(workbook: InMemoryWorkbook) -> Tabs:
    """Every tab but og-audit and og-commit (the id of the last write), as a sheet shows it:
    trailing blank cells and rows are nothing."""

    def row(cells: list[CellValue]) -> list[CellValue]:
        cells = list(cells)
        while cells and cells[-1] in (None, ""):
            cells.pop()
        return cells

    out = {}
    for tab, rows in workbook.tabs.items():
        if tab in (AUDIT.name, COMMITS.name):
            continue
        kept = [row(r) for r in rows]
        while kept and not kept[-1]:
            kept.pop()
        out[tab] = kept
    return out


def edit(workbook: InMemoryWorkbook, tab: str, key: str, column: str, value: CellValue) -> None:
    """A person types into the sheet: ``column`` of the row whose first column is ``key``."""
    header, *rows = workbook.tabs[tab]
    (found,) = [r for r in rows if r and r[0] == key]
    position = header.index(column)
    found.extend([None] * (position + 1 - len(found)))
    found[position] = value


def audits(workbook: InMemoryWorkbook, customer_id: str) -> list[dict[str, Any]]:
    return [r for r in workbook.rows(AUDIT.name) if r["customer id"] == customer_id]


def customer_rows(workbook: InMemoryWorkbook, tab: str, customer_id: str) -> list[Any]:
    return [r for r in workbook.rows(tab) if r["customer id"] == customer_id]


def later(now: datetime, minutes: int) -> datetime:
    return now + timedelta(minutes=minutes)


@pytest.mark.parametrize(
    ("action", "customer_id", "sent"),
    [
        (cmd.Pause("C005", SAM, "call Friday"), "C005", ""),  # makes an og-state record
        (cmd.Pause("C009", SAM), "C009", ""),
        (cmd.Resume("C007", SAM), "C007", ""),
        (cmd.HandOff("C005", SAM, ALEX), "C005", "The Slack message to Alex Chen"),
        (cmd.ClearHandOff("C008", ALEX), "C008", ""),
        (cmd.MarkDone("C003", "C003/standard/2026-11-16", "invite-teammate"), "C003", ""),
        (cmd.Nudge("C003", SAM), "C003", "The reminder already went to ines@cobalt.example"),
        (cmd.Finish("C009", SAM), "C009", "The wrap-up email already went to mia@indigo.example"),
    ],
    ids=lambda v: type(v).__name__ if not isinstance(v, str) else None,
)
def test_undo_puts_back_every_tab_the_action_touched_and_audits_what_it_reversed(
    workbook: InMemoryWorkbook,
    ports: Ports,
    now: datetime,
    action: cmd.Command,
    customer_id: str,
    sent: str,
) -> None:
    # Given a person acted on a customer
    before = tabs(workbook)
    perform(ports, action, now)
    assert tabs(workbook) != before
    (done,) = audits(workbook, customer_id)

    # When another person undoes it
    answer = perform(ports, cmd.Undo(customer_id, ALEX), later(now, 10))

    # Then the onboarding row, og-state, og-sends and the archive are as they were
    assert tabs(workbook) == before
    # And the undo is audited: who, when, which action it reverses
    undo = audits(workbook, customer_id)[-1]
    assert (undo["action"], undo["who"], undo["at"]) == ("undo", ALEX, "2026-11-20 10:10")
    assert undo["undoes"] == done["audit id"] and undo["journey id"] == done["journey id"]
    assert str(undo["detail"]).startswith(f"undid the {done['action']} by {done['who']}")
    assert json.loads(str(undo["before"])) and json.loads(str(undo["after"]))
    # And what already went out is named
    assert sent in answer.message and answer.message.startswith("Undid the")


def test_undoing_a_pause_restores_the_og_state_record_it_overwrote(
    workbook: InMemoryWorkbook, ports: Ports, now: datetime
) -> None:
    # Given C008's og-state record was last updated by the guide, then C008 is paused
    edit(workbook, "og-state", "C008", "updated at", "2026-11-18 09:05")
    before = tabs(workbook)
    perform(ports, cmd.Pause("C008", SAM, "budget"), now)
    state = workbook.row("og-state", "customer id", "C008")
    assert (state["pause note"], state["updated at"]) == ("budget", "2026-11-20 10:00")

    # When it is undone, then the record is back, 'updated at' too
    perform(ports, cmd.Undo("C008", SAM), later(now, 5))
    assert tabs(workbook) == before


def test_undoing_the_ticks_auto_finish_brings_the_journey_back_from_the_archive(
    workbook: InMemoryWorkbook, ports: Ports, outbox: Path, now: datetime
) -> None:
    # Given every step of C009 is done and the tick finished the journey by itself
    onboarding = workbook.row("onboarding", "customer id", "C009")
    sends = customer_rows(workbook, "og-sends", "C009")
    run_tick(ports, now)
    assert workbook.row("onboarding", "customer id", "C009")["finished by"] == EVERY_STEP_DONE
    assert customer_rows(workbook, "og-sends", "C009") == []
    assert len(customer_rows(workbook, SENDS_ARCHIVE.name, "C009")) == 4

    # When a person undoes it (the tick's sends and enrolments of others are not undone)
    answer = perform(ports, cmd.Undo("C009", SAM), later(now, 10))

    # Then the row is unfinished, the journey is live again and the archive has none of it
    assert workbook.row("onboarding", "customer id", "C009") == onboarding
    assert customer_rows(workbook, "og-sends", "C009") == sends
    assert customer_rows(workbook, SENDS_ARCHIVE.name, "C009") == []
    assert "wrap-up email already went to mia@indigo.example" in answer.message
    wrapups = [e for e in read_outbox(outbox) if e.payload.get("to") == "mia@indigo.example"]
    assert len(wrapups) == 1  # nothing is sent by an undo


def test_undoing_a_resume_noticed_in_the_sheet_holds_the_customer_again(
    workbook: InMemoryWorkbook, ports: Ports, now: datetime
) -> None:
    # Given a person cleared C007's paused box in the sheet and the tick recorded the resume
    # (and flagged nothing: the clock restarts at the resume, so the days paused never count)
    row = workbook.row("onboarding", "customer id", "C007")
    paused = workbook.row("og-state", "customer id", "C007")
    edit(workbook, "onboarding", "C007", "paused", False)
    run_tick(ports, now)
    assert workbook.row("og-state", "customer id", "C007")["paused at"] is None
    assert [(a["who"], a["action"]) for a in audits(workbook, "C007")] == [("sheet", "resume")]

    # When it is undone, then the box is ticked again and the pause is back as it was
    perform(ports, cmd.Undo("C007", SAM), later(now, 10))
    assert workbook.row("onboarding", "customer id", "C007") == row
    state = workbook.row("og-state", "customer id", "C007")
    pause_columns = ("paused at", "pause note", "paused by", "resumed at")
    assert [state[c] for c in pause_columns] == [paused[c] for c in pause_columns]


def test_a_second_undo_reverses_the_action_before_and_then_there_is_nothing_left(
    workbook: InMemoryWorkbook, ports: Ports, now: datetime
) -> None:
    # Given C005 was paused, then handed off
    before = tabs(workbook)
    perform(ports, cmd.Pause("C005", SAM, "budget freeze"), now)
    paused = tabs(workbook)
    perform(ports, cmd.HandOff("C005", SAM, ALEX), later(now, 5))

    # When undone once, the hand-off goes; twice, the pause goes too
    perform(ports, cmd.Undo("C005", SAM), later(now, 10))
    assert tabs(workbook) == paused
    perform(ports, cmd.Undo("C005", SAM), later(now, 15))
    assert tabs(workbook) == before

    # And a third has nothing to undo: undo rows themselves are never undone, and it writes
    writes = workbook.writes
    with pytest.raises(ActionError) as nothing:
        perform(ports, cmd.Undo("C005", SAM), later(now, 20))
    assert nothing.value.code == "nothing_to_undo"
    assert workbook.writes == writes
    pause, hand_off, undo_1, undo_2 = audits(workbook, "C005")
    assert (undo_1["undoes"], undo_2["undoes"]) == (hand_off["audit id"], pause["audit id"])


def test_the_ticks_own_records_are_not_undone(
    workbook: InMemoryWorkbook, ports: Ports, now: datetime
) -> None:
    # Given the tick enrolled C001 and sent its first step, and nobody did anything else
    run_tick(ports, now)
    assert {a["action"] for a in audits(workbook, "C001")} == {"enroll", "send step"}

    # When a person asks to undo, then there is nothing a person's undo reverses
    with pytest.raises(ActionError) as nothing:
        perform(ports, cmd.Undo("C001", SAM), later(now, 10))
    assert nothing.value.code == "nothing_to_undo"


def test_an_edit_since_the_action_is_shown_and_refused_and_nothing_is_written(
    workbook: InMemoryWorkbook, ports: Ports, now: datetime
) -> None:
    # Given C005 was paused, and a person then changed the pause note in the sheet
    perform(ports, cmd.Pause("C005", SAM, "call Friday"), now)
    edit(workbook, "og-state", "C005", "pause note", "call Monday")
    edited = tabs(workbook)
    writes = workbook.writes

    # When someone undoes the pause, then it is refused with the difference, and nothing written
    with pytest.raises(ActionError) as refused:
        perform(ports, cmd.Undo("C005", SAM), later(now, 10))
    assert refused.value.code == "edited_since"
    assert "og-state 'pause note': 'call Friday' → 'call Monday'" in refused.value.message
    assert "force" in refused.value.message
    assert (workbook.writes, tabs(workbook)) == (writes, edited)
    assert [a["action"] for a in audits(workbook, "C005")] == ["pause"]


def test_a_forced_undo_overwrites_the_edit_and_says_so_in_the_audit(
    workbook: InMemoryWorkbook, ports: Ports, now: datetime
) -> None:
    # Given C003's nudge, and a person then typed a reminder count of their own
    before = tabs(workbook)
    perform(ports, cmd.Nudge("C003", SAM), now)
    header = workbook.tabs["og-sends"][0]
    row = next(r for r in workbook.tabs["og-sends"] if r[2] == "invite-teammate" and r[1] == "C003")
    row[header.index("reminders sent")] = 7

    # When the undo is forced, then the send row is back as before the nudge
    answer = perform(ports, cmd.Undo("C003", SAM, force=True), later(now, 10))
    assert tabs(workbook) == before
    undo = audits(workbook, "C003")[-1]
    assert "forced" in str(undo["detail"])
    assert "og-sends 'invite-teammate' 'reminders sent': 1 → 7" in str(undo["detail"])
    assert "Overwrote" in answer.message


def test_undo_is_one_read_of_the_whole_trail_and_one_write(
    workbook: InMemoryWorkbook, ports: Ports, now: datetime
) -> None:
    perform(ports, cmd.Finish("C009", SAM), now)
    reads, writes = workbook.reads, workbook.writes
    perform(ports, cmd.Undo("C009", SAM), later(now, 10))
    assert (workbook.reads - reads, workbook.writes - writes) == (1, 1)
    tabs_read, header_only = workbook.last_read
    assert {AUDIT.name, SENDS_ARCHIVE.name, COMMITS.name, *TICK_READS} == set(tabs_read)
    assert header_only == []


def older(workbook: InMemoryWorkbook, action: str, part: str, change: Any) -> None:
    """Rewrite the last ``action`` og-audit row's before or after as an older guide wrote it."""
    header, *rows = workbook.tabs[AUDIT.name]
    row = [r for r in rows if r[header.index("action")] == action][-1]
    values = json.loads(str(row[header.index(part)]))
    change(values)
    row[header.index(part)] = json.dumps(values)


def test_an_audit_row_from_before_og_state_was_recorded_is_refused_with_a_sentence(
    workbook: InMemoryWorkbook, ports: Ports, now: datetime
) -> None:
    # Given an older pause row: no og-state in its before (the record did not exist then)
    perform(ports, cmd.Pause("C005", SAM), now)
    older(workbook, "pause", "before", lambda before: before.pop("og-state"))
    writes = workbook.writes

    with pytest.raises(ActionError) as refused:
        perform(ports, cmd.Undo("C005", SAM), later(now, 10))
    assert refused.value.code == "cannot_undo"
    assert "does not record the og-state before and after" in refused.value.message
    assert workbook.writes == writes


def test_an_older_resume_noticed_in_the_sheet_is_refused_rather_than_half_undone(
    workbook: InMemoryWorkbook, ports: Ports, now: datetime
) -> None:
    # Given the tick noticed C007's cleared box, audited as older guides did: the row as read
    edit(workbook, "onboarding", "C007", "paused", False)
    run_tick(ports, now)
    older(workbook, "resume", "before", lambda before: before["onboarding"].update(paused=False))
    writes = workbook.writes

    with pytest.raises(ActionError) as refused:
        perform(ports, cmd.Undo("C007", SAM), later(now, 10))
    assert refused.value.code == "cannot_undo"
    assert "the box that was cleared in the sheet" in refused.value.message
    assert workbook.writes == writes


def test_undo_of_an_unknown_customer_is_refused(ports: Ports, now: datetime) -> None:
    with pytest.raises(UnknownCustomer):
        perform(ports, cmd.Undo("C404", SAM), now)


def test_history_is_the_whole_trail_oldest_first_with_what_was_undone(
    workbook: InMemoryWorkbook, ports: Ports, now: datetime
) -> None:
    # Given C005 was paused, handed off, and the hand-off undone
    perform(ports, cmd.Pause("C005", SAM, "budget freeze"), now)
    perform(ports, cmd.HandOff("C005", SAM, ALEX), later(now, 5))
    perform(ports, cmd.Undo("C005", MORGAN), later(now, 10))
    reads, writes = workbook.reads, workbook.writes

    # When its history is read
    entries = trail.history(ports, "C005")

    # Then it is every entry, oldest first, in one read and no write
    assert (workbook.reads - reads, workbook.writes - writes) == (1, 0)
    assert [(e.action, e.who) for e in entries] == [
        ("pause", SAM),
        ("hand off", SAM),
        ("undo", MORGAN),
    ]
    pause, hand_off, undo = entries
    assert pause.undone_by is None and undo.undoes == hand_off.audit_id
    assert hand_off.undone_by is not None and hand_off.undone_by.who == MORGAN
    assert stamp(pause.at or now) == "2026-11-20 10:00"
    text = trail.render(entries).splitlines()
    assert text[0].startswith("2026-11-20 10:00  Sam Rivera  pause     budget freeze")
    assert text[1].endswith("[undone by Morgan Lee at 2026-11-20 10:10]")
    as_json = json.loads(json.dumps([e.as_json() for e in entries]))
    assert as_json[1]["undone_by"]["audit_id"] == undo.audit_id
    assert as_json[2]["undoes"] == hand_off.audit_id


def test_history_of_a_customer_with_no_trail_is_empty_and_of_an_unknown_one_is_refused(
    ports: Ports,
) -> None:
    assert trail.history(ports, "C004") == []
    assert trail.render([]) == "Nothing recorded yet."
    with pytest.raises(UnknownCustomer):
        trail.history(ports, "C404")


def test_the_audit_records_the_og_state_record_an_action_made_as_none_before(
    workbook: InMemoryWorkbook, ports: Ports, now: datetime
) -> None:
    perform(ports, cmd.Pause("C005", SAM), now)
    (entry,) = audits(workbook, "C005")
    before, after = json.loads(str(entry["before"])), json.loads(str(entry["after"]))
    assert before["og-state"] is None
    assert after["og-state"][audit.UPDATED_AT] == "2026-11-20 10:00"


def test_undo_rewrites_the_slack_flag_with_the_buttons_for_where_it_leaves_the_customer(
    workbook: InMemoryWorkbook, ports: Ports, outbox: Path, now: datetime
) -> None:
    # Given C005's stall was flagged in Slack, and then C005 was paused from it
    flagged(workbook, "C005", "invite-teammate")
    perform(ports, cmd.Pause("C005", SAM), now)

    # When the pause is undone, then the flag says so and offers the buttons of a live journey
    perform(ports, cmd.Undo("C005", ALEX), later(now, 10))
    update = slack(outbox, "chat.update")[-1]
    assert update["ts"] == FLAG_TS and "pause undone by Alex Chen" in update["text"]
    assert buttons(update) == ["og_finish", "og_pause", "og_handoff", "og_nudge"]
