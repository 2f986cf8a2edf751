"""The admin function with the samples in events/, and ``app.cli admin`` locally and remotely.

Given the demo workbook on disk after its first tick (local mode, as the README sets it up),
the handler the admin Lambda runs carries out each sample payload and returns a result payload;
the CLI runs the same payload in-process. Remotely, the CLI finds the function from the stack's
outputs and invokes it with IAM: real boto3 clients behind botocore's Stubber, so the test sees
exactly what would be sent to AWS.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.response import StreamingBody
from botocore.stub import Stubber

from app import admin_remote
from app.admin_remote import Aws
from app.bootstrap import ports_from_env
from app.cli import main
from functions.admin import handler
from sheets.schema import AUDIT
from tests.integration.endpoints import Demo, make_demo
from tests.integration.test_tick_handler import FakeLambdaContext

EVENTS = Path(__file__).resolve().parents[2] / "events"
GUIDE_ENV = ("OG_WORKBOOK", "OG_OUTBOX", "OG_STATE_DIR", "OG_SPREADSHEET_ID", "OG_SECRET_NAME")
CALLER = "arn:aws:iam::123456789012:user/morgan"
FUNCTION = "og-prod-AdminFunction-1A2B3C"


def event(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((EVENTS / name).read_text())
    return loaded


@pytest.fixture
def demo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Demo]:
    """The demo workbook after its tick, and the local-mode environment pointing at it."""
    for name in (*GUIDE_ENV, "OG_STACK_NAME"):
        monkeypatch.setenv(name, "")  # recorded, so teardown restores the original
        monkeypatch.delenv(name)
    demo = make_demo(tmp_path / "demo")
    for name, value in demo.env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("POWERTOOLS_SERVICE_NAME", "onboarding-guide")
    monkeypatch.setenv("USER", "sam")
    ports_from_env.cache_clear()
    yield demo
    ports_from_env.cache_clear()


def audit_rows(demo: Demo, customer_id: str) -> list[dict[str, Any]]:
    table = demo.ports.workbook.read([AUDIT.name])[AUDIT.name]
    return [r for _row, r in table.records() if r["customer id"] == customer_id]


# -- the handler, with the samples in events/ -----------------------------------------------


def test_the_resume_sample_lifts_the_pause_and_audits_who_sent_it(demo: Demo) -> None:
    sample = event("admin-resume.json")
    result = handler(sample, FakeLambdaContext())

    assert (result["ok"], result["exit_code"]) == (True, 0)
    assert result["text"].startswith("Resumed Granite Works")
    assert result["data"]["customer_id"] == "C007" and result["data"]["done"] == ["resume"]
    customer = demo.book().customer("C007")
    assert customer is not None and customer.paused is False
    (entry,) = [r for r in audit_rows(demo, "C007") if r["action"] == "resume"]
    assert entry["who"] == sample["by"]


def test_the_reenroll_sample_starts_a_finished_customer_on_a_new_journey(demo: Demo) -> None:
    result = handler(event("admin-reenroll.json"), FakeLambdaContext())

    assert result["exit_code"] == 0, result["text"]
    book = demo.book()
    customer = book.customer("C010")
    assert customer is not None
    assert (customer.plan, customer.finished) == ("enterprise", False)
    # Today in the team's time zone, whenever the test runs: the journey id says which day.
    assert book.states["C010"].journey_id == customer.journey_id()
    assert customer.journey_id() in result["text"]
    assert [r["action"] for r in audit_rows(demo, "C010")] == ["reenroll"]


def test_the_doctor_sample_lists_the_demo_rows_that_need_fixing_and_exits_1(demo: Demo) -> None:
    before = demo.fingerprint()
    result = handler(event("admin-doctor.json"), FakeLambdaContext())

    assert (result["ok"], result["exit_code"]) == (False, 1)
    named = {p["customer_id"] for p in result["data"]["problems"]}
    assert named == {"C003", "C011", "C012"}  # a duplicate id, an unknown plan, a bad email
    assert "unknown plan 'standrad'" in result["text"]
    assert demo.fingerprint() == before  # doctor writes nothing


def test_a_payload_with_a_misspelt_field_is_refused_with_exit_2(demo: Demo) -> None:
    before = demo.fingerprint()
    result = handler({**event("admin-resume.json"), "forse": True}, FakeLambdaContext())
    assert result["exit_code"] == 2 and "forse" in result["text"]
    assert demo.fingerprint() == before


# -- the CLI, in-process on OG_WORKBOOK -------------------------------------------------------


def test_the_cli_resumes_a_customer_named_by_company_as_user_at_cli(
    demo: Demo, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["admin", "resume", "granite works"]) == 0
    assert capsys.readouterr().out.startswith("Resumed Granite Works")
    (entry,) = [r for r in audit_rows(demo, "C007") if r["action"] == "resume"]
    assert entry["who"] == "sam@cli"


def test_the_undo_and_history_samples_put_back_a_resume_and_show_the_trail(demo: Demo) -> None:
    # Given Granite Works resumed by the resume sample
    handler(event("admin-resume.json"), FakeLambdaContext())
    # When the undo sample runs, then the history sample
    undone = handler(event("admin-undo.json"), FakeLambdaContext())
    trail = handler(event("admin-history.json"), FakeLambdaContext())
    # Then the customer is paused again, and the trail shows the resume before its undo
    assert (undone["ok"], undone["exit_code"]) == (True, 0)
    customer = demo.book().customer("C007")
    assert customer is not None and customer.paused
    actions = [e["action"] for e in trail["data"]["entries"]]
    assert actions.index("resume") < actions.index("undo")
    assert "undo" in trail["text"]


def test_the_cli_undo_with_nothing_left_to_undo_exits_1_and_changes_nothing(
    demo: Demo, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given a customer whose trail holds only the tick's own records (C004: step emails)
    before = demo.fingerprint()
    # When the operator asks to undo
    code = main(["admin", "undo", "C004"])
    # Then nothing is undone, with a sentence saying so
    assert code == 1
    assert "nothing" in capsys.readouterr().out.casefold()
    assert demo.fingerprint() == before


def test_the_cli_prints_the_result_payload_with_json_and_exits_with_its_code(
    demo: Demo, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["admin", "reenroll", "C010", "--plan", "premium", "--json"]) == 1
    result = json.loads(capsys.readouterr().out)
    assert (result["ok"], result["exit_code"]) == (False, 1)
    assert result["data"]["error"] == "unknown_plan"
    assert "enterprise, standard" in result["text"]


def test_an_ambiguous_name_lists_the_candidates_and_exits_3(
    demo: Demo, capsys: pytest.CaptureFixture[str]
) -> None:
    before = demo.fingerprint()
    assert main(["admin", "resume", "co"]) == 3
    out = capsys.readouterr().out
    assert "C002  Birchwood Co" in out and "C008  Harbor Freight Co" in out
    assert demo.fingerprint() == before


def test_an_unknown_customer_exits_4_with_a_sentence(
    demo: Demo, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["admin", "history", "Zephyr Corp"]) == 4
    assert capsys.readouterr().out.strip() == (
        "No customer has the id or company name 'Zephyr Corp'."
    )


# -- the CLI, on the deployed function ------------------------------------------------------


class JsonOf:
    """Equal to bytes holding this JSON: what Stubber compares an invoke's Payload with."""

    def __init__(self, expected: dict[str, Any]):
        self.expected = expected

    def __eq__(self, other: object) -> bool:
        return isinstance(other, bytes | str) and json.loads(other) == self.expected

    def __repr__(self) -> str:
        return f"JsonOf({self.expected!r})"


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Aws, dict[str, Stubber]]]:
    """Real boto3 clients whose calls are answered by Stubber; the CLI gets them from
    ``admin_remote.connect``, the one place it would make its own."""
    region = {"region_name": "us-east-1", "aws_access_key_id": "x", "aws_secret_access_key": "x"}
    clients = Aws(
        boto3.client("lambda", **region),
        boto3.client("cloudformation", **region),
        boto3.client("sts", **region),
    )
    stubs = {
        "lambda": Stubber(clients.lambda_client),
        "cloudformation": Stubber(clients.cloudformation),
        "sts": Stubber(clients.sts),
    }
    for stub in stubs.values():
        stub.activate()
    monkeypatch.setattr(admin_remote, "connect", lambda: clients)
    yield clients, stubs
    for stub in stubs.values():
        stub.deactivate()


