"""The Mailer contract: the outbox folder and SES v2 (through moto) deliver the same email."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto.core import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends

from adapters.outbox import OutboxMailer, read_outbox
from adapters.ses_mailer import SesMailer
from guide.ports import Attachment, Email, Mailer, MailerError
from tests.contract.conftest import REGION

SENDER = "guide@acme-saas.example"


@dataclass(frozen=True)
class Delivered:
    """What every mailer lets us observe about a delivered email."""

    to: str
    sender: str
    subject: str
    html: str


@dataclass
class MailerHarness:
    mailer: Mailer
    delivered: Callable[[], list[Delivered]]


def _outbox(folder: Path) -> MailerHarness:
    def delivered() -> list[Delivered]:
        return [
            Delivered(e.payload["to"], e.payload["from"], e.payload["subject"], e.payload["html"])
            for e in read_outbox(folder)
            if e.kind == "mail"
        ]

    return MailerHarness(OutboxMailer(folder), delivered)


def _ses() -> MailerHarness:
    client = boto3.client("sesv2", region_name=REGION)
    # SES (and moto) refuse to send from an unverified identity.
    client.create_email_identity(EmailIdentity=SENDER)

    def delivered() -> list[Delivered]:
        # moto keeps what it accepted; for simple content it stores the HTML part as the body.
        sent = ses_backends[DEFAULT_ACCOUNT_ID][REGION].sent_messages
        return [
            Delivered(m.destinations["ToAddresses"][0], m.source, m.subject, m.body) for m in sent
        ]

    return MailerHarness(SesMailer(client), delivered)


@pytest.fixture(params=["outbox", "ses"])
def harness(request: pytest.FixtureRequest, tmp_path: Path) -> MailerHarness:
    if request.param == "outbox":
        return _outbox(tmp_path / "outbox")
    request.getfixturevalue("aws")
    return _ses()


def an_email(**changes: Any) -> Email:
    fields: dict[str, Any] = {
        "to": "priya@acme.example",
        "subject": "Step 2: invite a teammate",
        "text": "Hi Priya, next: invite a teammate. Done? https://guide.example/done/abc",
        "html": "<p>Hi Priya, next: <b>invite a teammate</b>.</p>",
        "sender": SENDER,
        "reply_to": "sam@acme-saas.example",
        "tags": {"customer": "acme-01", "step": "invite"},
        **changes,
    }
    return Email(**fields)


def test_a_sent_email_is_delivered_to_its_recipient(harness: MailerHarness) -> None:
    # Given an email for Priya
    email = an_email()
    # When it is sent
    message_id = harness.mailer.send(email)
    # Then one email reached her, as written, and the provider gave it an id
    assert message_id
    assert harness.delivered() == [Delivered(email.to, SENDER, email.subject, email.html)]


def test_each_email_gets_its_own_message_id_and_they_arrive_in_order(
    harness: MailerHarness,
) -> None:
    # Given two emails to two people
    first, second = an_email(), an_email(to="sam@acme.example", subject="Priya is stuck")
    # When both are sent
    ids = [harness.mailer.send(first), harness.mailer.send(second)]
    # Then each has a distinct id and both were delivered, in order
    assert len(set(ids)) == 2
    assert [d.to for d in harness.delivered()] == [first.to, second.to]


def test_non_ascii_subject_and_body_survive(harness: MailerHarness) -> None:
    # Given an email with accents and an emoji
    email = an_email(subject="Bienvenue, Zoë 🎉", html="<p>Ça commence — étape 1</p>")
    # When it is sent
    harness.mailer.send(email)
    # Then the recipient sees the same characters
    (delivered,) = harness.delivered()
    assert (delivered.subject, delivered.html) == (email.subject, email.html)


def test_tags_ses_would_reject_do_not_stop_the_email(harness: MailerHarness) -> None:
    # Given tags holding characters SES does not allow in a message tag
    email = an_email(tags={"customer email": "priya@acme.example", "step": "connect data"})
    # When it is sent
    harness.mailer.send(email)
    # Then it is still delivered
    assert [d.to for d in harness.delivered()] == [email.to]


@pytest.mark.usefixtures("aws")
def test_ses_request_carries_clean_tags_reply_to_and_configuration_set() -> None:
    # Given an SES mailer with a configuration set, watching the request it makes
    client = boto3.client("sesv2", region_name=REGION)
    client.create_email_identity(EmailIdentity=SENDER)
    client.create_configuration_set(ConfigurationSetName="guide-events")
    requests: list[dict[str, Any]] = []
    client.meta.events.register(
        "provide-client-params.sesv2.SendEmail", lambda params, **_: requests.append(params)
    )
    mailer = SesMailer(client, configuration_set="guide-events")
    # When an email with unsafe tag text is sent
    mailer.send(an_email(tags={"customer email": "priya@acme.example"}))
    # Then the tags are SES-safe, and reply-to, text and configuration set are passed on
    (request,) = requests
    assert request["EmailTags"] == [{"Name": "customer_email", "Value": "priya_acme_example"}]
    assert request["ReplyToAddresses"] == ["sam@acme-saas.example"]
    assert request["ConfigurationSetName"] == "guide-events"
    assert "invite a teammate" in request["Content"]["Simple"]["Body"]["Text"]["Data"]


@pytest.mark.usefixtures("aws")
def test_ses_refusal_becomes_a_mailer_error_naming_recipient_and_reason() -> None:
    # Given SES with no verified sender identity
    mailer = SesMailer(boto3.client("sesv2", region_name=REGION))
    # When an email is sent, Then a MailerError says to whom and why
    with pytest.raises(MailerError, match=r"priya@acme\.example.*MessageRejected"):
        mailer.send(an_email())


def test_outbox_email_is_a_complete_readable_eml_file(tmp_path: Path) -> None:
    # Given an outbox mailer
    mailer = OutboxMailer(tmp_path)
    # When an email is sent
    message_id = mailer.send(an_email())
    # Then a numbered .eml file says what it is and holds every part of the email
    (entry,) = read_outbox(tmp_path)
    assert entry.path.name == "0001-mail-priya-at-acme-example.eml"
    mail = entry.payload
    assert mail["message_id"] == message_id
    assert mail["reply_to"] == "sam@acme-saas.example"
    assert "invite a teammate" in mail["text"]
    assert "<b>invite a teammate</b>" in mail["html"]
    assert mail["tags"] == {"customer": "acme-01", "step": "invite"}
    assert mail["date"]
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".tmp")] == []


INVITE = b"BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n"


def _sent_mime(harness_name: str, folder: Path) -> Any:
    """The delivered message as MIME: the outbox's .eml, or the raw message SES was given."""
    from email import message_from_bytes, policy

    if harness_name == "outbox":
        (entry,) = [e for e in read_outbox(folder) if e.kind == "mail"]
        data = entry.path.read_bytes()
    else:
        (sent,) = ses_backends[DEFAULT_ACCOUNT_ID][REGION].sent_messages
        data = sent.raw_data.encode() if isinstance(sent.raw_data, str) else sent.raw_data
    return message_from_bytes(data, policy=policy.default)


