"""The ports: everything the core needs from the outside world, and nothing more.

Each has a production adapter and a local one in ``adapters/``; the contract tests in
``tests/contract`` run the same suite against both.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import urlencode, urljoin

from guide.links import LinkSigner
from guide.workbook import Changes, Snapshot
from sheets.formats import TabFormat

if TYPE_CHECKING:  # the tick's modules import this one
    from guide.funnel_model import Funnel
    from guide.model import Book
    from guide.tick.plan import TickPlan


class WorkbookError(Exception):
    """The workbook could not be read or written; nothing was half-written.

    ``ambiguous``: a commit whose outcome is unknown (Google answered 5xx, or never answered),
    so it may have been applied in full. ``may_still_land``: no answer came at all, so the
    write may still be in flight and could apply after anything done next."""

    def __init__(
        self, message: str = "", *, ambiguous: bool = False, may_still_land: bool = False
    ) -> None:
        super().__init__(message)
        self.ambiguous = ambiguous or may_still_land
        self.may_still_land = may_still_land


class RowsMoved(WorkbookError):
    """A row the commit addresses no longer holds the record it meant (a person inserted,
    deleted or sorted rows, or another writer did): nothing was written."""


class WriteTooLarge(WorkbookError):
    """One write would be bigger than the workbook takes in a request (Google refuses a body
    over 10 MiB): nothing was sent. The unit of work then writes in parts."""


class LeaseLost(WorkbookError):
    """The workbook lock's lease ran out before the commit and may be someone else's now:
    nothing was written."""


class Workbook(Protocol):
    """The onboarding spreadsheet: read a consistent snapshot, commit one unit of work."""

    def read(self, tabs: Sequence[str], header_only: Sequence[str] = ()) -> Snapshot:
        """Read every named tab in one request. A tab that does not exist comes back empty,
        with ``exists=False``. Tabs in ``header_only`` come back with their header row and no
        data: enough to append to a tab that only grows without reading all of it."""
        ...

    def commit(self, snapshot: Snapshot, changes: Changes) -> None:
        """Apply ``changes`` (made against ``snapshot``) in one all-or-nothing write, values RAW.

        A column the changes name but the sheet lacks is added at the right end of the header.
        Raises ``WorkbookError`` if the write failed; then nothing was written.
        """
        ...

    def ensure_tabs(self, tabs: Sequence[str]) -> list[str]:
        """Create the named tabs that are missing, with their schema headers, and add the schema
        columns an existing tab lacks at the right end of its header; return the tabs made."""
        ...

    def format_tabs(self, layout: Sequence[TabFormat]) -> int:
        """Freeze header rows, set tick boxes and drop-downs (found by header name), protect
        tabs, as ``layout`` says, on the tabs that exist. Only what is not so already is
        changed: return how many changes were made (0 on a second run)."""
        ...


@dataclass(frozen=True)
class Attachment:
    """A file sent with an email: a calendar invite, say. With a ``content_id`` it is an
    inline image instead, shown where the HTML says ``<img src="cid:CONTENT_ID">``."""

    filename: str
    content_type: str  # "text/calendar; method=REQUEST"
    data: bytes
    content_id: str = ""  # e.g. "funnel-chart@onboarding-guide": unique, no angle brackets


@dataclass(frozen=True)
class Email:
    to: str
    subject: str
    text: str
    html: str
    sender: str
    reply_to: str | None = None
    tags: dict[str, str] = field(default_factory=dict)
    attachments: tuple[Attachment, ...] = ()


class MailerError(Exception):
    """The email was not accepted for delivery; nothing was sent."""


class Mailer(Protocol):
    def send(self, email: Email) -> str:
        """Send one email; return the provider's message id."""
        ...


@dataclass(frozen=True)
class SlackMessage:
    channel: str
    text: str
    blocks: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class Posted:
    channel: str
    ts: str


class NotifierError(Exception):
    """Slack refused or could not be reached. ``code`` is Slack's error code when it gave one
    (``channel_not_found``, ``ratelimited``, ...)."""

    def __init__(self, message: str, code: str | None = None) -> None:
        super().__init__(message)
        self.code = code


