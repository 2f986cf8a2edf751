"""Done links, resume links and staff links: signed, expiring tokens.

A done link is bound to one customer, journey and step. A resume link (in the weekly digest) is
bound to one customer and to the very pause or hand-off it ends: it carries that hold's stamp, so
a link for a pause that has since ended, or been replaced by a newer one, is recognisably stale.

Hand-written on the standard library's ``hmac`` rather than a token library: the token is a few
fields and an expiry, and keeping it here means the core has no third-party dependency. The
signature covers every field, so a forwarded link can only ever mark its own step done.

A staff link (a flag's "View plan") is bound to one customer and opens their onboarding plan,
from which staff may mark a step done on the customer's behalf. It is posted only in Slack, so
in practice only the workspace's people see it; but it is a bearer token like the others:
whoever holds the URL until it expires can use it (a forwarded or pasted link works for anyone).
It names the Slack user it was issued for, so what staff do through it is audited as them.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

VERSION = "v1"
# Each kind of token is signed under its own prefix, so no token verifies as another kind.
RESUME_VERSION = "resume-v1"
RESUME_TTL_DAYS = 7
HOLDS = ("pause", "hand-off")
STAFF_VERSION = "staff-v1"
STAFF_TTL_DAYS = 7  # long enough to come back to a flag within the week, short if it leaks


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

    def _sign(self, body: str, version: str = VERSION) -> str:
        mac = hmac.new(self._key, f"{version}.{body}".encode(), hashlib.sha256)
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
        payload = self._payload(token, VERSION)
        try:
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

    def _payload(self, token: str, version: str) -> Any:
        body, dot, signature = (token or "").strip().partition(".")
        if not dot or not body or not signature:
            raise LinkError("malformed", "This link is incomplete. Was it cut off when copied?")
        if not hmac.compare_digest(self._sign(body, version), signature):
            raise LinkError(
                "tampered", "This link is not valid. Please use the link in your email."
            )
        try:
            return json.loads(_unb64(body))
        except ValueError:
            raise LinkError("malformed", "This link is not valid.") from None

    def resume_token(
        self, customer_id: str, hold: str, held_at: datetime | None, expires_at: datetime
    ) -> str:
        if hold not in HOLDS:
            raise ValueError(f"a resume link ends a pause or a hand-off, not {hold!r}")
        payload = {
            "c": customer_id,
            "h": hold,
            "a": hold_stamp(held_at),
            "e": int(expires_at.timestamp()),
        }
        body = _b64(json.dumps(payload, separators=(",", ":")).encode())
        return f"{body}.{self._sign(body, RESUME_VERSION)}"

    def issue_resume(
        self,
        customer_id: str,
        hold: str,
        held_at: datetime | None,
        now: datetime,
        ttl_days: int = RESUME_TTL_DAYS,
    ) -> str:
        return self.resume_token(customer_id, hold, held_at, now + timedelta(days=ttl_days))

    def verify_resume(self, token: str, now: datetime) -> ResumeLink:
        payload = self._payload(token, RESUME_VERSION)
        try:
            link = ResumeLink(
                customer_id=str(payload["c"]),
                hold=str(payload["h"]),
                held_at=str(payload["a"]),
                expires_at=datetime.fromtimestamp(int(payload["e"]), tz=UTC),
            )
        except (ValueError, KeyError, TypeError):
            raise LinkError("malformed", "This link is not valid.") from None
        if link.hold not in HOLDS:
            raise LinkError("malformed", "This link is not valid.")
        if now >= link.expires_at:
            raise LinkError("expired", "This link has expired. The next digest has a fresh one.")
        return link

    def staff_token(self, customer_id: str, staff: str, expires_at: datetime) -> str:
        payload = {"c": customer_id, "u": staff, "e": int(expires_at.timestamp())}
        body = _b64(json.dumps(payload, separators=(",", ":")).encode())
        return f"{body}.{self._sign(body, STAFF_VERSION)}"

    def issue_staff(
        self, customer_id: str, staff: str, now: datetime, ttl_days: int = STAFF_TTL_DAYS
    ) -> str:
        return self.staff_token(customer_id, staff, now + timedelta(days=ttl_days))

    def verify_staff(self, token: str, now: datetime) -> StaffLink:
        payload = self._payload(token, STAFF_VERSION)
        try:
            link = StaffLink(
                customer_id=str(payload["c"]),
                staff=str(payload.get("u") or ""),
                expires_at=datetime.fromtimestamp(int(payload["e"]), tz=UTC),
            )
        except (ValueError, KeyError, TypeError):
            raise LinkError("malformed", "This link is not valid.") from None
        if not link.customer_id:
            raise LinkError("malformed", "This link is not valid.")
        if now >= link.expires_at:
            raise LinkError(
                "expired", "This link has expired. The customer's flag has a fresh one."
            )
        return link


@dataclass(frozen=True)
class StaffLink:
    """Opens one customer's onboarding plan for staff. ``staff`` names who it was issued to
    (empty when the flag was posted to a channel, not a person)."""

    customer_id: str
    staff: str
    expires_at: datetime


@dataclass(frozen=True)
class ResumeLink:
    """Ends one hold: ``hold`` is "pause" or "hand-off", ``held_at`` that hold's stamp."""

    customer_id: str
    hold: str
    held_at: str  # hold_stamp() of og-state's paused at / handed off at; "" when not recorded
    expires_at: datetime

    def resumes(self, held_at: datetime | None) -> bool:
        """Is this link for the hold the customer is in now (stamped ``held_at``)? A link for a
        pause that ended, or was replaced by a newer one, is stale and must not resume."""
        return self.held_at == hold_stamp(held_at)


def hold_stamp(held_at: datetime | None) -> str:
    # Minutes, as the sheet keeps them: a stamp read back from og-state must match the link's.
    if held_at is None:
        return ""
    return held_at.replace(tzinfo=None).isoformat(sep=" ", timespec="minutes")


def link_url(base_url: str, token: str) -> str:
    """The endpoint's URL with the token in its query string (keeping any query it has)."""
    joiner = "&" if "?" in base_url else "?"
    return f"{base_url}{joiner}{urlencode({'t': token})}"


ResumeLinks = Callable[[str, str, datetime | None], str]


def resume_links(signer: LinkSigner, base_url: str, now: datetime) -> ResumeLinks:
    """What the digest needs: (customer id, hold, held at) -> a signed resume URL."""

    def make(customer_id: str, hold: str, held_at: datetime | None) -> str:
        return link_url(base_url, signer.issue_resume(customer_id, hold, held_at, now))

    return make
