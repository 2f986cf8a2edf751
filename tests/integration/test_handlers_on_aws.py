"""Each Lambda handler, invoked with its events/ sample, against the AWS it is deployed on.

Given the environment template.yaml gives each function (its secrets path, its tables and
nothing more), the secrets as SSM SecureStrings, the lock and idempotency tables created in moto
from the template's own definitions, SES v2 with the verified sender, the demo workbook on the
fake Sheets server and the bot on the fake Slack (the Slack sample signed anew with the stored
signing secret): each handler reads its secrets, takes its
lock, sends its mail and leaves the workbook as expected.

gspread is pointed at the fake Sheets server by replacing the one factory the wiring calls,
``GoogleSheetsWorkbook.from_service_account_info``; the replacement insists on the service
account read from SSM, so the secret is still what opens the sheet.
"""

from __future__ import annotations

import email
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import boto3
import pytest
from cfnlint.decode import cfn_yaml
from moto import mock_aws
from moto.core import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends

from adapters.gsheets import GoogleSheetsWorkbook
from app.bootstrap import ports_from_env
from app.demo import build_demo
from fakes.sheets_server import FakeSheetsServer, gspread_workbook
from fakes.slack_signing import SlackWithResponses, signed_event
from guide.reading import read_book
from sheets.schema import AUDIT, SENDS, TABS
from tests.integration.endpoints import SAMPLE_EVENTS_LINK_KEY, TODAY
from tests.integration.test_tick_handler import FakeLambdaContext

ROOT = Path(__file__).resolve().parents[2]
EVENTS = ROOT / "events"
REGION = "us-east-1"
PATH = "/onboarding-guide"
SHEET = "deployed-sheet"
TOKEN = "xoxb-deployed-bot"
SIGNING_SECRET = "deployed-signing-secret"
SENDER = "onboarding@example.com"  # the demo's og-config sender
ACCOUNT = {"type": "service_account", "client_email": "guide@project.iam.gserviceaccount.com"}
TABLES = {"LockTable": "og-locks", "IdempotencyTable": "og-idempotency"}
# Every variable a function may be given, and what it is here (the rest are the template's).
GUIDE_VARIABLES = ("OG_", "SLACK_", "GOOGLE_")


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    loaded: dict[str, Any] = cfn_yaml.load(str(ROOT / "template.yaml"))
    return loaded


def function_env(template: dict[str, Any], function: str, done_url: str) -> dict[str, str]:
    """The variables the template gives ``function``, with its references resolved here."""
    given = dict(template["Globals"]["Function"]["Environment"]["Variables"])
    props = template["Resources"][function]["Properties"]
    given.update(props.get("Environment", {}).get("Variables", {}))
    known = {
        "OG_SPREADSHEET_ID": SHEET,
        "OG_SECRETS_PATH": PATH,
        "OG_TIMEZONE": "America/New_York",
        "SLACK_TEAM_ID": "T0001",
        "OG_LOCK_TABLE": TABLES["LockTable"],
        "OG_IDEMPOTENCY_TABLE": TABLES["IdempotencyTable"],
        "OG_DONE_URL": done_url,
    }
    return {name: known[name] for name in given if name in known}


@dataclass
class Deployed:
    sheets: FakeSheetsServer
    slack: SlackWithResponses
    template: dict[str, Any]
    monkeypatch: pytest.MonkeyPatch

    def as_function(self, function: str) -> None:
        """This process's environment as the template sets it for ``function``."""
        import os

        for name in list(os.environ):
            if name.startswith(GUIDE_VARIABLES):
                self.monkeypatch.delenv(name)
        env = function_env(self.template, function, "https://done.example/")
        for name, value in {**env, "SLACK_API_URL": self.slack.api_url}.items():
            self.monkeypatch.setenv(name, value)
        ports_from_env.cache_clear()
        from aws_lambda_powertools.utilities import parameters

        parameters.clear_caches()

    def tab(self, name: str) -> list[dict[str, Any]]:
        rows = self.sheets.values(SHEET, name)
        return [dict(zip(rows[0], row, strict=False)) for row in rows[1:]]

    def mail(self) -> list[Any]:
        return list(ses_backends[DEFAULT_ACCOUNT_ID][REGION].sent_messages)

    def items(self, table: str) -> list[dict[str, Any]]:
        return list(boto3.resource("dynamodb").Table(TABLES[table]).scan()["Items"])


