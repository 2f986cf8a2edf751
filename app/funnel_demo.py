"""``make report-chart``: the demo workbook with four months of past journeys, its funnel printed
and drawn (``demo/report/funnel.png``).

The demo workbook alone has a dozen live customers and no history; the funnel is about history,
so this adds finished (and a few re-enrolled) journeys the way the guide leaves them: a finished
onboarding row and its step rows in og-sends-archive. Seeded, so the picture is the same each run
for the same day; "Invite a teammate" is the step customers linger on, as the chart should show.
"""

from __future__ import annotations

import argparse
import random
import shutil
from datetime import UTC, date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

from adapters.xlsx_workbook import XlsxWorkbook
from app.demo import HOLIDAYS, PLAN_STEPS, build_demo, business_days_ago, last_business_day
from app.funnel_chart import draw_funnel_chart
from app.report_funnel import render_funnel
from guide.cells import stamp
from guide.funnel_read import REPORT_READS, read_funnel
from guide.ports import Workbook
from guide.workbook import Changes
from sheets.schema import ONBOARDING, SENDS_ARCHIVE

PAST_JOURNEYS = 140
# How long customers take on each step, as a multiple of its expected days (the second step drags).
PACE = {"connect-data": 0.8, "invite-teammate": 1.7, "book-checkin": 0.7, "first-report": 0.9}


def _later(start: date, days: int) -> date:
    """``days`` business days after ``start``."""
    current, left = start, days
    while left > 0:
        current = date.fromordinal(current.toordinal() + 1)
        if current.weekday() < 5 and current not in HOLIDAYS:
            left -= 1
    return current


def add_past_journeys(workbook: Workbook, today: date, count: int = PAST_JOURNEYS) -> None:
    """Append ``count`` past journeys, started over the 85 business days before ``today``."""
    rng = random.Random(12)
    snapshot = workbook.read(REPORT_READS)
    changes = Changes()
    for n in range(count):
        customer_id = f"P{n:03d}"
        plan = "enterprise" if n % 4 == 0 else "standard"
        factor = 2 if plan == "enterprise" else 1
        started = business_days_ago(today, rng.randint(30, 115))
        reenrolled = n % 23 == 5  # moved to another plan after two steps
        dates: list[tuple[str, date, date | None]] = []
        at = started
        for step_id, _title, days, *_rest in PLAN_STEPS[: 3 if reenrolled else None]:
            took = max(0, round(rng.gauss(PACE[step_id] * days * factor, 1.2)))
            done = _later(at, took)
            dates.append((step_id, at, None if reenrolled and len(dates) == 2 else done))
            at = done
        finished_on = _later(at, 1)  # the next morning's tick finishes it
        if finished_on > today:
            continue  # still going when the story ends: the live sheet has those
        journey_id = f"{customer_id}/{plan}/{started.isoformat()}"
        for step_id, sent, done_on in dates:
            changes.append(
                SENDS_ARCHIVE.name,
                {
                    "journey id": journey_id,
                    "customer id": customer_id,
                    "step id": step_id,
                    "sent at": stamp(datetime.combine(sent, time(9, 5))),
                    "done at": stamp(datetime.combine(done_on, time(14, 30))) if done_on else "",
                    "done by": "customer" if done_on else "",
                    "reminders sent": 0,
                    "archived at": stamp(datetime.combine(finished_on, time(9, 0))),
                },
            )
        changes.append(
            ONBOARDING.name,
            {
                "customer id": customer_id,
                "company": f"Past customer {n}",
                "contact name": "Pat",
                "contact email": f"{customer_id.lower()}@example.com",
                "plan": "standard" if reenrolled else plan,
                "owner": "Sam Rivera" if n % 2 else "Alex Chen",
                "segment": "mid-market" if n % 3 == 0 else "smb",
                "started on": (finished_on if reenrolled else started).isoformat(),
                "finished": not reenrolled,
                "finished on": "" if reenrolled else finished_on.isoformat(),
                "finished by": "" if reenrolled else "guide",
            },
        )
    workbook.commit(snapshot, changes)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default="demo/report", help="folder for workbook and chart")
    parser.add_argument("--today", help="the demo's date (default: today)")
    args = parser.parse_args(argv)
    today = (
        date.fromisoformat(args.today)
        if args.today
        else last_business_day(datetime.now(ZoneInfo("America/New_York")).date())
    )
    folder = Path(args.out)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    workbook = XlsxWorkbook(folder / "onboarding.xlsx")
    build_demo(workbook, today)
    add_past_journeys(workbook, today)
    now = datetime.combine(today, time(14, 0), UTC)
    funnel, _problems = read_funnel(workbook, None, today, now)
    print(render_funnel(funnel))
    print(f"\nwrote {draw_funnel_chart(funnel, folder / 'funnel.png')}")


if __name__ == "__main__":
    main()
