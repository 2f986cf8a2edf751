"""Re-enrolling a customer as one unit of work, against the demo workbook held in memory.

Given the demo workbook (customers finished, mid-journey, paused and handed off), when an admin
re-enrolls one on a plan, then a new journey starts today (team time), the old journey's step
rows are archived, holds and the old Slack flag are cleared, and one audit row says so.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from adapters.outbox import read_outbox
from app.demo import build_demo, business_days_ago
from fakes.memory_workbook import InMemoryWorkbook
from guide import commands as cmd
from guide.actions import perform
from guide.commands import ActionError, AlreadyDone
from guide.ports import Ports
from guide.reading import read_book
from guide.tick.decide import NoticeResume, SendStep, decide
from guide.workbook import Changes
from guide.writes import StateUpdates
from sheets.schema import TICK_READS
from tests.conftest import MakePorts

TODAY = datetime(2026, 11, 20).date()  # conftest's NOW, in the demo's New York
ADMIN = "arn:aws:iam::123456789012:user/morgan"
FLAG_TS = "1763600000.000001"


@pytest.fixture
def workbook() -> InMemoryWorkbook:
    workbook = InMemoryWorkbook()
    build_demo(workbook, TODAY)
    return workbook


@pytest.fixture
def ports(workbook: InMemoryWorkbook, make_ports: MakePorts) -> Ports:
    return make_ports(workbook)


def flagged(workbook: InMemoryWorkbook, customer_id: str, step_id: str) -> None:
    """Given the tick flagged this customer's step to Sam in Slack."""
    snapshot = workbook.read(TICK_READS)
    book = read_book(snapshot)
    customer = book.customer(customer_id)
    assert customer is not None
    states = StateUpdates(book.states)
    states.set(
        customer_id,
        datetime(2026, 11, 19, 9, 5),
        journey_id=customer.journey_id(),
        flag_channel="U01SAMRIVERA",
        flag_ts=FLAG_TS,
        flag_step=step_id,
        flag_level=2,
        flagged_at="2026-11-19 09:05",
    )
    changes = Changes()
    states.write(changes)
    workbook.commit(snapshot, changes)


def rows_of(workbook: InMemoryWorkbook, tab: str, customer_id: str) -> list[dict[str, Any]]:
    return [r for r in workbook.rows(tab) if r["customer id"] == customer_id]


def test_a_finished_customer_starts_a_new_journey_today_and_the_next_tick_sends_step_one(
    workbook: InMemoryWorkbook, ports: Ports, now: datetime
) -> None:
    answer = perform(ports, cmd.Reenroll("C010", by=ADMIN, plan="enterprise"), now)

    row = workbook.row("onboarding", "customer id", "C010")
    assert (row["plan"], row["started on"], row["finished"]) == ("enterprise", "2026-11-20", False)
    assert not row["finished on"] and not row["finished by"]
    (entry,) = rows_of(workbook, "og-audit", "C010")
    assert (entry["action"], entry["who"]) == ("reenroll", ADMIN)
    assert entry["journey id"] == "C010/enterprise/2026-11-20"
    before, after = json.loads(str(entry["before"])), json.loads(str(entry["after"]))
    assert (before["onboarding"]["finished"], after["onboarding"]["finished"]) == (True, False)
    assert (before["onboarding"]["plan"], after["onboarding"]["plan"]) == ("standard", "enterprise")
    assert "C010/enterprise/2026-11-20" in answer.message

    plan = decide(read_book(workbook.read(TICK_READS)), TODAY)
    sends = [e for e in plan.effects if isinstance(e, SendStep) and e.customer_id == "C010"]
    assert sends == [SendStep("C010", "C010/enterprise/2026-11-20", "connect-data")]


def test_mid_journey_the_live_step_rows_are_archived_and_the_old_flag_loses_its_buttons(
    workbook: InMemoryWorkbook, ports: Ports, outbox: Path, now: datetime
) -> None:
    flagged(workbook, "C005", "invite-teammate")
    old_journey = f"C005/standard/{business_days_ago(TODAY, 12).isoformat()}"

    perform(ports, cmd.Reenroll("C005", by=ADMIN, plan="standard"), now)

    assert rows_of(workbook, "og-sends", "C005") == []
    archived = rows_of(workbook, "og-sends-archive", "C005")
    assert {(r["journey id"], r["step id"]) for r in archived} == {
        (old_journey, "connect-data"),
        (old_journey, "invite-teammate"),
    }
    assert {r["archived at"] for r in archived} == {"2026-11-20 10:00"}
    state = workbook.row("og-state", "customer id", "C005")
    assert state["journey id"] == "C005/standard/2026-11-20"
    assert not any(state[c] for c in ("flag channel", "flag ts", "flag step", "flagged at"))
    assert state["flag level"] == 0
    (entry,) = rows_of(workbook, "og-audit", "C005")
    assert len(json.loads(str(entry["before"]))["og-sends"]) == 2
    (update,) = [e.payload for e in read_outbox(outbox) if e.payload.get("method") == "chat.update"]
    assert update["ts"] == FLAG_TS and "re-enrolled on plan 'standard'" in update["text"]
    assert not [b for b in update["blocks"] if b["type"] == "actions"]


def test_a_pause_and_a_hand_off_are_cleared_with_the_new_journey(
    workbook: InMemoryWorkbook, ports: Ports, now: datetime
) -> None:
    perform(ports, cmd.Reenroll("C007", by=ADMIN, plan="standard"), now)
    perform(ports, cmd.Reenroll("C008", by=ADMIN, plan="standard"), now)

    paused, handed = (workbook.row("onboarding", "customer id", c) for c in ("C007", "C008"))
    assert paused["paused"] is False and not handed["handed off to"]
    for customer_id in ("C007", "C008"):
        state = workbook.row("og-state", "customer id", customer_id)
        assert not any(state[c] for c in ("paused at", "pause note", "handed off to"))
    plan = decide(read_book(workbook.read(TICK_READS)), TODAY)
    # Cleared in the row and in og-state together: the tick has no resume of its own to notice.
    assert not [e for e in plan.effects if isinstance(e, NoticeResume)]
    assert {e.customer_id for e in plan.effects if isinstance(e, SendStep)} >= {"C007", "C008"}


def test_an_unknown_plan_is_refused_with_the_plans_listed_and_nothing_written(
    workbook: InMemoryWorkbook, ports: Ports, now: datetime
) -> None:
    writes = workbook.writes
    with pytest.raises(ActionError) as refused:
        perform(ports, cmd.Reenroll("C010", by=ADMIN, plan="premium"), now)
    assert refused.value.code == "unknown_plan"
    assert "'premium'" in refused.value.message
    assert "enterprise, standard" in refused.value.message
    assert workbook.writes == writes


def test_re_enrolling_twice_the_same_day_on_the_same_plan_is_already_done(
    workbook: InMemoryWorkbook, ports: Ports, now: datetime
) -> None:
    perform(ports, cmd.Reenroll("C004", by=ADMIN, plan="enterprise"), now)
    with pytest.raises(AlreadyDone):
        perform(ports, cmd.Reenroll("C004", by=ADMIN, plan="enterprise"), now + timedelta(hours=1))
    assert len(rows_of(workbook, "og-audit", "C004")) == 1
