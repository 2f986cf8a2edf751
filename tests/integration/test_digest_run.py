"""The weekly digest end to end: one read, one email per recipient per week, and Resume links
that end exactly the pause they were issued for, once, from the page's button."""

from __future__ import annotations

import re
from datetime import timedelta
from email import policy
from email.parser import BytesParser
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from app.done_page import handle_done
from app.function_url import HttpRequest, function_url_event
from guide.actions import perform
from guide.commands import Pause, Resume
from guide.digest_run import send_digest
from tests.integration.endpoints import NOW, Demo, make_demo

PAUSED = "C007"  # Granite Works, paused in the demo


@pytest.fixture
def demo(tmp_path: Path) -> Demo:
    return make_demo(tmp_path / "demo")


def digests(demo: Demo) -> list[Path]:
    return [p for p in demo.emails() if "Onboarding digest" in p.read_text(errors="replace")]


def resume_link(demo: Demo, customer_name: str) -> str:
    """The Resume link next to ``customer_name`` in the first digest's plain text."""
    message = BytesParser(policy=policy.default).parse(digests(demo)[0].open("rb"))
    text = message.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
    block = text[text.index(customer_name) :]
    found = re.search(r"https?://\S+/resume\?t=\S+", block)
    assert found, f"no Resume link after {customer_name}"
    return found.group(0)


def visit(demo: Demo, method: str, link: str, now: Any = NOW) -> dict[str, Any]:
    token = parse_qs(urlsplit(link).query)["t"][0]
    if method == "POST":
        body = urlencode({"t": token}).encode()
        headers = {"content-type": "application/x-www-form-urlencoded"}
        event = function_url_event("POST", "/resume", headers=headers, body=body)
    else:
        event = function_url_event("GET", "/resume", query=urlencode({"t": token}))
    return handle_done(HttpRequest.from_event(event), lambda: demo.ports, perform, now)


def test_a_digest_run_twice_in_one_week_mails_each_recipient_once(demo: Demo) -> None:
    # Given the demo's two digest recipients
    # When the digest runs on Monday and is retried on Wednesday of the same week
    first = send_digest(demo.ports, NOW)
    again = send_digest(demo.ports, NOW + timedelta(days=2))
    # Then each recipient got exactly one digest
    assert sorted(first.sent_to) == ["morgan@example.com", "sam@example.com"]
    assert again.sent_to == [] and sorted(again.already_sent) == sorted(first.sent_to)
    assert len(digests(demo)) == 2


def test_the_digest_reads_the_workbook_once_and_writes_nothing(demo: Demo) -> None:
    before = demo.fingerprint()
    send_digest(demo.ports, NOW)
    assert demo.fingerprint() == before


def test_opening_a_resume_link_changes_nothing_and_its_button_resumes_once(demo: Demo) -> None:
    # Given this week's digest with Granite Works paused
    send_digest(demo.ports, NOW)
    link = resume_link(demo, "Granite Works")
    before = demo.fingerprint()
    # When a mail scanner opens the link
    page = visit(demo, "GET", link)
    # Then it asks for one click and nothing changed
    assert page["statusCode"] == 200 and "Yes, resume" in page["body"]
    assert demo.fingerprint() == before
    # When the person presses the button, twice
    done = visit(demo, "POST", link)
    second = visit(demo, "POST", link)
    # Then the customer is resumed once and audited as the link
    customer = demo.book().customer(PAUSED)
    assert customer is not None and not customer.paused
    assert done["statusCode"] == 200 and "Resumed" in done["body"]
    assert second["statusCode"] == 200 and "not paused" in second["body"]


def test_a_resume_link_for_a_pause_that_ended_does_not_end_a_later_one(demo: Demo) -> None:
    # Given a digest link for Granite Works' pause
    send_digest(demo.ports, NOW)
    link = resume_link(demo, "Granite Works")
    # And the pause since ended and a new one began
    perform(demo.ports, Resume(PAUSED, "Sam"), NOW)
    perform(demo.ports, Pause(PAUSED, "Sam", note="holiday"), NOW + timedelta(hours=1))
    # When the old link's button is pressed
    answer = visit(demo, "POST", link, NOW + timedelta(hours=2))
    # Then the new pause stands and the page says the link is out of date
    customer = demo.book().customer(PAUSED)
    assert customer is not None and customer.paused
    assert "out of date" in answer["body"]


def test_a_tampered_or_expired_resume_link_is_refused(demo: Demo) -> None:
    send_digest(demo.ports, NOW)
    link = resume_link(demo, "Granite Works")
    before = demo.fingerprint()
    assert visit(demo, "POST", link[:-3] + "xyz")["statusCode"] == 400
    assert visit(demo, "POST", link, NOW + timedelta(days=8))["statusCode"] == 410
    assert demo.fingerprint() == before
