"""The Slack interactivity endpoint, from signed Slack payloads to the workbook and back.

Requests are real Slack payload shapes, signed as Slack signs them, inside Function URL events.
The guide's own actions run against the demo workbook; Slack is the fake Web API.
"""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest
from slack_sdk import WebClient

from app.function_url import LocalContext
from app.slack_app import FAILED, build_app
from app.slack_endpoint import MALFORMED, SlackEndpoint
from fakes.slack_signing import (
    SlackWithResponses,
    block_actions,
    flag_value,
    select_value,
    signed_event,
    text_value,
    view_submission,
)
from guide.actions import perform
from guide.ports import Ports, WorkbookError
from tests.integration.endpoints import NOW, SECRET, TOKEN, Demo, flag_for

EVENTS = Path(__file__).resolve().parents[2] / "events"
CONTEXT = LocalContext("SlackActionsFunction")


def make_endpoint(slack: SlackWithResponses, ports: Ports, **options: Any) -> SlackEndpoint:
    client = WebClient(token=TOKEN, base_url=slack.api_url)
    app = build_app(
        client,
        SECRET,
        team_id="T0001",
        ports=lambda: ports,
        perform=perform,
        clock=lambda: NOW,
    )
    return SlackEndpoint(app, SECRET, in_lambda=False, **options)


@pytest.fixture
def endpoint(slack: SlackWithResponses, demo: Demo) -> SlackEndpoint:
    return make_endpoint(slack, demo.ports)


def send(endpoint: SlackEndpoint, event: dict[str, Any]) -> dict[str, Any]:
    """Deliver one request and let the work after the answer finish, as Lambda would."""
    started = time.monotonic()
    answer = endpoint.handle(event, CONTEXT)
    answer["seconds"] = time.monotonic() - started
    assert endpoint.lazy is not None
    endpoint.lazy.wait()
    return answer


def press(slack: SlackWithResponses, action_id: str, customer_id: str, **kw: Any) -> dict[str, Any]:
    _, ts, value = flag_for(slack.messages, customer_id)
    kw.setdefault("response_url", slack.response_url())
    return block_actions(action_id, kw.pop("value", value), message_ts=ts, **kw)


def opened_view(slack: SlackWithResponses) -> dict[str, Any]:
    (call,) = slack.calls_to("views.open")
    view = json.loads(call["view"]) if isinstance(call["view"], str) else call["view"]
    assert isinstance(view, dict)
    return view


# --- each button -------------------------------------------------------------------------


def test_finish_answers_at_once_then_finishes_and_updates_the_flag(
    slack: SlackWithResponses, endpoint: SlackEndpoint, demo: Demo
) -> None:
    # Given Evergreen's stall flag in Sam's DMs
    channel, ts, _ = flag_for(slack.messages, "C005")
    # When Sam presses Finish
    answer = send(endpoint, signed_event(press(slack, "og_finish", "C005"), SECRET))
    # Then Slack got its answer well inside 3 seconds, and Evergreen is finished by Sam (by
    # his name on the team list)
    assert answer["statusCode"] == 200 and answer["seconds"] < 3
    evergreen = demo.book().customer("C005")
    assert evergreen is not None and evergreen.finished and evergreen.finished_by == "Sam Rivera"
    # and the flag says so, and Sam was told
    assert "Sam Rivera" in slack.message(channel, ts)["text"]
    assert any("Finished Evergreen Health" in said for said in slack.said())


def test_pause_opens_a_modal_and_its_note_is_stored_as_typed(
    slack: SlackWithResponses, endpoint: SlackEndpoint, demo: Demo
) -> None:
    # When Sam presses Pause: a modal opens, nothing changes yet
    before = demo.fingerprint()
    assert (
        send(endpoint, signed_event(press(slack, "og_pause", "C005"), SECRET))["statusCode"] == 200
    )
    view = opened_view(slack)
    assert view["callback_id"] == "og_pause_modal" and demo.fingerprint() == before
    # and submits it with a note that looks like a formula
    note = '=IMPORTRANGE("x") waiting on legal'
    submission = view_submission(view, {"note": {"note": text_value(note)}})
    answer = send(endpoint, signed_event(submission, SECRET))
    # Then the modal closes and Evergreen is paused with the note kept as text
    assert answer["statusCode"] == 200 and not answer["body"]
    assert demo.book().states["C005"].pause_note == note
    assert demo.book().customer("C005").paused  # type: ignore[union-attr]


def test_hand_off_offers_the_team_list_and_hands_off_to_the_pick(
    slack: SlackWithResponses, endpoint: SlackEndpoint, demo: Demo
) -> None:
    send(endpoint, signed_event(press(slack, "og_handoff", "C005"), SECRET))
    view = opened_view(slack)
    options = view["blocks"][1]["element"]["options"]
    assert [o["value"] for o in options] == ["Sam Rivera", "Alex Chen"]
    submission = view_submission(view, {"to": {"to": select_value("Alex Chen")}})
    send(endpoint, signed_event(submission, SECRET))
    assert demo.book().states["C005"].handed_off_to == "Alex Chen"


