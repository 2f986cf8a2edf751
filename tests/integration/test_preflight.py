"""The preflight: a deployed stack checked piece by piece, each fault named with its fix.

Given a stack whose secrets are in moto's SSM, whose sheet is on the fake Sheets server, whose
bot is on the fake Slack, whose sender is in moto's SES and whose Function URLs are a loopback
server, a healthy install passes every check; each fault a first install makes, planted alone,
turns exactly one line to ✗ with its fix, and the run exits 1.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import boto3
import pytest
import requests
from botocore.stub import Stubber
from moto import mock_aws
from moto.core import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends
from slack_sdk import WebClient

from adapters.gsheets import GoogleSheetsWorkbook
from app.preflight import Clients, Stack, StackNotFound, exit_code, preflight, render, stack_of
from fakes.sheets_server import FakeSheetsServer, gspread_workbook
from fakes.slack_server import FakeSlackServer
from sheets.schema import CONFIG, TABS

PATH = "/onboarding-guide"
SHEET = "preflight-sheet"
TOKEN = "xoxb-preflight-token"
ACCOUNT = {
    "type": "service_account",
    "client_email": "guide@project.iam.gserviceaccount.com",
    "private_key": "-----BEGIN PRIVATE KEY-----\nnot-a-real-key\n-----END PRIVATE KEY-----\n",
}


class RefusedKey:
    """A workbook whose service-account key Google no longer accepts (deleted or rotated)."""

    def read(self, *args: Any, **kwargs: Any) -> Any:
        from google.auth.exceptions import RefreshError

        raise RefreshError("invalid_grant: Invalid JWT Signature.")


SENDER = "onboarding@example.com"
CHANNEL = "C0FLAGS"
REGION = "eu-west-1"


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.setenv(name, "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    with mock_aws():
        yield


@pytest.fixture
def sheets() -> Iterator[FakeSheetsServer]:
    with FakeSheetsServer() as server:
        yield server


class SesAccount:
    """moto's SES v2, plus the account's production access, which moto does not model."""

    def __init__(self, client: Any, production: bool = True) -> None:
        self.client = client
        self.production = production

    def get_account(self) -> dict[str, Any]:
        return {"ProductionAccessEnabled": self.production, "SendingEnabled": True}

    def __getattr__(self, name: str) -> Any:
        return getattr(self.client, name)


def verify(identity: str) -> None:
    """What SES does once the domain's DNS records are found (moto never does it by itself)."""
    boto3.client("sesv2").create_email_identity(EmailIdentity=identity)
    found = ses_backends[DEFAULT_ACCOUNT_ID][REGION].email_identities[identity]
    found.verified_for_sending_status = True


@dataclass
class FunctionUrls:
    """Both Function URLs on one loopback server: the done link at /done, Slack at /slack."""

    status: dict[str, int] = field(default_factory=lambda: {"GET": 400, "POST": 401})
    server: ThreadingHTTPServer | None = None

    @property
    def base(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}"


@pytest.fixture
def urls() -> Iterator[FunctionUrls]:
    urls = FunctionUrls()

    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            self.send_response(urls.status[self.command])
            self.send_header("Content-Length", "0")
            self.end_headers()

        do_GET = do_POST = _answer

        def log_message(self, format: str, *args: Any) -> None:
            pass

    urls.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=urls.server.serve_forever, daemon=True).start()
    yield urls
    urls.server.shutdown()
    urls.server.server_close()


@dataclass
class Install:
    """A first install's every piece, healthy until a test plants a fault."""

    ssm: Any
    sesv2: SesAccount
    sheets: FakeSheetsServer
    slack: FakeSlackServer
    urls: FunctionUrls
    parameters: dict[str, str]
    key_refused: bool = False
    real_google_client: bool = False

    def put(self, name: str, value: str, kind: str = "SecureString") -> None:
        self.ssm.put_parameter(Name=f"{PATH}/{name}", Value=value, Type=kind, Overwrite=True)

    def workbook(self, account: Any, sheet_id: str) -> Any:
        if self.real_google_client:  # the production factory: it parses the private key
            return GoogleSheetsWorkbook.from_service_account_info(account, sheet_id)
        return RefusedKey() if self.key_refused else gspread_workbook(self.sheets, sheet_id)

    def run(self) -> tuple[int, list[str]]:
        clients = Clients(
            ssm=self.ssm,
            sesv2=self.sesv2,
            workbook=self.workbook,
            slack=lambda token: WebClient(token=token, base_url=self.slack.api_url),
            http=requests.Session(),
        )
        outputs = {"SlackUrl": self.urls.base + "/slack", "DoneLinkUrl": self.urls.base + "/done"}
        checks = preflight(Stack("onboarding-guide", outputs, self.parameters), clients)
        return exit_code(checks), render(checks).splitlines()