def expect_stack(stubs: dict[str, Stubber], stack: str) -> None:
    outputs = [
        {"OutputKey": "TickFunctionName", "OutputValue": "og-prod-TickFunction-9Z"},
        {"OutputKey": "AdminFunctionName", "OutputValue": FUNCTION},
    ]
    stubs["cloudformation"].add_response(
        "describe_stacks",
        {
            "Stacks": [
                {
                    "StackName": stack,
                    "CreationTime": "2026-11-01T00:00:00Z",
                    "StackStatus": "UPDATE_COMPLETE",
                    "Outputs": outputs,
                }
            ]
        },
        {"StackName": stack},
    )


def expect_caller(stubs: dict[str, Stubber]) -> None:
    stubs["sts"].add_response(
        "get_caller_identity",
        {"UserId": "AIDAEXAMPLE", "Account": "123456789012", "Arn": CALLER},
        {},
    )


def expect_invoke(
    stubs: dict[str, Stubber], payload: dict[str, Any], answer: Any, error: str = ""
) -> None:
    body = json.dumps(answer).encode()
    response: dict[str, Any] = {
        "StatusCode": 200,
        "Payload": StreamingBody(io.BytesIO(body), len(body)),
    }
    if error:
        response["FunctionError"] = error
    stubs["lambda"].add_response(
        "invoke",
        response,
        {"FunctionName": FUNCTION, "InvocationType": "RequestResponse", "Payload": JsonOf(payload)},
    )


