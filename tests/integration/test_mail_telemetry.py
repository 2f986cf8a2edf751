"""Mail telemetry: SES events, in SNS's signed envelope, into og-activity.

Given a workbook in memory (counting reads and writes) with the demo's customers, and the
samples in events/ signed as SNS signs them (here with a key and certificate made for the test,
served by an injected certificate fetcher), when the telemetry function gets them, then each
sample adds exactly one og-activity row with the right name and detail, a redelivery adds
nothing, and a message that is unsigned, forged or not an SES event is rejected with nothing
written.
"""

from __future__ import annotations

import base64
import copy
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

from app.cli import main
from app.telemetry import handle_mail_events
from fakes.memory_workbook import InMemoryWorkbook
from guide.ports import Ports
from guide.workbook import Changes
from sheets.schema import ACTIVITY, CONFIG, ONBOARDING, TABS
from tests.conftest import MakePorts

EVENTS = Path(__file__).resolve().parents[2] / "events"
NOW = datetime(2026, 11, 24, 17, 0, tzinfo=UTC)
CERT_URL = "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-test.pem"
CUSTOMERS = {
    "C003": "ines@cobalt.example",
    "C004": "omar@dune.example",
    "C005": "grace@evergreen.example",
}


class SnsSigner:
    """Signs SNS envelopes as SNS does, with a self-made key; ``fetch`` serves the certificate."""

    def __init__(self) -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "sns.amazonaws.com")])
        cert = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(self.key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(NOW - timedelta(days=1))
            .not_valid_after(NOW + timedelta(days=365))
            .sign(self.key, hashes.SHA256())
        )
        self.pem = cert.public_bytes(serialization.Encoding.PEM)
        self.fetched: list[str] = []

    def fetch(self, url: str) -> bytes:
        self.fetched.append(url)
        return self.pem

    def sign(self, envelope: dict[str, Any], version: str = "2") -> dict[str, Any]:
        signed = {**envelope, "SignatureVersion": version, "SigningCertURL": CERT_URL}
        keys = ["Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"]
        text = "".join(
            f"{k}\n{signed[k]}\n" for k in keys if not (k == "Subject" and signed.get(k) is None)
        )
        digest = hashes.SHA1() if version == "1" else hashes.SHA256()
        signature = self.key.sign(text.encode(), padding.PKCS1v15(), digest)
        signed["Signature"] = base64.b64encode(signature).decode()
        return signed


@pytest.fixture(scope="module")
def signer() -> SnsSigner:
    return SnsSigner()


