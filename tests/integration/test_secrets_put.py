"""``secrets put``: the four secrets land in SSM as SecureStrings, from a file or from prompts,
and nothing printed holds a secret."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from app.cli import main
from app.secrets_store import SecretsInputError, from_prompts

PATH = "/onboarding-guide"
ACCOUNT = {
    "type": "service_account",
    "client_email": "guide@project.iam.gserviceaccount.com",
    "private_key": "-----BEGIN PRIVATE KEY-----\nnot-a-real-key\n-----END PRIVATE KEY-----\n",
}
TOKEN, SIGNING = "xoxb-0000-secret-token", "signing-secret-value"
LINK_KEY = "a-link-key-of-at-least-16-bytes"


@pytest.fixture
def ssm(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.setenv(name, "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    with mock_aws():
        yield boto3.client("ssm")


def stored(ssm: Any) -> dict[str, tuple[str, str]]:
    found = ssm.get_parameters_by_path(Path=PATH, WithDecryption=True)["Parameters"]
    return {p["Name"].rsplit("/", 1)[1]: (p["Type"], p["Value"]) for p in found}


def secrets_file(tmp_path: Path, **values: Any) -> Path:
    path = tmp_path / "secrets.json"
    path.write_text(json.dumps(values))
    return path


def full_file(tmp_path: Path) -> Path:
    return secrets_file(
        tmp_path,
        **{
            "slack-bot-token": TOKEN,
            "slack-signing-secret": SIGNING,
            "link-key": LINK_KEY,
            "google-service-account": ACCOUNT,
        },
    )


def put(*args: str) -> int:
    return main(["secrets", "put", "--path", PATH, *args])


def test_given_a_file_with_every_secret_then_each_is_stored_as_a_securestring_and_none_printed(
    ssm: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert put("--from-file", str(full_file(tmp_path))) == 0
    assert stored(ssm) == {
        "slack-bot-token": ("SecureString", TOKEN),
        "slack-signing-secret": ("SecureString", SIGNING),
        "link-key": ("SecureString", LINK_KEY),
        "google-service-account": ("SecureString", json.dumps(ACCOUNT)),
    }
    out = capsys.readouterr()
    printed = out.out + out.err
    assert f"stored {PATH}/slack-bot-token (SecureString)" in printed
    for secret in (TOKEN, SIGNING, LINK_KEY, "not-a-real-key"):
        assert secret not in printed


def test_given_no_link_key_then_a_random_one_is_made_and_not_shown(
    ssm: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key_file = tmp_path / "key.json"
    key_file.write_text(json.dumps(ACCOUNT))
    given = {
        "slack_bot_token": TOKEN,
        "slack_signing_secret": SIGNING,
        "google_service_account": "key.json",  # a path beside the file
    }
    assert put("--from-file", str(secrets_file(tmp_path, **given))) == 0
    kind, key = stored(ssm)["link-key"]
    assert kind == "SecureString" and len(key.encode()) >= 32
    assert json.loads(stored(ssm)["google-service-account"][1]) == ACCOUNT
    assert key not in capsys.readouterr().out


def test_given_a_file_missing_a_secret_then_a_sentence_names_it_and_nothing_is_stored(
    ssm: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = secrets_file(tmp_path, **{"slack-bot-token": TOKEN, "google-service-account": ACCOUNT})
    assert put("--from-file", str(path)) == 1
    assert f"error: {path} gives no slack-signing-secret: add it" in capsys.readouterr().err
    assert stored(ssm) == {}


def test_given_stored_secrets_then_replacing_them_needs_overwrite(
    ssm: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert put("--from-file", str(full_file(tmp_path))) == 0
    ssm.put_parameter(
        Name=f"{PATH}/link-key", Value="kept-link-key-0123456", Type="SecureString", Overwrite=True
    )
    assert put("--from-file", str(full_file(tmp_path))) == 1
    assert "pass --overwrite to replace" in capsys.readouterr().err
    assert stored(ssm)["link-key"][1] == "kept-link-key-0123456"
    assert put("--from-file", str(full_file(tmp_path)), "--overwrite") == 0
    assert stored(ssm)["link-key"][1] == LINK_KEY


def test_given_a_user_token_instead_of_the_bot_token_then_it_is_refused(
    ssm: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = full_file(tmp_path)
    values = json.loads(path.read_text())
    path.write_text(json.dumps({**values, "slack-bot-token": "xoxp-user-token"}))
    assert put("--from-file", str(path)) == 1
    err = capsys.readouterr().err
    assert "Bot User OAuth Token, which starts xoxb-" in err and "xoxp-user-token" not in err


def test_given_prompts_then_tokens_are_read_hidden_and_the_key_from_the_path_asked_for(
    tmp_path: Path,
) -> None:
    key_file = tmp_path / "key.json"
    key_file.write_text(json.dumps(ACCOUNT))
    hidden = iter([TOKEN, SIGNING, ""])
    asked: list[str] = []

    def secret(prompt: str) -> str:
        asked.append(prompt)
        return next(hidden)

    new = from_prompts(secret, lambda _prompt: str(key_file))
    assert len(asked) == 3  # the token, the signing secret and the link key, none echoed
    assert new.values["slack-bot-token"] == TOKEN and new.generated_link_key
    assert json.loads(new.values["google-service-account"]) == ACCOUNT
    assert TOKEN not in repr(new)


def test_given_a_google_key_path_that_does_not_exist_then_a_sentence_says_so(
    tmp_path: Path,
) -> None:
    hidden = iter([TOKEN, SIGNING, ""])
    with pytest.raises(SecretsInputError, match="cannot read the Google key"):
        from_prompts(lambda _p: next(hidden), lambda _p: str(tmp_path / "missing.json"))


def test_given_a_stored_link_key_then_overwriting_without_one_keeps_it(
    ssm: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Done links already mailed keep working when the other secrets are replaced."""
    assert put("--from-file", str(full_file(tmp_path))) == 0
    values = json.loads(full_file(tmp_path).read_text())
    del values["link-key"]
    path = secrets_file(tmp_path, **{**values, "slack-bot-token": "xoxb-rotated"})
    assert put("--from-file", str(path), "--overwrite") == 0
    assert stored(ssm)["link-key"][1] == LINK_KEY
    assert stored(ssm)["slack-bot-token"][1] == "xoxb-rotated"
    assert "kept the stored link key" in capsys.readouterr().out
