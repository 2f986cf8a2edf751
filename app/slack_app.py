"""The Slack interactivity app on slack-bolt: built without any network call, one workspace
served, and every listener of ``app.slack_listeners`` registered.

Each request: Bolt checks the signature and its 5-minute timestamp window; ``our_workspace``
refuses other teams; then the listener for the button, modal or command runs.
"""

from __future__ import annotations

import copy
import logging
import re
from collections.abc import Callable
from concurrent.futures import Executor
from typing import Any

from slack_bolt import Ack, App, BoltRequest, BoltResponse
from slack_bolt.authorization import AuthorizeResult
from slack_sdk import WebClient

from app import slack_stall_views as stall_views
from app import slack_views as views
from app.slack_commands import register as register_commands_and_home
from app.slack_listeners import (
    DIRECT_BUTTONS,
    UNDO_BUTTON,
    Clock,
    Perform,
    PortsFactory,
    SlackActions,
)
from app.slack_presses import FAILED, presser, tell, utc_now

__all__ = ["FAILED", "build_app"]

log = logging.getLogger(__name__)


def build_app(
    client: WebClient,
    signing_secret: str,
    *,
    team_id: str,
    ports: PortsFactory,
    perform: Perform,
    clock: Clock = utc_now,
    listener_executor: Executor | None = None,
) -> App:
    """The Bolt app. No network here: ``authorize`` hands Bolt the bot token as it is, where
    ``App(token=...)`` would call ``auth.test`` at construction (or, with
    ``token_verification_enabled=False``, on the first press, inside its 3 seconds)."""

    bot_token = client.token
    # Bolt builds each request's client from this one plus the token ``authorize`` returns; a
    # token left on it too is ignored, with a warning at every cold start.
    client = copy.copy(client)
    client.token = None

    def our_token(
        enterprise_id: str | None, team_id: str | None, user_id: str | None
    ) -> AuthorizeResult:
        return AuthorizeResult(
            enterprise_id=enterprise_id, team_id=team_id, user_id=user_id, bot_token=bot_token
        )

    def our_workspace(req: BoltRequest, next: Callable[[], BoltResponse]) -> BoltResponse:
        # The Events API's handshake names no workspace; it is signed, and Bolt answers it.
        handshake = req.body.get("type") == "url_verification"
        if team_id and req.context.team_id != team_id and not handshake:
            log.warning("refused a request from workspace %s", req.context.team_id)
            return BoltResponse(
                status=403,
                body="This app serves one Slack workspace, and "
                "this request came from another one. Nothing was done.",
            )
        return next()

    app = App(
        client=client,
        signing_secret=signing_secret,
        authorize=our_token,
        before_authorize=our_workspace,
        process_before_response=True,  # Lambda may freeze the moment the answer is sent
        token_verification_enabled=False,
        listener_executor=listener_executor,
        # Slack checks a slash command's URL's certificate with an unsigned ssl_check=1 POST,
        # which must get a 200 (/onboarding: app.slack_commands).
        ssl_check_enabled=True,
        # The Events API proves the URL with a signed url_verification challenge, echoed back
        # (app_home_opened: app.slack_home).
        url_verification_enabled=True,
    )
    actions = SlackActions(ports, perform, clock)
    register_commands_and_home(app, ports=ports, clock=clock)  # before the catch-all below

    def ack_now(ack: Ack) -> None:
        ack()

    def act_on_press(body: dict[str, Any], action: dict[str, Any]) -> None:
        actions.act_on_press(body, action)

    def act_on_submission(body: dict[str, Any], view: dict[str, Any]) -> None:
        actions.act_on_submission(body, view)

    def undo_on_press(body: dict[str, Any], action: dict[str, Any]) -> None:
        actions.undo_on_press(body, action)

    def unknown_button(body: dict[str, Any], action: dict[str, Any]) -> None:
        ref = views.FlagRef("", response_url=str(body.get("response_url") or ""))
        tell(
            ports(),
            ref,
            presser(body)[1],
            f"The button '{action.get('action_id')}' is not one this app knows; nothing was done.",
        )

    app.action(DIRECT_BUTTONS)(ack=ack_now, lazy=[act_on_press])
    app.action(re.compile(r"^og_(pause|handoff|nudge|draft|call|cancel)$"))(actions.open_modal)
    app.action(UNDO_BUTTON)(ack=ack_now, lazy=[undo_on_press])
    # A URL button (View plan) opens its page in the browser; Slack still tells us of the press.
    app.action(stall_views.PLAN_BUTTON)(ack_now)
    app.action(re.compile(".*"))(ack=ack_now, lazy=[unknown_button])
    modals = (
        views.PAUSE,
        views.HANDOFF,
        views.NUDGE,
        stall_views.DRAFT,
        stall_views.CALL,
        stall_views.CANCEL,
    )
    app.view(re.compile(f"^({'|'.join(modals)})$"))(
        ack=actions.check_submission, lazy=[act_on_submission]
    )
    return app
