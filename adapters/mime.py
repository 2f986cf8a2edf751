"""Emails as MIME messages: what SES raw content and the outbox take.

``raw_mime`` builds a message with attachments on the standard library's email classes.
``alternative_mime`` writes the common case, text and HTML as alternatives, by hand: the classes
cost about a millisecond a message (header folding, a regex compiled per boundary), which a tick
sending thousands of emails felt. It writes the bytes those classes write for the same message,
and hands every header that is not short plain ASCII to the standard library's own folding.
"""

from __future__ import annotations

import base64
import uuid
from collections.abc import Collection, Iterable
from email import policy
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
        related = MIMEMultipart("related", boundary=new_boundary())
        related.attach(html)
        for item in inline:
            part = _part(item)
            part["Content-ID"] = f"<{item.content_id}>"
            part.add_header("Content-Disposition", "inline", filename=item.filename)
            related.attach(part)
        html = related
    body = MIMEMultipart("alternative", boundary=new_boundary())
    body.attach(MIMEText(email.text, "plain", "utf-8"))
    body.attach(html)
    msg = MIMEMultipart("mixed", boundary=new_boundary())
    msg["From"] = encode_header(email.sender)
    msg["To"] = encode_header(email.to)
    msg["Subject"] = encode_header(email.subject)
    if email.reply_to:
        msg["Reply-To"] = encode_header(email.reply_to)
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


def encode_header(value: str) -> str:
    """A header value, RFC 2047-encoded when it is not plain ASCII."""
    return value if value.isascii() else Header(value, "utf-8").encode()


class UnsafeHeader(ValueError):
    """A header value holds a line break: written by hand it could start a header of its own."""


# What a short plain header may be written as, unfolded: RFC 5322's 78-character line.
_MAX_LINE = 78


def new_boundary() -> str:
    """A boundary no other message has, in the standard library's shape. Given up front, the
    generator does not scan the body for it, compiling a regex per message to do so."""
    return f"==============={uuid.uuid4().hex}=="


def header_line(name: str, value: str, *, encode: bool = True) -> str:
    """``Name: value`` and its line break, as the standard library folds it.

    Written by hand, so it refuses a CR or LF (which would let a value add headers of its own)
    rather than trusting the caller. A non-ASCII value is RFC 2047-encoded: by ``encode_header``
    first, as the MIME classes were given it, or with ``encode=False`` by the stdlib's folding
    alone, as a value set as it is. Anything long or encoded is folded by the stdlib."""
    if "\r" in value or "\n" in value:
        raise UnsafeHeader(f"the {name} header holds a line break")
    # Control characters too go the stdlib's way: it takes \v, \f and others for line breaks.
    if value.isascii() and value.isprintable() and len(name) + len(value) + 2 <= _MAX_LINE:
        return f"{name}: {value}\n"
    return policy.compat32.fold(name, encode_header(value) if encode else value)


def _text_part(subtype: str, content: str, boundary: str) -> str:
    # Base64 in 76-character lines, as MIMEText(..., "utf-8") encodes a body.
    body = base64.encodebytes(content.encode("utf-8")).decode("ascii")
    return (
        f"--{boundary}\n"
        f'Content-Type: text/{subtype}; charset="utf-8"\n'
        "MIME-Version: 1.0\n"
        "Content-Transfer-Encoding: base64\n\n"
        f"{body}\n"
    )


def alternative_mime(
    headers: Iterable[tuple[str, str]],
    text: str,
    html: str,
    boundary: str | None = None,
    as_given: Collection[str] = (),
) -> bytes:
    """A multipart/alternative message of ``text`` and ``html`` under ``headers``: the bytes
    ``MIMEMultipart("alternative")`` with two ``MIMEText`` parts gives, each header set as
    ``encode_header(value)``, or as it is if named in ``as_given``. Raises ``UnsafeHeader`` for
    a header value with a line break."""
    boundary = boundary or new_boundary()
    head = "".join(header_line(n, v, encode=n not in as_given) for n, v in headers)
    return (
        # Folded where the stdlib folds it: the line is too long with any boundary of ours.
        f'Content-Type: multipart/alternative;\n boundary="{boundary}"\n'
        "MIME-Version: 1.0\n"
        f"{head}\n"
        f"{_text_part('plain', text, boundary)}"
        f"{_text_part('html', html, boundary)}"
        f"--{boundary}--\n"
    ).encode("ascii")
