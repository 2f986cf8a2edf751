"""The preflight's checks of the outside services: the sheet, Slack, SES and the Function URLs.

Each returns its lines (``app.preflight.Check``); none writes anything anywhere.

The fallback-channel check calls ``conversations.info``, which needs ``channels:read``, a scope
the guide itself never uses and the manifest does not ask for: without it the check says what
to verify by hand rather than failing. (The Slack client is named ``web`` here, not ``client``,
so the manifest test, which lists the methods the guide calls at run time, does not count it.)
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from app.preflight import Check
from guide.config import read_config
from guide.model import Config, Problem
from guide.ports import WorkbookError
from guide.unit_of_work import structural_problems
from sheets.schema import APPEND_ONLY, CONFIG, TABS

MANIFEST = Path(__file__).resolve().parents[1] / "slack" / "manifest.yaml"
CHANNEL_ID = re.compile(r"^[CG][A-Z0-9]{6,}$")
HTTP_TIMEOUT = 15.0  # a cold start of the Slack function takes a few seconds
SETUP = "python -m app.cli setup (OG_SPREADSHEET_ID and GOOGLE_APPLICATION_CREDENTIALS set)"


def sheet(workbook: Any, account: Mapping[str, Any]) -> tuple[list[Check], Config | None]:
    """Shared with the service account, and every tab and required column there; og-config
    as the sheet has it (for the Slack channel and the sender)."""
    from google.auth.exceptions import GoogleAuthError

    email = account.get("client_email", "the service account")
    try:
        snapshot = workbook.read(
            [t.name for t in TABS if t.name not in APPEND_ONLY], header_only=APPEND_ONLY
        )
    except GoogleAuthError as err:
        fix = f"Google refused the key of {email} ({err}): make a new JSON key and store it"
        return [Check("sheet shared", False, f"{fix} (secrets put --overwrite)")], None
    except WorkbookError as err:
        if getattr(err.__cause__, "code", None) in (403, 404):
            fix = f"share the sheet with {email} as an Editor (and check SpreadsheetId)"
        else:
            fix = f"the sheet could not be read ({err}): run again, or check SpreadsheetId"
        return [Check("sheet shared", False, fix)], None
    results = [Check("sheet shared", True, f"readable as {email}")]
    broken = structural_problems(snapshot, TABS)
    if broken:
        found = "; ".join(_problem(p) for p in broken[:5]) + ("; ..." if len(broken) > 5 else "")
        results.append(Check("sheet tabs", False, f"{found}: run {SETUP}"))
    else:
        results.append(Check("sheet tabs", True, "every tab and required column is there"))
    return results, read_config(snapshot.tables.get(CONFIG.name), [])


def _problem(problem: Problem) -> str:
    if problem.column:
        return f"{problem.tab} has no '{problem.column}' column"
    return f"{problem.tab} is missing"


def manifest_scopes(path: Path = MANIFEST) -> set[str]:
    import yaml

    manifest = yaml.safe_load(path.read_text())
    return set(manifest["oauth_config"]["scopes"]["bot"])


def slack(web: Any, team_id: str, channel: str | None) -> list[Check]:
    """The bot token works, in the stack's workspace, with the manifest's scopes, and the bot
    is in og-config's fallback channel (None: og-config could not be read)."""
    from slack_sdk.errors import SlackApiError

    try:
        answer = web.auth_test()
    except SlackApiError as err:
        error = err.response.get("error", "an error")
        fix = f"Slack refused the bot token ({error}): store the app's current Bot User OAuth Token"
        return [Check("Slack token", False, f"{fix} (secrets put --overwrite)")]
    results = [Check("Slack token", True, f"valid, the bot {answer.get('user')}")]
    got = answer.get("team_id", "")
    if got == team_id:
        results.append(Check("Slack workspace", True, f"{answer.get('team')} ({got})"))
    else:
        fix = f"the token is for workspace {got} but the stack serves SlackTeamId {team_id}"
        results.append(Check("Slack workspace", False, f"{fix}: install the app in {team_id}"))
    headers = {k.lower(): v for k, v in (answer.headers or {}).items()}
    granted = {s.strip() for s in str(headers.get("x-oauth-scopes", "")).split(",") if s.strip()}
    missing = sorted(manifest_scopes() - granted)
    if missing:
        fix = f"the app lacks {', '.join(missing)}: add them (slack/manifest.yaml) and reinstall it"
        results.append(Check("Slack scopes", False, fix))
    else:
        results.append(Check("Slack scopes", True, ", ".join(sorted(manifest_scopes()))))
    results.append(_channel(web, channel))
    return results


