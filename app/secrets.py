"""Secrets: from Secrets Manager through Powertools Parameters (cached), or the environment
locally. Values never reach a log: ``Secrets`` hides them from ``repr``."""

from __future__ import annotations

import contextlib
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
    # Verifies the activity endpoint's requests; empty where it is not deployed.
    activity_key: bytes = field(repr=False, default=b"")


# SSM parameter names under OG_SECRETS_PATH; each function may read only the ones it uses.
SSM_NAMES = {
    "slack_bot_token": "slack-bot-token",
    "slack_signing_secret": "slack-signing-secret",
    "link_key": "link-key",
    "google_service_account": "google-service-account",
    "activity_key": "activity-key",
}
# What every install needs; the activity key only where the product sends activity events.
CORE_SECRETS = tuple(v for k, v in SSM_NAMES.items() if k != "activity_key")


def load_secrets(settings: Settings) -> Secrets:
    if settings.secrets_path:
        stored = _from_ssm(settings.secrets_path)
        return Secrets(
            slack_bot_token=str(stored.get("slack_bot_token", "")),
            slack_signing_secret=str(stored.get("slack_signing_secret", "")),
            link_key=_required(stored, "link_key", settings.secrets_path).encode(),
            google_service_account=_account(stored, settings.secrets_path),
            activity_key=str(stored.get("activity_key", "")).encode(),
        )
    if settings.secret_name:
        stored = _stored(settings.secret_name)
        return Secrets(
            slack_bot_token=str(stored.get("slack_bot_token", "")),
            slack_signing_secret=str(stored.get("slack_signing_secret", "")),
            link_key=_required(stored, "link_key", settings.secret_name).encode(),
            google_service_account=_account(stored, settings.secret_name),
            activity_key=str(stored.get("activity_key", "")).encode(),
        )
    if not settings.link_key and not settings.local_workbook:
        raise SettingsError("set OG_LINK_KEY (or OG_SECRET_NAME) to sign done links")
    return Secrets(
        slack_bot_token=settings.slack_bot_token,
        slack_signing_secret=settings.slack_signing_secret,
        link_key=(settings.link_key or local_link_key(settings)).encode(),
        google_service_account=_account_file(settings.google_credentials_file),
        activity_key=settings.activity_key.encode(),
    )


def load_google_account(settings: Settings) -> dict[str, Any]:
    """Only the Google service account, for commands that need the spreadsheet and nothing
    else (``setup``): no Slack token or link key is asked for."""
    if settings.secret_name:
        account = _account(_stored(settings.secret_name), settings.secret_name)
        if account is None:
            raise SettingsError(
                f"secret {settings.secret_name} has no 'google_service_account': add the "
                "service account's JSON key under that name"
            )
        return account
    account = _account_file(settings.google_credentials_file)
    if account is None:
        raise SettingsError(
            "set GOOGLE_APPLICATION_CREDENTIALS to a service-account JSON file "
            "(or OG_SECRET_NAME) to reach the spreadsheet"
        )
    return account


def _from_ssm(path: str) -> dict[str, Any]:
    """Every secret under ``path`` this function may read, through Powertools Parameters
    (decrypted, cached). One the function is not granted, or that is not stored, is left out:
    a function is given only the secrets it uses, and a missing one it needs is named when
    first wanted."""
    from aws_lambda_powertools.utilities import parameters

    found: dict[str, Any] = {}
    for key, name in SSM_NAMES.items():
        try:
            found[key] = parameters.get_parameter(
                f"{path}/{name}", decrypt=True, max_age=CACHE_SECONDS
            )
        except parameters.GetParameterError:
            continue
    return found


def _stored(secret_name: str) -> dict[str, Any]:
    # Imported here so local runs and unit tests never touch AWS.
    from aws_lambda_powertools.utilities import parameters

    try:
        stored = parameters.get_secret(secret_name, transform="json", max_age=CACHE_SECONDS)
    except (parameters.GetParameterError, parameters.TransformParameterError) as err:
        raise SettingsError(f"could not read secret {secret_name}: {err}") from err
    if not isinstance(stored, dict):
        raise SettingsError(f"secret {secret_name} must hold a JSON object")
    return stored


def _required(stored: dict[str, Any], key: str, secret_name: str) -> str:
    value = str(stored.get(key) or "").strip()
    if not value:
        raise SettingsError(f"secret {secret_name} has no {key!r}: add it")
    return value


def _account(stored: dict[str, Any], secret_name: str) -> dict[str, Any] | None:
    account = stored.get("google_service_account")
    if isinstance(account, str):
        try:
            account = json.loads(account)
        except ValueError:
            account = None
        if not isinstance(account, dict):
            raise SettingsError(
                f"secret {secret_name}: 'google_service_account' is not a JSON object"
            )
    return account if isinstance(account, dict) else None


def _account_file(path: str) -> dict[str, Any] | None:
    if not path:
        return None
    try:
        account = json.loads(Path(path).read_text())
    except (OSError, ValueError) as err:
        raise SettingsError(
            f"GOOGLE_APPLICATION_CREDENTIALS: cannot read a JSON key from {path} ({err})"
        ) from err
    if not isinstance(account, dict):
        raise SettingsError(f"GOOGLE_APPLICATION_CREDENTIALS: {path} is not a JSON object")
    return account


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
        # If another process made it first, its key is the one.
        with contextlib.suppress(FileExistsError):
            os.link(draft, path)
    finally:
        draft.unlink(missing_ok=True)
