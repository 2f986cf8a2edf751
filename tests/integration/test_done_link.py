"""The done link: opening shows a page and changes nothing; the click marks the step done.

Runs the endpoint on the demo workbook with the guide's own actions; requests are Function URL
events like the ones in ``events/``.
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

from app.done_page import handle_done
from app.function_url import HttpRequest, function_url_event
from app.pages import confirm_page, done_page
from guide.actions import perform
from guide.links import LinkSigner
from guide.ports import Ports, WorkbookError
from tests.integration.endpoints import NOW, Demo, make_demo

EVENTS = Path(__file__).resolve().parents[2] / "events"
STEP = "invite-teammate"


@pytest.fixture
def demo(tmp_path: Path) -> Demo:
    return make_demo(tmp_path / "demo")


def token_for(demo: Demo, customer_id: str = "C005", step_id: str = STEP, **kw: Any) -> str:
    customer = demo.book().customer(customer_id)
    journey = kw.pop("journey_id", customer.journey_id() if customer else f"{customer_id}/x/y")
    expires = kw.pop("expires_at", NOW + timedelta(days=30))
    return demo.ports.signer.token(customer_id, journey, step_id, expires)


def visit(demo: Demo, method: str, token: str, ports: Ports | None = None) -> dict[str, Any]:
    if method == "POST":
        body = urlencode({"t": token}).encode()
        headers = {"content-type": "application/x-www-form-urlencoded"}
        event = function_url_event("POST", "/done", headers=headers, body=body)
    else:
        event = function_url_event(method, "/done", query=urlencode({"t": token}))
    return call(demo, event, ports)


def call(demo: Demo, event: dict[str, Any], ports: Ports | None = None) -> dict[str, Any]:
    chosen = ports or demo.ports
    return handle_done(HttpRequest.from_event(event), lambda: chosen, perform, NOW)


def invite_send(demo: Demo) -> Any:
    customer = demo.book().customer("C005")
    assert customer is not None
    return demo.book().journey_sends(customer.journey_id())[STEP]


def test_opening_the_link_shows_the_step_and_changes_nothing(demo: Demo) -> None:
    # Given Priya's link for "Invite a teammate"; When a mail scanner (or Priya) opens it
    before = demo.fingerprint()
    page = visit(demo, "GET", token_for(demo))
    # Then a page asks for one click, with the token in a form, and nothing was written
    assert page["statusCode"] == 200
    assert "Invite a teammate" in page["body"] and 'method="post"' in page["body"]
    assert f'value="{token_for(demo)}"' in page["body"]
    assert demo.fingerprint() == before and not invite_send(demo).done
    headers = page["headers"]
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert headers["Cache-Control"] == "no-store"
    assert headers["Referrer-Policy"] == "no-referrer"
    assert headers["X-Robots-Tag"].startswith("noindex")


def test_the_click_marks_the_step_done_and_shows_the_checklist(demo: Demo) -> None:
    page = visit(demo, "POST", token_for(demo))
    assert page["statusCode"] == 200 and "Thank you" in page["body"]
    send = invite_send(demo)
    assert send.done and send.done_by == "customer"
    # the checklist: connect and invite done, the check-in next
    assert page["body"].count('<li class="done">') == 2
    assert 'Next up: <span class="step">Book the check-in</span>' in page["body"]


def test_a_second_click_says_already_done_and_changes_nothing(demo: Demo) -> None:
    visit(demo, "POST", token_for(demo))
    written = demo.fingerprint()
    page = visit(demo, "POST", token_for(demo))
    assert page["statusCode"] == 200 and "already done" in page["body"]
    assert demo.fingerprint() == written
    # and opening the link again says so too
    assert "Already done" in visit(demo, "GET", token_for(demo))["body"]


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize(
    ("name", "make", "status"),
    [
        ("tampered", lambda d: token_for(d)[:-2] + "xx", 400),
        ("malformed", lambda d: "not-a-token", 400),
        ("cut off", lambda d: token_for(d).split(".")[0], 400),
        ("expired", lambda d: token_for(d, expires_at=NOW - timedelta(seconds=1)), 410),
        ("unknown customer", lambda d: token_for(d, "C404"), 404),
        ("earlier journey", lambda d: token_for(d, journey_id="C005/standard/2020-01-06"), 410),
        (
            "another key",
            lambda d: LinkSigner(b"someone-else's-key-123").token(
                "C005", "j", STEP, NOW + timedelta(days=1)
            ),
            400,
        ),
    ],
)
def test_bad_links_get_a_friendly_4xx_page_and_change_nothing(
    demo: Demo, method: str, name: str, make: Any, status: int
) -> None:
    before = demo.fingerprint()
    page = visit(demo, method, make(demo))
    assert page["statusCode"] == status, name
    assert page["headers"]["Content-Type"] == "text/html; charset=utf-8"
    assert "<h1>" in page["body"] and "Traceback" not in page["body"]
    assert demo.fingerprint() == before


def test_head_and_other_methods_change_nothing(demo: Demo) -> None:
    before = demo.fingerprint()
    assert visit(demo, "HEAD", token_for(demo))["body"] == ""
    assert visit(demo, "PUT", token_for(demo))["statusCode"] == 405
    assert demo.fingerprint() == before


def test_an_unreachable_sheet_says_try_again(demo: Demo) -> None:
    class UnreachableWorkbook:
        def read(self, *args: Any, **kwargs: Any) -> Any:
            raise WorkbookError("Sheets API unavailable")

    ports = Ports(**{**vars(demo.ports), "workbook": UnreachableWorkbook()})
    page = visit(demo, "POST", token_for(demo), ports)
    assert page["statusCode"] == 503 and page["headers"]["Retry-After"]


def test_everything_from_the_sheet_is_escaped() -> None:
    page = confirm_page("<script>alert(1)</script>", "Kestrel & Sons <Ltd>", 'a"b')
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "Kestrel &amp; Sons &lt;Ltd&gt;" in page and 'value="a&quot;b"' in page
    done = done_page("Thanks", "<b>", [("<i>step</i>", "done")])
    assert "<i>" not in done and "<b>" not in done


def test_the_sample_events_open_and_click_a_demo_link(demo: Demo) -> None:
    # The samples carry a link to Evergreen's invite step, signed with the local key.
    opened = call(demo, json.loads((EVENTS / "done-get.json").read_text()))
    assert opened["statusCode"] == 200 and 'method="post"' in opened["body"]
    clicked = call(demo, json.loads((EVENTS / "done-post.json").read_text()))
    assert clicked["statusCode"] == 200 and invite_send(demo).done