def workbook(config: dict[str, str]) -> dict[str, list[list[Any]]]:
    tabs: dict[str, list[list[Any]]] = {t.name: [list(t.columns)] for t in TABS}
    tabs[CONFIG.name] += [[key, value, ""] for key, value in config.items()]
    return tabs


@pytest.fixture
def install(aws: None, sheets: FakeSheetsServer, urls: FunctionUrls) -> Iterator[Install]:
    sheets.create_spreadsheet(SHEET, workbook({"sender": SENDER, "slack channel": CHANNEL}))
    verify("example.com")
    with FakeSlackServer(token=TOKEN) as slack:
        slack.scopes = {"chat:write", "commands", "channels:read"}
        setup = Install(
            boto3.client("ssm"),
            SesAccount(boto3.client("sesv2")),
            sheets,
            slack,
            urls,
            {
                "SecretsPath": PATH,
                "SpreadsheetId": SHEET,
                "SlackTeamId": slack.team_id,
                "SenderIdentity": "example.com",
            },
        )
        setup.put("slack-bot-token", TOKEN)
        setup.put("slack-signing-secret", "a-signing-secret")
        setup.put("link-key", "a-link-key-of-at-least-16-bytes")
        setup.put("google-service-account", json.dumps(ACCOUNT))
        yield setup


def test_given_a_healthy_install_when_preflight_runs_then_every_line_is_a_tick(
    install: Install,
) -> None:
    code, lines = install.run()
    assert code == 0, "\n".join(lines)
    assert all(line.startswith("✓ ") for line in lines), "\n".join(lines)
    names = [line.split(":")[0][2:] for line in lines]
    assert names == [
        "secret slack-bot-token",
        "secret slack-signing-secret",
        "secret link-key",
        "secret google-service-account",
        "sheet shared",
        "sheet tabs",
        "Slack token",
        "Slack workspace",
        "Slack scopes",
        "Slack fallback channel",
        "SES sender",
        "SES sandbox",
        "done-link URL",
        "Slack URL",
    ]
    assert not any("a-link-key" in line or TOKEN in line for line in lines)  # no secret shown


def _gone(name: str) -> Callable[[Install], None]:
    return lambda i: i.ssm.delete_parameter(Name=f"{PATH}/{name}")


def _config(**config: str) -> Callable[[Install], None]:
    def plant(i: Install) -> None:
        settings = {"sender": SENDER, "slack channel": CHANNEL, **config}
        i.sheets.create_spreadsheet(SHEET, workbook(settings))

    return plant


def _without_tab(tab: str) -> Callable[[Install], None]:
    def plant(i: Install) -> None:
        tabs = workbook({"sender": SENDER, "slack channel": CHANNEL})
        i.sheets.create_spreadsheet(SHEET, {n: r for n, r in tabs.items() if n != tab})

    return plant


FAULTS: dict[str, tuple[Callable[[Install], None], str, str]] = {
    # name: (plant it, the line's check, the fix the line names)
    "signing secret not stored": (
        _gone("slack-signing-secret"),
        "secret slack-signing-secret",
        f"is not stored: run python -m app.cli secrets put --path {PATH} --overwrite",
    ),
    "link key too short": (
        lambda i: i.put("link-key", "short"),
        "secret link-key",
        "shorter than 16 bytes",
    ),
    "google key without client_email": (
        lambda i: i.put("google-service-account", json.dumps({"type": "service_account"})),
        "secret google-service-account",
        "not a whole service-account JSON key",
    ),
    "google key with a mangled private key": (
        lambda i: setattr(i, "real_google_client", True),
        "sheet shared",
        "private_key does not parse: store the whole JSON key file",
    ),
    "google key deleted in the Cloud console": (
        lambda i: setattr(i, "key_refused", True),
        "sheet shared",
        "Google refused the key of guide@project.iam.gserviceaccount.com",
    ),
    "bot token stored as plain String": (
        lambda i: i.put("slack-bot-token", TOKEN, "String"),
        "secret slack-bot-token",
        "is a plain String: store it encrypted",
    ),
    "sheet not shared (403)": (
        lambda i: i.sheets.fail_always(403),
        "sheet shared",
        f"share the sheet with {ACCOUNT['client_email']}",
    ),
    "a tab missing": (
        _without_tab("og-sends"),
        "sheet tabs",
        "og-sends is missing: run python -m app.cli setup",
    ),
    "bot token revoked": (
        lambda i: setattr(i.slack, "token", "xoxb-another"),
        "Slack token",
        "Slack refused the bot token (invalid_auth)",
    ),
    "app installed in another workspace": (
        lambda i: setattr(i.slack, "team_id", "T0OTHER"),
        "Slack workspace",
        "the token is for workspace T0OTHER but the stack serves SlackTeamId T0001",
    ),
    "scope missing": (
        lambda i: setattr(i.slack, "scopes", {"channels:read"}),
        "Slack scopes",
        "the app lacks chat:write",
    ),
    "bot not in the fallback channel": (
        lambda i: setattr(i.slack, "bot_channels", set()),
        "Slack fallback channel",
        f"invite the bot to {CHANNEL}",
    ),
    "sender outside the stack's SES identity": (
        _config(sender="guide@elsewhere.example.org"),
        "SES sender",
        "is not SenderIdentity example.com",
    ),
    "SES sandbox": (
        lambda i: setattr(i.sesv2, "production", False),
        "SES sandbox",
        "only verified recipients get mail",
    ),
    "done-link function failing": (
        lambda i: i.urls.status.update(GET=502),
        "done-link URL",
        "answered HTTP 502, not 400",
    ),
    "Slack function not checking signatures": (
        lambda i: i.urls.status.update(POST=200),
        "Slack URL",
        "answered HTTP 200, not 401",
    ),
}


