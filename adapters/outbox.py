"""Local mail and Slack: every email and every Slack call becomes one file in an outbox folder.

A person can open the ``.eml`` files in a mail program and read the ``.json`` files as the Block
Kit payloads Slack would have received. File names start with a sequence number, so a listing
shows them in the order they were written, even when several processes share the folder.

Longer than most modules on purpose: the folder's writer, both local ports and the reader share
one file format, and only make sense together.
"""

from __future__ import annotations

import functools
import json
import os
import re
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Any

from filelock import FileLock

from adapters.mime import (
    UnsafeHeader,
    alternative_mime,
    encode_header,
    raw_mime,
)
from guide.ports import Email, MailerError, Posted, SlackMessage

_NUMBERED = re.compile(r"^(\d+)-")
_UNSAFE = re.compile(r"[^A-Za-z0-9]+")
_TAG_HEADER = "X-Tag-"
_LOCK_NAME = ".outbox.lock"
_SEQUENCE_NAME = ".outbox.seq"
# raw_mime writes these itself, from the email.
_ENVELOPE = ("From", "To", "Subject", "Reply-To")
# Set on the message as they are, not through encode_header, as the MIME classes were given them.
_AS_GIVEN = ("Message-ID", "Date")
# A new file only, owner-only as mkstemp makes it.
_CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL


@functools.lru_cache(maxsize=4096)  # a tick names the same channels and tags thousands of times
def _slug(text: str) -> str:
    """File-name-safe text: ``priya@acme.com`` becomes ``priya-at-acme-com``."""
    text = text.replace("@", "-at-")
    return _UNSAFE.sub("-", text).strip("-").lower()[:60] or "x"


# Compact: indenting forces json's pure-Python encoder, several times slower on a tick that
# posts thousands of flags. `python -m json.tool FILE` shows it indented. Built once, as
# json.dumps builds an encoder per call when given options.
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def _json(payload: dict[str, Any]) -> bytes:
    return _ENCODER.encode(payload).encode() + b"\n"


class _Folder:
    """Numbered, atomic writes into one folder, shared safely between processes.

    Numbers come from a sequence file opened for appending: each number is claimed by appending
    one byte, which the OS does atomically at the end of the file, and the file's length after
    our byte is our number. No lock is held while a file is written, and nothing is listed or
    rewritten per message (a tick may write thousands).
    """

    def __init__(self, folder: str | os.PathLike[str]) -> None:
        self.path = Path(folder)
        self.path.mkdir(parents=True, exist_ok=True)
        sequence = self.path / _SEQUENCE_NAME
        with FileLock(self.path / _LOCK_NAME, timeout=30):
            if not sequence.exists():
                # Carry on after whatever is in the folder already.
                last = max(
                    (int(m.group(1)) for n in os.listdir(self.path) if (m := _NUMBERED.match(n))),
                    default=0,
                )
                sequence.write_bytes(b"." * last)
        self._sequence = os.open(sequence, os.O_WRONLY | os.O_APPEND)
        self._claim = threading.Lock()  # threads share the descriptor's offset
        self._root = os.fspath(self.path)

    def _next_number(self) -> int:
        with self._claim:
            os.write(self._sequence, b".")
            return os.lseek(self._sequence, 0, os.SEEK_CUR)

    def write(self, build: Callable[[int], tuple[str, bytes]]) -> None:
        """Write one file under the next number; ``build(number)`` gives its name and bytes."""
        number = self._next_number()
        name, data = build(number)
        # Temp file + rename: a reader never sees half a file. The dot keeps it out of listings.
        # Named by our number and process, which no other writer has, so created at once with
        # O_EXCL rather than by mkstemp's random names (a tenth of a millisecond a file).
        tmp = f"{self._root}/.tmp-{os.getpid()}-{number}"
        try:
            fd = os.open(tmp, _CREATE, 0o600)
        except FileExistsError:  # left by a crash, with the sequence file since reset
            fd, tmp = tempfile.mkstemp(dir=self._root, prefix=".tmp-")
        try:
            try:
                written = 0
                while written < len(data):
                    written += os.write(fd, data[written:])
            finally:
                os.close(fd)
            os.replace(tmp, f"{self._root}/{name}")
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


class OutboxMailer:
    """The ``Mailer`` port for local runs: each email is written as ``NNNN-mail-<to>.eml``."""

    def __init__(
        self, folder: str | os.PathLike[str], clock: Callable[[], float] = time.time
    ) -> None:
        self._folder = _Folder(folder)
        self._clock = clock

    def send(self, email: Email) -> str:
        domain = email.sender.rpartition("@")[2] or "localhost"
        message_id = make_msgid(domain=domain)
        headers = [("From", email.sender), ("To", email.to), ("Subject", email.subject)]
        if email.reply_to:
            headers.append(("Reply-To", email.reply_to))
        headers.append(("Message-ID", message_id))
        headers.append(("Date", format_datetime(datetime.fromtimestamp(self._clock(), UTC))))
        headers.extend((_TAG_HEADER + _slug(name), value) for name, value in email.tags.items())
        if email.attachments:
            # The message SES gets (the alternatives, then each file), with the outbox's headers.
            extra = {name: encode_header(value) for name, value in headers if name not in _ENVELOPE}
            data = raw_mime(email, extra)
        else:
            try:
                data = alternative_mime(headers, email.text, email.html, as_given=_AS_GIVEN)
            except UnsafeHeader as err:
                # A line break typed into a sheet cell. The MIME classes wrote it as it was (a
                # broken header) or raised if it looked like a header of its own; refused here,
                # the tick reports it and tries again once the cell is fixed.
                raise MailerError(f"email to {email.to} not sent: {err}") from err
        self._folder.write(lambda n: (f"{n:04d}-mail-{_slug(email.to)}.eml", data))
        return message_id


