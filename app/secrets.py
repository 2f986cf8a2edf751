"""Secrets: from Secrets Manager through Powertools Parameters (cached), or the environment
locally. Values never reach a log: ``Secrets`` hides them from ``repr``."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.settings import Settings, SettingsError

CACHE_SECONDS = 300
LOCAL_LINK_KEY = "local-only-link-signing-key-change-me"


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
        link_key=(settings.link_key or LOCAL_LINK_KEY).encode(),
        google_service_account=account_info,
    )