def _channel(web: Any, channel: str | None) -> Check:
    from slack_sdk.errors import SlackApiError

    what = "Slack fallback channel"
    if channel is None:
        return Check(what, None, "not checked until the sheet can be read")
    if not channel:
        return Check(what, True, "none in og-config (flags go to owners in the team list)")
    invite = f"invite the bot to {channel} (/invite @Onboarding Guide there)"
    if not CHANNEL_ID.match(channel):
        # Posting takes a name, a lookup only an id (Slack shows it at the foot of the channel's
        # details).
        return Check(
            what, None, f"{channel} is a name, not an id (C...), so not looked up: {invite}"
        )
    try:
        info = web.conversations_info(channel=channel)
    except SlackApiError as err:
        error = err.response.get("error", "")
        if error == "missing_scope":
            return Check(what, None, f"not visible without channels:read: {invite}")
        fix = f"the bot cannot see {channel} ({error}): set og-config's slack channel to its id"
        return Check(what, False, f"{fix} (C...), and {invite}")
    if info.get("channel", {}).get("is_member"):
        return Check(what, True, f"the bot is in {channel}")
    return Check(what, False, invite)


def ses(sesv2: Any, sender: str | None, identity: str) -> list[Check]:
    """og-config's sender (None: og-config could not be read) is the stack's SES identity,
    verified; and the account is out of the sandbox."""
    from botocore.exceptions import ClientError

    results: list[Check] = []
    if sender is None:
        results.append(Check("SES sender", None, "not checked until the sheet can be read"))
    elif not sender:
        where = f" at {identity}" if identity else ""
        results.append(Check("SES sender", False, f"set og-config's sender to an address{where}"))
    elif identity and sender != identity and not sender.endswith("@" + identity):
        fix = f"og-config's sender {sender} is not SenderIdentity {identity}, the only one the"
        results.append(Check("SES sender", False, f"{fix} functions may send as: make them agree"))
    else:
        results.append(_verified(sesv2, sender))
    try:
        production = bool(sesv2.get_account().get("ProductionAccessEnabled"))
    except ClientError as err:
        return [*results, Check("SES sandbox", False, f"SES could not be asked ({err})")]
    if production:
        results.append(Check("SES sandbox", True, "out of it: mail reaches any address"))
    else:
        fix = "the account is in the SES sandbox, so only verified recipients get mail"
        results.append(Check("SES sandbox", False, f"{fix}: request production access in SES"))
    return results


def _verified(sesv2: Any, sender: str) -> Check:
    from botocore.exceptions import ClientError

    # An address is verified on its own or through its domain.
    for identity in (sender, sender.rpartition("@")[2]):
        try:
            found = sesv2.get_email_identity(EmailIdentity=identity)
        except ClientError as err:
            if err.response.get("Error", {}).get("Code") == "NotFoundException":
                continue
            return Check("SES sender", False, f"SES could not be asked about {sender} ({err})")
        if found.get("VerifiedForSendingStatus"):
            return Check("SES sender", True, f"{sender} is verified (as {identity})")
    fix = f"verify {sender} (or its domain) in SES, in the stack's region"
    return Check("SES sender", False, fix)


def urls(http: Any, outputs: Mapping[str, str]) -> list[Check]:
    """Both Function URLs run their code: an unsigned Slack POST is refused with 401, a done
    link without a token with 400 (anything else, a 5xx above all, is the function failing)."""
    return [
        _answers(http, "GET", outputs["DoneLinkUrl"], 400, "done-link URL", "DoneLinkFunction"),
        _answers(http, "POST", outputs["SlackUrl"], 401, "Slack URL", "SlackActionsFunction"),
    ]


def _answers(http: Any, method: str, url: str, expected: int, what: str, function: str) -> Check:
    import requests

    try:
        status = http.request(method, url, timeout=HTTP_TIMEOUT, allow_redirects=False).status_code
    except requests.RequestException as err:
        return Check(what, False, f"{url} cannot be reached ({type(err).__name__}): redeploy")
    if status == expected:
        return Check(what, True, f"{url} answers (HTTP {status} to a request without credentials)")
    fix = f"{url} answered HTTP {status}, not {expected}: read the function's logs"
    return Check(what, False, f"{fix} (sam logs -n {function} --stack-name STACK)")
