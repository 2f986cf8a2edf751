"""An email with attachments as one MIME message: what SES raw content and the outbox take."""

from __future__ import annotations

from email.header import Header
from email.mime.application import MIMEApplication
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText

from guide.ports import Email


def raw_mime(email: Email, headers: dict[str, str] | None = None) -> bytes:
    """The whole message: text and HTML as alternatives, then each attachment. SES takes the
    envelope from the request; the headers are for the reader (plus ``headers``: an id, tags)."""
    body = MIMEMultipart("alternative")
    body.attach(MIMEText(email.text, "plain", "utf-8"))
    body.attach(MIMEText(email.html, "html", "utf-8"))
    msg = MIMEMultipart("mixed")
    msg["From"] = _header(email.sender)
    msg["To"] = _header(email.to)
    msg["Subject"] = _header(email.subject)
    if email.reply_to:
        msg["Reply-To"] = _header(email.reply_to)
    for name, value in (headers or {}).items():
        msg[name] = value
    msg.attach(body)
    for item in email.attachments:
        kind, _, params = item.content_type.partition(";")
        maintype, _, subtype = kind.strip().partition("/")
        part = MIMEApplication(item.data, subtype or "octet-stream")
        # MIMEApplication says application/*: say what the file is (text/calendar with its
        # method, for an invite a mail program offers to accept).
        part.replace_header("Content-Type", f"{maintype}/{subtype}")
        for param in filter(None, (p.strip() for p in params.split(";"))):
            key, _, value = param.partition("=")
            part.set_param(key.strip(), value.strip())
        part.add_header("Content-Disposition", "attachment", filename=item.filename)
        msg.attach(part)
    return msg.as_bytes()


def _header(value: str) -> str:
    """A header value, RFC 2047-encoded when it is not plain ASCII."""
    return value if value.isascii() else Header(value, "utf-8").encode()
