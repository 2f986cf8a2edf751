"""The ports a unit of work runs against, wired once by ``app.bootstrap``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from guide.links import LinkSigner
from guide.ports import Ledger, Lock, Mailer, Notifier, Workbook

WORKBOOK_LOCK = "workbook"
TICK_LEASE_SECONDS = 900.0  # the Lambda's own time limit: a tick that dies frees it by then
ACTION_LEASE_SECONDS = 30.0


@dataclass
class Services:
    workbook: Workbook
    mailer: Mailer
    notifier: Notifier
    lock: Lock
    ledger: Ledger
    signer: LinkSigner
    done_url: str  # the done-link endpoint; the token goes in its query string
    # How many outside effects a tick runs at once: network-bound providers (SES, Slack) gain
    # from a few; the local outbox is CPU-bound, where threads only contend for the GIL.
    effect_workers: int = 1

    def done_link(self, token: str) -> str:
        joiner = "&" if "?" in self.done_url else "?"
        return f"{self.done_url}{joiner}{urlencode({'t': token})}"


def team_time(now: datetime, timezone: str) -> datetime:
    """The moment in the team's time zone, naive: how the sheet shows times."""
    return now.astimezone(ZoneInfo(timezone)).replace(tzinfo=None)
