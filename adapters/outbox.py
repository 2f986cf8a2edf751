"""Local mail and Slack: every email and every Slack call becomes one file in an outbox folder.

A person can open the ``.eml`` files in a mail program and read the ``.json`` files as the Block
Kit payloads Slack would have received. File names start with a sequence number, so a listing
shows them in the order they were written, even when several processes share the folder.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
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

from guide.ports import Email, Posted, SlackMessage

_NUMBERED = re.compile(r"^(\d+)-")
_TAG_HEADER = "X-Tag-"
_LOCK_NAME = ".outbox.lock"
_SEQUENCE_NAME = ".outbox.seq"


def _slug(text: str) -> str:
    """File-name-safe text: ``priya@acme.com`` becomes ``priya-at-acme-com``."""
    text = text.replace("@", "-at-")
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower()[:60] or "x"


def _json(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, indent=2, ensure_ascii=False).encode()


class _Folder:
    """Numbered, atomic writes into one folder, shared safely between processes."""

    def __init__(self, folder: str | os.PathLike[str]) -> None:
        self.path = Path(folder)
        self.path.mkdir(parents=True, exist_ok=True)
        # One folder-wide lock makes "find the next number, then write" a single step across
        # processes; numbers alone would collide because file names differ by kind.
        self._lock = FileLock(self.path / _LOCK_NAME, timeout=30)

    def _next_number(self) -> int:
        """The next number, kept in a small file under the folder lock: listing the folder on
        every write would make a tick's outbox quadratic in the messages it writes."""
        sequence = self.path / _SEQUENCE_NAME
        try:
            last = int(sequence.read_text())
        except (FileNotFoundError, ValueError):
            last = max(
                (int(m.group(1)) for name in os.listdir(self.path) if (m := _NUMBERED.match(name))),
                default=0,
            )
        sequence.write_text(str(last + 1))
        return last + 1

    def write(self, build: Callable[[int], tuple[str, bytes]]) -> Path:
        """Write one file under the next number; ``build(number)`` gives its name and bytes."""
        with self._lock:
            name, data = build(self._next_number())
            target = self.path / name
            # Temp file + rename: a reader never sees half a file. The dot keeps it out of listings.
            fd, tmp = tempfile.mkstemp(dir=self.path, prefix=".tmp-")
            try:
                with os.fdopen(fd, "wb") as out:
                    out.write(data)
                os.replace(tmp, target)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        return target


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
        msg = EmailMessage()
        msg["From"] = email.sender
        msg["To"] = email.to
        msg["Subject"] = email.subject
        if email.reply_to:
            msg["Reply-To"] = email.reply_to
        msg["Message-ID"] = message_id
        msg["Date"] = format_datetime(datetime.fromtimestamp(self._clock(), UTC))
        for name, value in email.tags.items():
            msg[_TAG_HEADER + _slug(name)] = value
        msg.set_content(email.text)
        msg.add_alternative(email.html, subtype="html")
        data = msg.as_bytes(policy=policy.SMTP)
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

    def open_modal(self, trigger_id: str, view: dict[str, Any]) -> None:
        payload = {"method": "views.open", "trigger_id": trigger_id, "view": view}
        self._write("modal", str(view.get("callback_id") or "view"), payload)


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
