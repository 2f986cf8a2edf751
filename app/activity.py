"""The activity endpoint: signed JSON events from the customer's product, into og-activity.

A request carries up to ``MAX_EVENTS`` events::

    {"events": [{"id", "customer", "kind", "name", "at", "detail"}, ...]}

signed like Slack's requests: ``X-OG-Signature: v1=<hex HMAC-SHA256 of "v1:{timestamp}:{body}">``
with the ``activity-key`` secret, and ``X-OG-Timestamp`` within five minutes of now. A batch is
all or nothing: one bad event refuses it (400) and the sender fixes and resends, which is safe
because an event id already in og-activity is skipped. Events for a customer id that is not on
the onboarding tab are left out (the product may know many more accounts than are onboarding)
and counted in the answer. One read, one write, appends only, for any number of events.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable
from datetime import datetime
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from app.function_url import HttpRequest, response
from app.secrets import load_secrets
from app.settings import Settings
from guide import cells
from guide.ports import LockBusy, Ports, WorkbookError
from guide.stalls.model import ACTIVITY_KINDS
from guide.unit_of_work import WorkbookBroken, at, unit_of_work
from sheets.schema import ACTIVITY, ONBOARDING

MAX_EVENTS = 500
WINDOW_SECONDS = 300
MAX_TEXT = 1000  # an event's name or detail, in characters: a cell is for people to read
_JSON = {"Content-Type": "application/json"}


class Refused(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@cache
def activity_key_from_env() -> bytes:
    """The key, read once per process (a Lambda cold start)."""
    settings = Settings.from_env()
    return load_secrets(settings).activity_key


def _answer(
    status: int, body: dict[str, Any], extra: dict[str, str] | None = None
) -> dict[str, Any]:
    return response(status, json.dumps(body), {**_JSON, **(extra or {})})


def signature(key: bytes, timestamp: str, body: bytes) -> str:
    """What the sender puts in ``X-OG-Signature``."""
    signed = b"v1:" + timestamp.encode() + b":" + body
    return "v1=" + hmac.new(key, signed, hashlib.sha256).hexdigest()


def verify(request: HttpRequest, key: bytes, now: datetime) -> None:
    timestamp = request.headers.get("x-og-timestamp", "")
    given = request.headers.get("x-og-signature", "")
    if not timestamp.isascii() or not timestamp.isdigit():
        raise Refused(401, "missing or malformed X-OG-Timestamp")
    if abs(now.timestamp() - int(timestamp)) > WINDOW_SECONDS:
        raise Refused(401, "X-OG-Timestamp is more than five minutes from now")
    if not hmac.compare_digest(given.encode(), signature(key, timestamp, request.body).encode()):
        raise Refused(401, "bad signature")


def parse_events(body: bytes) -> list[dict[str, Any]]:
    """The batch, checked: each event as the text its og-activity cells get (``at`` parsed)."""
    try:
        payload = json.loads(body)
    except (UnicodeDecodeError, ValueError):
        raise Refused(400, "the body is not JSON") from None
    events = payload.get("events") if isinstance(payload, dict) else None
    if not isinstance(events, list):
        raise Refused(400, 'expected {"events": [...]}')
    if len(events) > MAX_EVENTS:
        raise Refused(413, f"at most {MAX_EVENTS} events a request, got {len(events)}")
    return [_event(i, e) for i, e in enumerate(events)]


def _event(index: int, event: object) -> dict[str, Any]:
    if not isinstance(event, dict):
        raise Refused(400, f"event {index} is not an object")

    def text(field: str, required: bool = True) -> str:
        value = event.get(field)
        if isinstance(value, dict | list):
            value = json.dumps(value, separators=(",", ":"))
        found = "" if value is None else str(value).strip()
        if required and not found:
            raise Refused(400, f"event {index} has no {field!r}")
        if len(found) > MAX_TEXT:
            raise Refused(400, f"event {index}: {field!r} is over {MAX_TEXT} characters")
        return found

    kind = text("kind").casefold()
    if kind not in ACTIVITY_KINDS:
        raise Refused(400, f"event {index}: kind must be one of {', '.join(ACTIVITY_KINDS)}")
    try:
        moment = datetime.fromisoformat(text("at").replace("Z", "+00:00"))
    except ValueError:
        raise Refused(400, f"event {index}: 'at' is not an ISO 8601 time") from None
    if moment.utcoffset() is None:
        raise Refused(400, f"event {index}: 'at' needs a UTC offset (or Z)")
    return {
        "event id": text("id"),
        "customer id": text("customer"),
        "kind": kind,
        "name": text("name", required=False),
        "detail": text("detail", required=False),
        "at": moment,
    }


def record(ports: Ports, events: list[dict[str, Any]], now: datetime) -> dict[str, int]:
    """Append the events not seen before, in one unit of work: one read, one write."""
    with unit_of_work(ports, at(now)) as work:
        activity = work.snapshot[ACTIVITY.name]
        column = activity.positions().get("event id")
        seen = {
            cells.text(r[column]) for r in activity.rows if column is not None and column < len(r)
        }
        enrolled = {
            cells.text(r.get("customer id")) for _, r in work.snapshot[ONBOARDING.name].records()
        }
        zone = ZoneInfo(work.book.config.timezone)
        counts = {"recorded": 0, "duplicates": 0, "unknown_customers": 0}
        for event in events:
            if event["event id"] in seen:
                counts["duplicates"] += 1
                continue
            seen.add(event["event id"])
            if event["customer id"] not in enrolled:
                counts["unknown_customers"] += 1
                continue
            row = {**event, "at": cells.stamp(event["at"].astimezone(zone).replace(tzinfo=None))}
            work.changes.append(ACTIVITY.name, row)
            counts["recorded"] += 1
    return counts


def handle_activity(
    request: HttpRequest, ports: Callable[[], Ports], key: Callable[[], bytes], now: datetime
) -> dict[str, Any]:
    """The whole endpoint, with what it runs against passed in (the tests pass their own)."""
    if request.method != "POST":
        return _answer(405, {"error": "POST signed events here"}, {"Allow": "POST"})
    secret = key()
    if not secret:
        return _answer(503, {"error": "the activity key is not configured"})
    try:
        verify(request, secret, now)
        events = parse_events(request.body)
        counts = record(ports(), events, now)
    except Refused as refused:
        return _answer(refused.status, {"error": str(refused)})
    except (WorkbookError, LockBusy, WorkbookBroken):
        return _answer(
            503, {"error": "the workbook is busy or unreachable; retry"}, {"Retry-After": "60"}
        )
    return _answer(200, counts)
