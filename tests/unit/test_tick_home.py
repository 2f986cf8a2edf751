"""The tick refreshes each owner's App Home after its write, and a failure there is a warning.

Given the ports the app wires (``app.bootstrap.build_ports``, the local outbox standing in for
Slack), When the daily tick runs, Then each owner's Home is published from the tick's own read
and decision; a second tick that changes nothing publishes nothing; and a hook that fails leaves
the tick done, with the failure in its report.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from adapters.outbox import read_outbox
from adapters.xlsx_workbook import XlsxWorkbook
from app.bootstrap import build_ports
from app.demo import build_demo
from app.secrets import load_secrets
from app.settings import Settings
from guide.model import Book
from guide.ports import Ports
from guide.tick import run_tick
from guide.tick.plan import TickPlan
from tests.conftest import NOW

MON = date(2026, 11, 23)
SAM, ALEX = "U01SAMRIVERA", "U02ALEXCHEN"


@pytest.fixture
def ports(tmp_path: Path) -> Ports:
    build_demo(XlsxWorkbook(tmp_path / "onboarding.xlsx"), MON)
    env = {
        "OG_WORKBOOK": str(tmp_path / "onboarding.xlsx"),
        "OG_OUTBOX": str(tmp_path / "outbox"),
        "OG_STATE_DIR": str(tmp_path / "state"),
        "SLACK_BOT_TOKEN": "xoxb-test",
        "SLACK_SIGNING_SECRET": "signing-secret",
        "OG_LINK_KEY": "a-link-key-long-enough-for-the-signer-0123456789",
    }
    settings = Settings.from_env(env)
    return build_ports(settings, load_secrets(settings))


def published(outbox: Path) -> list[str]:
    return [
        e.payload["user_id"]
        for e in read_outbox(outbox)
        if e.payload.get("method") == "views.publish"
    ]


def test_the_tick_publishes_each_owners_home_once_and_again_only_when_it_changed(
    ports: Ports, tmp_path: Path
) -> None:
    report = run_tick(ports, NOW, on=MON)
    assert not [p for p in report.failures if "after the tick" in p.message]
    homes = published(tmp_path / "outbox")
    assert {SAM, ALEX} <= set(homes) and len(homes) == len(set(homes))
    # When the tick runs again the same day, the Homes learn of the flags the first one posted
    # (its Homes were drawn from its read); once they have, a tick republishes nothing
    run_tick(ports, NOW, on=MON)
    settled = published(tmp_path / "outbox")
    run_tick(ports, NOW, on=MON)
    assert published(tmp_path / "outbox") == settled


def test_a_failing_home_refresh_is_a_warning_and_the_tick_is_done(
    ports: Ports, tmp_path: Path
) -> None:
    def broken(book: Book, plan: TickPlan) -> None:
        raise RuntimeError("Slack is down")

    report = run_tick(replace(ports, after_tick=broken), NOW, on=MON)
    assert report.emails and report.cells_written > 0
    assert [p.message for p in report.failures if "after the tick" in p.message] == [
        "after the tick: RuntimeError: Slack is down"
    ]
