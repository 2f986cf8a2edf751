"""Command line: the daily tick, the demo, workbook setup and the local server.

    python -m app.cli tick [--today 2026-11-23] [--dry-run]
    python -m app.cli digest [--today 2026-11-23]
    python -m app.cli demo [--dir demo]
    python -m app.cli setup
    python -m app.cli serve [--port 8080]
    python -m app.cli admin undo|history|resume|reenroll|doctor [CUSTOMER] [--force]
        [--plan PLAN] [--json] [--remote] [--function NAME] [--stack NAME]
    python -m app.cli preflight [--stack NAME]
    python -m app.cli secrets put [--path /onboarding-guide] [--from-file secrets.json]
        [--overwrite]
    python -m app.cli telemetry replay events/ses-bounce.json [MORE.json ...]

Exit codes: 0 done (problems in the sheet are reported, not fatal), 2 the environment or the
workbook is not usable. ``admin`` exits with its result's code (see ``app.admin``).

The daily commands are here; the operator's (admin, report, telemetry, preflight, secrets) are
in ``app.cli_ops``, and what every command needs from the environment in ``app.cli_env``.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from app.cli_env import at_time, env_ports, on_day, workbook_only
from app.cli_ops import add_operator_commands
from app.report import render, render_digest
from app.settings import SettingsError
from guide.ports import LockBusy, WorkbookError
from guide.tick import TICK_HOUR, run_tick


def cmd_tick(args: argparse.Namespace) -> int:
    ports = env_ports()
    now = datetime.now(UTC)
    report = run_tick(ports, now, dry_run=args.dry_run, on=on_day(args.today))
    print(render(report))
    return 0


def cmd_digest(args: argparse.Namespace) -> int:
    from guide.digest_run import send_digest

    run = send_digest(env_ports(), at_time(args.today))
    print(render_digest(run))
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from adapters.outbox import OutboxMailer, OutboxNotifier
    from adapters.xlsx_workbook import XlsxWorkbook
    from app.demo import TIMEZONE, build_demo, last_business_day

    folder = Path(args.dir)
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    workbook_path, outbox = folder / "onboarding.xlsx", folder / "outbox"
    today = (
        date.fromisoformat(args.today)
        if args.today
        else last_business_day(datetime.now(ZoneInfo(TIMEZONE)).date())
    )
    build_demo(XlsxWorkbook(workbook_path), today)
    # The demo's emails and Slack posts carry the day it ticks, not the wall clock's.
    ticked = datetime.combine(today, TICK_HOUR, ZoneInfo(TIMEZONE))
    ports = replace(
        env_ports(OG_WORKBOOK=str(workbook_path), OG_OUTBOX=str(outbox)),
        mailer=OutboxMailer(outbox, clock=ticked.timestamp),
        notifier=OutboxNotifier(outbox, clock=ticked.timestamp),
    )
    print(render(run_tick(ports, ticked, on=today)))
    from guide.digest_run import send_digest

    digest = send_digest(ports, datetime.combine(today, TICK_HOUR, UTC))
    print(render_digest(digest))
    print(f"""
The workbook is {workbook_path}; emails (.eml) and Slack payloads (.json) are in {outbox}/.
Open the workbook, change it (tick a box, add a row, mark a step done), save, and tick again:

    make tick TODAY={today}
or
    OG_WORKBOOK={workbook_path} OG_OUTBOX={outbox} .venv/bin/python -m app.cli tick --today {today}

A second tick the same day sends nothing new. `make serve` runs the done links and buttons.""")
    return 0


def cmd_setup(args: argparse.Namespace) -> int:
    from app.setup_workbook import setup_workbook

    made = setup_workbook(workbook_only())
    print("created tabs: " + (", ".join(made) if made else "none (all there)"))
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from app.server import serve

    serve(args.host, args.port)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="onboarding-guide", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    tick = sub.add_parser("tick", help="run the daily tick")
    tick.add_argument("--today", help="run as if on this date (YYYY-MM-DD), at 09:00 team time")
    tick.add_argument("--dry-run", action="store_true", help="print what would happen, do nothing")
    tick.set_defaults(run=cmd_tick)
    demo = sub.add_parser("demo", help="build a demo workbook and run the tick on it")
    demo.add_argument("--dir", default="demo", help="folder for the demo workbook and outbox")
    demo.add_argument("--today", help="the demo's date (default: today)")
    demo.set_defaults(run=cmd_demo)
    digest = sub.add_parser("digest", help="send this week's digest to og-config's recipients")
    digest.add_argument("--today", help="as if on this date (YYYY-MM-DD)")
    digest.set_defaults(run=cmd_digest)
    setup = sub.add_parser("setup", help="create missing tabs and settings in the workbook")
    setup.set_defaults(run=cmd_setup)
    serve = sub.add_parser("serve", help="run the Function URL handlers on 127.0.0.1")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8080)
    serve.set_defaults(run=cmd_serve)
    add_operator_commands(sub)
    args = parser.parse_args(argv)
    try:
        return int(args.run(args))
    except Exception as err:
        sentence = _mistake(err)
        if sentence is None:
            raise  # a bug: its traceback is what whoever fixes it needs
        print(f"error: {sentence}", file=sys.stderr)
        return 2


def _mistake(err: Exception) -> str | None:
    """One sentence for an error that comes from the environment or the workbook (the
    operator can fix it), or None for anything else."""
    from guide.unit_of_work import WorkbookBroken

    if isinstance(err, SettingsError | WorkbookError | LockBusy | WorkbookBroken):
        return " ".join(str(err).split())
    from botocore.exceptions import NoCredentialsError, NoRegionError

    if isinstance(err, NoRegionError):
        return (
            "no AWS region is configured: set AWS_DEFAULT_REGION, or use OG_OUTBOX (and "
            "OG_STATE_DIR) to run locally without AWS"
        )
    if isinstance(err, NoCredentialsError):
        return (
            "no AWS credentials were found: configure them (e.g. AWS_PROFILE), or use "
            "OG_OUTBOX (and OG_STATE_DIR) to run locally without AWS"
        )
    return None


if __name__ == "__main__":
    sys.exit(main())
