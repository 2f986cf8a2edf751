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

Longer than most modules: one subcommand function per operator command, so the whole
command line reads in one place; the bodies of the larger ones live beside their logic.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import shutil
import sys
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from app.bootstrap import build_ports
from app.report import render, render_digest
from app.secrets import load_google_account, load_secrets
from app.settings import Settings, SettingsError
from guide.ports import LockBusy, Ports, Workbook, WorkbookError
from guide.tick import TICK_HOUR, run_tick


def _on(today: str | None) -> date | None:
    """``--today``: the tick runs as the schedule would that day, at 09:00 team time."""
    return date.fromisoformat(today) if today else None


def _ports(**overrides: str) -> Ports:
    settings = Settings.from_env({**os.environ, **overrides})
    return build_ports(settings, load_secrets(settings))


def cmd_tick(args: argparse.Namespace) -> int:
    ports = _ports()
    now = datetime.now(UTC)
    report = run_tick(ports, now, dry_run=args.dry_run, on=_on(args.today))
    print(render(report))
    return 0


def cmd_digest(args: argparse.Namespace) -> int:
    from guide.digest_run import send_digest

    run = send_digest(_ports(), _at(args.today))
    print(render_digest(run))
    return 0


def _at(today: str | None) -> datetime:
    """``--today``: as the schedule would run that day (09:00 team time is close enough for a
    digest, whose week is the seven days before it); else now."""
    if not today:
        return datetime.now(UTC)
    return datetime.combine(date.fromisoformat(today), TICK_HOUR, UTC)


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
        _ports(OG_WORKBOOK=str(workbook_path), OG_OUTBOX=str(outbox)),
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


def _workbook_only() -> Workbook:
    """The workbook alone: no mailer, Slack, ledger or link key is needed to set it up."""
    settings = Settings.from_env(stores=False)
    if settings.workbook_path is not None:
        from adapters.xlsx_workbook import XlsxWorkbook

        return XlsxWorkbook(settings.workbook_path)
    from adapters.gsheets import GoogleSheetsWorkbook

    return GoogleSheetsWorkbook.from_service_account_info(
        load_google_account(settings), settings.spreadsheet_id
    )


def cmd_setup(args: argparse.Namespace) -> int:
    from app.setup_workbook import setup_workbook

    made = setup_workbook(_workbook_only())
    print("created tabs: " + (", ".join(made) if made else "none (all there)"))
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from app.server import serve

    serve(args.host, args.port)
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    """The funnel of journeys started in a date range: a table, JSON or CSV, and the chart."""
    from app.report_funnel import funnel_csv, funnel_json, render_funnel
    from guide.funnel_read import read_funnel

    start, end = _on(getattr(args, "from")), _on(args.to)
    funnel, problems = read_funnel(_workbook_only(), start, end, _at(args.today))
    if args.json:
        print(funnel_json(funnel))
    elif args.csv:
        print(funnel_csv(funnel), end="")
    else:
        print(render_funnel(funnel))
        if problems:
            print(f"\n{len(problems)} rows could not be read (`admin doctor` lists them)")
    if args.chart:
        from app.funnel_chart import draw_funnel_chart

        chart = draw_funnel_chart(funnel, Path(args.chart))
        print(f"wrote {chart}", file=sys.stderr)
    return 0


def _report_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    report = sub.add_parser("report", help="the funnel: on-time rate, days to finish, per step")
    report.add_argument("--from", help="journeys started on or after (YYYY-MM-DD; 91 days back)")
    report.add_argument("--to", help="journeys started on or before (YYYY-MM-DD; today)")
    report.add_argument("--today", help="as if on this date (YYYY-MM-DD)")
    output = report.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="print the numbers as JSON")
    output.add_argument("--csv", action="store_true", help="print the numbers as CSV")
    report.add_argument("--chart", metavar="PATH", help="also write the chart as a PNG here")
    report.set_defaults(run=cmd_report)


