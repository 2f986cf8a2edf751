"""Building workbook snapshots for tests from rows written as dicts of column -> value."""

from __future__ import annotations

from datetime import date
from typing import Any

from guide.workbook import Snapshot, Table
from sheets.schema import BY_NAME, CONFIG, ONBOARDING, PLANS, SENDS, STATE

STEPS = [("connect", 3), ("invite", 2), ("checkin", 3)]


def table(tab: str, rows: list[dict[str, Any]], header: list[str] | None = None) -> Table:
    header = header or list(BY_NAME[tab].columns)
    return Table(tab, list(header), [[r.get(h) for h in header] for r in rows])


def plan_rows(plan: str = "standard") -> list[dict[str, Any]]:
    return [
        {
            "plan": plan,
            "order": i,
            "step id": sid,
            "title": sid.title(),
            "expected days": days,
            "owned by": "customer",
            "email subject": f"Step {i}",
            "email body": "Hi {name}",
        }
        for i, (sid, days) in enumerate(STEPS, start=1)
    ]


def customer(customer_id: str = "C1", **overrides: Any) -> dict[str, Any]:
    row = {
        "customer id": customer_id,
        "company": f"Company {customer_id}",
        "contact name": "Priya N",
        "contact email": f"{customer_id.lower()}@example.com",
        "plan": "standard",
        "owner": "Sam",
        "segment": "smb",
        "started on": "2026-11-02",
        "paused": False,
        "handed off to": "",
        "finished": False,
    }
    row.update(overrides)
    return row


def send(
    customer_id: str,
    step: str,
    sent: str,
    done: str = "",
    started: str = "2026-11-02",
    plan: str = "standard",
) -> dict[str, Any]:
    return {
        "journey id": f"{customer_id}/{plan}/{started}",
        "customer id": customer_id,
        "step id": step,
        "sent at": sent,
        "done at": done,
        "reminders sent": 0,
    }


def config_rows(**values: str) -> list[dict[str, Any]]:
    base = {
        "team": "Sam | U0SAM | sam@example.com",
        "manager": "U0BOSS",
        "slack channel": "#onboarding",
    }
    base.update({k.replace("_", " "): v for k, v in values.items()})
    return [{"key": k, "value": v} for k, v in base.items()]


def snapshot(
    customers: list[dict[str, Any]],
    sends: list[dict[str, Any]] | None = None,
    states: list[dict[str, Any]] | None = None,
    config: list[dict[str, Any]] | None = None,
    plans: list[dict[str, Any]] | None = None,
) -> Snapshot:
    return Snapshot(
        {
            ONBOARDING.name: table(ONBOARDING.name, customers),
            PLANS.name: table(PLANS.name, plans if plans is not None else plan_rows()),
            SENDS.name: table(SENDS.name, sends or []),
            STATE.name: table(STATE.name, states or []),
            CONFIG.name: table(CONFIG.name, config if config is not None else config_rows()),
        }
    )


MONDAY = date(2026, 11, 2)