class OutboxNotifier:
    """The ``Notifier`` port for local runs: each Slack call is written as a ``.json`` payload."""

    def __init__(
        self, folder: str | os.PathLike[str], clock: Callable[[], float] = time.time
    ) -> None:
        self._folder = _Folder(folder)
        self._clock = clock

    def _write(self, kind: str, where: str, payload: dict[str, Any]) -> None:
        self._folder.write(lambda n: (f"{n:04d}-slack-{kind}-{_slug(where)}.json", _json(payload)))

    def post(self, message: SlackMessage) -> Posted:
        seconds = int(self._clock())
        posted: list[Posted] = []

        def build(number: int) -> tuple[str, bytes]:
            # Slack-style ts, "<epoch seconds>.<six digits>": the folder-wide sequence number makes
            # it unique and increasing, even for two processes posting in the same second.
            ts = f"{seconds}.{number % 1_000_000:06d}"
            posted.append(Posted(channel=message.channel, ts=ts))
            payload = {
                "method": "chat.postMessage",
                "channel": message.channel,
                "ts": ts,
                "text": message.text,
                "blocks": message.blocks,
            }
            return f"{number:04d}-slack-post-{_slug(message.channel)}.json", _json(payload)

        self._folder.write(build)
        return posted[0]

    def update(self, channel: str, ts: str, message: SlackMessage) -> None:
        payload = {
            "method": "chat.update",
            "channel": channel,
            "ts": ts,
            "text": message.text,
            "blocks": message.blocks,
        }
        self._write("update", channel, payload)

    def permalink(self, channel: str, ts: str) -> str:
        # Nothing to link to locally; a stable, readable stand-in in Slack's own shape.
        where = _UNSAFE.sub("-", channel).strip("-") or "x"  # ids keep their case
        return f"https://slack.invalid/archives/{where}/p{ts.replace('.', '')}"

    def open_modal(self, trigger_id: str, view: dict[str, Any]) -> None:
        payload = {"method": "views.open", "trigger_id": trigger_id, "view": view}
        self._write("modal", str(view.get("callback_id") or "view"), payload)

    def publish_home(self, user_id: str, view: dict[str, Any]) -> None:
        payload = {"method": "views.publish", "user_id": user_id, "view": view}
        self._write("home", user_id, payload)

    def whisper(
        self, user_id: str, text: str, *, response_url: str = "", channel: str = ""
    ) -> None:
        payload = {
            "method": "response_url" if response_url else "chat.postEphemeral",
            "user": user_id,
            "channel": channel,
            "text": text,
        }
        self._write("whisper", user_id or channel or "someone", payload)


@dataclass(frozen=True)
class OutboxEntry:
    """One file in the outbox. ``payload`` is the Slack call as written, or for an email a
    summary: from, to, subject, reply_to, message_id, date, text, html, tags."""

    number: int
    kind: str  # "mail" or "slack"
    path: Path
    payload: dict[str, Any]


def _read_mail(path: Path) -> dict[str, Any]:
    with path.open("rb") as f:
        msg = BytesParser(policy=policy.default).parse(f)
    assert isinstance(msg, EmailMessage)
    text = msg.get_body(preferencelist=("plain",))
    html = msg.get_body(preferencelist=("html",))
    return {
        "from": str(msg["From"]),
        "to": str(msg["To"]),
        "subject": str(msg["Subject"]),
        "reply_to": str(msg["Reply-To"]) if msg["Reply-To"] else None,
        "message_id": str(msg["Message-ID"]),
        "date": str(msg["Date"]),
        "text": text.get_content() if text else "",
        "html": html.get_content() if html else "",
        "tags": {
            k[len(_TAG_HEADER) :]: str(v) for k, v in msg.items() if k.startswith(_TAG_HEADER)
        },
        "attachments": [
            {
                "filename": part.get_filename() or "",
                "content_type": part.get_content_type(),
                "data": part.get_payload(decode=True) or b"",
            }
            for part in msg.iter_attachments()
        ],
    }


def read_outbox(folder: str | os.PathLike[str]) -> list[OutboxEntry]:
    """Everything in the outbox, in the order it was written. A missing folder is empty."""
    root = Path(folder)
    if not root.is_dir():
        return []
    entries = []
    for path in root.iterdir():
        match = _NUMBERED.match(path.name)
        if not match:
            continue
        if path.suffix == ".eml":
            entries.append(OutboxEntry(int(match.group(1)), "mail", path, _read_mail(path)))
        elif path.suffix == ".json":
            payload = json.loads(path.read_text(encoding="utf-8"))
            entries.append(OutboxEntry(int(match.group(1)), "slack", path, payload))
    return sorted(entries, key=lambda e: e.number)