def sample(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((EVENTS / f"{name}.json").read_text())
    return loaded


def as_sqs(*envelopes: dict[str, Any]) -> dict[str, Any]:
    """What the function gets from its queue: each record's body is SNS's envelope."""
    return {"Records": [{"eventSource": "aws:sqs", "body": json.dumps(e)} for e in envelopes]}


@pytest.fixture
def workbook() -> InMemoryWorkbook:
    workbook = InMemoryWorkbook()
    workbook.ensure_tabs([t.name for t in TABS])
    snapshot = workbook.read([t.name for t in TABS])
    changes = Changes()
    changes.append(CONFIG.name, {"key": "timezone", "value": "America/New_York"})
    for customer_id, email in CUSTOMERS.items():
        row = {"customer id": customer_id, "contact email": email, "plan": "p", "owner": "Sam"}
        changes.append(ONBOARDING.name, row)
    workbook.commit(snapshot, changes)
    workbook.reads = workbook.writes = 0
    return workbook


@pytest.fixture
def ports(workbook: InMemoryWorkbook, make_ports: MakePorts) -> Ports:
    return make_ports(workbook)


@pytest.fixture
def deliver(ports: Ports, signer: SnsSigner) -> Callable[[dict[str, Any]], dict[str, Any]]:
    def run(event: dict[str, Any]) -> dict[str, Any]:
        return handle_mail_events(event, lambda: ports, signer.fetch, NOW)

    return run


@pytest.mark.parametrize(
    ("name", "customer", "kind_name", "detail", "at"),
    [
        (
            "ses-bounce",
            "C004",
            "bounce",
            "step connect-data email to omar@dune.example bounced: mailbox does not exist",
            "2026-11-24 09:00",
        ),
        (
            "ses-complaint",
            "C005",
            "complaint",
            "step invite-teammate reminder email to grace@evergreen.example marked as spam "
            "by the recipient",
            "2026-11-24 11:12",
        ),
        (
            "ses-delivery",
            "C003",
            "delivery",
            "step invite-teammate email to ines@cobalt.example delivered",
            "2026-11-24 09:00",
        ),
        (
            "ses-click",
            "C003",
            "click",
            # host and path only: the done link's token never reaches the sheet
            "step invite-teammate email to ines@cobalt.example had a link clicked (127.0.0.1/done)",
            "2026-11-24 10:30",
        ),
    ],
)
def test_given_a_signed_ses_sample_then_exactly_one_activity_row_records_it(
    workbook: InMemoryWorkbook,
    deliver: Callable[[dict[str, Any]], dict[str, Any]],
    signer: SnsSigner,
    name: str,
    customer: str,
    kind_name: str,
    detail: str,
    at: str,
) -> None:
    result = deliver(as_sqs(signer.sign(sample(name))))

    assert result["recorded"] == 1, result
    assert result["rejected"] == []
    assert (workbook.reads, workbook.writes) == (1, 1)
    (row,) = workbook.rows(ACTIVITY.name)
    message = json.loads(sample(name)["Message"])
    assert row["at"] == at  # the event's time, in the team's time zone
    assert row["customer id"] == customer
    assert row["kind"] == "mail event"
    assert row["name"] == kind_name
    assert row["detail"] == detail
    assert row["event id"].startswith(message["mail"]["messageId"] + ":" + kind_name)
    assert signer.fetched[-1] == CERT_URL


def test_given_an_event_delivered_again_then_nothing_changes(
    workbook: InMemoryWorkbook,
    deliver: Callable[[dict[str, Any]], dict[str, Any]],
    signer: SnsSigner,
) -> None:
    bounce = signer.sign(sample("ses-bounce"), version="1")
    deliver(as_sqs(bounce))
    workbook.writes = 0

    again = deliver(as_sqs(bounce, bounce))

    assert (again["recorded"], again["duplicates"]) == (0, 2)
    assert workbook.writes == 0
    assert len(workbook.rows(ACTIVITY.name)) == 1


def test_given_two_clicks_on_one_email_then_both_are_kept(
    workbook: InMemoryWorkbook,
    deliver: Callable[[dict[str, Any]], dict[str, Any]],
    signer: SnsSigner,
) -> None:
    """Opens and clicks repeat for one message: their ids carry the time."""
    first = sample("ses-click")
    message = json.loads(first["Message"])
    message["click"]["timestamp"] = "2026-11-24T15:45:00.000Z"
    second = {**first, "MessageId": "another", "Message": json.dumps(message)}

    result = deliver(as_sqs(signer.sign(first), signer.sign(second)))

    assert result["recorded"] == 2
    assert len({r["event id"] for r in workbook.rows(ACTIVITY.name)}) == 2


def _not_json(envelope: dict[str, Any]) -> dict[str, Any]:
    return {**envelope, "Message": "{not json"}


def _not_ses(envelope: dict[str, Any]) -> dict[str, Any]:
    return {**envelope, "Message": json.dumps({"hello": "world"})}


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda s, e: e, "not signed"),  # unsigned, as the samples are
        (lambda s, e: {**s.sign(e), "Message": e["Message"].replace("C004", "C003")}, "match"),
        (lambda s, e: {**s.sign(e), "SigningCertURL": CERT_URL.replace("https", "http")}, "https"),
        (
            lambda s, e: {**s.sign(e), "SigningCertURL": "https://sns.evil.example/x.pem"},
            "https SNS host",
        ),
        (lambda s, e: {**s.sign(e), "SignatureVersion": "3"}, "SignatureVersion"),
        (lambda s, e: s.sign(_not_json(e)), "not JSON"),
        (lambda s, e: s.sign(_not_ses(e)), "not an SES event"),
    ],
    ids=["unsigned", "tampered", "http-cert", "foreign-host", "bad-version", "not-json", "not-ses"],
)
def test_given_a_message_that_is_unsigned_forged_or_malformed_then_it_is_rejected_unwritten(
    workbook: InMemoryWorkbook,
    deliver: Callable[[dict[str, Any]], dict[str, Any]],
    signer: SnsSigner,
    make: Callable[[SnsSigner, dict[str, Any]], dict[str, Any]],
    reason: str,
) -> None:
    result = deliver(as_sqs(make(signer, copy.deepcopy(sample("ses-bounce")))))

    assert result["recorded"] == 0
    (why,) = result["rejected"]
    assert reason in why
    assert (workbook.reads, workbook.writes) == (0, 0)


