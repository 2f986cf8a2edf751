"""The demo workbook: a dozen customers in every state the guide knows, and a few typos.

Dates are laid out relative to ``today`` in business days, so the demo shows the same story
whatever day it runs.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from app.setup_workbook import DEFAULT_ROWS
from guide.calendar import is_business_day
from guide.cells import stamp
from guide.ports import Workbook
from guide.workbook import CellValue, Changes
from sheets.schema import ACTIVITY, CONFIG, ONBOARDING, PLANS, SENDS, STATE, TABS

HOLIDAYS = (date(2026, 11, 26), date(2026, 12, 25), date(2027, 1, 1))

PLAN_STEPS = [
    (
        "connect-data",
        "Connect your data",
        3,
        "customer",
        "Step 1: connect your data",
        "Hi {name},\n\nFirst step: connect {company}'s data source. It takes about ten minutes.",
    ),
    (
        "invite-teammate",
        "Invite a teammate",
        2,
        "customer",
        "Step 2: bring a teammate",
        "Hi {name},\n\nOnboarding goes faster with two. "
        "Invite one teammate to {company}'s workspace.",
    ),
    (
        "book-checkin",
        "Book the check-in",
        3,
        "us",
        "Step 3: let's book your check-in",
        "Hi {name},\n\nPick a slot for a 30-minute check-in with your onboarding lead.",
    ),
    (
        "first-report",
        "Share your first report",
        5,
        "customer",
        "Step 4: your first report",
        "Hi {name},\n\nLast step: build and share a first report.",
    ),
]


TIMEZONE = "America/New_York"  # the demo team's, in og-config


def business_days_ago(today: date, days: int) -> date:
    current = today
    while days > 0:
        current -= timedelta(days=1)
        if is_business_day(current, HOLIDAYS):
            days -= 1
    return current


def last_business_day(today: date) -> date:
    """The demo tells its story on a working day: the tick does nothing at weekends."""
    return today if is_business_day(today, HOLIDAYS) else business_days_ago(today, 1)


def build_demo(workbook: Workbook, today: date) -> None:
    """Fill an empty workbook with the demo's plans, customers, sends and settings."""
    workbook.ensure_tabs([t.name for t in TABS])
    snapshot = workbook.read([t.name for t in TABS])
    changes = Changes()

    def at(days_ago: int) -> str:
        return stamp(datetime.combine(business_days_ago(today, days_ago), time(9, 5)))

    def day(days_ago: int) -> str:
        return business_days_ago(today, days_ago).isoformat()

    for key, value in [
        ("timezone", TIMEZONE),
        ("escalate after days", "10"),
        ("sender", "onboarding@example.com"),
        ("reply to", "success@example.com"),
        ("slack channel", "#onboarding"),
        ("manager", "U03MORGAN"),
        ("team", "Sam Rivera | U01SAMRIVERA | sam@example.com"),
        ("team", "Alex Chen | U02ALEXCHEN | alex@example.com"),
        ("digest recipients", "morgan@example.com, sam@example.com"),
        ("holidays", ", ".join(h.isoformat() for h in HOLIDAYS)),
        ("link ttl days", "30"),
    ]:
        changes.append(CONFIG.name, {"key": key, "value": value})
    for order, (step_id, title, days, owner, subject, body) in enumerate(PLAN_STEPS, start=1):
        for plan in ("standard", "enterprise"):
            changes.append(
                PLANS.name,
                {
                    "plan": plan,
                    "order": order,
                    "step id": step_id,
                    "title": title,
                    "expected days": days * (2 if plan == "enterprise" else 1),
                    "owned by": owner,
                    "email subject": subject,
                    "email body": body,
                },
            )

    customers: list[dict[str, CellValue]] = [
        _c("C001", "Acme Analytics", "Priya Natarajan", "priya@acme.example", started=""),
        _c(
            "C002",
            "Birchwood Co",
            "Tom Birch",
            "tom@birchwood.example",
            started=business_days_ago(today, 0).strftime("%-m/%-d/%Y"),
        ),
        _c("C003", "Cobalt Labs", "Ines Duarte", "ines@cobalt.example", started=day(4)),
        _c("C004", "Dune Logistics", "Omar Haddad", "omar@dune.example", started=day(5)),
        _c("C005", "Evergreen Health", "Grace Kim", "grace@evergreen.example", started=day(12)),
        _c(
            "C006",
            "Fjord Travel",
            "Lars Berg",
            "lars@fjord.example",
            started=day(20),
            owner="Alex Chen",
        ),
        _c(
            "C007", "Granite Works", "Ana Souza", "ana@granite.example", started=day(9), paused=True
        ),
        _c(
            "C008",
            "Harbor Freight Co",
            "Dev Patel",
            "dev@harbor.example",
            started=day(15),
            handed_off="Alex Chen",
            plan="enterprise",
        ),
        _c("C009", "Indigo Studio", "Mia Wong", "mia@indigo.example", started=day(14)),
        _c(
            "C010",
            "Juniper Bank",
            "Leo Marsh",
            "leo@juniper.example",
            started=day(30),
            finished=True,
        ),
        _c(
            "C011",
            "Kestrel & Sons <Ltd>",
            "Kai Stone",
            "kai@kestrel.example",
            started=day(2),
            plan="standrad",
        ),
        _c("C012", "Lumen Retail", "Zoe Park", "", started=day(3), paused="maybe"),
        _c("C003", "Cobalt Labs (copy)", "Ines Duarte", "ines@cobalt.example", started=day(4)),
    ]
    for values in customers:
        changes.append(ONBOARDING.name, values)

    def sent(
        customer: str,
        started: int,
        step: str,
        sent_ago: int,
        done_ago: int | None,
        plan: str = "standard",
    ) -> None:
        changes.append(
            SENDS.name,
            {
                "journey id": f"{customer}/{plan}/{day(started)}",
                "customer id": customer,
                "step id": step,
                "sent at": at(sent_ago),
                "done at": at(done_ago) if done_ago is not None else "",
                "done by": "customer" if done_ago is not None else "",
                "reminders sent": 0,
            },
        )

    sent("C003", 4, "connect-data", 4, 2)
    sent("C003", 4, "invite-teammate", 2, None)
    sent("C004", 5, "connect-data", 5, 1)
    sent("C005", 12, "connect-data", 12, 9)
    sent("C005", 12, "invite-teammate", 8, None)
    sent("C006", 20, "connect-data", 18, None)
    sent("C007", 9, "connect-data", 9, None)
    sent("C008", 15, "connect-data", 15, 10, plan="enterprise")
    for i, (step_id, *_rest) in enumerate(PLAN_STEPS):
        sent("C009", 14, step_id, 14 - 3 * i, 13 - 3 * i)
    for tab, rows in DEFAULT_ROWS.items():  # the setup's stall rules and interventions
        for row in rows:
            changes.append(tab, row)
    # What the customers' product and people said: Evergreen logged in once after its invite
    # went out and has been quiet since; Fjord's mail bounced (so the flag suggests spam).
    for customer, ago, kind, name in [
        ("C003", 1, "activity", "login"),
        ("C004", 1, "response", "reply to step email"),
        ("C005", 9, "response", "reply to step email"),
        ("C005", 6, "activity", "login"),
        ("C006", 17, "mail event", "bounce"),
        ("C009", 2, "activity", "login"),
    ]:
        changes.append(
            ACTIVITY.name,
            {"at": at(ago), "customer id": customer, "kind": kind, "name": name, "detail": ""},
        )
    changes.append(
        STATE.name,
        {
            "customer id": "C007",
            "journey id": f"C007/standard/{day(9)}",
            "paused at": at(3),
            "pause note": "=Waiting on their security review (IT ticket #4412)",
            "paused by": "Sam Rivera",
        },
    )
    changes.append(
        STATE.name,
        {
            "customer id": "C008",
            "journey id": f"C008/enterprise/{day(15)}",
            "handed off to": "Alex Chen",
            "handed off at": at(2),
            "handed off by": "Sam Rivera",
        },
    )
    workbook.commit(snapshot, changes)


def _c(
    customer_id: str,
    company: str,
    contact: str,
    email: str,
    started: str,
    plan: str = "standard",
    owner: str = "Sam Rivera",
    paused: bool | str = False,
    handed_off: str = "",
    finished: bool = False,
) -> dict[str, CellValue]:
    return {
        "customer id": customer_id,
        "company": company,
        "contact name": contact,
        "contact email": email,
        "plan": plan,
        "owner": owner,
        "segment": "smb",
        "started on": started,
        "paused": paused,
        "handed off to": handed_off,
        "finished": finished,
        "finished on": "2026-10-30" if finished else "",
        "finished by": "Sam Rivera" if finished else "",
        "arr": {"C005": "$48,000", "C006": "$120,000"}.get(customer_id, ""),
    }
