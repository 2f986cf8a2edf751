"""The ``Notifier`` port on slack_sdk's ``WebClient``."""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from slack_sdk.webhook import WebhookClient

from guide.ports import NotifierError, Posted, SlackMessage

# Slack answers in well under a second; a hung call must not eat the 3-second window a button
# press has, nor a Lambda's whole timeout.
DEFAULT_TIMEOUT_SECONDS = 10
# Bounded: a tick that keeps hitting the limit should fail loudly, not sleep through its Lambda.
RATE_LIMIT_RETRIES = 2


def _retry_on_rate_limit(client: WebClient) -> WebClient:
    """Make sure the client retries 429s (honouring Retry-After) with slack_sdk's own handler."""
    if not any(isinstance(h, RateLimitErrorRetryHandler) for h in client.retry_handlers):
        client.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES))
    return client


def web_client(
    token: str, base_url: str | None = None, timeout: int = DEFAULT_TIMEOUT_SECONDS
) -> WebClient:
    """A ``WebClient`` for the bot token. ``base_url`` (the ``SLACK_API_URL`` setting) points it
    at a fake Slack API in tests; it must end with ``/api/``."""
    options: dict[str, Any] = {"token": token, "timeout": timeout}
    if base_url:
        options["base_url"] = base_url if base_url.endswith("/") else base_url + "/"
    return _retry_on_rate_limit(WebClient(**options))


class SlackNotifier:
    """Post, update, open modals and whisper to one person. Every failure becomes a
    ``NotifierError``."""

    def __init__(self, client: WebClient) -> None:
        self._client = _retry_on_rate_limit(client)

    def post(self, message: SlackMessage) -> Posted:
        response = self._call(
            "chat.postMessage",
            self._client.chat_postMessage,
            channel=message.channel,
            text=message.text,
            blocks=message.blocks or None,
            # A flag carries links (done pages, the sheet); previews would bury the buttons.
            unfurl_links=False,
            unfurl_media=False,
        )
        # Slack answers with the channel id even when it was given a name; updates need the id.
        return Posted(channel=str(response["channel"]), ts=str(response["ts"]))

    def update(self, channel: str, ts: str, message: SlackMessage) -> None:
        self._call(
            "chat.update",
            self._client.chat_update,
            channel=channel,
            ts=ts,
            text=message.text,
            # An empty list clears the old buttons, which is what an update after an action wants.
            blocks=message.blocks,
        )

    def permalink(self, channel: str, ts: str) -> str:
        response = self._call(
            "chat.getPermalink",
            self._client.chat_getPermalink,
            channel=channel,
            message_ts=ts,
        )
        return str(response["permalink"])

    def open_modal(self, trigger_id: str, view: dict[str, Any]) -> None:
        self._call("views.open", self._client.views_open, trigger_id=trigger_id, view=view)

    def publish_home(self, user_id: str, view: dict[str, Any]) -> None:
        self._call("views.publish", self._client.views_publish, user_id=user_id, view=view)

    def whisper(
        self, user_id: str, text: str, *, response_url: str = "", channel: str = ""
    ) -> None:
        if response_url:
            hook = WebhookClient(response_url, timeout=DEFAULT_TIMEOUT_SECONDS)
            answer = self._call(
                "response_url",
                hook.send,
                text=text,
                response_type="ephemeral",
                replace_original=False,
            )
            if answer.status_code >= 300:
                raise NotifierError(f"Slack response_url answered {answer.status_code}")
            return
        if not channel or not user_id:
            raise NotifierError("no response_url and no channel: nowhere to tell the person")
        self._call(
            "chat.postEphemeral",
            self._client.chat_postEphemeral,
            channel=channel,
            user=user_id,
            text=text,
        )

    @staticmethod
    def _call(method: str, call: Any, **kwargs: Any) -> Any:
        try:
            return call(**kwargs)
        except SlackApiError as exc:
            code = str(exc.response.get("error") or f"http_{exc.response.status_code}")
            raise NotifierError(f"Slack {method} failed: {code}", code=code) from exc
        except (SlackClientError, OSError) as exc:  # connection refused, timeout, bad URL
            raise NotifierError(f"Slack {method} could not be reached: {exc}") from exc
