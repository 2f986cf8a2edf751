"""The done page's button posts to a fixed path, never to the one the request came in on
(issue 8, item 9): a request's path is chosen by whoever sends it."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

import pytest

from app.function_url import HttpRequest, function_url_event
from functions.done_link import handle_done
from guide.actions import perform
from tests.integration.endpoints import NOW, Demo, make_demo


@pytest.fixture
def demo(tmp_path: Path) -> Demo:
    return make_demo(tmp_path / "demo")


@pytest.mark.parametrize(
    "path", ["//evil.example/steal", '/done"><script>alert(1)</script>', "/somewhere/else"]
)
def test_given_a_link_opened_at_any_path_then_the_button_posts_to_the_done_path(
    demo: Demo, path: str
) -> None:
    customer = demo.book().customer("C005")
    assert customer is not None
    token = demo.ports.signer.token(
        "C005", customer.journey_id(), "invite-teammate", NOW.replace(year=2027)
    )
    event = function_url_event("GET", path, query=urlencode({"t": token}))

    page = handle_done(HttpRequest.from_event(event), lambda: demo.ports, perform, NOW)

    assert page["statusCode"] == 200
    assert '<form method="post" action="/done">' in page["body"]
    assert "evil.example" not in page["body"] and "somewhere" not in page["body"]
