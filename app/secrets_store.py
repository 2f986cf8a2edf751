"""``secrets put``: the four secrets written to SSM Parameter Store as SecureStrings.

The values come from a JSON file or from prompts (the tokens typed without echo, the Google key
read from a file whose path is asked for), never from a command-line argument that would land in
the shell's history. Nothing here prints or logs a value: only the parameters' names.

The file holds one key per secret, named as the parameter is (``slack-bot-token``,
``slack-signing-secret``, ``link-key``, ``google-service-account``; ``_`` for ``-`` is fine).
``google-service-account`` is the key's JSON object itself, or the path of its JSON file
(relative to the file). ``link-key`` may be left out: a random one is made, or the stored one
kept (a new key breaks every done link already mailed).
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.secrets import SSM_NAMES

BOT_TOKEN, SIGNING_SECRET = SSM_NAMES["slack_bot_token"], SSM_NAMES["slack_signing_secret"]
LINK_KEY, GOOGLE_ACCOUNT = SSM_NAMES["link_key"], SSM_NAMES["google_service_account"]
MIN_LINK_KEY_BYTES = 16  # what the link signer accepts: shorter keys are guessable


class SecretsInputError(Exception):
    """A value is missing or malformed, or would replace one without ``--overwrite``."""


@dataclass(frozen=True)
class NewSecrets:
    """The four values, checked. Hidden from ``repr``: an exception's locals can be printed."""

    values: dict[str, str] = field(repr=False)
    generated_link_key: bool = False


Ask = Callable[[str], str]


def read_file(path: Path) -> NewSecrets:
    try:
        loaded = json.loads(path.read_text())
    except (OSError, ValueError) as err:
        # The error's text may quote the file (a secret): name the problem only.
        raise SecretsInputError(
            f"{path} is not a readable JSON file ({type(err).__name__})"
        ) from None
    if not isinstance(loaded, dict):
        raise SecretsInputError(f"{path} must hold a JSON object with one key per secret")
    given = {str(k).replace("_", "-"): v for k, v in loaded.items()}
    unknown = sorted(set(given) - set(SSM_NAMES.values()))
    if unknown:
        raise SecretsInputError(
            f"{path} has keys the guide does not use: {', '.join(unknown)} "
            f"(expected {', '.join(SSM_NAMES.values())})"
        )
    account = given.get(GOOGLE_ACCOUNT)
    if isinstance(account, str) and not account.lstrip().startswith("{"):
        account = _key_file(path.parent / account)
    return checked({**given, GOOGLE_ACCOUNT: account}, source=str(path))


def from_prompts(secret: Ask, line: Ask) -> NewSecrets:
    """``secret`` reads without echo (getpass), ``line`` with it (input)."""
    values: dict[str, Any] = {
        BOT_TOKEN: secret("Slack bot token (xoxb-..., from the app's OAuth & Permissions): "),
        SIGNING_SECRET: secret("Slack signing secret (the app's Basic Information): "),
        LINK_KEY: secret(f"Link key (at least {MIN_LINK_KEY_BYTES} bytes; empty makes one): "),
    }
    values[GOOGLE_ACCOUNT] = _key_file(Path(line("Path of the service account's JSON key: ")))
    return checked(values, source="the prompts")


def checked(given: Mapping[str, Any], *, source: str) -> NewSecrets:
    def text(name: str) -> str:
        value = given.get(name)
        if value is None or not str(value).strip():
            raise SecretsInputError(f"{source} gives no {name}: add it")
        return str(value).strip()

    token = text(BOT_TOKEN)
    if not token.startswith("xoxb-"):
        raise SecretsInputError(
            f"{source}: {BOT_TOKEN} must be the app's Bot User OAuth Token, which starts xoxb-"
        )
    generated = not str(given.get(LINK_KEY) or "").strip()
    link_key = secrets.token_urlsafe(32) if generated else text(LINK_KEY)
    if len(link_key.encode()) < MIN_LINK_KEY_BYTES:
        raise SecretsInputError(
            f"{source}: {LINK_KEY} must be at least {MIN_LINK_KEY_BYTES} bytes; "
            "leave it out and a random one is made"
        )
    account = given.get(GOOGLE_ACCOUNT)
    if isinstance(account, str):
        account = _account(account, source)
    if not isinstance(account, dict) or not (
        account.get("client_email") and account.get("private_key")
    ):
        raise SecretsInputError(
            f"{source}: {GOOGLE_ACCOUNT} must be the service account's JSON key "
            "(an object with client_email and private_key)"
        )
    values = {
        BOT_TOKEN: token,
        SIGNING_SECRET: text(SIGNING_SECRET),
        LINK_KEY: link_key,
        GOOGLE_ACCOUNT: json.dumps(account),
    }
    return NewSecrets(values, generated_link_key=generated)


def put_secrets(ssm: Any, path: str, new: NewSecrets, *, overwrite: bool) -> list[str]:
    """Write every value as a SecureString under ``path``; the names written. Without
    ``overwrite`` nothing is written if any of them is already stored. A link key made at
    random never replaces a stored one: that would break every done link already mailed."""
    names = {name: f"{path.rstrip('/')}/{name}" for name in new.values}
    found = {p["Name"] for p in ssm.get_parameters(Names=list(names.values()))["Parameters"]}
    if found and not overwrite:
        stored = ", ".join(sorted(found))
        raise SecretsInputError(f"already stored: {stored}; pass --overwrite to replace")
    if new.generated_link_key and names[LINK_KEY] in found:
        del names[LINK_KEY]
    for name, full in names.items():
        ssm.put_parameter(
            Name=full, Value=new.values[name], Type="SecureString", Overwrite=overwrite
        )
    return list(names.values())


def run_command(path: str, from_file: str | None, *, overwrite: bool) -> int:
    """``python -m app.cli secrets put``: the parameters' names on stdout, never a value; 1
    with a sentence when a value is missing or malformed or would be replaced."""
    import getpass
    import sys

    import boto3

    try:
        new = read_file(Path(from_file)) if from_file else from_prompts(getpass.getpass, input)
        names = put_secrets(boto3.client("ssm"), path, new, overwrite=overwrite)
    except SecretsInputError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    for name in names:
        print(f"stored {name} (SecureString)")
    if new.generated_link_key:
        made = any(name.endswith("/" + LINK_KEY) for name in names)
        print("the link key was made at random" if made else "kept the stored link key")
    return 0


def _key_file(path: Path) -> dict[str, Any]:
    try:
        return _account(path.read_text(), str(path))
    except OSError as err:
        raise SecretsInputError(f"cannot read the Google key {path} ({err.strerror})") from None


def _account(text: str, source: str) -> dict[str, Any]:
    try:
        account = json.loads(text)
    except ValueError:
        account = None
    if not isinstance(account, dict):
        raise SecretsInputError(f"{source}: the Google key is not a JSON object")
    return account
