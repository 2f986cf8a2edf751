"""Each action as one unit of work, against the demo workbook held in memory.

Given the demo workbook (a dozen customers in every state), when a person presses a button or
clicks a done link, then the sheet, the audit trail, the outbox and the Slack flag say so.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from adapters.outbox import read_outbox
from app.demo import build_demo
from fakes.memory_workbook import InMemoryWorkbook
from guide import commands as cmd
from guide.actions import perform
from guide.commands import ActionError, AlreadyDone, UnknownCustomer
from guide.ports import NotifierError, Ports, SlackMessage, WorkbookError
from guide.reading import read_book
from guide.tick.decide import NoticeResume, decide
from guide.workbook import Changes
from guide.writes import StateUpdates
from sheets.schema import APPEND_ONLY, TICK_READS
from tests.conftest import MakePorts

TODAY = datetime(2026, 11, 20).date()
SAM, ALEX = "Sam Rivera", "Alex Chen"
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
        flag_level=1,
        flagged_at="2026-11-19 09:05",
    )
    changes = Changes()
    states.write(changes)
    workbook.commit(snapshot, changes)


def mails(outbox: Path) -> list[dict[str, Any]]:
    return [e.payload for e in read_outbox(outbox) if e.kind == "mail"]


def slack(outbox: Path, method: str) -> list[dict[str, Any]]:
    return [e.payload for e in read_outbox(outbox) if e.payload.get("method") == method]


def audits(workbook: InMemoryWorkbook, customer_id: str) -> list[dict[str, Any]]:
    return [r for r in workbook.rows("og-audit") if r["customer id"] == customer_id]


def send_row(workbook: InMemoryWorkbook, customer_id: str, step_id: str) -> dict[str, Any]:
    (row,) = [
        r
        for r in workbook.rows("og-sends")
        if r["customer id"] == customer_id and r["step id"] == step_id
    ]
    return row


def buttons(update: dict[str, Any]) -> list[str]:
    return [
        e["action_id"] for b in update["blocks"] if b["type"] == "actions" for e in b["elements"]
    ]


def test_finish_stamps_the_row_archives_the_journey_and_sends_one_wrapup(
    workbook: InMemoryWorkbook, ports: Ports, outbox: Path, now: datetime
) -> None:
    flagged(workbook, "C009", "first-report")
    outcome = perform(ports, cmd.Finish("C009", by=SAM), now)

    row = workbook.row("onboarding", "customer id", "C009")
    assert (row["finished"], row["finished on"], row["finished by"]) == (True, "2026-11-20", SAM)
    assert not [r for r in workbook.rows("og-sends") if r["customer id"] == "C009"]
    archived = [r for r in workbook.rows("og-sends-archive") if r["customer id"] == "C009"]
    assert len(archived) == 4 and {r["archived at"] for r in archived} == {"2026-11-20 10:00"}
    (entry,) = audits(workbook, "C009")
    assert (entry["action"], entry["who"]) == ("finish", SAM)
    assert [(m["to"], m["subject"]) for m in mails(outbox)] == [
        ("mia@indigo.example", "You're all set")
    ]
    (update,) = slack(outbox, "chat.update")
    assert update["ts"] == FLAG_TS and "finished by Sam Rivera" in update["text"]
    assert buttons(update) == []
    assert outcome.customer_name == "Indigo Studio"


def test_finish_twice_is_already_done_and_mails_once(
    workbook: InMemoryWorkbook, ports: Ports, outbox: Path, now: datetime
) -> None:
    perform(ports, cmd.Finish("C009", by=SAM), now)
    with pytest.raises(AlreadyDone):
        perform(ports, cmd.Finish("C009", by=ALEX), now + timedelta(minutes=1))
    assert len(mails(outbox)) == 1
    assert len(audits(workbook, "C009")) == 1


def test_a_finish_retried_after_a_failed_write_mails_once(
    workbook: InMemoryWorkbook, ports: Ports, outbox: Path, now: datetime
) -> None:
    before = {tab: [list(r) for r in rows] for tab, rows in workbook.tabs.items()}
    workbook.fail_commits = 1
    with pytest.raises(WorkbookError):
        perform(ports, cmd.Finish("C009", by=SAM), now)
    assert workbook.tabs == before

    perform(ports, cmd.Finish("C009", by=SAM), now + timedelta(seconds=30))
    assert len(mails(outbox)) == 1
    assert workbook.row("onboarding", "customer id", "C009")["finished"] is True


def test_pause_ticks_the_box_keeps_the_note_as_text_and_offers_resume(
    workbook: InMemoryWorkbook, ports: Ports, outbox: Path, now: datetime
) -> None:
    flagged(workbook, "C005", "invite-teammate")
    note = "=SUM(1) waiting on <their> IT & legal"
    perform(ports, cmd.Pause("C005", by=SAM, note=note), now)

    assert workbook.row("onboarding", "customer id", "C005")["paused"] is True
    state = workbook.row("og-state", "customer id", "C005")
    assert (state["paused at"], state["pause note"], state["paused by"]) == (
        "2026-11-20 10:00",
        note,
        SAM,
    )
    assert state["flag ts"] == FLAG_TS  # the flag the tick wrote is still there
    (entry,) = audits(workbook, "C005")
    assert entry["action"] == "pause" and entry["detail"] == note
    before, after = json.loads(str(entry["before"])), json.loads(str(entry["after"]))
    assert (before["onboarding"]["paused"], after["onboarding"]["paused"]) == (False, True)
    assert after["og-state"]["pause_note"] == note
    (update,) = slack(outbox, "chat.update")
    assert buttons(update) == ["og_resume"]
    assert "&lt;their&gt; IT &amp; legal" in json.dumps(update["blocks"])
    assert mails(outbox) == []


def test_pause_of_a_paused_or_finished_customer_is_refused_before_anything_is_written(
    workbook: InMemoryWorkbook, ports: Ports, now: datetime
) -> None:
    writes = workbook.writes
    with pytest.raises(AlreadyDone):
        perform(ports, cmd.Pause("C007", by=SAM), now)
    with pytest.raises(ActionError) as finished:
        perform(ports, cmd.Pause("C010", by=SAM), now)
    assert finished.value.code == "finished"
    assert workbook.writes == writes


def test_resume_clears_the_pause_and_the_next_tick_carries_on(
    workbook: InMemoryWorkbook, ports: Ports, now: datetime
) -> None:
    outcome = perform(ports, cmd.Resume("C007", by=SAM), now)

    assert workbook.row("onboarding", "customer id", "C007")["paused"] is False
    state = workbook.row("og-state", "customer id", "C007")
    assert (state["paused at"], state["pause note"], state["paused by"]) == (None, None, None)
    (entry,) = audits(workbook, "C007")
    assert (entry["action"], entry["detail"]) == ("resume", "paused for 3 days")
    assert "3 days" in outcome.message
    plan = decide(read_book(workbook.read(TICK_READS)), TODAY)
    status = next(s for s in plan.statuses if s.customer_id == "C007")
    # Where it left off, with the stall clock restarted: the paused days were not a stall.
    assert status.state == "on track" and status.step == "Connect your data"
    assert state["resumed at"] is not None
    assert not [e for e in plan.effects if isinstance(e, NoticeResume)]  # audited once, here


def test_resume_of_a_customer_not_paused_is_already_done(ports: Ports, now: datetime) -> None:
    with pytest.raises(AlreadyDone):
        perform(ports, cmd.Resume("C003", by=SAM), now)


def test_hand_off_sets_the_new_owner_and_sends_them_the_journey_so_far(
    workbook: InMemoryWorkbook, ports: Ports, outbox: Path, now: datetime
) -> None:
    flagged(workbook, "C005", "invite-teammate")
    perform(ports, cmd.Pause("C005", by=SAM, note="<!channel> budget freeze"), now)
    perform(ports, cmd.HandOff("C005", by=SAM, to="alex chen"), now + timedelta(minutes=5))

    assert workbook.row("onboarding", "customer id", "C005")["handed off to"] == ALEX
    state = workbook.row("og-state", "customer id", "C005")
    assert (state["handed off to"], state["handed off at"], state["handed off by"]) == (
        ALEX,
        "2026-11-20 10:05",
        SAM,
    )
    assert [a["action"] for a in audits(workbook, "C005")] == ["pause", "hand off"]
    (post,) = slack(outbox, "chat.postMessage")
    summary = json.dumps(post["blocks"], ensure_ascii=False)
    assert post["channel"] == "U02ALEXCHEN"
    assert (
        "✓ Connect your data: sent 2026-11-04 09:05; done 2026-11-09 09:05 by customer" in summary
    )
    assert "Invite a teammate: sent 2026-11-10 09:05; not done yet" in summary
    assert "Book the check-in: not sent yet" in summary
    assert "&lt;!channel&gt; budget freeze" in summary and "<!channel>" not in summary
    assert buttons(slack(outbox, "chat.update")[-1]) == ["og_clear_handoff"]


def test_hand_off_to_someone_not_on_the_team_is_refused(
    workbook: InMemoryWorkbook, ports: Ports, outbox: Path, now: datetime
) -> None:
    writes = workbook.writes
    with pytest.raises(ActionError) as refused:
        perform(ports, cmd.HandOff("C005", by=SAM, to="Jordan"), now)
    assert refused.value.code == "not_a_member"
    with pytest.raises(AlreadyDone):
        perform(ports, cmd.HandOff("C008", by=SAM, to="U02ALEXCHEN"), now)
    assert workbook.writes == writes and read_outbox(outbox) == []


def test_clear_hand_off_resumes_the_guide(
    workbook: InMemoryWorkbook, ports: Ports, now: datetime
) -> None:
    perform(ports, cmd.ClearHandOff("C008", by=ALEX), now)

    assert workbook.row("onboarding", "customer id", "C008")["handed off to"] is None
    assert workbook.row("og-state", "customer id", "C008")["handed off to"] is None
    (entry,) = audits(workbook, "C008")
    assert entry["action"] == "clear hand-off" and "was with Alex Chen for 2 days" in str(
        entry["detail"]
    )
    with pytest.raises(AlreadyDone):
        perform(ports, cmd.ClearHandOff("C008", by=ALEX), now)


def test_nudge_resends_the_step_through_a_fresh_done_link_once_per_press(
    workbook: InMemoryWorkbook, ports: Ports, outbox: Path, now: datetime
) -> None:
    perform(ports, cmd.Nudge("C003", by=SAM, subject="Quick one, Ines"), now)
    with pytest.raises(AlreadyDone):  # a double click
        perform(ports, cmd.Nudge("C003", by=SAM), now + timedelta(minutes=1))
    perform(ports, cmd.Nudge("C003", by=SAM), now + timedelta(hours=2))

    send = send_row(workbook, "C003", "invite-teammate")
    assert (send["reminders sent"], send["last reminded"]) == (2, "2026-11-20 12:00")
    assert [m["subject"] for m in mails(outbox)] == [
        "Quick one, Ines",
        "Reminder: Step 2: bring a teammate",
    ]
    first = mails(outbox)[0]
    assert first["to"] == "ines@cobalt.example" and first["tags"]["kind"] == "nudge"
    token = parse_qs(urlsplit(first["text"].split("one click:\n")[1].split()[0]).query)["t"][0]
    link = ports.signer.verify(token, now)
    assert (link.customer_id, link.journey_id, link.step_id) == (
        "C003",
        "C003/standard/2026-11-16",
        "invite-teammate",
    )
    assert [a["action"] for a in audits(workbook, "C003")] == ["nudge", "nudge"]


def test_a_nudge_retried_after_a_failed_write_sends_once(
    workbook: InMemoryWorkbook, ports: Ports, outbox: Path, now: datetime
) -> None:
    workbook.fail_commits = 1
    with pytest.raises(WorkbookError):
        perform(ports, cmd.Nudge("C003", by=SAM), now)
    perform(ports, cmd.Nudge("C003", by=SAM), now + timedelta(minutes=2))
    assert len(mails(outbox)) == 1
    assert len(audits(workbook, "C003")) == 1


@pytest.mark.parametrize(
    ("customer_id", "code"),
    [("C007", "paused"), ("C008", "handed_off"), ("C010", "finished"), ("C004", "nothing_sent")],
)
def test_nudge_is_refused_when_there_is_nobody_to_nudge(
    workbook: InMemoryWorkbook,
    ports: Ports,
    outbox: Path,
    now: datetime,
    customer_id: str,
    code: str,
) -> None:
    with pytest.raises(ActionError) as refused:
        perform(ports, cmd.Nudge(customer_id, by=SAM), now)
    assert refused.value.code == code
    assert mails(outbox) == []


def test_the_done_link_marks_the_step_done_and_returns_the_checklist(
    workbook: InMemoryWorkbook, ports: Ports, outbox: Path, now: datetime
) -> None:
    flagged(workbook, "C003", "invite-teammate")
    journey = "C003/standard/2026-11-16"
    outcome = perform(ports, cmd.MarkDone("C003", journey, "invite-teammate"), now)

    send = send_row(workbook, "C003", "invite-teammate")
    assert (send["done at"], send["done by"]) == ("2026-11-20 10:00", "customer")
    assert outcome.checklist == (
        ("Connect your data", "done"),
        ("Invite a teammate", "done"),
        ("Book the check-in", "to do"),
        ("Share your first report", "to do"),
    )
    assert [a["action"] for a in audits(workbook, "C003")] == ["done"]
    assert "Ines Duarte marked 'Invite a teammate' done" in slack(outbox, "chat.update")[0]["text"]
    with pytest.raises(AlreadyDone) as again:
        perform(ports, cmd.MarkDone("C003", journey, "invite-teammate"), now)
    assert again.value.checklist == outcome.checklist  # the page needs no second read
    with pytest.raises(ActionError) as stale:
        perform(ports, cmd.MarkDone("C003", "C003/standard/2026-01-05", "connect-data"), now)
    assert stale.value.code == "stale_link"
    with pytest.raises(ActionError) as early:
        perform(ports, cmd.MarkDone("C003", journey, "book-checkin"), now)
    assert early.value.code == "not_sent"


def test_an_unknown_customer_and_a_row_that_needs_fixing_are_refused(
    ports: Ports, now: datetime
) -> None:
    with pytest.raises(UnknownCustomer):
        perform(ports, cmd.Pause("C404", by=SAM), now)
    with pytest.raises(ActionError) as broken:
        perform(ports, cmd.Pause("C012", by=SAM), now)
    assert broken.value.code == "invalid_row" and "contact email" in broken.value.message


@pytest.mark.parametrize(
    "command",
    [
        cmd.Finish("C009", SAM),
        cmd.Pause("C003", SAM, "call Friday"),
        cmd.Resume("C007", SAM),
        cmd.HandOff("C006", SAM, ALEX),
        cmd.ClearHandOff("C008", ALEX),
        cmd.Nudge("C005", SAM),
        cmd.MarkDone("C005", "C005/standard/2026-11-04", "invite-teammate"),
    ],
    ids=lambda c: type(c).__name__,
)
def test_every_action_is_one_read_one_write_and_one_audit_row(
    workbook: InMemoryWorkbook, ports: Ports, now: datetime, command: cmd.Command
) -> None:
    reads, writes, audited = workbook.reads, workbook.writes, len(workbook.rows("og-audit"))
    perform(ports, command, now)
    assert (workbook.reads - reads, workbook.writes - writes) == (1, 1)
    assert len(workbook.rows("og-audit")) == audited + 1
    assert sorted(workbook.last_read[1]) == sorted(APPEND_ONLY)
    assert not set(workbook.last_read[0]) & set(APPEND_ONLY)  # the audit is never read whole


class _SlackDown:
    def post(self, message: SlackMessage) -> Any:
        raise NotifierError("Slack is down", "service_unavailable")

    def update(self, channel: str, ts: str, message: SlackMessage) -> None:
        raise NotifierError("Slack is down", "service_unavailable")

    def open_modal(self, trigger_id: str, view: dict[str, Any]) -> None:
        raise NotifierError("Slack is down", "service_unavailable")


def test_a_flag_that_cannot_be_updated_does_not_undo_the_action(
    workbook: InMemoryWorkbook, ports: Ports, now: datetime
) -> None:
    flagged(workbook, "C005", "invite-teammate")
    outcome = perform(replace(ports, notifier=_SlackDown()), cmd.HandOff("C005", SAM, ALEX), now)

    assert workbook.row("onboarding", "customer id", "C005")["handed off to"] == ALEX
    assert "could not be sent" in outcome.message and "could not be updated" in outcome.message