def test_hand_off_falls_back_to_a_typed_name_when_the_sheet_is_unreachable(
    slack: SlackWithResponses, demo: Demo
) -> None:
    class UnreachableWorkbook:
        def read(self, *args: Any, **kwargs: Any) -> Any:
            raise WorkbookError("Sheets API unavailable")

    ports = Ports(**{**vars(demo.ports), "workbook": UnreachableWorkbook()})
    send(make_endpoint(slack, ports), signed_event(press(slack, "og_handoff", "C005"), SECRET))
    assert opened_view(slack)["blocks"][1]["element"]["type"] == "plain_text_input"


def test_hand_off_without_a_pick_is_refused_inside_the_modal(
    slack: SlackWithResponses, endpoint: SlackEndpoint, demo: Demo
) -> None:
    send(endpoint, signed_event(press(slack, "og_handoff", "C005"), SECRET))
    before = demo.fingerprint()
    submission = view_submission(opened_view(slack), {"to": {"to": select_value("")}})
    answer = send(endpoint, signed_event(submission, SECRET))
    assert json.loads(answer["body"])["response_action"] == "errors"
    assert demo.fingerprint() == before


def test_nudge_resends_the_step_with_the_custom_subject(
    slack: SlackWithResponses, endpoint: SlackEndpoint, demo: Demo
) -> None:
    send(endpoint, signed_event(press(slack, "og_nudge", "C005"), SECRET))
    view = opened_view(slack)
    assert view["callback_id"] == "og_nudge_modal"
    mails = len(demo.emails())
    subject = {"subject": {"subject": text_value("Quick one: your teammate invite")}}
    send(endpoint, signed_event(view_submission(view, subject), SECRET))
    assert len(demo.emails()) == mails + 1
    assert "Quick one: your teammate invite" in demo.emails()[-1].read_text()


@pytest.mark.parametrize(
    ("action_id", "customer_id", "check"),
    [
        ("og_resume", "C007", lambda c: not c.paused),
        ("og_clear_handoff", "C008", lambda c: not c.handed_off_to),
    ],
)
def test_resume_and_clear_hand_off_buttons_carry_a_bare_customer_id(
    slack: SlackWithResponses,
    endpoint: SlackEndpoint,
    demo: Demo,
    action_id: str,
    customer_id: str,
    check: Any,
) -> None:
    payload = block_actions(action_id, customer_id, response_url=slack.response_url())
    assert send(endpoint, signed_event(payload, SECRET))["statusCode"] == 200
    assert check(demo.book().customer(customer_id))


# --- refusals: a clear answer and no change -----------------------------------------------


@pytest.mark.parametrize(
    ("name", "options"),
    [
        ("bad signature", {"secret": "not-the-secret"}),
        ("stale timestamp", {"timestamp": time.time() - 6 * 60}),
    ],
)
def test_unverifiable_requests_are_refused(
    slack: SlackWithResponses, endpoint: SlackEndpoint, demo: Demo, name: str, options: Any
) -> None:
    before = demo.fingerprint()
    secret = options.pop("secret", SECRET)
    answer = send(endpoint, signed_event(press(slack, "og_finish", "C005"), secret, **options))
    assert answer["statusCode"] == 401, name
    assert demo.fingerprint() == before and not slack.said()


def test_another_workspace_is_refused_clearly(
    slack: SlackWithResponses, endpoint: SlackEndpoint, demo: Demo
) -> None:
    before = demo.fingerprint()
    answer = send(
        endpoint, signed_event(press(slack, "og_finish", "C005", team_id="T0THEIRS"), SECRET)
    )
    assert answer["statusCode"] == 403 and "one Slack workspace" in answer["body"]
    assert demo.fingerprint() == before


def test_an_unknown_button_is_answered_and_changes_nothing(
    slack: SlackWithResponses, endpoint: SlackEndpoint, demo: Demo
) -> None:
    before = demo.fingerprint()
    answer = send(endpoint, signed_event(press(slack, "og_delete_everything", "C005"), SECRET))
    assert answer["statusCode"] == 200
    assert any("not one this app knows" in said for said in slack.said())
    assert demo.fingerprint() == before


@pytest.mark.parametrize("body", [b"payload=%7Bnot+json", b"payload=%5B1%2C2%5D", b"hello"])
def test_malformed_payloads_get_a_400(endpoint: SlackEndpoint, demo: Demo, body: bytes) -> None:
    before = demo.fingerprint()
    answer = send(endpoint, signed_event(None, SECRET, body=body))
    assert (answer["statusCode"], answer["body"]) == (400, MALFORMED)
    # unsigned garbage is refused as unsigned, not parsed
    assert send(endpoint, signed_event(None, "wrong", body=body))["statusCode"] == 401
    assert demo.fingerprint() == before


