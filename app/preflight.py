"""``preflight``: a deployed stack checked the way a first install goes wrong, one line each.

    ✓ secret link-key: stored, 43 bytes
    ✗ sheet shared: share the sheet with guide@project.iam.gserviceaccount.com as an Editor

Each ✗ names its fix in one sentence. A check that cannot be made is ``–`` and does not fail
the run by itself: one waiting on another's fix (the sheet cannot be read without the Google
key, nor og-config's sender checked without the sheet), so each mistake is named once; or one
needing a Slack scope the guide does not ask for, with what to check by hand. Exit 0 when
nothing is ✗, else 1.

The stack is found with CloudFormation ``describe_stacks`` (its outputs and parameters), as the
admin command finds its function; the checks then use the secrets it reads (SSM), the sheet (as
its service account), Slack (as its bot), SES, and its two Function URLs. Nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from app.secrets import CORE_SECRETS, SSM_NAMES
from app.secrets_store import MIN_LINK_KEY_BYTES

DEFAULT_SECRETS_PATH = "/onboarding-guide"
BOT_TOKEN, SIGNING_SECRET = SSM_NAMES["slack_bot_token"], SSM_NAMES["slack_signing_secret"]
LINK_KEY, GOOGLE_ACCOUNT = SSM_NAMES["link_key"], SSM_NAMES["google_service_account"]
MARKS = {True: "✓", False: "✗", None: "–"}


class StackNotFound(Exception):
    """No stack of that name (in this account and region), or one without the guide's outputs."""


@dataclass(frozen=True)
class Check:
    """One line: what was checked, and what was found (✓) or the fix (✗); ``ok`` None is a
    check that could not be made, with what to check by hand."""

    name: str
    ok: bool | None
    detail: str

    def line(self) -> str:
        return f"{MARKS[self.ok]} {self.name}: {self.detail}"


@dataclass(frozen=True)
class Stack:
    name: str
    outputs: Mapping[str, str]
    parameters: Mapping[str, str]

    @property
    def secrets_path(self) -> str:
        return self.parameters.get("SecretsPath", DEFAULT_SECRETS_PATH).rstrip("/")


def stack_of(cloudformation: Any, name: str) -> Stack:
    """The stack's outputs and parameters, from one ``describe_stacks``."""
    from botocore.exceptions import ClientError

    try:
        stacks = cloudformation.describe_stacks(StackName=name)["Stacks"]
    except ClientError as err:
        if "does not exist" in str(err):
            raise StackNotFound(
                f"no stack {name} here: deploy it (sam deploy --guided), or name it with --stack "
                "and check AWS_REGION and AWS_PROFILE"
            ) from err
        raise
    found = stacks[0] if stacks else {}
    outputs = {o["OutputKey"]: o["OutputValue"] for o in found.get("Outputs", [])}
    parameters = {
        p["ParameterKey"]: p.get("ParameterValue", "") for p in found.get("Parameters", [])
    }
    if "SlackUrl" not in outputs or "DoneLinkUrl" not in outputs:
        raise StackNotFound(
            f"stack {name} has no SlackUrl and DoneLinkUrl outputs: is it the guide?"
        )
    return Stack(name, outputs, parameters)


@dataclass(frozen=True)
class Clients:
    """What the checks talk to; tests hand in moto clients and ones pointed at the fakes."""

    ssm: Any
    sesv2: Any
    workbook: Callable[[Mapping[str, Any], str], Any]  # (service account, sheet id) -> Workbook
    slack: Callable[[str], Any]  # bot token -> slack_sdk WebClient
    http: Any  # a requests.Session


def connect() -> Clients:
    """Clients from the default AWS credential chain and region, the real Google and Slack."""
    import boto3
    import requests
    from slack_sdk import WebClient

    from adapters.gsheets import GoogleSheetsWorkbook

    def workbook(account: Mapping[str, Any], spreadsheet_id: str) -> Any:
        # One attempt: a preflight reports a flaky answer rather than waiting it out.
        return GoogleSheetsWorkbook.from_service_account_info(account, spreadsheet_id, attempts=1)

    session = boto3.session.Session()
    return Clients(
        session.client("ssm"),
        session.client("sesv2"),
        workbook,
        lambda token: WebClient(token=token),
        requests.Session(),
    )