def cmd_admin(args: argparse.Namespace) -> int:
    """In-process on OG_WORKBOOK (by ``$USER@cli``), else on the deployed admin function (by
    the caller's IAM identity): the same payload and result either way."""
    from app.admin import run

    payload = {
        "command": args.action,
        "customer": args.customer,
        "force": args.force,
        "plan": args.plan,
    }
    if args.remote or args.function or args.stack or not os.environ.get("OG_WORKBOOK"):
        from app.admin_remote import run_remote

        stack = args.stack or os.environ.get("OG_STACK_NAME")
        result = run_remote(payload, function=args.function, stack=stack)
    else:
        by = f"{os.environ.get('USER') or getpass.getuser()}@cli"
        result = run(_ports(), {**payload, "by": by}, datetime.now(UTC))
    print(json.dumps(result, indent=2, ensure_ascii=False) if args.json else result["text"])
    return int(result["exit_code"])


def cmd_telemetry(args: argparse.Namespace) -> int:
    """Replay SES events (SNS notifications, or a Lambda event holding them) from files into
    the local workbook, as the telemetry function records them. A signature is checked where
    there is one; the samples have none, as only AWS can sign for SNS. Exit 1 if any message
    was rejected."""
    from app.telemetry import fetch_certificate, handle_mail_events

    rejected = 0
    for path in args.files:
        event = json.loads(Path(path).read_text(encoding="utf-8"))
        result = handle_mail_events(
            event, _ports, fetch_certificate, datetime.now(UTC), require_signature=False
        )
        print(f"{path}: {result['recorded']} recorded, {result['duplicates']} already recorded")
        for line in (*result["skipped"], *(f"rejected: {r}" for r in result["rejected"])):
            print(f"  {line}")
        rejected += len(result["rejected"])
    return 1 if rejected else 0


def _admin_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from app.admin import COMMANDS

    admin = sub.add_parser("admin", help="undo, history, resume, reenroll or doctor")
    admin.add_argument("action", choices=COMMANDS)
    admin.add_argument("customer", nargs="?", default="", help="an id or a company name")
    admin.add_argument("--force", action="store_true", help="undo: even what later changes use")
    admin.add_argument("--plan", default="", help="reenroll: the new journey's plan")
    admin.add_argument("--json", action="store_true", help="print the result payload as JSON")
    admin.add_argument("--remote", action="store_true", help="on the deployed admin function")
    admin.add_argument("--function", help="the admin function's name (implies --remote)")
    admin.add_argument("--stack", help="the stack whose AdminFunctionName output names it")
    admin.set_defaults(run=cmd_admin)


def cmd_preflight(args: argparse.Namespace) -> int:
    from app.preflight import run_command

    return run_command(args.stack or os.environ.get("OG_STACK_NAME") or "onboarding-guide")


def cmd_secrets(args: argparse.Namespace) -> int:
    from app.secrets_store import run_command

    return run_command(args.path, args.from_file, overwrite=args.overwrite)


def _deploy_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    preflight = sub.add_parser("preflight", help="check the deployed stack, one line per piece")
    preflight.add_argument(
        "--stack", help="the stack's name (default OG_STACK_NAME, else onboarding-guide)"
    )
    preflight.set_defaults(run=cmd_preflight)
    secrets = sub.add_parser("secrets", help="store the secrets in SSM Parameter Store")
    secrets.add_argument("action", choices=["put"])
    secrets.add_argument("--path", default="/onboarding-guide", help="the stack's SecretsPath")
    secrets.add_argument("--from-file", help="a JSON file with the secrets (else prompts)")
    secrets.add_argument("--overwrite", action="store_true", help="replace stored values")
    secrets.set_defaults(run=cmd_secrets)


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
    _admin_parser(sub)
    _report_parser(sub)
    _deploy_parsers(sub)
    telemetry = sub.add_parser("telemetry", help="replay sample SES mail events locally")
    telemetry.add_argument("action", choices=["replay"])
    telemetry.add_argument("files", nargs="+", help="SNS-wrapped SES events (events/ses-*.json)")
    telemetry.set_defaults(run=cmd_telemetry)
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
