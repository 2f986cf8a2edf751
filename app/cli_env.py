"""What every command line command needs: the ports from the environment, the workbook alone,
and ``--today`` read as the schedule would run."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime

from app.bootstrap import build_ports
from app.secrets import load_google_account, load_secrets
from app.settings import Settings
from guide.ports import Ports, Workbook
from guide.tick import TICK_HOUR


def on_day(today: str | None) -> date | None:
    """``--today``: the tick runs as the schedule would that day, at 09:00 team time."""
    return date.fromisoformat(today) if today else None


def env_ports(**overrides: str) -> Ports:
    settings = Settings.from_env({**os.environ, **overrides})
    return build_ports(settings, load_secrets(settings))


def at_time(today: str | None) -> datetime:
    """``--today``: as the schedule would run that day (09:00 team time is close enough for a
    digest, whose week is the seven days before it); else now."""
    if not today:
        return datetime.now(UTC)
    return datetime.combine(date.fromisoformat(today), TICK_HOUR, UTC)


def workbook_only() -> Workbook:
    """The workbook alone: no mailer, Slack, ledger or link key is needed to set it up."""
    settings = Settings.from_env(stores=False)
    if settings.workbook_path is not None:
        from adapters.xlsx_workbook import XlsxWorkbook

        return XlsxWorkbook(settings.workbook_path)
    from adapters.gsheets import GoogleSheetsWorkbook

    return GoogleSheetsWorkbook.from_service_account_info(
        load_google_account(settings), settings.spreadsheet_id
    )
