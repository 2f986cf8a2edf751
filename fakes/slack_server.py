"""A fake Slack Web API on loopback, for the real ``slack_sdk.WebClient`` to talk to.

    with FakeSlackServer(token="xoxb-test") as slack:
        client = WebClient(token="xoxb-test", base_url=slack.api_url)
        ...
        assert slack.message("C123", ts)["text"] == "..."

It keeps the messages it was sent (so tests can assert on state), records every call, and can be
told to answer the next call to a method with a Slack error or a 429. Like real Slack it refuses
blocks and views over Block Kit's limits (``fakes.block_kit``) and over-long text.

Longer than most modules on purpose: a fake Slack Web API with every method the guide calls.
"""

from __future__ import annotations

import json
import threading
import time
from collections import defaultdict, deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from fakes.block_kit import home_view_refusal, message_refusal, view_refusal

_BOT = {"user_id": "UBOT", "bot_id": "BBOT", "team_id": "T0001", "team": "Acme", "user": "guide"}


class FakeSlackServer:
    def __init__(self, token: str | None = None, channels: set[str] | None = None) -> None:
        """``token``: if set, calls without that bearer token get ``invalid_auth``.
        ``channels``: if set, posting elsewhere gets ``channel_not_found``."""
        self.token = token
        self.channels = channels
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.messages: dict[tuple[str, str], dict[str, Any]] = {}
        self.views: dict[str, dict[str, Any]] = {}
        self.homes: dict[str, dict[str, Any]] = {}  # each person's App Home, as last published
        self.users: dict[str, dict[str, Any]] = {}
        # The installed app as auth.test and conversations.info see it: its workspace, its
        # granted scopes (sent, as Slack does, in every answer's x-oauth-scopes header) and the
        # channels the bot was invited to (None: every channel).
        self.team_id = _BOT["team_id"]
        self.scopes: set[str] = {"chat:write", "commands"}
        self.bot_channels: set[str] | None = None
        self._faults: dict[str, deque[tuple[int, dict[str, Any], dict[str, str]]]] = defaultdict(
            deque
        )
        self._lock = threading.Lock()
        self._seq = 0
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        # A short poll keeps shutdown (once per test) quick.
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    # --- lifecycle -------------------------------------------------------------------------

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def api_url(self) -> str:
        """What to give ``WebClient(base_url=...)``."""
        return self.url + "/api/"

    def start(self) -> FakeSlackServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> FakeSlackServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # --- test controls and queries ---------------------------------------------------------

    def fail_next(self, method: str, error: str) -> None:
        """The next call to ``method`` answers ``{"ok": false, "error": error}``."""
        with self._lock:
            self._faults[method].append((200, {"ok": False, "error": error}, {}))

    def rate_limit_next(self, method: str, retry_after: int = 0) -> None:
        """The next call to ``method`` answers HTTP 429 with ``Retry-After``."""
        with self._lock:
            body = {"ok": False, "error": "ratelimited"}
            self._faults[method].append((429, body, {"Retry-After": str(retry_after)}))

    def add_user(self, user_id: str, name: str, email: str = "", real_name: str = "") -> None:
        with self._lock:
            self.users[user_id] = {
                "id": user_id,
                "name": name,
                "real_name": real_name or name,
                "profile": {"email": email, "real_name": real_name or name},
                "is_bot": False,
            }

    def calls_to(self, method: str) -> list[dict[str, Any]]:
        with self._lock:
            return [params for name, params in self.calls if name == method]

    def message(self, channel: str, ts: str) -> dict[str, Any]:
        """The message as it stands now (after any updates)."""
        with self._lock:
            return dict(self.messages[(channel, ts)])

    # --- the API ---------------------------------------------------------------------------

    def _next_ts(self) -> str:
        self._seq += 1
        return f"{int(time.time())}.{self._seq:06d}"

    def handle(
        self, method: str, params: dict[str, Any], auth: str | None
    ) -> tuple[int, dict[str, Any], dict[str, str]]:
        with self._lock:
            self.calls.append((method, params))
            if self._faults[method]:
                return self._faults[method].popleft()
            if self.token is not None and auth != f"Bearer {self.token}":
                return 200, {"ok": False, "error": "not_authed" if not auth else "invalid_auth"}, {}
            answer = getattr(self, "_api_" + method.replace(".", "_"), None)
            if answer is None:
                return 404, {"ok": False, "error": "unknown_method"}, {}
            return 200, answer(params), {"x-oauth-scopes": ",".join(sorted(self.scopes))}

    def _known(self, channel: Any) -> bool:
        return bool(channel) and (self.channels is None or channel in self.channels)

    def _api_auth_test(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "url": self.url + "/", **_BOT, "team_id": self.team_id}

    def _api_conversations_info(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = str(params.get("channel", ""))
        if not {"channels:read", "groups:read"} & self.scopes:
            return {"ok": False, "error": "missing_scope", "needed": "channels:read"}
        if not self._known(channel):
            return {"ok": False, "error": "channel_not_found"}
        member = self.bot_channels is None or channel in self.bot_channels
        return {"ok": True, "channel": {"id": channel, "name": channel, "is_member": member}}

    def _api_users_info(self, params: dict[str, Any]) -> dict[str, Any]:
        user = self.users.get(str(params.get("user")))
        return {"ok": True, "user": user} if user else {"ok": False, "error": "user_not_found"}

    def _api_chat_postMessage(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = params.get("channel")
        if not self._known(channel):
            return {"ok": False, "error": "channel_not_found"}
        if not params.get("text") and not params.get("blocks"):
            return {"ok": False, "error": "no_text"}
        blocks = _json_field(params["blocks"]) if "blocks" in params else None
        if refused := message_refusal(params.get("text"), blocks):
            return refused
        ts = self._next_ts()
        message = {
            "type": "message",
            "user": _BOT["user_id"],
            "bot_id": _BOT["bot_id"],
            "text": params.get("text", ""),
            "blocks": _blocks(params.get("blocks")),
            "ts": ts,
        }
        self.messages[(str(channel), ts)] = message
        return {"ok": True, "channel": channel, "ts": ts, "message": message}

    def _api_chat_update(self, params: dict[str, Any]) -> dict[str, Any]:
        key = (str(params.get("channel")), str(params.get("ts")))
        if not self._known(key[0]):
            return {"ok": False, "error": "channel_not_found"}
        if key not in self.messages:
            return {"ok": False, "error": "message_not_found"}
        blocks = _json_field(params["blocks"]) if "blocks" in params else None
        if refused := message_refusal(params.get("text"), blocks):
            return refused
        message = self.messages[key]
        if "text" in params:
            message["text"] = params["text"]
        if "blocks" in params:
            message["blocks"] = _blocks(params["blocks"])
        message["edited"] = {"user": _BOT["user_id"], "ts": self._next_ts()}
        return {
            "ok": True,
            "channel": key[0],
            "ts": key[1],
            "text": message["text"],
            "message": message,
        }

    def _api_chat_getPermalink(self, params: dict[str, Any]) -> dict[str, Any]:
        channel, ts = str(params.get("channel")), str(params.get("message_ts"))
        if not self._known(channel):
            return {"ok": False, "error": "channel_not_found"}
        if (channel, ts) not in self.messages:
            return {"ok": False, "error": "message_not_found"}
        link = f"{self.url}/archives/{channel}/p{ts.replace('.', '')}"
        return {"ok": True, "channel": channel, "permalink": link}

    def _api_views_open(self, params: dict[str, Any]) -> dict[str, Any]:
        if not params.get("trigger_id"):
            return {"ok": False, "error": "invalid_trigger"}
        view = _json_field(params.get("view"))
        if refused := view_refusal(view):
            return refused
        view_id = f"V{len(self.views) + 1:08d}"
        self.views[view_id] = {**view, "id": view_id}
        return {"ok": True, "view": self.views[view_id]}

    def _api_views_update(self, params: dict[str, Any]) -> dict[str, Any]:
        view_id = str(params.get("view_id"))
        if view_id not in self.views:
            return {"ok": False, "error": "not_found"}
        view = _json_field(params.get("view"))
        if refused := view_refusal(view):
            return refused
        self.views[view_id] = {**view, "id": view_id}
        return {"ok": True, "view": self.views[view_id]}

    def _api_views_publish(self, params: dict[str, Any]) -> dict[str, Any]:
        user_id = str(params.get("user_id") or "")
        if not user_id:
            return {"ok": False, "error": "invalid_arguments"}
        view = _json_field(params.get("view"))
        if refused := home_view_refusal(view):
            return refused
        self.homes[user_id] = view
        return {"ok": True, "view": {**view, "id": f"VH{user_id}"}}


def _json_field(value: Any) -> Any:
    """Form-encoded calls carry structured fields (blocks, view) as JSON text."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _blocks(value: Any) -> list[Any]:
    blocks = _json_field(value)
    return blocks if isinstance(blocks, list) else []


def _handler_for(slack: FakeSlackServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _serve(self) -> None:
            url = urlsplit(self.path)
            if not url.path.startswith("/api/"):
                self._answer(404, {"ok": False, "error": "unknown_method"}, {})
                return
            params: dict[str, Any] = dict(parse_qsl(url.query))
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            if body:
                if self.headers.get("Content-Type", "").startswith("application/json"):
                    params.update(json.loads(body))
                else:
                    params.update(parse_qsl(body.decode()))
            # slack_sdk sends the token as a bearer header; old clients put it in the form.
            auth = self.headers.get("Authorization")
            if not auth and params.get("token"):
                auth = f"Bearer {params.pop('token')}"
            status, answer, headers = slack.handle(url.path[len("/api/") :], params, auth)
            self._answer(status, answer, headers)

        do_GET = _serve
        do_POST = _serve

        def _answer(self, status: int, answer: dict[str, Any], headers: dict[str, str]) -> None:
            data = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            pass  # keep test output clean; ``calls`` is the log

    return Handler
