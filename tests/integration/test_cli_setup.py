"""The operator's commands work as the README says (issue 8, item 16).

``setup`` needs only the spreadsheet; a mistake in the environment is one sentence on stderr and
exit 2, never a traceback.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from aws_lambda_powertools.utilities.parameters.constants import DEFAULT_PROVIDERS
from moto import mock_aws

from adapters.xlsx_workbook import XlsxWorkbook
from app.cli import main
from app.secrets import load_secrets
from app.settings import Settings, SettingsError
from sheets.schema import TABS

OURS = [
    "OG_WORKBOOK",
    "OG_SPREADSHEET_ID",
    "OG_OUTBOX",
    "OG_STATE_DIR",
    "OG_SECRET_NAME",
    "OG_LOCK_TABLE",
    "OG_IDEMPOTENCY_TABLE",
    "OG_LINK_KEY",
    "GOOGLE_APPLICATION_CREDENTIALS",
    "SLACK_API_URL",
    "AWS_DEFAULT_REGION",
    "AWS_REGION",
    "AWS_PROFILE",
]


@pytest.fixture(autouse=True)
def bare_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Nothing set but what each test sets: no AWS region or profile from this machine."""
    for name in OURS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    DEFAULT_PROVIDERS.clear()  # Powertools keeps a client and a cache per process
    yield
    DEFAULT_PROVIDERS.clear()


def test_given_a_local_workbook_and_no_outbox_when_setup_runs_then_it_creates_the_tabs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "onboarding.xlsx"
    monkeypatch.setenv("OG_WORKBOOK", str(path))

    code = main(["setup"])

    out, err = capsys.readouterr()
    assert (code, err) == (0, "")
    assert out.startswith("created tabs: ")
    snapshot = XlsxWorkbook(path).read([t.name for t in TABS])
    assert all(snapshot[t.name].exists for t in TABS)


def test_given_a_spreadsheet_and_a_secret_but_no_aws_region_then_setup_says_so_in_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("OG_SPREADSHEET_ID", "1AbCdEfGhIjKlMnOpQrStUvWxYz")
    monkeypatch.setenv("OG_SECRET_NAME", "onboarding-guide")

    code = main(["setup"])

    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert "Traceback" not in err
    (line,) = err.splitlines()
    assert line.startswith("error: ") and "AWS_DEFAULT_REGION" in line


def test_given_no_outbox_when_the_tick_runs_then_a_missing_aws_region_is_a_sentence(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("OG_WORKBOOK", str(tmp_path / "onboarding.xlsx"))
    assert main(["setup"]) == 0
    capsys.readouterr()

    code = main(["tick"])

    (line,) = capsys.readouterr().err.splitlines()
    assert code == 2 and line.startswith("error: no AWS region")


@pytest.fixture
def secret_store(monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    with mock_aws():
        import boto3

        yield boto3.client("secretsmanager")


def test_given_a_secret_without_a_link_key_then_loading_it_names_the_key(
    secret_store: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret_store.create_secret(  # type: ignore[attr-defined]
        Name="onboarding-guide", SecretString=json.dumps({"slack_bot_token": "xoxb-1"})
    )
    settings = Settings.from_env(
        {
            "OG_SPREADSHEET_ID": "sheet",
            "OG_SECRET_NAME": "onboarding-guide",
            "OG_LOCK_TABLE": "locks",
            "OG_IDEMPOTENCY_TABLE": "records",
        }
    )

    with pytest.raises(SettingsError, match="has no 'link_key'"):
        load_secrets(settings)


def test_given_a_secret_without_a_google_account_then_setup_names_the_key(
    secret_store: object, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    secret_store.create_secret(  # type: ignore[attr-defined]
        Name="onboarding-guide", SecretString=json.dumps({"link_key": "k" * 32})
    )
    monkeypatch.setenv("OG_SPREADSHEET_ID", "sheet")
    monkeypatch.setenv("OG_SECRET_NAME", "onboarding-guide")

    code = main(["setup"])

    (line,) = capsys.readouterr().err.splitlines()
    assert code == 2 and "has no 'google_service_account'" in line
