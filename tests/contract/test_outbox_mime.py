"""The outbox's hand-written MIME: the bytes the stdlib's MIME classes write, and no header
injection through a value with a line break."""

from __future__ import annotations

import re
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from pathlib import Path

import pytest

from adapters.mime import (
    UnsafeHeader,
    alternative_mime,
    encode_header,
    header_line,
    new_boundary,
)
from adapters.outbox import OutboxMailer, read_outbox
from guide.ports import Email, MailerError

AS_GIVEN = ("Message-ID", "Date")  # as the outbox sets them
SHORT = [("From", "guide@acme-saas.example"), ("To", "priya@acme.example"), ("Subject", "Hi")]
HEADER_CASES = {
    "short ascii": SHORT,
    "non-ascii": [("From", "Zoë <zoe@acme.example>"), ("Subject", "Bienvenue, Zoë 🎉")],
    "long non-ascii": [("Subject", "Étape suivante: connectez vos données " * 4)],
    "long ascii": [("Subject", "word " * 40), ("X-Tag-customer", "x" * 120)],
    "at the fold": [("Subject", "x" * 69), ("Subject", "x" * 70)],
    "a message id at a non-ascii domain": [
        ("Message-ID", "<179603245311.17401.1164707267005162466@bücher-und-zeitschriften.example>"),
        ("Date", "Mon, 30 Nov 2026 09:54:13 +0000"),
    ],
    "controls and blanks": [("Subject", "a\tb"), ("Subject", "a\vb"), ("X-Tag-note", "")],
}


def _classes_mime(headers: list[tuple[str, str]], text: str, html: str, boundary: str) -> bytes:
    """The reference: how the outbox wrote every email on the stdlib's MIME classes."""
    msg = MIMEMultipart("alternative", boundary=boundary)
    for name, value in headers:
        msg[name] = value if name in AS_GIVEN else encode_header(value)
    msg.attach(MIMEText(text, "plain", "utf-8"))
    msg.attach(MIMEText(html, "html", "utf-8"))
    return msg.as_bytes()


BODIES = {
    "empty": ("", ""),
    "accents over many lines": ("héllo ✓\n" * 50, "<p>Ça commence — étape 1</p>"),
    "line breaks of every kind": ("\r\nx\r", "\n"),
}


@pytest.mark.parametrize("headers", HEADER_CASES.values(), ids=HEADER_CASES.keys())
@pytest.mark.parametrize("body", BODIES.values(), ids=BODIES.keys())
def test_hand_written_message_is_byte_for_byte_what_the_mime_classes_write(
    headers: list[tuple[str, str]], body: tuple[str, str]
) -> None:
    # Given a message's headers, text and HTML, and one boundary
    boundary = new_boundary()
    # When it is written by hand and by MIMEMultipart with two MIMEText parts
    by_hand = alternative_mime(headers, *body, boundary=boundary, as_given=AS_GIVEN)
    by_classes = _classes_mime(headers, *body, boundary=boundary)
    # Then the bytes are the same
    assert by_hand == by_classes


@pytest.mark.parametrize("value", ["Hi\nBcc: everyone@acme.example", "Hi\r\nthere", "Hi\rthere"])
def test_a_header_value_with_a_line_break_is_refused_by_the_hand_writer(value: str) -> None:
    # Given a value that would start a header of its own if written as it is
    # When it is written by hand, Then it is refused
    with pytest.raises(UnsafeHeader, match="Subject"):
        header_line("Subject", value)
    with pytest.raises(UnsafeHeader):
        alternative_mime([*SHORT, ("X-Tag-note", value)], "text", "<p>html</p>")


def an_email(subject: str = "Step 2: invite a teammate", note: str = "x") -> Email:
    return Email(
        to="priya@acme.example",
        subject=subject,
        text="Hi Priya",
        html="<p>Hi Priya</p>",
        sender="guide@acme-saas.example",
        tags={"customer": "acme-01", "note": note},
    )


def test_an_email_with_a_line_break_in_a_header_is_refused_and_nothing_is_written(
    tmp_path: Path,
) -> None:
    # Given a subject with a line break typed into a sheet cell
    email = an_email(subject="Step 2:\nBcc: everyone@acme.example")
    # When the outbox sends it, Then it refuses, as a mailer refuses an email it cannot send
    with pytest.raises(MailerError, match="Subject header holds a line break"):
        OutboxMailer(tmp_path).send(email)
    # And nothing is in the outbox
    assert read_outbox(tmp_path) == []


def test_non_ascii_headers_and_tags_round_trip_through_read_outbox(tmp_path: Path) -> None:
    # Given an email whose subject and a tag are not plain ASCII
    email = an_email(subject="Bienvenue, Zoë 🎉", note="Étape 2: données")
    # When the outbox sends it
    OutboxMailer(tmp_path).send(email)
    # Then each reads back as written
    (entry,) = read_outbox(tmp_path)
    assert entry.payload["subject"] == email.subject
    assert entry.payload["tags"]["note"] == email.tags["note"]


def test_no_two_messages_share_a_boundary(tmp_path: Path) -> None:
    # Given one outbox mailer
    mailer = OutboxMailer(tmp_path)
    # When it sends the same email many times
    for _ in range(50):
        mailer.send(an_email())
    # Then every message has a boundary of its own
    boundaries = [
        re.search(rb'boundary="([^"]+)"', e.path.read_bytes()).group(1)  # type: ignore[union-attr]
        for e in read_outbox(tmp_path)
    ]
    assert len(set(boundaries)) == len(boundaries) == 50