@pytest.mark.parametrize("fault", list(FAULTS), ids=list(FAULTS))
def test_given_one_fault_when_preflight_runs_then_one_line_names_its_fix(
    install: Install, fault: str
) -> None:
    plant, check, fix = FAULTS[fault]
    plant(install)
    code, lines = install.run()
    failed = [line for line in lines if line.startswith("✗ ")]
    assert not any(line.startswith("✓ Slack fallback channel: none") for line in lines)
    assert code == 1
    assert len(failed) == 1, "\n".join(lines)
    assert failed[0].startswith(f"✗ {check}: ") and fix in failed[0], failed[0]


def test_given_the_sender_not_verified_then_its_line_says_verify_it(install: Install) -> None:
    install.parameters["SenderIdentity"] = "other.example.org"
    boto3.client("sesv2").create_email_identity(EmailIdentity="other.example.org")  # pending
    _config(sender="guide@other.example.org")(install)
    code, lines = install.run()
    assert code == 1
    assert "✗ SES sender: verify guide@other.example.org (or its domain) in SES" in "\n".join(lines)


def test_given_no_channels_read_scope_then_the_channel_is_left_to_check_by_hand(
    install: Install,
) -> None:
    """The guide needs only chat:write; membership is then unknown, which is not a failure."""
    install.slack.scopes = {"chat:write", "commands"}
    code, lines = install.run()
    assert code == 0
    expected = "– Slack fallback channel: not visible without channels:read: invite the bot to"
    assert any(line.startswith(f"{expected} {CHANNEL}") for line in lines), "\n".join(lines)


def test_given_a_deployed_stack_its_outputs_and_parameters_are_read() -> None:
    cloudformation = boto3.client("cloudformation", region_name="eu-west-1")
    with Stubber(cloudformation) as stub:
        described = {
            "StackName": "og",
            "CreationTime": "2026-11-30T00:00:00Z",
            "StackStatus": "CREATE_COMPLETE",
            "Outputs": [
                {"OutputKey": "SlackUrl", "OutputValue": "https://slack.example/"},
                {"OutputKey": "DoneLinkUrl", "OutputValue": "https://done.example/"},
            ],
            "Parameters": [{"ParameterKey": "SecretsPath", "ParameterValue": "/og/"}],
        }
        stub.add_response("describe_stacks", {"Stacks": [described]}, {"StackName": "og"})
        stack = stack_of(cloudformation, "og")
    assert stack.outputs["DoneLinkUrl"] == "https://done.example/"
    assert stack.secrets_path == "/og"


def test_given_no_such_stack_then_the_sentence_says_how_to_name_it() -> None:
    cloudformation = boto3.client("cloudformation", region_name="eu-west-1")
    with Stubber(cloudformation) as stub:
        stub.add_client_error(
            "describe_stacks", "ValidationError", "Stack with id og does not exist"
        )
        with pytest.raises(StackNotFound, match="name it with --stack"):
            stack_of(cloudformation, "og")


def test_given_a_channel_named_not_by_id_then_it_is_left_to_check_by_hand(install: Install) -> None:
    """Flags post to a name as well as to an id, but only an id can be looked up."""
    _config(**{"slack channel": "#onboarding"})(install)
    code, lines = install.run()
    assert code == 0
    expected = "– Slack fallback channel: #onboarding is a name, not an id (C...)"
    assert any(line.startswith(expected) for line in lines), "\n".join(lines)
