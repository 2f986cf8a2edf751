"""The digest's funnel (issue 12): the journeys started in the last 90 days, live and archived,
counted in the digest's one read, and the funnel's chart inline in the email.

The workbook, on the standard plan (connect 3, invite 2, checkin 3: 8 business days in all), the
digest running on Monday 30 November 2026, so the funnel counts journeys started 1 September to
29 November. Counted by hand:

| journey | segment | outcome | days to finish | due, on time | stalls (took or open > expected) |
|---|---|---|---|---|---|
| F1, 2 Nov, archived | smb | finished 10 Nov | 6 | due, on time | invite (3 of 2) |
| F2, 2 Nov, archived | mid | finished 16 Nov | 10 | due, late | connect (4 of 3), checkin |
| X1, 2 Nov, archived | smb | cancelled 12 Nov | | not counted | invite (open since 3 Nov) |
| R1's first, 5 Oct, archived | smb | finished (archived 13 Oct) | 6 | due, on time | |
| R1's second, 23 Nov, live | smb | ongoing, 5 days | | not yet | connect (open 5 of 3) |
| L1, 16 Nov, live | smb | ongoing, 10 days | | due, late | connect (open 10 of 3) |
| L2, 25 Nov, live | smb | ongoing, 3 days | | not yet | |
| OLD, 3 Aug | smb | finished before the 90 days | | not counted | |

So: 7 started = 3 finished + 1 cancelled + 3 ongoing; on time 2 of 4 due (50%, below 85%);
median 6 and 90th percentile 10 business days; connect loses most: 3 of the 6 stalls.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Any

import pytest

from adapters.outbox import read_outbox
from app.bootstrap import build_ports, draw_digest_chart
from app.secrets import Secrets
from app.settings import Settings
from fakes.memory_workbook import InMemoryWorkbook
from guide.digest_funnel import digest_funnel
from guide.digest_run import send_digest
from guide.funnel_model import Funnel
from guide.reading import read_book
from guide.workbook import CellValue
from sheets.schema import CONFIG, ONBOARDING, PLANS, SENDS, SENDS_ARCHIVE, TABS
from tests.builders import config_rows, customer, plan_rows, send
from tests.conftest import MakePorts

NOW = datetime(2026, 11, 30, 14, 0, tzinfo=UTC)  # Monday 30 November, the digest's day
PNG = b"\x89PNG\r\n\x1a\n not really a chart"


def archived(cid: str, step: str, sent: str, done: str, started: str, at: str) -> dict[str, Any]:
    return {**send(cid, step, sent, done, started=started), "archived at": at}


ARCHIVE = [
    archived("OLD", "connect", "2026-08-03 09:00", "2026-08-13 10:00", "2026-08-03", "2026-08-13"),
    archived("F1", "connect", "2026-11-02 09:00", "2026-11-04 10:00", "2026-11-02", "2026-11-10"),
    archived("F1", "invite", "2026-11-04 11:00", "2026-11-09 10:00", "2026-11-02", "2026-11-10"),
    archived("F1", "checkin", "2026-11-09 11:00", "2026-11-10 08:00", "2026-11-02", "2026-11-10"),
    archived("F2", "connect", "2026-11-02 09:00", "2026-11-06 10:00", "2026-11-02", "2026-11-16"),
    archived("F2", "invite", "2026-11-06 11:00", "2026-11-10 10:00", "2026-11-02", "2026-11-16"),
    archived("F2", "checkin", "2026-11-10 11:00", "2026-11-16 08:00", "2026-11-02", "2026-11-16"),
    archived("X1", "connect", "2026-11-02 09:00", "2026-11-03 10:00", "2026-11-02", "2026-11-12"),
    archived("X1", "invite", "2026-11-03 11:00", "", "2026-11-02", "2026-11-12"),
    archived("R1", "connect", "2026-10-05 09:00", "2026-10-06 10:00", "2026-10-05", "2026-10-13"),
    archived("R1", "invite", "2026-10-06 11:00", "2026-10-08 10:00", "2026-10-05", "2026-10-13"),
    archived("R1", "checkin", "2026-10-08 11:00", "2026-10-12 10:00", "2026-10-05", "2026-10-13"),
]


def funnel_workbook() -> InMemoryWorkbook:
    finished = {"finished": True}
    rows: dict[str, list[dict[str, Any]]] = {
        ONBOARDING.name: [
            customer("F1", **finished, **{"finished on": "2026-11-10"}),
            customer("F2", segment="mid", **finished, **{"finished on": "2026-11-16"}),
            customer(
                "X1",
                **finished,
                **{"finished on": "2026-11-12", "finished by": "cancelled: not a fit (Sam)"},
            ),
            customer("R1", **{"started on": "2026-11-23"}),
            customer("L1", **{"started on": "2026-11-16"}),
            customer("L2", **{"started on": "2026-11-25"}),
            customer(
                "OLD", **finished, **{"started on": "2026-08-03", "finished on": "2026-08-13"}
            ),
        ],
        PLANS.name: plan_rows(),
        SENDS.name: [
            send("R1", "connect", "2026-11-23 09:00", started="2026-11-23"),
            send("L1", "connect", "2026-11-16 09:00", started="2026-11-16"),
            send("L2", "connect", "2026-11-25 09:00", started="2026-11-25"),
        ],
        SENDS_ARCHIVE.name: ARCHIVE,
        CONFIG.name: config_rows(digest_recipients="boss@example.com", sender="og@example.com"),
    }
    workbook = InMemoryWorkbook()
    for tab in TABS:
        header: list[CellValue] = list(tab.columns)
        body = [[r.get(str(c)) for c in header] for r in rows.get(tab.name, [])]
        workbook.tabs[tab.name] = [header, *body]
    return workbook


def the_digest(outbox: Path) -> EmailMessage:
    (entry,) = [e for e in read_outbox(outbox) if e.kind == "mail"]
    with entry.path.open("rb") as f:
        message = BytesParser(policy=policy.default).parse(f)
    assert isinstance(message, EmailMessage)
    return message


def images(message: EmailMessage) -> list[EmailMessage]:
    return [p for p in message.walk() if p.get_content_maintype() == "image"]


def test_the_funnel_counts_live_archived_finished_and_cancelled_journeys_in_the_one_read(
    make_ports: MakePorts, outbox: Path
) -> None:
    # Given the workbook counted by hand above
    workbook = funnel_workbook()
    # When the digest runs
    run = send_digest(make_ports(workbook), NOW)
    # Then it read once, og-sends-archive whole in that read, and wrote nothing
    assert (workbook.reads, workbook.writes) == (1, 0)
    tabs, header_only = workbook.last_read
    assert SENDS_ARCHIVE.name in tabs and SENDS_ARCHIVE.name not in header_only
    # And the funnel's numbers are the hand count's, and add up
    f = run.digest.funnel
    assert f is not None and run.problems == []
    o = f.overall
    assert (o.started, o.finished, o.cancelled, o.in_progress) == (7, 3, 1, 3)
    assert o.started == o.finished + o.cancelled + o.in_progress + o.reenrolled
    assert (o.due, o.on_time, o.on_time_rate, o.meets_target) == (4, 2, 0.5, False)
    assert (o.median_days, o.p90_days) == (6.0, 10.0)
    segments = {g.segment: g for g in f.groups}
    smb, mid = segments["smb"], segments["mid"]
    assert (smb.started, smb.finished, smb.cancelled, smb.in_progress) == (6, 2, 1, 3)
    assert (mid.started, mid.finished, mid.on_time_rate, mid.median_days) == (1, 1, 0.0, 10.0)
    (plan,) = f.plans
    stalls = {s.step_id: s.stalls for s in plan.steps}
    assert stalls == {"connect": 3, "invite": 2, "checkin": 1}
    assert plan.worst_step is not None and plan.worst_step.step_id == "connect"
    # And the plain-text part shows them as a table, the leaking step named
    text = the_digest(outbox).get_body(("plain",)).get_content()  # type: ignore[union-attr]
    table = text[text.index("FUNNEL: JOURNEYS STARTED IN THE LAST 90 DAYS") :]
    assert "Started 1 Sep to 29 Nov" in table
    lines = {line.split()[0]: line.split()[1:] for line in table.splitlines() if line.strip()}
    assert lines["standard"] == ["7", "3", "1", "3", "50%!", "6", "10"]
    assert lines["smb"] == ["6", "2", "1", "3", "67%!", "6", "6"]
    assert lines["mid"] == ["1", "1", "0", "0", "0%!", "10", "10"]
    assert "standard: step 1 “Connect” (expected 3 business days): 3 of the plan's 6" in table


def test_the_email_carries_the_chart_once_inline_where_the_html_refers_to_it(
    make_ports: MakePorts, outbox: Path
) -> None:
    # Given the app's chart hook, here answering fixed bytes, counting its calls
    drawn: list[Funnel] = []

    def chart(f: Funnel) -> bytes:
        drawn.append(f)
        return PNG

    ports = make_ports(funnel_workbook())
    ports.digest_chart = chart
    # When the digest runs
    send_digest(ports, NOW)
    # Then the chart was drawn once, and the email shows it inline: one PNG, named by the
    # Content-ID the HTML's <img> refers to, beside the HTML in a multipart/related
    assert len(drawn) == 1
    message = the_digest(outbox)
    (image,) = images(message)
    assert image.get_content_type() == "image/png" and image.get_payload(decode=True) == PNG
    assert image.get_content_disposition() == "inline"
    cid = str(image["Content-ID"]).strip("<>")
    html = message.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert html.count(f'src="cid:{cid}"') == 1
    related = message.get_body(("related",))
    assert related is not None and image in list(related.iter_parts())


def test_a_chart_that_cannot_be_drawn_leaves_the_digest_going_without_it_and_warns(
    make_ports: MakePorts, outbox: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # Given a chart hook that fails, as a deployment without matplotlib would
    def chart(f: Funnel) -> bytes:
        raise ModuleNotFoundError("No module named 'matplotlib'")

    ports = make_ports(funnel_workbook())
    ports.digest_chart = chart
    # When the digest runs
    with caplog.at_level(logging.WARNING):
        run = send_digest(ports, NOW)
    # Then the digest still goes, with its funnel table and no image nor reference to one
    assert run.sent_to == ["boss@example.com"]
    message = the_digest(outbox)
    assert images(message) == []
    html = message.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert "Funnel: journeys started in the last 90 days" in html and "cid:" not in html
    # And the failure is logged as a warning, naming what went wrong
    (warning,) = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert "funnel chart" in warning.getMessage()
    assert warning.exc_info is not None and "matplotlib" in str(warning.exc_info[1])


def test_the_app_wires_a_chart_hook_that_draws_a_png(tmp_path: Path) -> None:
    """The hook ``app.bootstrap`` gives the digest draws the funnel with matplotlib."""
    env = {"OG_WORKBOOK": str(tmp_path / "book.xlsx"), "OG_OUTBOX": str(tmp_path / "outbox")}
    ports = build_ports(Settings.from_env(env), Secrets("", "", b"k" * 32))
    assert ports.digest_chart is draw_digest_chart
    snapshot = funnel_workbook().read([t.name for t in TABS])
    f = digest_funnel(snapshot, read_book(snapshot), NOW.date(), [])
    assert draw_digest_chart(f).startswith(b"\x89PNG\r\n\x1a\n")


def test_archive_rows_before_the_90_days_are_not_read_and_a_problem_keeps_its_sheet_row(
    make_ports: MakePorts,
) -> None:
    """Given an unreadable 'sent at' in the archived row of OLD's August journey (row 2) and in
    one of X1's November journey (row 10), when the digest runs, then only X1's is reported,
    with its own row in the sheet, and the funnel still counts every journey."""
    workbook = funnel_workbook()
    archive = workbook.tabs[SENDS_ARCHIVE.name]
    sent = archive[0].index("sent at")
    for row in (2, 10):
        archive[row - 1][sent] = "soon"
    run = send_digest(make_ports(workbook), NOW)
    assert [(p.tab, p.row, p.customer_id) for p in run.problems] == [(SENDS_ARCHIVE.name, 10, "X1")]
    assert run.digest.funnel is not None and run.digest.funnel.overall.started == 7
