"""Lambda Function URL events (payload format 2.0), both ways.

A Function URL hands its function an API Gateway HTTP API v2-shaped event and takes back
``{"statusCode", "headers", "body"}``. The handlers read requests through ``HttpRequest`` and the
local server and the tests build events with ``function_url_event``, so the handlers run the same
code under ``serve``, under pytest and in Lambda.
"""

from __future__ import annotations

import base64
import time
import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

# Function URLs pass these through as text; anything else arrives base64-encoded.
_TEXT_TYPES = ("text/", "application/json", "application/x-www-form-urlencoded", "application/xml")


@dataclass(frozen=True)
class HttpRequest:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]  # lower-case names, as Function URLs deliver them
    body: bytes

    @classmethod
    def from_event(cls, event: dict[str, Any]) -> HttpRequest:
        http = (event.get("requestContext") or {}).get("http") or {}
        raw = event.get("body") or ""
        body = base64.b64decode(raw) if event.get("isBase64Encoded") else str(raw).encode()
        headers = {str(k).lower(): str(v) for k, v in (event.get("headers") or {}).items()}
        return cls(
            method=str(http.get("method") or "GET").upper(),
            path=str(event.get("rawPath") or http.get("path") or "/"),
            query=parse_qs(str(event.get("rawQueryString") or ""), keep_blank_values=True),
            headers=headers,
            body=body,
        )

    def form(self) -> dict[str, list[str]]:
        """The body as an HTML form; empty if it is not one (or not valid UTF-8)."""
        if not self.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
            return {}
        try:
            return parse_qs(self.body.decode("utf-8"), keep_blank_values=True)
        except UnicodeDecodeError:
            return {}

    def param(self, name: str) -> str:
        """A form field, else a query parameter, else empty."""
        values = self.form().get(name) or self.query.get(name) or [""]
        return values[0]


def response(status: int, body: str, headers: dict[str, str] | None = None) -> dict[str, Any]:
    return {"statusCode": status, "headers": dict(headers or {}), "body": body}


def function_url_event(
    method: str,
    path: str,
    *,
    query: str = "",
    headers: dict[str, str] | None = None,
    body: bytes = b"",
    source_ip: str = "127.0.0.1",
) -> dict[str, Any]:
    """The event a Function URL would hand its function for this HTTP request."""
    lowered = {k.lower(): v for k, v in (headers or {}).items()}
    content_type = lowered.get("content-type", "")
    is_text = not body or content_type.startswith(_TEXT_TYPES)
    try:
        text = body.decode("utf-8") if is_text else ""
    except UnicodeDecodeError:
        is_text = False
    now = time.time()
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": path,
        "rawQueryString": query,
        "headers": lowered,
        "requestContext": {
            "accountId": "anonymous",
            "apiId": "local",
            "domainName": lowered.get("host", "localhost"),
            "domainPrefix": "local",
            "http": {
                "method": method.upper(),
                "path": path,
                "protocol": "HTTP/1.1",
                "sourceIp": source_ip,
                "userAgent": lowered.get("user-agent", ""),
            },
            "requestId": str(uuid.uuid4()),
            "routeKey": "$default",
            "stage": "$default",
            "time": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(now)),
            "timeEpoch": int(now * 1000),
        },
        "isBase64Encoded": not is_text,
    }
    if query:
        # Bolt's Lambda adapter reads the parsed form; Function URLs join repeats with commas.
        event["queryStringParameters"] = {
            k: ",".join(v) for k, v in parse_qs(query, keep_blank_values=True).items()
        }
    if body:
        event["body"] = text if is_text else base64.b64encode(body).decode()
    return event


@dataclass
class LocalContext:
    """What a handler reads from a Lambda context, for runs outside Lambda."""

    function_name: str
    memory_limit_in_mb: int = 512
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    timeout_seconds: float = 30.0
    started: float = field(default_factory=time.monotonic)

    @property
    def invoked_function_arn(self) -> str:
        return f"arn:aws:lambda:local:000000000000:function:{self.function_name}"

    def get_remaining_time_in_millis(self) -> int:
        left = self.timeout_seconds - (time.monotonic() - self.started)
        return max(0, int(left * 1000))
