"""Benchmark workbooks: N customers on an 8-step plan in three phases and three segments, in the
mix of states a real sheet has, with the default stall rules, 10 og-activity rows each and the
og-triage yesterday's tick left."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from app.demo import business_days_ago
from guide import triage
from guide.cells import stamp
from guide.mail_health import mail_health
from guide.reading import read_book
from guide.stalls import defaults, read_stall_inputs
from guide.tick.decide import decide
from guide.workbook import Snapshot, Table
from sheets.schema import (
    ACTIVITY,
    AUDIT,
    BY_NAME,
    CONFIG,
    INTERVENTIONS,
    ONBOARDING,
    PLANS,
    SENDS,
    SENDS_ARCHIVE,
    STALL_RULES,
    STATE,
    TASKS,
    TRIAGE,
)
from sheets.schema import SEGMENTS as SEGMENTS_TAB

STEPS = 8
PLAN = "growth"
SEGMENTS = ("smb", "mid-market", "enterprise")
ACTIVITY_PER_CUSTOMER = 10
# Enterprise steps take half as long again; mid-market's Rollout phase has its own length.
SEGMENT_ROWS = [
    {"segment": "enterprise", "multiplier": 1.5},
    {"segment": "mid-market", "phase": "Rollout", "expected days": 12},
]


def _rows(tab: str, records: list[dict[str, Any]]) -> list[list[Any]]:
    header = list(BY_NAME[tab].columns)
    return [header] + [[r.get(c, "") for c in header] for r in records]


def workload(customers: int, today: date, *, stall_data: bool = True) -> dict[str, list[list[Any]]]:
    """Every customer ``i`` gets a state from ``i % 20``: new, paused, handed off, finished,
    all steps done, or midway with its current step sent a varying number of business days
    ago (on track, stalled and flagged, newly stalled, escalated).

    ``stall_data=False`` is the baseline the stall intelligence is measured against: the same
    customers and sends with no phases, product-event steps, assignees, segment lengths or
    og-activity rows, as a workbook looked before the stall engine had anything to read."""
    plans = [
        {
            "plan": PLAN,
            "order": k,
            "step id": f"step-{k}",
            "title": f"Step {k}",
            "expected days": 3,
            "owned by": "customer" if k % 3 else "us",
            "email subject": f"Step {k}: next up",
            "email body": "Hi {name}, next: {step}.",
            # Phases of three steps; the first step is done by a product event.
            "phase": ("Setup", "Adoption", "Rollout")[(k - 1) // 3] if (k - 1) % 3 == 0 else "",
            "done when": "user.activated" if k == 1 else "",
            "assignee": "Alex" if k % 3 == 0 else "",
        }
        for k in range(1, STEPS + 1)
    ]
    if not stall_data:
        plans = [{**p, "phase": "", "done when": "", "assignee": ""} for p in plans]
    onboarding: list[dict[str, Any]] = []
    sends: list[dict[str, Any]] = []
    states: list[dict[str, Any]] = []
    activity: list[dict[str, Any]] = []

    def at(days_ago: int) -> str:
        return stamp(datetime.combine(business_days_ago(today, days_ago), time(9, 0)))

    for i in range(customers):
        cid = f"C{i:06d}"
        kind = i % 20
        started = business_days_ago(today, 40).isoformat()
        onboarding.append(
            {
                "customer id": cid,
                "company": f"Company {i}",
                "contact name": f"Contact {i}",
                "contact email": f"c{i}@example.com",
                "plan": PLAN,
                "owner": "Sam" if i % 2 else "Alex",
                "segment": SEGMENTS[i % len(SEGMENTS)],
                "arr": f"{(i % 50 + 1) * 1000}",
                "started on": started,
                "paused": kind == 1,
                "handed off to": "Alex" if kind == 2 else "",
                "finished": kind == 3,
            }
        )
        journey = f"{cid}/{PLAN}/{started}"
        # Logins, replies and events, oldest first.
        for n in range(ACTIVITY_PER_CUSTOMER if stall_data else 0):
            kind_n = ("activity", "response", "event", "activity", "mail event")[n % 5]
            name = {"event": "feature.used", "mail event": "delivered"}.get(kind_n, "login")
            activity.append(
                {"at": at(40 - 4 * n), "customer id": cid, "kind": kind_n, "name": name}
            )
        if kind in (0, 1, 2, 3):
            continue
        done_steps = STEPS if kind == 4 else i % STEPS
        for k in range(1, done_steps + 1):
            sends.append(
                {
                    "journey id": journey,
                    "customer id": cid,
                    "step id": f"step-{k}",
                    "sent at": at(40 - k),
                    "done at": at(39 - k),
                    "done by": "customer",
                    "reminders sent": 0,
                }
            )
        if done_steps < STEPS:
            waited = [1, 2, 5, 6, 15][kind % 5]  # on track, on track, stalled, stalled, escalated
            current = f"step-{done_steps + 1}"
            sends.append(
                {
                    "journey id": journey,
                    "customer id": cid,
                    "step id": current,
                    "sent at": at(waited),
                    "reminders sent": 0,
                }
            )
            if waited >= 5 and kind % 3:  # most stalls were flagged on an earlier day
                states.append(
                    {
                        "customer id": cid,
                        "journey id": journey,
                        "flag step": current,
                        "flag level": 2 if waited > 13 else 1,
                        "flag channel": "U0SAM",
                        "flag ts": f"1732000000.{i:06d}",
                    }
                )
    config = [
        {"key": "timezone", "value": "America/New_York"},
        {"key": "team", "value": "Sam | U0SAM | sam@example.com"},
        {"key": "team", "value": "Alex | U0ALEX | alex@example.com"},
        {"key": "manager", "value": "U0MANAGER"},
        {"key": "slack channel", "value": "#onboarding"},
        {"key": "digest recipients", "value": "manager@example.com"},  # the digest bench
    ]
    tables = {
        ONBOARDING.name: _rows(ONBOARDING.name, onboarding),
        PLANS.name: _rows(PLANS.name, plans),
        SENDS.name: _rows(SENDS.name, sends),
        SENDS_ARCHIVE.name: _rows(SENDS_ARCHIVE.name, []),
        STATE.name: _rows(STATE.name, states),
        AUDIT.name: _rows(AUDIT.name, []),
        CONFIG.name: _rows(CONFIG.name, config),
        ACTIVITY.name: _rows(ACTIVITY.name, activity),
        STALL_RULES.name: _rows(STALL_RULES.name, list(defaults.STALL_RULES)),
        INTERVENTIONS.name: _rows(INTERVENTIONS.name, list(defaults.INTERVENTIONS)),
        TASKS.name: _rows(TASKS.name, []),
        SEGMENTS_TAB.name: _rows(SEGMENTS_TAB.name, SEGMENT_ROWS if stall_data else []),
    }
    tables[TRIAGE.name] = _rows(TRIAGE.name, previous_triage(tables, today))
    return tables


def previous_triage(tables: dict[str, list[list[Any]]], today: date) -> list[dict[str, Any]]:
    """og-triage as the tick of the business day before ``today`` left it: a workbook in use
    has one, and today's tick rewrites only the cells that changed since (days grow, stalls
    start), as it does every day after the first."""
    snapshot = Snapshot({tab: Table(tab, rows[0], rows[1:]) for tab, rows in tables.items()})
    book = read_book(snapshot)
    extra = read_stall_inputs(snapshot, book)
    yesterday = business_days_ago(today, 1)
    mail = mail_health(snapshot.tables[ACTIVITY.name], ZoneInfo(book.config.timezone))
    return triage.triage_rows(book, yesterday, decide(book, yesterday, extra, mail), extra)
