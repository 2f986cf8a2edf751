"""Wiring: production adapters in Lambda, local ones on a laptop, from the settings."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime
from functools import cache
from typing import TYPE_CHECKING, Any, cast

from app.secrets import Secrets, load_secrets
from app.settings import Settings, SettingsError
from guide.commands import Answer, Command
from guide.links import LinkSigner
from guide.model import Book
from guide.ports import Ledger, Lock, Mailer, Notifier, Ports, Workbook
from guide.tick.plan import TickPlan

if TYPE_CHECKING:  # every handler imports this module; only the digest draws a funnel
    from guide.funnel_model import Funnel

LEDGER_DAYS = 30
# Enough to hide SES and Slack latency; few enough to stay near their rate limits, whose
# throttling answers the adapters' own retries absorb.
NETWORK_EFFECT_WORKERS = 8


def build_ports(settings: Settings, secrets: Secrets) -> Ports:
    local_outbox = settings.outbox is not None and not settings.slack_api_url
    ports = Ports(
        workbook=_workbook(settings, secrets),
        mailer=_mailer(settings),
        notifier=_notifier(settings, secrets),
        lock=_lock(settings),
        ledger=_ledger(settings),
        signer=LinkSigner(secrets.link_key),
        done_url=settings.done_url,
        effect_workers=1 if local_outbox else NETWORK_EFFECT_WORKERS,
        timezone=settings.timezone,
    )
    # Here rather than in the tick's handler and the CLI: both get it, and the core stays free
    # of the app (the tick calls the hook after its write; a failure is a warning).
    ports.after_tick = lambda book, plan: refresh_homes_after_tick(ports, book, plan)
    ports.digest_chart = draw_digest_chart
    return ports


def draw_digest_chart(funnel: Funnel) -> bytes:
    """The digest's funnel chart (``Ports.digest_chart``). matplotlib loads on the first draw,
    in the digest function only: where it is missing, this raises and the digest goes
    without the chart."""
    from app.funnel_chart import funnel_chart_png

    return funnel_chart_png(funnel)


def refresh_homes_after_tick(ports: Ports, book: Book, plan: TickPlan) -> None:
    """Each owner's App Home, from the tick's own read and decision: one ``views.publish`` per
    person whose view changed. Imported on first use: Bolt is not loaded for a tick that
    fails before it gets here."""
    from app.slack_home import refresh_homes

    refresh_homes(ports, book, plan.statuses, today=plan.today)


@cache
def ports_from_env() -> Ports:
    """Built once per process (a Lambda cold start), then reused while warm."""
    settings = Settings.from_env()
    return build_ports(settings, load_secrets(settings))


def perform_action(ports: Ports, command: Command, now: datetime) -> Answer:
    """The core's ``perform``, imported on first use: answering Slack within its 3 seconds does
    not need the actions loaded."""
    from guide.actions import perform

    return perform(ports, command, now)


def _workbook(settings: Settings, secrets: Secrets) -> Workbook:
    if settings.workbook_path is not None:
        from adapters.xlsx_workbook import XlsxWorkbook

        return XlsxWorkbook(settings.workbook_path)
    from adapters.gsheets import GoogleSheetsWorkbook

    if secrets.google_service_account is None:
        raise SettingsError("no Google service-account credentials (secret or file)")
    return GoogleSheetsWorkbook.from_service_account_info(
        secrets.google_service_account, settings.spreadsheet_id
    )


def _mailer(settings: Settings) -> Mailer:
    if settings.outbox is not None:
        from adapters.outbox import OutboxMailer

        return OutboxMailer(settings.outbox)
    import boto3

    from adapters.ses_mailer import SesMailer

    return SesMailer(boto3.client("sesv2"), settings.ses_configuration_set or None)


def _notifier(settings: Settings, secrets: Secrets) -> Notifier:
    if settings.outbox is not None and not settings.slack_api_url:
        from adapters.outbox import OutboxNotifier

        return OutboxNotifier(settings.outbox)
    from adapters.slack_notifier import SlackNotifier, web_client

    return SlackNotifier(web_client(secrets.slack_bot_token, settings.slack_api_url or None))


class _NotGiven:
    """A store this function was deployed without: using it is a deployment mistake."""

    def __init__(self, variable: str) -> None:
        self._variable = variable

    def __getattr__(self, name: str) -> Any:
        raise SettingsError(f"this function has no {self._variable}: it cannot {name}")


def _lock(settings: Settings) -> Lock:
    if settings.state_dir is None and not settings.lock_table:
        return cast(Lock, _NotGiven("OG_LOCK_TABLE"))
    if settings.lock_table:
        import boto3

        from adapters.locks import DynamoDBLock

        return DynamoDBLock(boto3.resource("dynamodb").Table(settings.lock_table))
    from adapters.locks import LocalFileLock

    assert settings.state_dir is not None
    return LocalFileLock(settings.state_dir / "locks")


def _ledger(settings: Settings) -> Ledger:
    if settings.state_dir is None and not settings.idempotency_table:
        return cast(Ledger, _NotGiven("OG_IDEMPOTENCY_TABLE"))
    return LedgerOnFirstUse(lambda: _build_ledger(settings))


class LedgerOnFirstUse:
    """The ``Ledger`` port, built on its first ``once``: Powertools' idempotency module and, in
    AWS, the DynamoDB ledger's client. An undo, a resume or a done link that sends nothing
    never needs either."""

    def __init__(self, build: Callable[[], Ledger]) -> None:
        self._build = build
        self._ledger: Ledger | None = None
        self._building = threading.Lock()  # the tick's first effects arrive on several threads

    def once(
        self, key: str, effect: Callable[[], dict[str, Any]], *, reclaim: bool = False
    ) -> dict[str, Any]:
        ledger = self._ledger
        if ledger is None:
            with self._building:
                if self._ledger is None:
                    self._ledger = self._build()
                ledger = self._ledger
        return ledger.once(key, effect, reclaim=reclaim)


def _build_ledger(settings: Settings) -> Ledger:
    from adapters.ledger import IdempotencyLedger

    store: Any
    if settings.idempotency_table:
        from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer

        store = DynamoDBPersistenceLayer(table_name=settings.idempotency_table)
    else:
        from adapters.ledger import SqlitePersistenceLayer

        assert settings.state_dir is not None
        settings.state_dir.mkdir(parents=True, exist_ok=True)
        store = SqlitePersistenceLayer(settings.state_dir / "ledger.sqlite3")
    return IdempotencyLedger(store, expires_after_seconds=LEDGER_DAYS * 86400)
