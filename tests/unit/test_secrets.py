"""Secrets: where they come from, and that they never show (issue 8, items 9 and 10)."""

from __future__ import annotations

import stat
from pathlib import Path

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