def preflight(stack: Stack, clients: Clients) -> list[Check]:
    from app import preflight_checks as checks

    found, results = read_secrets(clients.ssm, stack.secrets_path)
    account = found.get(GOOGLE_ACCOUNT)
    sheet_id = stack.parameters.get("SpreadsheetId", "")
    config = None
    if isinstance(account, dict) and sheet_id:
        try:
            workbook = clients.workbook(account, sheet_id)
        except ValueError:  # the private key does not parse (its text may quote the key)
            fix = "the Google key's private_key does not parse: store the whole JSON key file"
            results.append(Check("sheet shared", False, f"{fix} (secrets put --overwrite)"))
        else:
            sheet_results, config = checks.sheet(workbook, account)
            results += sheet_results
    else:
        results.append(Check("sheet", None, f"not checked until {GOOGLE_ACCOUNT} is right"))
    token = found.get(BOT_TOKEN)
    channel = config.slack_channel if config else None
    if isinstance(token, str) and token:
        team = stack.parameters.get("SlackTeamId", "")
        results += checks.slack(clients.slack(token), team, channel)
    else:
        results.append(Check("Slack", None, f"not checked until {BOT_TOKEN} is right"))
    identity = stack.parameters.get("SenderIdentity", "")
    results += checks.ses(clients.sesv2, config.sender if config else None, identity)
    results += checks.urls(clients.http, stack.outputs)
    return results


def read_secrets(ssm: Any, path: str) -> tuple[dict[str, Any], list[Check]]:
    """The four SecureStrings under ``path``, decrypted, each checked; the usable ones by name
    (the Google key parsed). Values never reach a line."""
    import json

    names = {f"{path}/{name}": name for name in CORE_SECRETS}
    answer = ssm.get_parameters(Names=list(names), WithDecryption=True)
    stored = {names[p["Name"]]: p for p in answer.get("Parameters", [])}
    store = f"python -m app.cli secrets put --path {path}"
    found: dict[str, Any] = {}
    results: list[Check] = []
    for full, name in names.items():
        parameter = stored.get(name)
        what = f"secret {name}"
        if parameter is None:
            again = f"{store} --overwrite" if stored else store  # it writes all four
            results.append(Check(what, False, f"{full} is not stored: run {again}"))
            continue
        value = str(parameter.get("Value", ""))
        problem = _secret_problem(name, value)
        if parameter.get("Type") != "SecureString":
            problem = f"{full} is a plain {parameter.get('Type')}: store it encrypted"
        if problem:
            results.append(Check(what, False, f"{problem} ({store} --overwrite)"))
            continue
        found[name] = json.loads(value) if name == GOOGLE_ACCOUNT else value
        detail = f"stored, {len(value.encode())} bytes" if name == LINK_KEY else "stored"
        if name == GOOGLE_ACCOUNT:
            detail = f"stored, for {found[name]['client_email']}"
        results.append(Check(what, True, detail))
    return found, results


def _secret_problem(name: str, value: str) -> str:
    """What is wrong with a stored value, in words, or ''."""
    import json

    if not value.strip():
        return "it is empty"
    if name == BOT_TOKEN and not value.startswith("xoxb-"):
        return "it is not a bot token (xoxb-...): use the app's Bot User OAuth Token"
    if name == LINK_KEY and len(value.encode()) < MIN_LINK_KEY_BYTES:
        return f"it is shorter than {MIN_LINK_KEY_BYTES} bytes: store a longer random key"
    if name == GOOGLE_ACCOUNT:
        try:
            account = json.loads(value)
        except ValueError:
            account = None
        if not isinstance(account, dict) or not (
            account.get("client_email") and account.get("private_key")
        ):
            return "it is not a whole service-account JSON key (client_email, private_key...)"
    return ""


def run_command(stack_name: str) -> int:
    """``python -m app.cli preflight``: the lines on stdout; 0 all good, 1 any ✗, 2 when the
    stack cannot be found or AWS refuses these credentials (nothing could be checked)."""
    import sys

    import boto3
    from botocore.exceptions import ClientError

    try:
        checks = preflight(stack_of(boto3.client("cloudformation"), stack_name), connect())
    except (StackNotFound, ClientError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    print(render(checks))
    return exit_code(checks)


def render(checks: list[Check]) -> str:
    return "\n".join(check.line() for check in checks)


def exit_code(checks: list[Check]) -> int:
    return 1 if any(check.ok is False for check in checks) else 0
