"""A demo workbook wired the way ``serve`` wires it, for the endpoint tests.

The demo's customers are in every state (stalled, paused, handed off, finished); a first tick
posts their flags to the fake Slack API, so the buttons pressed in the tests are the ones the
guide really posted.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from adapters.xlsx_workbook import XlsxWorkbook
from app.bootstrap import build_ports
from app.demo import build_demo
from app.secrets import load_secrets
from app.settings import Settings
from guide.model import Book
from guide.ports import Ports
from guide.reading import read_book
from guide.tick import run_tick
from sheets.schema import TICK_READS

TODAY = date(2026, 11, 23)  # a Monday
NOW = datetime(2026, 11, 23, 15, 30, tzinfo=UTC)  # mid-morning in the demo's New York
TOKEN = "xoxb-test-token"
SECRET = "test-signing-secret-0123456789abcdef"
# The key the done links in events/*.json are signed with: a published test key, for the samples
# (and ``sam local invoke`` with them) only. Without OG_LINK_KEY a workbook makes its own.
SAMPLE_EVENTS_LINK_KEY = "local-only-link-signing-key-change-me"


@dataclass
class Demo:
    folder: Path
    env: dict[str, str]
    ports: Ports

    @property
    def workbook_path(self) -> Path:
        return self.folder / "onboarding.xlsx"

    def book(self) -> Book:
        return read_book(XlsxWorkbook(self.workbook_path).read(list(TICK_READS)))

    def fingerprint(self) -> str:
        """Changes whenever anything is written to the workbook."""
        return hashlib.sha256(self.workbook_path.read_bytes()).hexdigest()

    def emails(self) -> list[Path]:
        return sorted((self.folder / "outbox").glob("*-mail-*.eml"))


def make_demo(folder: Path, slack_api_url: str | None = None) -> Demo:
    """The demo workbook on ``TODAY``, after its 09:00 tick, with local adapters."""
    folder.mkdir(parents=True, exist_ok=True)
    build_demo(XlsxWorkbook(folder / "onboarding.xlsx"), TODAY)
    env = {
        "OG_WORKBOOK": str(folder / "onboarding.xlsx"),
        "OG_OUTBOX": str(folder / "outbox"),
        "OG_STATE_DIR": str(folder / "state"),
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_TEAM_ID": "T0001",
        "OG_LINK_KEY": SAMPLE_EVENTS_LINK_KEY,
    }
    if slack_api_url:
        env["SLACK_API_URL"] = slack_api_url
    settings = Settings.from_env(env)
    ports = build_ports(settings, load_secrets(settings))
    tick_at = datetime.combine(TODAY, time(9), ZoneInfo("America/New_York"))
    run_tick(ports, tick_at)
    return Demo(folder, env, ports)


def flag_for(
    messages: dict[tuple[str, str], dict[str, Any]], customer_id: str
) -> tuple[str, str, str]:
    """(channel, ts, button value) of the flag the tick posted for a customer."""
    for (channel, ts), message in messages.items():
        for block in message.get("blocks", []):
            for element in block.get("elements", []):
                value = str(element.get("value") or "")
                if element.get("action_id") == "og_finish" and f'"c":"{customer_id}"' in value:
                    return channel, ts, value
    raise AssertionError(f"no flag was posted for {customer_id}")
