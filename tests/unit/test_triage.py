"""The triage tab's rows: who is not finished, how stuck, the most urgent first."""

from __future__ import annotations

from datetime import date
from typing import Any

from bench.workload import workload
from guide.model import Book
from guide.reading import read_book
from guide.tick.decide import Flag, decide
from guide.triage import FROM_STALLS, triage_rows
from guide.workbook import Snapshot, Table
from sheets.schema import STATE, TRIAGE
from tests.builders import customer, send, snapshot

FRI, NEXT_TUE = date(2026, 11, 6), date(2026, 11, 10)
J1 = "C1/standard/2026-11-02"


def book(customers: list[dict[str, Any]], **kw: Any) -> Book:
    return read_book(snapshot(customers, **kw))


def by_id(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {r["customer id"]: r for r in rows}


def test_given_a_finished_customer_when_triaged_then_only_the_unfinished_get_a_row() -> None:
    rows = triage_rows(book([customer("C1"), customer("C2", finished=True)]), FRI)
    assert [r["customer id"] for r in rows] == ["C1"]
    assert set(rows[0]) == set(TRIAGE.columns)


def test_given_stalls_of_different_lengths_then_the_longest_stalled_comes_first() -> None:
    sends = [
        send("C1", "connect", "2026-11-02 09:00"),  # 6 business days by Tuesday, 3 expected
        send("C2", "connect", "2026-11-04 09:00"),  # 4 waited: 1 over
        send("C3", "connect", "2026-11-09 09:00"),  # 1 waited: on track
        send("C4", "connect", "2026-11-02 09:00", done="2026-11-03 09:00"),
        send("C4", "invite", "2026-11-03 09:00"),  # 5 waited, 2 expected: 3 over
    ]
    rows = triage_rows(book([customer(c) for c in ("C3", "C2", "C1", "C4")], sends=sends), NEXT_TUE)
    assert [(r["customer id"], r["days stalled"]) for r in rows] == [
        ("C1", 3),
        ("C4", 3),
        ("C2", 1),
        ("C3", 0),
    ]
    c4 = by_id(rows)["C4"]
    assert (c4["last completed step"], c4["stuck at step"]) == ("Connect", "Invite")
    assert by_id(rows)["C3"]["stuck at step"] == ""


def test_given_a_severity_then_it_outranks_days_stalled() -> None:
    from guide import triage

    rows = [
        {"customer id": "A", "severity": "", "days stalled": 9, "days in onboarding": 9},
        {"customer id": "B", "severity": "low", "days stalled": 1, "days in onboarding": 1},
        {"customer id": "C", "severity": "High", "days stalled": 0, "days in onboarding": 0},
    ]
    assert [r["customer id"] for r in sorted(rows, key=triage._urgency)] == ["C", "B", "A"]


def test_given_a_paused_customer_then_no_days_stalled_as_the_tick_does_not_chase_them() -> None:
    sends = [send("C1", "connect", "2026-11-02 09:00")]
    rows = triage_rows(book([customer("C1", paused="x")], sends=sends), NEXT_TUE)
    assert (rows[0]["days stalled"], rows[0]["days in onboarding"]) == (0, 6)


def test_given_a_flag_on_this_journey_then_the_row_links_to_its_channel() -> None:
    sends = [send("C1", "connect", "2026-11-02 09:00")]
    states = [
        {"customer id": "C1", "journey id": J1, "flag channel": "C0FLAGS", "flag ts": "1.2"},
        {
            "customer id": "C2",
            "journey id": "C2/old/2026-01-01",
            "flag channel": "C0X",
            "flag ts": "3.4",
        },
    ]
    rows = by_id(
        triage_rows(book([customer("C1"), customer("C2")], sends=sends, states=states), FRI)
    )
    assert rows["C1"]["link to the flag"] == "https://slack.com/app_redirect?channel=C0FLAGS"
    assert rows["C2"]["link to the flag"] == ""  # an old journey's flag


def test_stall_intelligence_columns_stay_empty_until_it_is_wired() -> None:
    rows = triage_rows(book([customer("C1")]), FRI)
    assert all(rows[0][column] == "" for column in FROM_STALLS)


def test_given_the_bench_workbook_then_days_stalled_match_the_ticks_flags() -> None:
    """Nobody flagged yet, so the tick flags every customer a stall rule fires for, with its
    overdue days: the triage tab says the same days of each of them. (A customer overdue
    without a rule firing yet is in the triage tab too, with its days: it is late, not yet a
    stall.)"""
    today = date(2026, 11, 23)
    tables = {tab: Table(tab, rows[0], rows[1:]) for tab, rows in workload(400, today).items()}
    tables[STATE.name] = Table(STATE.name, list(STATE.columns), [])
    workbook = read_book(Snapshot(tables))
    flagged = {
        e.customer_id: e.overdue_days
        for e in decide(workbook, today).effects
        if isinstance(e, Flag)
    }
    stalled = {
        r["customer id"]: r["days stalled"]
        for r in triage_rows(workbook, today)
        if r["days stalled"]
    }
    assert flagged and {c: stalled.get(c) for c in flagged} == flagged