@pytest.mark.parametrize("name", ["outbox", "ses"])
def test_an_email_with_an_attachment_arrives_with_it_beside_the_text_and_html(
    name: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    # Given a mailer of each kind
    folder = tmp_path / "outbox"
    if name == "ses":
        request.getfixturevalue("aws")
    mailer = OutboxMailer(folder) if name == "outbox" else _ses().mailer
    # When it sends an email with a calendar invite attached
    invite = Attachment("invite.ics", "text/calendar; method=REQUEST", INVITE)
    mailer.send(an_email(subject="Onboarding call: Acme Café", attachments=(invite,)))
    # Then the message holds the text, the HTML and the invite, as sent
    message = _sent_mime(name, folder)
    assert message["Subject"] == "Onboarding call: Acme Café"
    assert "invite a teammate" in message.get_body(("plain",)).get_content()
    assert "<b>invite a teammate</b>" in message.get_body(("html",)).get_content()
    (part,) = list(message.iter_attachments())
    assert part.get_filename() == "invite.ics"
    assert part.get_content_type() == "text/calendar" and part.get_param("method") == "REQUEST"
    assert part.get_payload(decode=True) == INVITE


PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256))  # the bytes travel as they are, whatever they are


@pytest.mark.parametrize("name", ["outbox", "ses"])
def test_an_inline_image_travels_with_the_html_that_refers_to_it_by_its_content_id(
    name: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    # Given a mailer of each kind
    folder = tmp_path / "outbox"
    if name == "ses":
        request.getfixturevalue("aws")
    mailer = OutboxMailer(folder) if name == "outbox" else _ses().mailer
    # When it sends an HTML email showing a chart inline, and a calendar invite attached
    chart = Attachment("funnel.png", "image/png", PNG, content_id="chart@guide.example")
    invite = Attachment("invite.ics", "text/calendar; method=REQUEST", INVITE)
    html = '<p>The funnel:</p><img src="cid:chart@guide.example" alt="funnel">'
    mailer.send(an_email(html=html, attachments=(chart, invite)))
    # Then the HTML and the image are one multipart/related, the image named by its Content-ID
    # and shown inline, beside the plain text; the invite is still an attachment
    message = _sent_mime(name, folder)
    related = message.get_body(("related",))
    assert related is not None and related.get_content_type() == "multipart/related"
    html_part, image = related.iter_parts()
    assert 'src="cid:chart@guide.example"' in html_part.get_content()
    assert image["Content-ID"] == "<chart@guide.example>"
    assert (image.get_content_type(), image.get_content_disposition()) == ("image/png", "inline")
    assert image.get_payload(decode=True) == PNG
    assert "invite a teammate" in message.get_body(("plain",)).get_content()
    assert [p.get_filename() for p in message.iter_attachments()] == ["invite.ics"]


@pytest.mark.usefixtures("aws")
def test_the_wired_ses_mailer_sends_with_the_configuration_set_its_settings_name() -> None:
    """Given OG_SES_CONFIGURATION_SET (the template passes the stack's set), when the guide's
    wiring builds the SES mailer and it sends a step email, then the set and the customer and
    step tags ride along, so SES publishes the email's events to the telemetry function."""
    from app.bootstrap import _mailer
    from app.settings import Settings

    client = boto3.client("sesv2", region_name=REGION)
    client.create_email_identity(EmailIdentity=SENDER)
    client.create_configuration_set(ConfigurationSetName="guide-mail")
    settings = Settings.from_env(
        {
            "OG_SPREADSHEET_ID": "sheet",
            "OG_LOCK_TABLE": "locks",
            "OG_SES_CONFIGURATION_SET": "guide-mail",
            "AWS_DEFAULT_REGION": REGION,
        }
    )
    requests: list[dict[str, Any]] = []
    mailer = _mailer(settings)
    assert isinstance(mailer, SesMailer)
    mailer._client.meta.events.register(
        "provide-client-params.sesv2.SendEmail", lambda params, **_: requests.append(params)
    )

    mailer.send(an_email(tags={"kind": "step", "customer": "C004", "step": "connect-data"}))

    (request,) = requests
    assert request["ConfigurationSetName"] == "guide-mail"
    assert {t["Name"]: t["Value"] for t in request["EmailTags"]} == {
        "kind": "step",
        "customer": "C004",
        "step": "connect-data",
    }
