"""The tick posts a mail hint on the flag it sends (issue 12), end to end through the local ports.

Given the demo workbook, where Evergreen Health (C005) is stuck on 'Invite a teammate', and
og-activity records that the step's email was opened the Wednesday before, When Monday's tick
runs, Then Sam's flag says the email was opened and the step is still not done, with the
long-step intervention first.
"""

from __future__ import annotations

from pathlib import Path

from app.demo import build_demo
from fakes.memory_workbook import InMemoryWorkbook
from guide.mail_health import OPEN, MailEvent
from guide.stalls import defaults
from guide.workbook import Changes
from tests.conftest import MakePorts
from tests.unit.tick_world import MON, calls, tick

SAM = "U01SAMRIVERA"


def test_the_posted_flag_carries_the_hint_and_its_intervention(
    make_ports: MakePorts, outbox: Path
) -> None:
    workbook = InMemoryWorkbook()
    build_demo(workbook, MON)
    (evergreen,) = [r for r in workbook.rows("onboarding") if r["customer id"] == "C005"]
    opened = MailEvent(OPEN, "step invite-teammate", str(evergreen["contact email"]))
    snapshot, changes = workbook.read(["og-activity"]), Changes()
    changes.append(
        "og-activity",
        {
            "at": "2026-11-18 08:00",  # Wednesday: Thursday, Friday, Monday are 3 business days
            "customer id": "C005",
            "kind": "mail event",
            "name": OPEN,
            "detail": opened.detail(),
            "event id": "ses-1:open",
        },
    )
    workbook.commit(snapshot, changes)

    tick(make_ports(workbook), MON)

    (flag,) = [p for p in calls(outbox, "chat.postMessage", SAM) if "Evergreen" in p["text"]]
    words = str(flag["blocks"])
    assert "email opened 3 business days ago and still not done" in words
    long_step = next(r for r in defaults.INTERVENTIONS if r["stall kind"] == "long_step")
    ideas = next(b["text"]["text"] for b in flag["blocks"] if "Suggested interventions" in str(b))
    assert ideas.split("\n")[1] == f"• {long_step['suggestion']}"
