"""Secrets: from Secrets Manager through Powertools Parameters (cached), or the environment
locally. Values never reach a log: ``Secrets`` hides them from ``repr``."""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.settings import Settings, SettingsError

CACHE_SECONDS = 300
LOCAL_LINK_KEY_FILE = "link-key"


@dataclass(frozen=True)
class Secrets:
    slack_bot_token: str = field(repr=False)
    slack_signing_secret: str = field(repr=False)
    link_key: bytes = field(repr=False)
    google_service_account: dict[str, Any] | None = field(repr=False, default=None)


def load_secrets(settings: Settings) -> Secrets:
    if settings.secret_name:
        # Imported here so local runs and unit tests never touch AWS.
        from aws_lambda_powertools.utilities import parameters

        stored = parameters.get_secret(
            settings.secret_name, transform="json", max_age=CACHE_SECONDS
        )
        if not isinstance(stored, dict):
            raise SettingsError(f"secret {settings.secret_name} must hold a JSON object")
        account = stored.get("google_service_account")
        return Secrets(
            slack_bot_token=str(stored.get("slack_bot_token", "")),
            slack_signing_secret=str(stored.get("slack_signing_secret", "")),
            link_key=str(stored["link_key"]).encode(),
            google_service_account=json.loads(account) if isinstance(account, str) else account,
        )
    account_info = None
    if settings.google_credentials_file:
        account_info = json.loads(Path(settings.google_credentials_file).read_text())
    if not settings.link_key and not settings.local_workbook:
        raise SettingsError("set OG_LINK_KEY (or OG_SECRET_NAME) to sign done links")
    return Secrets(
        slack_bot_token=settings.slack_bot_token,
        slack_signing_secret=settings.slack_signing_secret,
        link_key=(settings.link_key or local_link_key(settings)).encode(),
        google_service_account=account_info,
    )


def local_link_key(settings: Settings) -> str:
    """The workbook's own link key, kept in its state folder: made at random on first use and
    reused after, so a local done link cannot be forged by anyone who has read this code."""
    if settings.state_dir is None:
        raise SettingsError("set OG_LINK_KEY, or OG_STATE_DIR to keep a local link key in")
    path = settings.state_dir / LOCAL_LINK_KEY_FILE
    if not path.exists():
        _create_once(path, secrets.token_urlsafe(32))
    key = path.read_text().strip()
    if not key:
        raise SettingsError(f"{path} is empty: delete it and a new link key will be made")
    return key


def _create_once(path: Path, key: str) -> None:
    """Write the key to a private file and link it into place: of two processes starting at
    once, exactly one key wins and both read it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    draft = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w") as out:
            out.write(key + "\n")
        try:
            os.link(draft, path)
        except FileExistsError:
            pass  # another process made it first; its key is the one
    finally:
        draft.unlink(missing_ok=True)
