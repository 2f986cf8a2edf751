"""Ports that die at a chosen point, as the process running a tick would if Lambda killed it.

``Crash`` is a ``BaseException``: the product's ``except Exception`` (and Powertools' own
clean-up of an unfinished ledger record) must not be able to catch it, just as nothing catches
a killed process. Each wrapper passes everything through to the real adapter until its moment.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any

from guide.ports import Email, Ledger, Mailer, Notifier, Posted, SlackMessage, Workbook
from guide.workbook import Changes, Snapshot


class Crash(BaseException):
    """The process died here."""


class CrashingLedger:
    """Dies right after the ``after``-th ``once`` whose key starts with ``prefix`` returned:
    that effect was done and its outcome is recorded in the ledger, the sheet not written yet."""

    def __init__(self, inner: Ledger, prefix: str, after: int = 1) -> None:
        self.inner, self.prefix, self.after = inner, prefix, after
        self.seen = 0
        self.crashed_key: str | None = None
        self._count = threading.Lock()  # the tick runs outside effects on a thread pool

    def once(
        self, key: str, effect: Callable[[], dict[str, Any]], *, reclaim: bool = False
    ) -> dict[str, Any]:
        result = self.inner.once(key, effect, reclaim=reclaim)
        if key.startswith(self.prefix):
            with self._count:
                self.seen += 1
                if self.seen == self.after:
                    self.crashed_key = key
                    raise Crash(f"died after {key} was recorded")
        return result


class CrashingMailer:
    """Dies after the provider accepted the email to ``to`` but before ``send`` returns: the
    one-call window, where the message is out and the ledger does not know it yet."""

    def __init__(self, inner: Mailer, to: str) -> None:
        self.inner, self.to = inner, to
        self.crashed = False

    def send(self, email: Email) -> str:
        message_id = self.inner.send(email)
        if email.to == self.to and not self.crashed:
            self.crashed = True
            raise Crash(f"died after the provider accepted mail to {email.to}")
        return message_id


class CrashingNotifier:
    """Dies after Slack accepted a post to ``channel`` but before ``post`` returns."""

    def __init__(self, inner: Notifier, channel: str) -> None:
        self.inner, self.channel = inner, channel
        self.crashed = False

    def post(self, message: SlackMessage) -> Posted:
        posted = self.inner.post(message)
        if message.channel == self.channel and not self.crashed:
            self.crashed = True
            raise Crash(f"died after Slack accepted a post to {message.channel}")
        return posted

    def update(self, channel: str, ts: str, message: SlackMessage) -> None:
        self.inner.update(channel, ts, message)

    def open_modal(self, trigger_id: str, view: dict[str, Any]) -> None:
        self.inner.open_modal(trigger_id, view)

    def permalink(self, channel: str, ts: str) -> str:
        return self.inner.permalink(channel, ts)

    def publish_home(self, user_id: str, view: dict[str, Any]) -> None:
        self.inner.publish_home(user_id, view)

    def whisper(
        self, user_id: str, text: str, *, response_url: str = "", channel: str = ""
    ) -> None:
        self.inner.whisper(user_id, text, response_url=response_url, channel=channel)


class CrashingWorkbook:
    """Reads through; dies on ``commit`` before anything is written."""

    def __init__(self, inner: Workbook) -> None:
        self.inner = inner
        self.commits_attempted = 0

    def read(self, tabs: Sequence[str], header_only: Sequence[str] = ()) -> Snapshot:
        return self.inner.read(tabs, header_only)

    def commit(self, snapshot: Snapshot, changes: Changes) -> None:
        self.commits_attempted += 1
        raise Crash("died before the sheet was written")

    def ensure_tabs(self, tabs: Sequence[str]) -> list[str]:
        return self.inner.ensure_tabs(tabs)