def test_remote_undo_finds_the_function_in_the_stack_and_sends_the_payload_by_iam_identity(
    demo: Demo, aws: tuple[Aws, dict[str, Stubber]], capsys: pytest.CaptureFixture[str]
) -> None:
    _clients, stubs = aws
    expect_stack(stubs, "og-prod")
    expect_caller(stubs)
    sent = {"command": "undo", "customer": "C001", "force": True, "plan": "", "by": CALLER}
    answer = {"ok": True, "exit_code": 0, "text": "Undid the pause of Acme Analytics.", "data": {}}
    expect_invoke(stubs, sent, answer)
    before = demo.fingerprint()

    # OG_WORKBOOK is set: --stack alone sends it to AWS, not to the local workbook.
    assert main(["admin", "undo", "C001", "--force", "--stack", "og-prod"]) == 0

    assert capsys.readouterr().out.strip() == "Undid the pause of Acme Analytics."
    for stub in stubs.values():
        stub.assert_no_pending_responses()
    assert demo.fingerprint() == before


def test_remote_with_og_stack_name_prints_the_functions_result_as_json_with_its_exit_code(
    demo: Demo,
    aws: tuple[Aws, dict[str, Stubber]],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _clients, stubs = aws
    monkeypatch.setenv("OG_STACK_NAME", "og-staging")
    expect_stack(stubs, "og-staging")
    expect_caller(stubs)
    sent = {"command": "doctor", "customer": "", "force": False, "plan": "", "by": CALLER}
    answer = {"ok": False, "exit_code": 1, "text": "1 problem", "data": {"problems": [{}]}}
    expect_invoke(stubs, sent, answer)

    assert main(["admin", "doctor", "--remote", "--json"]) == 1
    assert json.loads(capsys.readouterr().out) == answer


def test_remote_with_a_named_function_needs_no_stack_and_a_crash_there_exits_2(
    demo: Demo, aws: tuple[Aws, dict[str, Stubber]], capsys: pytest.CaptureFixture[str]
) -> None:
    _clients, stubs = aws
    expect_caller(stubs)
    sent = {"command": "history", "customer": "Acme", "force": False, "plan": "", "by": CALLER}
    crash = {"errorType": "WorkbookBroken", "errorMessage": "og-sends: tab is missing"}
    expect_invoke(stubs, sent, crash, error="Unhandled")

    assert main(["admin", "history", "Acme", "--function", FUNCTION]) == 2
    out = capsys.readouterr().out
    assert FUNCTION in out and "WorkbookBroken: og-sends: tab is missing" in out
    stubs["cloudformation"].assert_no_pending_responses()  # none queued, none called


def test_remote_without_a_function_or_stack_says_how_to_name_one_and_calls_nothing(
    demo: Demo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_aws() -> Aws:
        raise AssertionError("no AWS client should be made")

    monkeypatch.setattr(admin_remote, "connect", no_aws)
    monkeypatch.delenv("OG_WORKBOOK")
    assert main(["admin", "resume", "C007"]) == 2
    assert "--stack or OG_STACK_NAME" in capsys.readouterr().out
