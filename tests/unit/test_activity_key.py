"""The activity key: an optional secret, from OG_ACTIVITY_KEY locally, never in a repr."""

from __future__ import annotations

from pathlib import Path

from app.secrets import SSM_NAMES, load_secrets
from app.settings import Settings


def test_given_og_activity_key_then_the_secrets_hold_it_and_never_show_it(tmp_path: Path) -> None:
    env = {
        "OG_WORKBOOK": str(tmp_path / "onboarding.xlsx"),
        "OG_LINK_KEY": "link-key-for-tests",
        "OG_ACTIVITY_KEY": "activity-key-for-tests",
    }
    settings = Settings.from_env(env)
    secrets = load_secrets(settings)
    assert secrets.activity_key == b"activity-key-for-tests"
    assert "activity-key-for-tests" not in repr(settings) + repr(secrets)
    assert SSM_NAMES["activity_key"] == "activity-key"


def test_given_no_activity_key_then_it_is_empty_and_nothing_else_is_asked(tmp_path: Path) -> None:
    env = {"OG_WORKBOOK": str(tmp_path / "onboarding.xlsx"), "OG_LINK_KEY": "k"}
    assert load_secrets(Settings.from_env(env)).activity_key == b""
