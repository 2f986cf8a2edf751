"""A small workbook for stall tests, built from rows: a plan, one customer, their sends and
activity, and the stall tabs (the setup's defaults unless a test gives its own rules)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from guide.model import Book, Customer
from guide.reading import read_book
from guide.stalls import Assessment, StallInputs, assess, defaults, read_stall_inputs
from guide.workbook import Snapshot, Table
from sheets.schema import (
    ACTIVITY,
    BY_NAME,
    CONFIG,
    INTERVENTIONS,
    ONBOARDING,
    PLANS,
    SEGMENTS,
    SENDS,
    STALL_RULES,
    STATE,
    TASKS,
)

START = "2026-11-02"  # a Monday


def table(tab: str, rows: list[dict[str, Any]]) -> Table:
    header = list(BY_NAME[tab].columns)
    return Table(tab, header, [[r.get(h) for h in header] for r in rows])


def step(step_id: str, days: int, order: int, **more: Any) -> dict[str, Any]:
    return {
        "plan": "standard",
        "order": order,
        "step id": step_id,
        "title": more.pop("title", step_id.title()),
        "expected days": days,
        "owned by": "customer",
        **more,
    }


def rule(condition: str, threshold: str, severity: str, **more: Any) -> dict[str, Any]:
    return {"condition": condition, "threshold days": threshold, "severity": severity, **more}


@dataclass
class World:
    steps: list[dict[str, Any]]
    sends: list[tuple[str, str, str]] = field(default_factory=list)  # step, sent, done
    activity: list[tuple[str, str, str]] = field(default_factory=list)  # at, kind, name
    rules: list[dict[str, Any]] | None = None  # None: the setup's defaults
    segments: list[dict[str, Any]] = field(default_factory=list)
    holidays: str = ""
    customer: dict[str, Any] = field(default_factory=dict)
    state: dict[str, Any] | None = None

    def snapshot(self) -> Snapshot:
        row = {
            "customer id": "C1",
            "company": "Acme",
            "contact name": "Priya N",
            "contact email": "priya@acme.example",
            "plan": "standard",
            "owner": "Sam",
            "segment": "smb",
            "started on": START,
            **self.customer,
        }
        journey = f"C1/standard/{row['started on']}"
        sends = [
            {"journey id": journey, "customer id": "C1", "step id": s, "sent at": sent,
             "done at": done}
            for s, sent, done in self.sends
        ]  # fmt: skip
        config = [{"key": "timezone", "value": "UTC"}]
        if self.holidays:
            config.append({"key": "holidays", "value": self.holidays})
        rules = list(defaults.STALL_RULES) if self.rules is None else self.rules
        activity = [
            {"at": at, "customer id": "C1", "kind": kind, "name": name}
            for at, kind, name in self.activity
        ]
        states = [{"customer id": "C1", **self.state}] if self.state else []
        return Snapshot(
            {
                ONBOARDING.name: table(ONBOARDING.name, [row]),
                PLANS.name: table(PLANS.name, self.steps),
                SENDS.name: table(SENDS.name, sends),
                STATE.name: table(STATE.name, states),
                CONFIG.name: table(CONFIG.name, config),
                ACTIVITY.name: table(ACTIVITY.name, activity),
                STALL_RULES.name: table(STALL_RULES.name, rules),
                INTERVENTIONS.name: table(INTERVENTIONS.name, list(defaults.INTERVENTIONS)),
                TASKS.name: table(TASKS.name, []),
                SEGMENTS.name: table(SEGMENTS.name, self.segments),
            }
        )

    def read(self) -> tuple[Book, StallInputs, Customer]:
        snapshot = self.snapshot()
        book = read_book(snapshot)
        extra = read_stall_inputs(snapshot, book)
        assert not book.problems, book.problems
        assert not extra.problems, extra.problems
        return book, extra, book.customers[0]

    def on(self, day: date) -> Assessment:
        book, extra, customer = self.read()
        return assess(book, extra, customer, day)


def fired(assessment: Assessment) -> set[tuple[str, str]]:
    return {(f.condition, f.severity) for f in assessment.fired}
