"""What the guide says reads right to the person reading it.

Given the demo workbook, Then: a tick with nothing to write says so; a nudge reads as a reminder
with how long since the step went out; the done page thanks once and says what is true of a paused
or handed-off journey; 'finished by' names a person (or says the guide saw every step done); the
presser hears about a wrap-up that could not be sent; and the demo's emails carry its own date.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest

from adapters.outbox import read_outbox
from app import done_page, pages
from app.cli import main
from app.demo import build_demo
from app.report import render
from fakes.memory_workbook import InMemoryWorkbook
from guide import commands as cmd
from guide.actions import perform
from guide.actions.steps import HANDED_OFF_NOTE, PAUSED_NOTE, step_status
from guide.ports import Email, MailerError, Ports
from guide.reading import read_book
from guide.tick.decide import EVERY_STEP_DONE
from sheets.schema import TICK_READS
from tests.conftest import NOW, MakePorts
from tests.unit.tick_world import MON, mails, tick


@pytest.fixture
def workbook() -> InMemoryWorkbook:
    workbook = InMemoryWorkbook()
    build_demo(workbook, MON)
    return workbook


@pytest.fixture
def ports(workbook: InMemoryWorkbook, make_ports: MakePorts) -> Ports:
    return make_ports(workbook)


def test_a_tick_with_nothing_to_write_says_so(ports: Ports) -> None:
    assert "Sheet: nothing to write" not in render(tick(ports, MON))
    # When the same tick runs again that morning, with everything already done
    again = render(tick(ports, MON))
    # Then its report says there was nothing to write, not "0 changes written"
    assert "Sheet: nothing to write" in again and "0 changes" not in again


def test_a_nudge_says_it_is_a_reminder_and_how_long_since_the_step_went_out(
    ports: Ports, outbox: Path
) -> None:
    # Given Evergreen Health's second step went out 8 business days ago
    # When Sam nudges them
    perform(ports, cmd.Nudge("C005", "Sam Rivera"), NOW.replace(day=23))
    # Then the email says it is a reminder, and when the step first went out
    (reminder,) = mails(outbox, "grace@evergreen.example")
    assert reminder["subject"].startswith("Reminder: ")
    assert "reminder: we sent this 8 business days ago" in reminder["text"]
    assert "we sent this 8 business days ago" in reminder["html"]


def test_the_done_page_thanks_once(ports: Ports, workbook: InMemoryWorkbook) -> None:
    book = read_book(workbook.read(TICK_READS))
    c005 = book.customer("C005")
    assert c005 is not None
    answer = perform(ports, cmd.MarkDone("C005", c005.journey_id(), "invite-teammate"), NOW)
    page = pages.done_page("Thank you!", answer.message, answer.checklist)
    assert len(re.findall(r"thank", page, re.IGNORECASE)) == 2  # the <title> and the heading
    assert "thank" not in answer.message.casefold()


def test_the_done_page_says_what_is_true_of_a_paused_or_handed_off_journey(
    ports: Ports, workbook: InMemoryWorkbook
) -> None:
    # Given Granite Works is paused, and Evergreen Health handed off, each with a step open
    perform(ports, cmd.HandOff("C005", "Sam Rivera", "Alex Chen"), NOW)
    book = read_book(workbook.read(TICK_READS))
    for customer_id, step_id, kind, note in [
        ("C007", "connect-data", "paused", PAUSED_NOTE),
        ("C005", "invite-teammate", "handed_off", HANDED_OFF_NOTE),
    ]:
        customer = book.customer(customer_id)
        assert customer is not None
        status = step_status(book, customer_id, customer.journey_id(), step_id)
        # Then the link's page says so
        assert (status.kind, status.message) == (kind, note)
        page = done_page._status_page(status, "token")  # what opening the link shows
        assert page["statusCode"] == 200 and note.split(".")[0] in page["body"]
    # And marking the step done while paused is still allowed, and says what comes next
    granite = book.customer("C007")
    assert granite is not None
    done = perform(ports, cmd.MarkDone("C007", granite.journey_id(), "connect-data"), NOW)
    assert "once your onboarding picks up again" in done.message


def test_finished_by_is_a_persons_name_or_says_the_guide_saw_every_step_done(
    ports: Ports, workbook: InMemoryWorkbook
) -> None:
    # When the tick finishes a journey whose every step is done
    tick(ports, MON)
    finished = workbook.row("onboarding", "customer id", "C009")["finished by"]
    assert finished == EVERY_STEP_DONE == "the guide (every step done)"
    # And when a Slack press finishes one, naming the presser by their Slack id
    perform(ports, cmd.Finish("C005", "U01SAMRIVERA"), NOW)
    # Then 'finished by' is their name from og-config's team list
    assert workbook.row("onboarding", "customer id", "C005")["finished by"] == "Sam Rivera"


class _MailDown:
    def send(self, email: Email) -> str:
        raise MailerError("the mail provider is down")


def test_the_presser_hears_that_the_wrap_up_could_not_be_sent(
    ports: Ports, workbook: InMemoryWorkbook
) -> None:
    answer = perform(replace(ports, mailer=_MailDown()), cmd.Finish("C005", "Sam Rivera"), NOW)
    assert workbook.row("onboarding", "customer id", "C005")["finished"] is True
    assert "could not be sent" in answer.message and "grace@evergreen.example" in answer.message


def test_the_demos_emails_carry_the_day_it_ticks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["demo", "--dir", str(tmp_path / "demo"), "--today", "2026-11-23"]) == 0
    capsys.readouterr()
    dates = {
        e.payload["date"] for e in read_outbox(tmp_path / "demo" / "outbox") if e.kind == "mail"
    }
    assert dates and all("23 Nov 2026" in d for d in dates)
