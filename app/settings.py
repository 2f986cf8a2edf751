"""Deployment settings: read from the environment once, typed and checked at cold start.

Local mode is chosen by ``OG_WORKBOOK`` (a local workbook file) and ``OG_OUTBOX`` (a folder
for mail and Slack payloads). Without them the guide uses Google Sheets, SES and Slack.
Nothing else in the project reads ``os.environ``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path


class SettingsError(Exception):
    """The environment is incomplete; the message says which variable to set."""


@dataclass(frozen=True)
class Settings:
    workbook_path: Path | None
    spreadsheet_id: str
    outbox: Path | None
    state_dir: Path | None
    slack_api_url: str
    slack_team_id: str
    done_url: str
    secret_name: str
    secrets_path: str  # SSM Parameter Store: one SecureString per secret under this path
    lock_table: str
    idempotency_table: str
    # Secrets may come straight from the environment locally; in Lambda they come from SSM
    # (``secrets_path``) or Secrets Manager (``secret_name``) and these stay empty. Never in a
    # repr: settings get logged.
    slack_bot_token: str = field(repr=False)
    slack_signing_secret: str = field(repr=False)
    link_key: str = field(repr=False)
    google_credentials_file: str
    activity_key: str = field(repr=False, default="")  # verifies the activity endpoint locally
    # Set by the Lambda runtime: Slack's lazy listeners re-invoke the function there, and run
    # on a thread in-process anywhere else (the local server, tests).
    lambda_function_name: str = ""
    # The SES configuration set whose events (bounces, complaints...) reach the telemetry
    # function; empty sends without one (locally, and in a stack without telemetry).
    ses_configuration_set: str = ""
    # The stack's TimeZone parameter: the schedules run in it, so it wins over og-config's.
    timezone: str = ""

    @property
    def local_workbook(self) -> bool:
        return self.workbook_path is not None

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, *, stores: bool = True) -> Settings:
        """The settings, checked. ``stores=False`` is for commands that only touch the workbook
        (``setup``): they need no lock or idempotency store."""
        env = os.environ if env is None else env

        def get(name: str, default: str = "") -> str:
            return env.get(name, default).strip()

        workbook = get("OG_WORKBOOK")
        outbox = get("OG_OUTBOX")
        state_dir = get("OG_STATE_DIR")
        settings = cls(
            workbook_path=Path(workbook) if workbook else None,
            spreadsheet_id=get("OG_SPREADSHEET_ID"),
            outbox=Path(outbox) if outbox else None,
            state_dir=Path(state_dir)
            if state_dir
            else (Path(workbook).parent / ".og-state" if workbook else None),
            slack_api_url=get("SLACK_API_URL"),
            slack_team_id=get("SLACK_TEAM_ID"),
            done_url=get("OG_DONE_URL", "http://127.0.0.1:8080/done"),
            secret_name=get("OG_SECRET_NAME"),
            secrets_path=get("OG_SECRETS_PATH").rstrip("/"),
            lock_table=get("OG_LOCK_TABLE"),
            idempotency_table=get("OG_IDEMPOTENCY_TABLE"),
            slack_bot_token=get("SLACK_BOT_TOKEN"),
            slack_signing_secret=get("SLACK_SIGNING_SECRET"),
            link_key=get("OG_LINK_KEY"),
            google_credentials_file=get("GOOGLE_APPLICATION_CREDENTIALS"),
            activity_key=get("OG_ACTIVITY_KEY"),
            timezone=get("OG_TIMEZONE"),
            lambda_function_name=get("AWS_LAMBDA_FUNCTION_NAME"),
            ses_configuration_set=get("OG_SES_CONFIGURATION_SET"),
        )
        settings.check(stores=stores)
        return settings

    def check(self, *, stores: bool = True) -> None:
        if not self.workbook_path and not self.spreadsheet_id:
            raise SettingsError("set OG_WORKBOOK (a local .xlsx) or OG_SPREADSHEET_ID")
        # In Lambda each function gets only the tables it uses (the done link has no ledger,
        # the digest no lock); a missing one is an error when it is first used.
        if stores and self.state_dir is None and not (self.lock_table or self.idempotency_table):
            raise SettingsError(
                "set OG_STATE_DIR for local locks and records, or OG_LOCK_TABLE and "
                "OG_IDEMPOTENCY_TABLE for DynamoDB"
            )
