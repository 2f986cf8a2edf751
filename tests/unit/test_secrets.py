"""Secrets: where they come from, and that they never show (issue 8, items 9 and 10)."""

from __future__ import annotations

import logging
import stat
from datetime import date
from pathlib import Path

import pytest

from adapters.xlsx_workbook import XlsxWorkbook
from app.cli import main
from app.demo import build_demo
from app.secrets import load_secrets
from app.settings import Settings


def local_settings(folder: Path, **env: str) -> Settings:
    return Settings.from_env({"OG_WORKBOOK": str(folder / "onboarding.xlsx"), **env})


def test_given_a_local_workbook_without_a_link_key_then_it_gets_its_own_random_private_key(
    tmp_path: Path,
) -> None:
    first, second = local_settings(tmp_path / "a"), local_settings(tmp_path / "b")

    key_a, key_b = load_secrets(first).link_key, load_secrets(second).link_key

    assert key_a != key_b, "each workbook signs with its own key"
    assert len(key_a) >= 32
    assert first.state_dir is not None
    (stored,) = first.state_dir.iterdir()
    assert stored.read_text().strip().encode() == key_a
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600
    assert load_secrets(first).link_key == key_a, "the next start reuses it"


def test_no_link_key_is_written_in_the_code() -> None:
    import app.secrets

    assert not hasattr(app.secrets, "LOCAL_LINK_KEY")


BOT_TOKEN = "xoxb-RECOGNISABLE-bot-token"
SIGNING_SECRET = "RECOGNISABLE-signing-secret"
LINK_KEY = "RECOGNISABLE-link-key-0123456789"
SECRET_VALUES = (BOT_TOKEN, SIGNING_SECRET, LINK_KEY)


def test_given_settings_and_secrets_with_values_then_no_repr_or_str_shows_them(
    tmp_path: Path,
) -> None:
    settings = local_settings(
        tmp_path,
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        OG_LINK_KEY=LINK_KEY,
    )
    loaded = load_secrets(settings)
    shown = " ".join([repr(settings), str(settings), repr(loaded), str(loaded)])

    assert loaded.slack_bot_token == BOT_TOKEN, "the values are there, only not shown"
    for value in SECRET_VALUES:
        assert value not in shown


def test_given_secrets_in_the_environment_when_the_tick_runs_logging_everything_then_none_shows(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    build_demo(XlsxWorkbook(tmp_path / "onboarding.xlsx"), date(2026, 11, 20))
    monkeypatch.setenv("OG_WORKBOOK", str(tmp_path / "onboarding.xlsx"))
    monkeypatch.setenv("OG_OUTBOX", str(tmp_path / "outbox"))
    monkeypatch.setenv("SLACK_BOT_TOKEN", BOT_TOKEN)
    monkeypatch.setenv("SLACK_SIGNING_SECRET", SIGNING_SECRET)
    monkeypatch.setenv("OG_LINK_KEY", LINK_KEY)
    for name in ("OG_SPREADSHEET_ID", "OG_SECRET_NAME", "OG_STATE_DIR", "SLACK_API_URL"):
        monkeypatch.delenv(name, raising=False)
    caplog.set_level(logging.DEBUG)
    for name in list(logging.root.manager.loggerDict):
        caplog.set_level(logging.DEBUG, logger=name)

    code = main(["tick", "--today", "2026-11-20"])

    out, err = capsys.readouterr()
    assert code == 0 and "email" in out.lower()
    everything = out + err + caplog.text + " ".join(repr(r.__dict__) for r in caplog.records)
    for value in SECRET_VALUES:
        assert value not in everything
