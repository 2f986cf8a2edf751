"""The Slack Function URL in front of the Bolt app: signature checks for what Bolt would choke
on, the lazy-work runner for where it runs, and the endpoint built once per process.

In Lambda, Bolt's lazy work re-invokes the function asynchronously (the first invocation may
freeze once it answers); elsewhere it runs on a thread in this process.
"""

from __future__ import annotations

import json
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any
from urllib.parse import parse_qs

from slack_bolt import App, BoltRequest
from slack_bolt.lazy_listener import LazyListenerRunner
from slack_bolt.lazy_listener.internals import build_runnable_function
from slack_sdk.signature import SignatureVerifier

from app.bootstrap import perform_action, ports_from_env
from app.function_url import HttpRequest, response
from app.observability import logger
from app.secrets import load_secrets
from app.settings import Settings, SettingsError
from app.slack_app import build_app
from app.slack_home import refreshing_homes

MALFORMED = "This is not a Slack interaction payload. Nothing was done."


class InProcessLazyRunner(LazyListenerRunner):
    """Bolt's lazy work on a thread pool, with a way to wait for it (tests, benchmarks)."""

    def __init__(self, workers: int = 4) -> None:
        self.logger = logger  # type: ignore[assignment]  # a Powertools Logger logs like one
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="slack-lazy")
        self._pending: set[Future[None]] = set()
        self._lock = threading.Lock()

    def start(self, function: Any, request: BoltRequest) -> None:
        run = build_runnable_function(func=function, logger=self.logger, request=request)
        future = self._executor.submit(run)
        with self._lock:
            self._pending.add(future)
        future.add_done_callback(self._forget)

    def _forget(self, future: Future[None]) -> None:
        with self._lock:
            self._pending.discard(future)

    def wait(self, timeout: float = 30.0) -> None:
        """Block until every lazy job started so far (and any they started) has finished."""
        while True:
            with self._lock:
                pending = list(self._pending)
            if not pending:
                return
            for future in pending:
                future.result(timeout=timeout)


class SlackEndpoint:
    """The Function URL in front of the Bolt app."""

    def __init__(
        self, app: App, signing_secret: str, *, in_lambda: bool, lambda_client: Any = None
    ) -> None:
        if not signing_secret:
            # An empty key would accept anything signed with an empty key.
            raise SettingsError("no Slack signing secret (SLACK_SIGNING_SECRET or the secret)")
        # Bolt's Lambda adapter imports boto3 at its top (botocore and s3transfer: about 130 ms
        # of a cold start). Imported here, on the first request, so no handler's import pays
        # for it; in Lambda the lazy runner needs boto3 anyway, to re-invoke the function.
        from slack_bolt.adapter.aws_lambda import SlackRequestHandler
        from slack_bolt.adapter.aws_lambda.lazy_listener_runner import LambdaLazyListenerRunner

        self._verifier = SignatureVerifier(signing_secret)
        self._handler = SlackRequestHandler(app)  # installs the Lambda lazy runner
        self.lazy: InProcessLazyRunner | None = None
        if lambda_client is not None:
            app.listener_runner.lazy_listener_runner = LambdaLazyListenerRunner(
                app.logger, lambda_client=lambda_client
            )
        elif not in_lambda:
            self.lazy = InProcessLazyRunner()
            app.listener_runner.lazy_listener_runner = self.lazy

    def handle(self, event: dict[str, Any], context: Any) -> dict[str, Any]:
        request = HttpRequest.from_event(event)
        if request.method == "POST" and not _slack_payload(request.body):
            # Bolt would raise on it; answer plainly, and say "unsigned" first if it is.
            status = 400 if self._signed(request) else 401
            return response(status, MALFORMED, {"Content-Type": "text/plain"})
        event = {**event, "isBase64Encoded": bool(event.get("isBase64Encoded"))}
        return self._handler.handle(event, context)

    def _signed(self, request: HttpRequest) -> bool:
        timestamp = request.headers.get("x-slack-request-timestamp", "")
        if not timestamp.isdigit():  # the verifier raises on a missing or non-numeric one
            return False
        return self._verifier.is_valid(
            request.body.decode("utf-8", "replace"),
            timestamp,
            request.headers.get("x-slack-signature", ""),
        )


def _slack_payload(body: bytes) -> bool:
    """Is this one of Slack's shapes: a form with a ``payload`` field holding a JSON object with
    a type (interactivity), a form with a ``command`` (a slash command) or ``ssl_check``, or a
    JSON object with a type (the Events API)?"""
    try:
        text = body.decode("utf-8")
        if text.lstrip().startswith("{"):
            event = json.loads(text)
            return isinstance(event, dict) and isinstance(event.get("type"), str)
        form = parse_qs(text, keep_blank_values=True, strict_parsing=True)
        if form.get("command") or form.get("ssl_check"):
            return True
        payload = json.loads(form["payload"][0])
    except (UnicodeDecodeError, ValueError, KeyError):
        return False
    return isinstance(payload, dict) and isinstance(payload.get("type"), str)


_built: SlackEndpoint | None = None
_building = threading.Lock()


def endpoint() -> SlackEndpoint:
    """Built on the first request, not at import: no secret or network call at cold start.
    Kept for the life of the process, as a warm Lambda keeps it."""
    global _built
    with _building:
        if _built is None:
            _built = _from_env()
        return _built


def use_endpoint(chosen: SlackEndpoint | None) -> None:
    """Serve with ``chosen`` from now on (a benchmark's wiring); None rebuilds from the
    environment on the next request."""
    global _built
    with _building:
        _built = chosen


def _from_env() -> SlackEndpoint:
    from adapters.slack_notifier import web_client

    settings = Settings.from_env()
    secrets = load_secrets(settings)
    client = web_client(secrets.slack_bot_token, settings.slack_api_url or None)
    if not settings.slack_team_id:
        # An empty team id would serve every workspace that can reach the URL.
        raise SettingsError(
            "SLACK_TEAM_ID is not set: set it to the id of the one Slack workspace this app "
            "serves (the SlackTeamId stack parameter; Slack shows it as T0...)"
        )
    app = build_app(
        client,
        secrets.slack_signing_secret,
        team_id=settings.slack_team_id,
        ports=ports_from_env,
        # After a press, the owner's and the manager's Home tabs follow (app.slack_home).
        perform=refreshing_homes(perform_action),
    )
    in_lambda = bool(settings.lambda_function_name)
    return SlackEndpoint(app, secrets.slack_signing_secret, in_lambda=in_lambda)