def event(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((EVENTS / name).read_text())
    return loaded


def create_tables(template: dict[str, Any]) -> None:
    dynamodb = boto3.client("dynamodb")
    for logical_id, name in TABLES.items():
        props = template["Resources"][logical_id]["Properties"]
        dynamodb.create_table(
            TableName=name,
            BillingMode=props["BillingMode"],
            AttributeDefinitions=props["AttributeDefinitions"],
            KeySchema=props["KeySchema"],
        )
        dynamodb.update_time_to_live(
            TableName=name, TimeToLiveSpecification=props["TimeToLiveSpecification"]
        )


@pytest.fixture
def deployed(template: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> Iterator[Deployed]:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.setenv(name, "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("POWERTOOLS_METRICS_NAMESPACE", "OnboardingGuideTests")
    with mock_aws(), FakeSheetsServer() as sheets, SlackWithResponses(token=TOKEN) as slack:
        ssm = boto3.client("ssm")
        for name, value in {
            "slack-bot-token": TOKEN,
            "slack-signing-secret": SIGNING_SECRET,
            "link-key": SAMPLE_EVENTS_LINK_KEY,  # what signed the done-link samples
            "google-service-account": json.dumps(ACCOUNT),
        }.items():
            ssm.put_parameter(Name=f"{PATH}/{name}", Value=value, Type="SecureString")
        create_tables(template)
        boto3.client("sesv2").create_email_identity(EmailIdentity=SENDER)
        sheets.create_spreadsheet(SHEET, {})
        build_demo(gspread_workbook(sheets, SHEET), TODAY)

        def from_service_account_info(
            cls: type[GoogleSheetsWorkbook], info: Mapping[str, Any], spreadsheet_id: str, **_: Any
        ) -> GoogleSheetsWorkbook:
            assert dict(info) == ACCOUNT, "the sheet is opened with the account from SSM"
            return gspread_workbook(sheets, spreadsheet_id)

        monkeypatch.setattr(
            GoogleSheetsWorkbook,
            "from_service_account_info",
            classmethod(from_service_account_info),
        )
        yield Deployed(sheets, slack, template, monkeypatch)
        ports_from_env.cache_clear()


def tick(deployed: Deployed) -> dict[str, Any]:
    from functions.tick import handler

    deployed.as_function("TickFunction")
    result: dict[str, Any] = handler(event("tick.json"), FakeLambdaContext())
    return result


def test_the_tick_mails_steps_flags_stalls_and_records_both_in_the_sheet(
    deployed: Deployed,
) -> None:
    result = tick(deployed)
    assert result["today"] == TODAY.isoformat()
    mail = deployed.mail()
    assert mail and {m.source for m in mail} == {SENDER}
    assert deployed.slack.calls_to("chat.postMessage"), "stalled customers are flagged"
    sent = [row for row in deployed.tab(SENDS.name) if row.get("sent at")]
    assert len(sent) >= len(mail) - 1  # every step mail is recorded (a finish's wrap-up is not)
    assert deployed.items("LockTable") == []  # the lock was taken and given back
    assert deployed.items("IdempotencyTable"), "each send went through the DynamoDB ledger"


def test_a_second_tick_sends_nothing_more(deployed: Deployed) -> None:
    tick(deployed)
    mails, flags = len(deployed.mail()), len(deployed.slack.calls_to("chat.postMessage"))
    tick(deployed)
    assert len(deployed.mail()) == mails
    assert len(deployed.slack.calls_to("chat.postMessage")) == flags


def test_the_digest_mails_its_recipients_once(deployed: Deployed) -> None:
    from functions.digest import handler

    deployed.as_function("DigestFunction")
    result = handler(event("digest-schedule.json"), FakeLambdaContext())
    assert sorted(result["sent_to"]) == ["morgan@example.com", "sam@example.com"]
    # SES raw content: the funnel chart, drawn in the function, goes inline (issue 12)
    raw = [email.message_from_string(m.raw_data) for m in deployed.mail() if hasattr(m, "raw_data")]
    digests = [m for m in raw if "digest" in str(m["Subject"]).lower()]
    assert sorted(str(m["To"]) for m in digests) == sorted(result["sent_to"])
    assert all(
        [p["Content-ID"] for p in m.walk() if p.get_content_type() == "image/png"] for m in digests
    )
    again = handler(event("digest-schedule.json"), FakeLambdaContext())
    assert again["sent_to"] == [] and len(deployed.mail()) == len(digests)


def test_the_done_link_samples_open_then_mark_the_step_done_without_mail(
    deployed: Deployed,
) -> None:
    from functions.done_link import handler

    tick(deployed)  # the 09:00 tick sends the step the sample links to
    mails = len(deployed.mail())
    deployed.as_function("DoneLinkFunction")
    opened = handler(event("done-get.json"), FakeLambdaContext())
    assert opened["statusCode"] == 200 and 'method="post"' in opened["body"]
    clicked = handler(event("done-post.json"), FakeLambdaContext())
    assert clicked["statusCode"] == 200, clicked["body"]
    book = read_book(gspread_workbook(deployed.sheets, SHEET).read([t.name for t in TABS]))
    customer = book.customer("C005")
    assert customer is not None
    assert book.journey_sends(customer.journey_id())["invite-teammate"].done
    assert len(deployed.mail()) == mails  # marking a step done sends nothing
    assert deployed.items("LockTable") == []


def test_the_admin_history_sample_reads_the_trail_without_writing(deployed: Deployed) -> None:
    from functions.admin import handler

    deployed.as_function("AdminFunction")
    before = deployed.sheets.values(SHEET, AUDIT.name)
    result = handler(event("admin-history.json"), FakeLambdaContext())
    assert result["exit_code"] == 0 and "C007" in result["text"], result
    assert deployed.sheets.values(SHEET, AUDIT.name) == before


def test_the_signed_finish_sample_finishes_the_customer_and_mails_the_wrap_up(
    deployed: Deployed,
) -> None:
    from app.slack_endpoint import endpoint, use_endpoint
    from functions.slack_actions import handler

    tick(deployed)  # the flag the sample's button sits on
    mails = len(deployed.mail())
    deployed.as_function("SlackActionsFunction")
    use_endpoint(None)  # built from this environment on the first request
    # The sample's signature is long stale and its response_url is Slack's: point the hook at
    # the fake and sign the body as Slack would now, with the secret stored in SSM.
    sample = event("slack-finish.json")
    payload = json.loads(parse_qs(sample["body"])["payload"][0])
    payload["response_url"] = deployed.slack.response_url()
    try:
        answer = handler(signed_event(payload, SIGNING_SECRET), FakeLambdaContext())
        lazy = endpoint().lazy
        assert lazy is not None
        lazy.wait()  # the work after the answer, on a thread outside Lambda
    finally:
        use_endpoint(None)
    assert answer["statusCode"] == 200
    book = read_book(gspread_workbook(deployed.sheets, SHEET).read([t.name for t in TABS]))
    customer = book.customer("C005")
    assert customer is not None and customer.finished
    wrap_up = deployed.mail()[mails:]
    assert [m.destinations["ToAddresses"][0] for m in wrap_up] == [customer.email]
    assert deployed.items("LockTable") == []
