"""``serve`` end to end: real HTTP on 127.0.0.1 into the handlers template.yaml names."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
import requests

import app.slack_endpoint
from app import bootstrap
from app.server import ROUTES, serve_in_background
from fakes.slack_signing import SlackWithResponses, block_actions, form_body, signed_headers
from guide.messages import action_value
from tests.integration.endpoints import NOW, SECRET, Demo, flag_for, make_demo

TEMPLATE = Path(__file__).resolve().parents[2] / "template.yaml"


@pytest.fixture
def demo(
    tmp_path: Path, slack: SlackWithResponses, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Demo]:
    demo = make_demo(tmp_path / "demo", slack.api_url)
    for name, value in demo.env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_LAMBDA_FUNCTION_NAME", raising=False)
    monkeypatch.delenv("OG_SECRET_NAME", raising=False)
    # The handlers build their wiring once per process, as in a warm Lambda: start afresh.
    bootstrap.ports_from_env.cache_clear()
    app.slack_endpoint.use_endpoint(None)
    yield demo
    bootstrap.ports_from_env.cache_clear()
    app.slack_endpoint.use_endpoint(None)


@pytest.fixture
def base_url(demo: Demo) -> Iterator[str]:
    server = serve_in_background("127.0.0.1", 0)
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_routes_are_the_handlers_template_yaml_names() -> None:
    template = TEMPLATE.read_text()
    for function, handler in ROUTES.values():
        block = re.search(rf"^  {function}:\n(?:    .*\n|\n)*", template, re.MULTILINE)
        assert block, f"{function} is not in template.yaml"
        assert f"Handler: {handler}\n" in block.group(0)


def test_a_signed_press_over_http_finishes_the_customer(
    base_url: str, slack: SlackWithResponses, demo: Demo
) -> None:
    # Given the flag the tick posted for Evergreen
    _, ts, value = flag_for(slack.messages, "C005")
    body = form_body(
        block_actions("og_finish", value, message_ts=ts, response_url=slack.response_url())
    )
    # When Slack posts the press to the local server
    answer = requests.post(
        f"{base_url}/slack/events", data=body, headers=signed_headers(SECRET, body), timeout=10
    )
    # Then it is answered, and once the work after the answer is done, Evergreen is finished
    assert answer.status_code == 200
    lazy = app.slack_endpoint.endpoint().lazy
    assert lazy is not None
    lazy.wait()
    evergreen = demo.book().customer("C005")
    assert evergreen is not None and evergreen.finished


def test_a_done_link_over_http(base_url: str, demo: Demo) -> None:
    customer = demo.book().customer("C005")
    assert customer is not None
    token = demo.ports.signer.token(
        "C005", customer.journey_id(), "invite-teammate", NOW + timedelta(days=30)
    )
    opened = requests.get(f"{base_url}/done", params={"t": token}, timeout=10)
    assert opened.status_code == 200 and "text/html" in opened.headers["Content-Type"]
    assert opened.headers["Cache-Control"] == "no-store"
    clicked = requests.post(f"{base_url}/done", data={"t": token}, timeout=10)
    assert clicked.status_code == 200 and "Thank you" in clicked.text
    send = demo.book().journey_sends(customer.journey_id())["invite-teammate"]
    assert send.done


def test_unknown_paths_and_bad_links(base_url: str) -> None:
    assert requests.get(f"{base_url}/nope", timeout=10).status_code == 404
    bad: Any = requests.get(f"{base_url}/done?{urlencode({'t': 'x.y'})}", timeout=10)
    assert bad.status_code == 400 and "doesn" in bad.text


def test_serve_on_the_outbox_opens_a_modal_there_and_never_calls_slack(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 8, item 18: with OG_OUTBOX and no SLACK_API_URL, a Pause press's modal is written
    to the outbox, like every other Slack call, instead of going to slack.com."""
    # Given the demo served the local way: the outbox stands in for Slack
    local = make_demo(tmp_path / "demo")
    for name, value in local.env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("SLACK_API_URL", raising=False)
    monkeypatch.delenv("AWS_LAMBDA_FUNCTION_NAME", raising=False)
    bootstrap.ports_from_env.cache_clear()
    app.slack_endpoint.use_endpoint(None)
    server = serve_in_background("127.0.0.1", 0)
    try:
        customer = local.book().customer("C005")
        assert customer is not None
        value = action_value("C005", customer.journey_id(), "invite-teammate")
        body = form_body(block_actions("og_pause", value))
        # When someone presses Pause
        answer = requests.post(
            f"http://127.0.0.1:{server.server_address[1]}/slack/events",
            data=body,
            headers=signed_headers(SECRET, body),
            timeout=10,
        )
    finally:
        server.shutdown()
        server.server_close()
        bootstrap.ports_from_env.cache_clear()
        app.slack_endpoint.use_endpoint(None)
    # Then the modal is in the outbox (had it tried slack.com, this machine has no route there)
    assert answer.status_code == 200
    modals = list((local.folder / "outbox").glob("*-slack-modal-*.json"))
    assert len(modals) == 1 and "og_pause_modal" in modals[0].read_text()
