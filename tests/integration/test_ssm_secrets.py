"""Secrets in the deployed stack: SSM SecureStrings under OG_SECRETS_PATH, read decrypted, and
only those a function is given (the others are simply absent, never an error at start)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import boto3
import pytest
from moto import mock_aws

from app.secrets import load_secrets
from app.settings import Settings, SettingsError

PATH = "/onboarding-guide"
ACCOUNT = {"type": "service_account", "client_email": "guide@example.iam.gserviceaccount.com"}


@pytest.fixture
def ssm(monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(name, "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    from aws_lambda_powertools.utilities import parameters

    parameters.clear_caches()  # Powertools caches per process, as a warm Lambda would
    with mock_aws():
        yield boto3.client("ssm")
    parameters.clear_caches()


def put(ssm: object, name: str, value: str) -> None:
    ssm.put_parameter(Name=f"{PATH}/{name}", Value=value, Type="SecureString")  # type: ignore[attr-defined]


def settings() -> Settings:
    env = {"OG_SPREADSHEET_ID": "sheet", "OG_SECRETS_PATH": PATH, "OG_LOCK_TABLE": "locks"}
    return Settings.from_env(env)


def test_each_stored_secret_is_read_decrypted(ssm: object) -> None:
    put(ssm, "link-key", "a-link-key-of-more-than-16-bytes")
    put(ssm, "slack-bot-token", "xoxb-from-ssm")
    put(ssm, "google-service-account", json.dumps(ACCOUNT))
    secrets = load_secrets(settings())
    assert secrets.link_key == b"a-link-key-of-more-than-16-bytes"
    assert secrets.slack_bot_token == "xoxb-from-ssm"
    assert secrets.google_service_account == ACCOUNT
    assert secrets.slack_signing_secret == ""  # not given to this function: absent, no error


def test_a_missing_link_key_is_a_sentence_naming_it(ssm: object) -> None:
    put(ssm, "slack-bot-token", "xoxb-from-ssm")
    with pytest.raises(SettingsError, match="link_key"):
        load_secrets(settings())
