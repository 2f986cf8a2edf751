"""The activity endpoint: signed batches from the customer's product into og-activity.

Given a workbook in memory (counting its reads and writes) with two enrolled customers, when the
product posts a signed batch, then the new events are appended in one read and one write; a bad
signature, an old timestamp, malformed JSON or too many events are refused with nothing written,
and a replayed event id is not recorded twice.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from app.activity import MAX_EVENTS, handle_activity, signature
from app.function_url import HttpRequest, function_url_event
from fakes.memory_workbook import InMemoryWorkbook
from guide.ports import Ports
from guide.workbook import Changes
from sheets.schema import ACTIVITY, CONFIG, ONBOARDING, TABS
from tests.conftest import MakePorts

KEY = b"test-activity-key-not-secret"
NOW = datetime(2026, 11, 23, 16, 0, tzinfo=UTC)
SAMPLE = Path(__file__).resolve().parents[2] / "events" / "activity-batch.json"
SAMPLE_KEY = b"local-only-activity-key-change-me"  # published, for the sample only


def enrolled_workbook(*customer_ids: str) -> InMemoryWorkbook:
    workbook = InMemoryWorkbook()
    workbook.ensure_tabs([t.name for t in TABS])
    snapshot = workbook.read([t.name for t in TABS])
    changes = Changes()
    changes.append(CONFIG.name, {"key": "timezone", "value": "America/New_York"})
    for customer_id in customer_ids:
        changes.append(
            ONBOARDING.name,
            {
                "customer id": customer_id,
                "contact email": "a@b.example",
                "plan": "p",
                "owner": "Sam",
            },
        )
    workbook.commit(snapshot, changes)
    workbook.reads = workbook.writes = 0
    return workbook


def events(count: int, customer: str = "C1", first: int = 0) -> list[dict[str, Any]]:
    return [
        {
            "id": f"evt-{first + i}",
            "customer": customer,
            "kind": "event",
            "name": "report.viewed",
            "at": "2026-11-23T15:59:00Z",
            "detail": {"n": i},
        }
        for i in range(count)
    ]


def post(
    ports: Ports,
    body: bytes,
    *,
    now: datetime = NOW,
    signed_at: datetime = NOW,
    key: bytes = KEY,
) -> dict[str, Any]:
    stamp = str(int(signed_at.timestamp()))
    headers = {
        "content-type": "application/json",
        "x-og-timestamp": stamp,
        "x-og-signature": signature(key, stamp, body),
    }
    event = function_url_event("POST", "/activity", headers=headers, body=body)
    return handle_activity(HttpRequest.from_event(event), lambda: ports, lambda: KEY, now)


def batch(items: list[dict[str, Any]]) -> bytes:
    return json.dumps({"events": items}).encode()


@pytest.fixture
def workbook() -> InMemoryWorkbook:
    return enrolled_workbook("C1", "C2")


@pytest.fixture
def ports(workbook: InMemoryWorkbook, make_ports: MakePorts) -> Ports:
    return make_ports(workbook)


def test_given_500_events_then_they_are_appended_in_one_read_and_one_write(
    workbook: InMemoryWorkbook, ports: Ports
) -> None:
    answer = post(ports, batch(events(MAX_EVENTS)))

    assert answer["statusCode"] == 200, answer["body"]
    assert json.loads(answer["body"]) == {"recorded": 500, "duplicates": 0, "unknown_customers": 0}
    assert (workbook.reads, workbook.writes) == (1, 1)
    rows = workbook.rows(ACTIVITY.name)
    assert len(rows) == 500
    assert rows[0] == {
        "at": "2026-11-23 10:59",  # in the team's time zone, as the sheet shows times
        "customer id": "C1",
        "kind": "event",
        "name": "report.viewed",
        "detail": '{"n":0}',
        "event id": "evt-0",
    }


def test_given_a_replayed_batch_then_nothing_is_recorded_twice(
    workbook: InMemoryWorkbook, ports: Ports
) -> None:
    post(ports, batch(events(3)))
    workbook.writes = 0

    again = post(ports, batch(events(3) + events(1, first=3)))

    assert json.loads(again["body"]) == {"recorded": 1, "duplicates": 3, "unknown_customers": 0}
    assert len(workbook.rows(ACTIVITY.name)) == 4
    workbook.writes = 0
    assert json.loads(post(ports, batch(events(4)))["body"])["recorded"] == 0
    assert workbook.writes == 0


def test_given_events_for_customers_not_onboarding_then_they_are_left_out(
    workbook: InMemoryWorkbook, ports: Ports
) -> None:
    answer = post(ports, batch(events(2, customer="C9") + events(1, customer="C2", first=9)))

    assert json.loads(answer["body"]) == {"recorded": 1, "duplicates": 0, "unknown_customers": 2}
    assert [r["customer id"] for r in workbook.rows(ACTIVITY.name)] == ["C2"]


@pytest.mark.parametrize(
    ("case", "status"),
    [
        ("bad signature", 401),
        ("old timestamp", 401),
        ("future timestamp", 401),
        ("no signature", 401),
        ("malformed JSON", 400),
        ("not a batch", 400),
        ("an event without an id", 400),
        ("an unknown kind", 400),
        ("a time without an offset", 400),
        ("too many events", 413),
    ],
)
def test_given_a_bad_request_then_it_is_refused_and_nothing_is_written(
    workbook: InMemoryWorkbook, ports: Ports, case: str, status: int
) -> None:
    good = events(2)
    body, signed_at, key = batch(good), NOW, KEY
    if case == "bad signature":
        key = b"somebody-else-s-key"
    elif case == "old timestamp":
        signed_at = NOW - timedelta(minutes=5, seconds=1)
    elif case == "future timestamp":
        signed_at = NOW + timedelta(minutes=6)
    elif case == "malformed JSON":
        body = b'{"events": [{"id": "e1",'
    elif case == "not a batch":
        body = json.dumps(good).encode()
    elif case == "an event without an id":
        body = batch([*good, {**good[0], "id": ""}])
    elif case == "an unknown kind":
        body = batch([*good, {**good[0], "id": "x", "kind": "telepathy"}])
    elif case == "a time without an offset":
        body = batch([*good, {**good[0], "id": "x", "at": "2026-11-23T15:00:00"}])
    elif case == "too many events":
        body = batch(events(MAX_EVENTS + 1))

    if case == "no signature":
        event = function_url_event("POST", "/activity", body=body)
        answer = handle_activity(HttpRequest.from_event(event), lambda: ports, lambda: KEY, NOW)
    else:
        answer = post(ports, body, signed_at=signed_at, key=key)

    assert answer["statusCode"] == status, answer["body"]
    assert "error" in json.loads(answer["body"])
    assert workbook.writes == 0 and workbook.rows(ACTIVITY.name) == []


def test_given_a_timestamp_just_inside_the_window_then_it_is_accepted(ports: Ports) -> None:
    answer = post(ports, batch(events(1)), signed_at=NOW - timedelta(minutes=5))
    assert answer["statusCode"] == 200


def test_given_no_activity_key_configured_then_the_endpoint_is_unavailable(
    workbook: InMemoryWorkbook, ports: Ports
) -> None:
    event = function_url_event("POST", "/activity", body=batch(events(1)))
    answer = handle_activity(HttpRequest.from_event(event), lambda: ports, lambda: b"", NOW)
    assert answer["statusCode"] == 503 and workbook.reads == 0


def test_the_sample_event_is_a_signed_batch_for_the_demo_s_customers(make_ports: MakePorts) -> None:
    sample = json.loads(SAMPLE.read_text())
    workbook = enrolled_workbook("C001", "C003")
    signed_at = datetime.fromtimestamp(int(sample["headers"]["x-og-timestamp"]), UTC)

    answer = handle_activity(
        HttpRequest.from_event(sample), lambda: make_ports(workbook), lambda: SAMPLE_KEY, signed_at
    )

    assert json.loads(answer["body"]) == {"recorded": 3, "duplicates": 0, "unknown_customers": 0}
    kinds = [(r["customer id"], r["name"]) for r in workbook.rows(ACTIVITY.name)]
    assert kinds == [
        ("C001", "user.activated"),
        ("C001", "dashboard.viewed"),
        ("C003", "integration.connected"),
    ]
