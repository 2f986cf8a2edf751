"""The staff plan page (/plan, the flag's View plan link): shows the timeline, marks a step done
on the customer's behalf, refuses a tampered or expired link and a link of another kind."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse

import pytest

from app.done_page import handle_done
from app.function_url import HttpRequest, function_url_event
from guide.actions import perform
from guide.trail import history
from tests.integration.endpoints import NOW, Demo, make_demo


@pytest.fixture
def demo(tmp_path: Path) -> Demo:
    return make_demo(tmp_path / "demo")


def _token(demo: Demo, staff: str = "", customer_id: str = "C005") -> str:
    url = demo.ports.plan_link(customer_id, NOW, staff)
    assert urlparse(url).path.endswith("/plan")
    return parse_qs(urlparse(url).query)["t"][0]


def _get(demo: Demo, token: str, now: datetime = NOW) -> dict[str, Any]:
    event = function_url_event("GET", "/plan", query=f"t={token}")
    return handle_done(HttpRequest.from_event(event), lambda: demo.ports, perform, now)


def _post(demo: Demo, **form: str) -> dict[str, Any]:
    event = function_url_event(
        "POST",
        "/plan",
        body=urlencode(form).encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    return handle_done(HttpRequest.from_event(event), lambda: demo.ports, perform, NOW)


def test_the_plan_page_shows_the_timeline_progress_and_activity_and_changes_nothing(
    demo: Demo,
) -> None:
    before = demo.fingerprint()
    answer = _get(demo, _token(demo))
    assert answer["statusCode"] == 200 and demo.fingerprint() == before
    html = answer["body"]
    assert "Evergreen Health" in html and 'role="progressbar"' in html
    assert "1 of " in html  # connect-data is done
    assert "Mark done for the customer" in html and 'name="step" value="invite-teammate"' in html
    assert "<h2>Activity</h2>" in html
    assert answer["headers"]["Cache-Control"] == "no-store"


def test_staff_mark_a_step_done_on_the_customers_behalf_audited_as_staff_for_customer(
    demo: Demo,
) -> None:
    c = demo.book().customer("C005")
    assert c is not None
    answer = _post(
        demo, t=_token(demo), journey=c.journey_id(), step="invite-teammate", staff="Sam Rivera"
    )
    assert answer["statusCode"] == 200 and "marked done" in answer["body"]
    send = demo.book().journey_sends(c.journey_id())["invite-teammate"]
    assert send.done and send.done_by == "Sam Rivera for customer"
    last = history(demo.ports, "C005")[-1]
    assert last.action == "done" and last.who == "Sam Rivera for customer"


def test_a_staff_link_issued_to_someone_names_them_without_asking(demo: Demo) -> None:
    html = _get(demo, _token(demo, staff="U01SAMRIVERA"))["body"]
    assert 'name="staff" value="U01SAMRIVERA"' in html


def test_marking_done_without_saying_who_is_refused(demo: Demo) -> None:
    c = demo.book().customer("C005")
    assert c is not None
    before = demo.fingerprint()
    answer = _post(demo, t=_token(demo), journey=c.journey_id(), step="invite-teammate")
    assert answer["statusCode"] == 400 and demo.fingerprint() == before


def test_a_tampered_expired_or_done_link_token_is_refused_and_changes_nothing(
    demo: Demo,
) -> None:
    token = _token(demo)
    before = demo.fingerprint()
    body, sig = token.split(".")
    tampered = f"{body[:-2]}xx.{sig}"
    assert _get(demo, tampered)["statusCode"] == 400
    assert _get(demo, token, now=NOW + timedelta(days=8))["statusCode"] == 410
    # A customer's done link is signed as another kind: it opens no staff page
    done_token = demo.ports.signer.issue("C005", "j", "s", NOW, 30)
    assert _get(demo, done_token)["statusCode"] == 400
    # and a staff token is no done link
    done = function_url_event("GET", "/done", query=f"t={token}")
    assert (
        handle_done(HttpRequest.from_event(done), lambda: demo.ports, perform, NOW)["statusCode"]
        == 400
    )
    assert demo.fingerprint() == before