def test_given_a_record_that_is_not_sns_then_it_is_rejected(
    workbook: InMemoryWorkbook, deliver: Callable[[dict[str, Any]], dict[str, Any]]
) -> None:
    result = deliver({"Records": [{"body": "[]"}]})

    assert result["rejected"] == ["a record is not an SNS notification"]
    assert workbook.writes == 0


def test_given_a_rejected_message_beside_good_ones_then_only_the_good_ones_are_recorded(
    workbook: InMemoryWorkbook,
    deliver: Callable[[dict[str, Any]], dict[str, Any]],
    signer: SnsSigner,
) -> None:
    result = deliver(as_sqs(signer.sign(sample("ses-delivery")), sample("ses-bounce")))

    assert (result["recorded"], len(result["rejected"])) == (1, 1)
    assert [r["name"] for r in workbook.rows(ACTIVITY.name)] == ["delivery"]


def _retagged(tags: dict[str, list[str]]) -> dict[str, Any]:
    envelope = sample("ses-bounce")
    message = json.loads(envelope["Message"])
    message["mail"]["tags"] = tags
    return {**envelope, "Message": json.dumps(message)}


@pytest.mark.parametrize(
    ("tags", "why"),
    [
        ({"kind": ["digest"]}, "no customer tag"),
        ({"kind": ["escalation"], "customer": ["C004"]}, "goes to our team"),
        ({"kind": ["step"], "customer": ["C999"], "step": ["x"]}, "not on the onboarding tab"),
    ],
)
def test_given_an_event_about_no_customer_of_ours_then_it_is_skipped_and_said_so(
    workbook: InMemoryWorkbook,
    deliver: Callable[[dict[str, Any]], dict[str, Any]],
    signer: SnsSigner,
    tags: dict[str, list[str]],
    why: str,
) -> None:
    result = deliver(as_sqs(signer.sign(_retagged(tags))))

    assert result["recorded"] == 0 and result["rejected"] == []
    (skipped,) = result["skipped"]
    assert why in skipped
    assert workbook.rows(ACTIVITY.name) == []


def test_the_deployed_functions_sample_records_once_signed_as_sns_signs(
    workbook: InMemoryWorkbook,
    deliver: Callable[[dict[str, Any]], dict[str, Any]],
    signer: SnsSigner,
) -> None:
    """events/telemetry-bounce.json is what the queue hands the function; signed, it records
    the bounce; as committed (no AWS signature), the function rejects it."""
    event = sample("telemetry-bounce")
    assert deliver(event)["rejected"] == ["the SNS message is not signed"]
    envelope = json.loads(event["Records"][0]["body"])
    event["Records"][0]["body"] = json.dumps(signer.sign(envelope))

    assert deliver(event)["recorded"] == 1
    assert workbook.rows(ACTIVITY.name)[0]["name"] == "bounce"


def test_the_cli_replays_every_sample_on_the_local_demo_workbook(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """End to end without AWS: the demo workbook, the replay command, the same code."""
    from adapters.xlsx_workbook import XlsxWorkbook

    assert main(["demo", "--dir", str(tmp_path), "--today", "2026-11-24"]) == 0
    monkeypatch.setenv("OG_WORKBOOK", str(tmp_path / "onboarding.xlsx"))
    monkeypatch.setenv("OG_OUTBOX", str(tmp_path / "outbox"))
    monkeypatch.setenv("OG_STATE_DIR", str(tmp_path / "state"))
    files = [str(EVENTS / f"ses-{n}.json") for n in ("bounce", "complaint", "delivery", "click")]
    capsys.readouterr()

    assert main(["telemetry", "replay", *files]) == 0
    assert main(["telemetry", "replay", files[0]]) == 0

    printed = capsys.readouterr().out
    assert printed.count("1 recorded") == 4
    assert "0 recorded, 1 already recorded" in printed
    rows = XlsxWorkbook(tmp_path / "onboarding.xlsx").read([ACTIVITY.name])[ACTIVITY.name]
    names = [r.get("name") for _, r in rows.records() if r.get("kind") == "mail event"]
    # the demo's own og-activity comes first; the four replayed events are the last rows
    assert names[-4:] == ["bounce", "complaint", "delivery", "click"]
