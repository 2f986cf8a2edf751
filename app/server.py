"""``serve``: the two Function URL handlers on loopback, for trying buttons and links locally.

Each HTTP request becomes the Function URL event (payload format 2.0) AWS would build, and goes
to the same handler function template.yaml names; the handler's answer is written back as is.
Point Slack (through a tunnel) or a browser at it; ``SLACK_API_URL`` sends Slack Web API calls
to a fake, otherwise flags and modals land in the outbox.
"""

from __future__ import annotations

import base64
import importlib
import logging
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from app.function_url import LocalContext, function_url_event

# path -> (the function's logical id in template.yaml, its Handler)
ROUTES: dict[str, tuple[str, str]] = {
    "/slack/events": ("SlackActionsFunction", "functions.slack_actions.handler"),
    "/done": ("DoneLinkFunction", "functions.done_link.handler"),
    "/resume": ("DoneLinkFunction", "functions.done_link.handler"),
    "/plan": ("DoneLinkFunction", "functions.done_link.handler"),
    "/activity": ("ActivityFunction", "functions.activity.handler"),
}
MAX_BODY = 1 << 20  # Function URLs take 6 MB; Slack payloads and forms are a few KB

log = logging.getLogger(__name__)
Handler = Callable[[dict[str, Any], Any], dict[str, Any]]
_PLAIN = {"Content-Type": "text/plain; charset=utf-8"}


def _content_length(header: str | None) -> int | None:
    """The body's length in bytes, or None when the header is not a whole number >= 0."""
    raw = (header or "0").strip()
    return int(raw) if raw.isascii() and raw.isdigit() else None


def load(dotted: str) -> Handler:
    module, _, name = dotted.rpartition(".")
    handler: Handler = getattr(importlib.import_module(module), name)
    return handler


class _Request(BaseHTTPRequestHandler):
    server_version = "onboarding-guide-local"

    def _serve(self) -> None:
        url = urlsplit(self.path)
        route = ROUTES.get(url.path.rstrip("/") or "/")
        if route is None:
            self._write(404, {"Content-Type": "text/plain; charset=utf-8"}, b"Not found\n", [])
            return
        length = _content_length(self.headers.get("Content-Length"))
        if length is None:
            # A negative length would read until the client hangs up: refuse it at once.
            self._write(400, _PLAIN, b"Bad Content-Length\n", [])
            return
        if length > MAX_BODY:
            self._write(413, _PLAIN, b"Too large\n", [])
            return
        body = self.rfile.read(length) if length else b""
        headers = {k.lower(): v for k, v in self.headers.items()}
        event = function_url_event(
            self.command,
            url.path,
            query=url.query,
            headers=headers,
            body=body,
            source_ip=self.client_address[0],
        )
        function, dotted = route
        try:
            answer = load(dotted)(event, LocalContext(function))
        except Exception:  # what Lambda would turn into a 502; keep serving the next request
            log.exception("%s failed", dotted)
            self._write(
                502,
                {"Content-Type": "text/plain; charset=utf-8"},
                b"The handler failed; see the server log.\n",
                [],
            )
            return
        raw = answer.get("body") or ""
        data = base64.b64decode(raw) if answer.get("isBase64Encoded") else str(raw).encode()
        out_headers = {str(k): str(v) for k, v in (answer.get("headers") or {}).items()}
        self._write(
            int(answer.get("statusCode", 200)), out_headers, data, list(answer.get("cookies") or [])
        )

    do_GET = _serve
    do_POST = _serve
    do_HEAD = _serve
    do_PUT = _serve
    do_DELETE = _serve

    def _write(self, status: int, headers: dict[str, str], body: bytes, cookies: list[str]) -> None:
        self.send_response(status)
        for name, value in headers.items():
            if name.lower() not in {"content-length", "connection"}:
                self.send_header(name, value)
        for cookie in cookies:
            self.send_header("Set-Cookie", cookie)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        log.info("%s %s", self.address_string(), format % args)


def make_server(host: str = "127.0.0.1", port: int = 8080) -> ThreadingHTTPServer:
    """The server, bound and not yet serving (port 0 picks a free one)."""
    server = ThreadingHTTPServer((host, port), _Request)
    server.daemon_threads = True
    return server


def serve_in_background(host: str = "127.0.0.1", port: int = 0) -> ThreadingHTTPServer:
    """Started on a daemon thread; ``shutdown()`` stops it. For tests and benchmarks."""
    server = make_server(host, port)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def serve(host: str = "127.0.0.1", port: int = 8080) -> None:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    server = make_server(host, port)
    address = f"http://{host}:{server.server_address[1]}"
    print(f"Slack interactivity: {address}/slack/events")
    print(f"Done links:          {address}/done?t=...")
    print(f"Activity events:     {address}/activity")
    print("Ctrl-C stops.")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
