"""`make digest-preview`: the weekly digest of the demo workbook, as a person would receive it.

Builds the demo workbook as of the last business day before ``--today``, runs that day's tick on
it (so there are enrollments, sends and a finish to report), adds a customer ticked paused in the
sheet long ago that the guide never recorded, and builds the digest on ``--today``, with its
funnel and the funnel's chart as the digest function draws them. Writes the email's parts
(``digest.html``, ``digest.txt``, the chart as ``funnel.png``, which the HTML shows where the
email refers to it by ``cid:``) and, when Chromium is installed, a screenshot of the HTML at
600 px (``digest.png``), the width mail clients give it.

    python -m app.digest_preview [--out demo/digest] [--today 2026-11-30]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from adapters.xlsx_workbook import XlsxWorkbook
from app.bootstrap import build_ports, draw_digest_chart
from app.demo import last_business_day
from app.secrets import load_secrets
from app.settings import Settings
from guide.digest import build_digest
from guide.digest_funnel import DIGEST_HEADER_ONLY, DIGEST_READS, digest_funnel
from guide.digest_render import CHART_ID, digest_email
from guide.links import LinkSigner, resume_links
from guide.reading import read_book
from guide.tick import run_tick
from guide.workbook import Changes
from sheets.schema import ONBOARDING, TABS

PREVIEW_KEY = b"digest-preview-key-not-a-secret"
RESUME_URL = "http://127.0.0.1:8080/resume"


def _forgotten_pause(workbook: XlsxWorkbook, started: date) -> None:
    """A box ticked in the sheet before the guide recorded pauses: no og-state row at all."""
    snapshot = workbook.read([t.name for t in TABS])
    changes = Changes()
    changes.append(
        ONBOARDING.name,
        {
            "customer id": "C014",
            "company": "Nimbus & Co <Europe>",
            "contact name": "Eva Lind",
            "contact email": "eva@nimbus.example",
            "plan": "standard",
            "owner": "Alex Chen",
            "segment": "mid",
            "started on": started.isoformat(),
            "paused": True,
            "finished": False,
        },
    )
    workbook.commit(snapshot, changes)


def build_preview(folder: Path, today: date) -> Path:
    """Write digest.html and digest.txt for the demo into ``folder``; return the HTML's path."""
    from app.demo import build_demo

    tick_day = last_business_day(today - timedelta(days=1))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "onboarding.xlsx"
        workbook = XlsxWorkbook(path)
        build_demo(workbook, tick_day)
        _forgotten_pause(workbook, tick_day - timedelta(days=200))
        env = {"OG_WORKBOOK": str(path), "OG_OUTBOX": str(Path(tmp) / "outbox")}
        settings = Settings.from_env(env)
        tick_at = datetime.combine(tick_day, datetime.min.time(), tzinfo=UTC)
        run_tick(build_ports(settings, load_secrets(settings)), tick_at, on=tick_day)
        snapshot = workbook.read(DIGEST_READS, header_only=DIGEST_HEADER_ONLY)
        book = read_book(snapshot)
    now = datetime.combine(today, datetime.min.time(), tzinfo=UTC)
    links = resume_links(LinkSigner(PREVIEW_KEY), RESUME_URL, now)
    funnel = digest_funnel(snapshot, book, today, [])
    digest = replace(build_digest(book, today, links), funnel=funnel)
    chart = draw_digest_chart(funnel)
    recipients = ", ".join(book.config.digest_recipients)
    email = digest_email(digest, book.config.sender, recipients, chart)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "digest.txt").write_text(f"Subject: {email.subject}\n\n{email.text}")
    (folder / "funnel.png").write_bytes(chart)
    html_path = folder / "digest.html"
    # A browser has no message to resolve cid: in; the file beside the page stands in for it.
    html_path.write_text(email.html.replace(f"cid:{CHART_ID}", "funnel.png"))
    return html_path


def screenshot(html_path: Path, png: Path, width: int = 600, height: int = 2800) -> bool:
    """Render ``html_path`` headless at ``width`` px; False when no Chromium is installed."""
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        return False
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [
                browser,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                f"--user-data-dir={profile}",
                f"--window-size={width},{height}",  # the whole digest, funnel chart included
                "--hide-scrollbars",
                f"--screenshot={png.resolve()}",
                html_path.resolve().as_uri(),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default="demo/digest", help="folder for the digest files")
    parser.add_argument("--today", help="the digest's day (default: today in New York)")
    args = parser.parse_args(argv)
    today = (
        date.fromisoformat(args.today)
        if args.today
        else datetime.now(ZoneInfo("America/New_York")).date()
    )
    folder = Path(args.out)
    html_path = build_preview(folder, today)
    print(f"wrote {html_path} and {folder / 'digest.txt'}")
    png = folder / "digest.png"
    if screenshot(html_path, png):
        print(f"wrote {png} (600 px wide)")
    else:
        print("no chromium found: skipped the screenshot", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
