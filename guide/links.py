"""Done links: signed, expiring tokens bound to one customer, journey and step.

Hand-written on the standard library's ``hmac`` rather than a token library: the token is a few
fields and an expiry, and keeping it here means the core has no third-party dependency. The
signature covers every field, so a forwarded link can only ever mark its own step done.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

VERSION = "v1"


class LinkError(Exception):
    """A done link that cannot be used. ``reason`` is one of: malformed, tampered, expired."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class DoneLink:
    customer_id: str
    journey_id: str
    step_id: str
    expires_at: datetime


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class LinkSigner:
    def __init__(self, key: bytes):
        if len(key) < 16:
            raise ValueError("the link-signing key must be at least 16 bytes")
        self._key = key

    def _sign(self, body: str) -> str:
        mac = hmac.new(self._key, f"{VERSION}.{body}".encode(), hashlib.sha256)
        return _b64(mac.digest())

    def token(self, customer_id: str, journey_id: str, step_id: str, expires_at: datetime) -> str:
        payload = {
            "c": customer_id,
            "j": journey_id,
            "s": step_id,
            "e": int(expires_at.timestamp()),
        }
        body = _b64(json.dumps(payload, separators=(",", ":")).encode())
        return f"{body}.{self._sign(body)}"

    def issue(
        self, customer_id: str, journey_id: str, step_id: str, now: datetime, ttl_days: int
    ) -> str:
        return self.token(customer_id, journey_id, step_id, now + timedelta(days=ttl_days))

    def verify(self, token: str, now: datetime) -> DoneLink:
        body, dot, signature = (token or "").strip().partition(".")
        if not dot or not body or not signature:
            raise LinkError("malformed", "This link is incomplete. Was it cut off when copied?")
        if not hmac.compare_digest(self._sign(body), signature):
            raise LinkError(
                "tampered", "This link is not valid. Please use the link in your email."
            )
        try:
            payload = json.loads(_unb64(body))
            link = DoneLink(
                customer_id=str(payload["c"]),
                journey_id=str(payload["j"]),
                step_id=str(payload["s"]),
                expires_at=datetime.fromtimestamp(int(payload["e"]), tz=UTC),
            )
        except (ValueError, KeyError, TypeError):
            raise LinkError("malformed", "This link is not valid.") from None
        if now >= link.expires_at:
            raise LinkError("expired", "This link has expired. Your contact can send a fresh one.")
        return link