class Notifier(Protocol):
    """Slack, as the guide uses it."""

    def post(self, message: SlackMessage) -> Posted: ...

    def update(self, channel: str, ts: str, message: SlackMessage) -> None: ...

    def open_modal(self, trigger_id: str, view: dict[str, Any]) -> None: ...

    def whisper(
        self, user_id: str, text: str, *, response_url: str = "", channel: str = ""
    ) -> None:
        """An ephemeral line for one person: through the interaction's ``response_url`` when
        there is one (valid 30 minutes, 5 uses), else ``chat.postEphemeral`` in ``channel``."""
        ...

    def permalink(self, channel: str, ts: str) -> str:
        """A link a person can open to one posted message (``chat.getPermalink``)."""
        ...

    def publish_home(self, user_id: str, view: dict[str, Any]) -> None:
        """Set one person's App Home tab to ``view`` (``views.publish``, a ``home`` view)."""
        ...


class LockBusy(Exception):
    """Somebody else holds the lock and did not let go in time."""


class Lease(Protocol):
    """The hold a ``Lock.hold`` block has: the fencing token a writer checks before it writes."""

    def confirm(self) -> None:
        """Make sure the lease is still this holder's, and renew it for another full lease;
        raise ``LeaseLost`` if it ran out and may belong to somebody else."""
        ...


class Lock(Protocol):
    def hold(
        self, name: str, *, lease_seconds: float, wait_seconds: float
    ) -> AbstractContextManager[Lease]:
        """Hold the named lease lock for the block. The lease expires by itself after
        ``lease_seconds`` if the holder dies. Raises ``LockBusy`` after ``wait_seconds``."""
        ...


class AlreadyInProgress(Exception):
    """Another run has started this effect and not recorded its outcome yet."""


class Ledger(Protocol):
    """Records that an effect happened, so a retried run does not do it again."""

    def once(
        self, key: str, effect: Callable[[], dict[str, Any]], *, reclaim: bool = False
    ) -> dict[str, Any]:
        """Run ``effect`` unless ``key`` has already run; return its (stored) result.
        Raises ``AlreadyInProgress`` when another run holds the key unfinished, unless
        ``reclaim``: then that claim is taken over and the effect run. Only a caller that knows
        no other run can be live (the tick, under the exclusive workbook lock) may reclaim."""
        ...


@dataclass
class Ports:
    """The adapters a unit of work runs against, one per port, wired once by ``app.bootstrap``
    (production or local) or by a test (fakes)."""

    workbook: Workbook
    mailer: Mailer
    notifier: Notifier
    lock: Lock
    ledger: Ledger
    signer: LinkSigner
    done_url: str  # the done-link endpoint; the token goes in its query string
    # Run after a tick's write (the App Home refresh): the book as read and the tick's plan.
    after_tick: Callable[[Book, TickPlan], None] | None = None
    # Draws the digest's funnel chart as PNG bytes (app.funnel_chart: the plotting library
    # stays out of the core). None, or a hook that fails: the digest goes without the chart.
    digest_chart: Callable[[Funnel], bytes] | None = None
    # How many outside effects a tick runs at once: network-bound providers (SES, Slack) gain
    # from a few; the local outbox is CPU-bound, where threads only contend for the GIL.
    effect_workers: int = 1
    # The deployment's time zone (the stack's TimeZone parameter), which the schedules run in:
    # when set it wins over og-config's, and a disagreement is reported (guide.unit_of_work).
    timezone: str = ""

    @property
    def resume_url(self) -> str:
        """The digest's Resume links land beside the done links, on the same endpoint."""
        return urljoin(self.done_url, "resume")

    def done_link(self, token: str) -> str:
        joiner = "&" if "?" in self.done_url else "?"
        return f"{self.done_url}{joiner}{urlencode({'t': token})}"

    @property
    def plan_url(self) -> str:
        """The staff page of a customer's plan, on the links endpoint beside the done links."""
        return _beside(self.done_url, "plan")

    def plan_link(self, customer_id: str, now: datetime, staff: str = "") -> str:
        """A flag's "View plan": a signed staff link, expiring in ``links.STAFF_TTL_DAYS``."""
        token = self.signer.issue_staff(customer_id, staff, now)
        plan_url = self.plan_url
        joiner = "&" if "?" in plan_url else "?"
        return f"{plan_url}{joiner}{urlencode({'t': token})}"


@functools.lru_cache(maxsize=16)
def _beside(url: str, name: str) -> str:
    # Joined once per URL, not per flag: a tick posts thousands, and urljoin is slow.
    return urljoin(url, name)