@pytest.mark.parametrize(
    ("customer_id", "expected"),
    [("C404", "There is no customer C404"), ("C010", "finished")],
)
def test_unknown_or_finished_customers_are_told_and_nothing_changes(
    slack: SlackWithResponses,
    endpoint: SlackEndpoint,
    demo: Demo,
    customer_id: str,
    expected: str,
) -> None:
    before = demo.fingerprint()
    # The customer's current journey: a flag of an earlier one is refused as such instead.
    found = demo.book().customer(customer_id)
    journey = found.journey_id() if found else f"{customer_id}/standard/2026-11-02"
    payload = press(slack, "og_finish", "C005", value=flag_value(customer_id, journey))
    assert send(endpoint, signed_event(payload, SECRET))["statusCode"] == 200
    assert len(slack.said()) == 1 and expected in slack.said()[0]
    assert demo.fingerprint() == before


def test_an_unreachable_sheet_is_reported_and_nothing_changes(
    slack: SlackWithResponses, demo: Demo
) -> None:
    class UnreachableWorkbook:
        def read(self, *args: Any, **kwargs: Any) -> Any:
            raise WorkbookError("Sheets API unavailable")

        def commit(self, *args: Any) -> None:
            raise AssertionError("nothing may be written")

    ports = Ports(**{**vars(demo.ports), "workbook": UnreachableWorkbook()})
    endpoint = make_endpoint(slack, ports)
    send(endpoint, signed_event(press(slack, "og_finish", "C005"), SECRET))
    assert slack.said() == [FAILED]


# --- retries and double delivery -----------------------------------------------------------


def test_a_slack_retry_of_the_same_press_finishes_once(
    slack: SlackWithResponses, endpoint: SlackEndpoint, demo: Demo
) -> None:
    payload = press(slack, "og_finish", "C005")
    send(endpoint, signed_event(payload, SECRET))
    mails, written = len(demo.emails()), demo.fingerprint()
    retry = send(endpoint, signed_event(payload, SECRET, retry_num=1))
    assert retry["statusCode"] == 200
    assert len(demo.emails()) == mails and demo.fingerprint() == written
    assert len(slack.said()) == 1


def test_a_retried_modal_press_does_not_reopen_the_modal(
    slack: SlackWithResponses, endpoint: SlackEndpoint
) -> None:
    payload = press(slack, "og_pause", "C005")
    send(endpoint, signed_event(payload, SECRET))
    send(endpoint, signed_event(payload, SECRET, retry_num=1))
    assert len(slack.calls_to("views.open")) == 1


def test_in_lambda_the_work_after_the_answer_reinvokes_the_function(
    slack: SlackWithResponses, demo: Demo
) -> None:
    class LoopbackLambda:
        """Lambda's asynchronous invoke, delivering to the same endpoint on a thread."""

        def __init__(self) -> None:
            self.invocations: list[dict[str, Any]] = []
            self.threads: list[threading.Thread] = []

        def invoke(self, FunctionName: str, InvocationType: str, Payload: str) -> dict[str, Any]:
            event = json.loads(Payload)
            self.invocations.append(event)
            thread = threading.Thread(target=endpoint.handle, args=(event, CONTEXT))
            self.threads.append(thread)
            thread.start()
            return {"StatusCode": 202}

    lambda_client = LoopbackLambda()
    endpoint = make_endpoint(slack, demo.ports, lambda_client=lambda_client)
    answer = endpoint.handle(signed_event(press(slack, "og_finish", "C005"), SECRET), CONTEXT)
    assert answer["statusCode"] == 200
    for thread in lambda_client.threads:
        thread.join(timeout=30)
    (invocation,) = lambda_client.invocations
    assert invocation["headers"]["x-slack-bolt-lazy-only"] == "1"
    assert demo.book().customer("C005").finished  # type: ignore[union-attr]


# --- the sample events ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "customer_id"), [("slack-finish.json", "C005"), ("slack-pause-submit.json", "C005")]
)
def test_sample_events_are_real_requests(
    slack: SlackWithResponses, endpoint: SlackEndpoint, demo: Demo, name: str, customer_id: str
) -> None:
    # Given a sample event; its signature is long stale and its response_url is Slack's,
    # so point the hook at the fake and sign the body as Slack would now.
    sample = json.loads((EVENTS / name).read_text())
    assert sample["requestContext"]["http"]["method"] == "POST"
    payload = json.loads(parse_qs(sample["body"])["payload"][0])
    hook = slack.response_url()
    if "response_url" in payload:
        payload["response_url"] = hook
    else:
        meta = json.loads(payload["view"]["private_metadata"])
        payload["view"]["private_metadata"] = json.dumps({**meta, "r": hook})
    # When it arrives
    answer = send(endpoint, signed_event(payload, SECRET))
    # Then it is answered and the customer is finished or paused
    assert answer["statusCode"] == 200
    customer = demo.book().customer(customer_id)
    assert customer is not None and (customer.finished or customer.paused)
