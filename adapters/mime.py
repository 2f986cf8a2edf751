"""An email with attachments as one MIME message: what SES raw content and the outbox take."""

from __future__ import annotations

from email.header import Header
from email.mime.application import MIMEApplication
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText

from guide.ports import Attachment, Email


def raw_mime(email: Email, headers: dict[str, str] | None = None) -> bytes:
    """The whole message: text and HTML as alternatives, then each attachment. SES takes the
    envelope from the request; the headers are for the reader (plus ``headers``: an id, tags).

    Inline images (an attachment with a ``content_id``) go with the HTML in a
    multipart/related, the one structure mail clients resolve ``cid:`` references in; the
    plain-text alternative stays a plain part beside it."""
    html: MIMEBase = MIMEText(email.html, "html", "utf-8")
    inline = [item for item in email.attachments if item.content_id]
    if inline:
        related = MIMEMultipart("related")
        related.attach(html)
        for item in inline:
            part = _part(item)
            part["Content-ID"] = f"<{item.content_id}>"
            part.add_header("Content-Disposition", "inline", filename=item.filename)
            related.attach(part)
        html = related
    body = MIMEMultipart("alternative")
    body.attach(MIMEText(email.text, "plain", "utf-8"))
    body.attach(html)
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
        if item.content_id:
            continue
        part = _part(item)
        part.add_header("Content-Disposition", "attachment", filename=item.filename)
        msg.attach(part)
    return msg.as_bytes()


def _part(item: Attachment) -> MIMEApplication:
    kind, _, params = item.content_type.partition(";")
    maintype, _, subtype = kind.strip().partition("/")
    part = MIMEApplication(item.data, subtype or "octet-stream")
    # MIMEApplication says application/*: say what the file is (text/calendar with its
    # method, for an invite a mail program offers to accept; image/png for a chart).
    part.replace_header("Content-Type", f"{maintype}/{subtype}")
    for param in filter(None, (p.strip() for p in params.split(";"))):
        key, _, value = param.partition("=")
        part.set_param(key.strip(), value.strip())
    return part


def _header(value: str) -> str:
    """A header value, RFC 2047-encoded when it is not plain ASCII."""
    return value if value.isascii() else Header(value, "utf-8").encode()
