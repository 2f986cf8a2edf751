"""The operator's commands: ``admin`` (undo, history, resume, reenroll, doctor), ``report`` (the
funnel), ``telemetry replay``, ``preflight`` and ``secrets put``, each with its arguments. The
daily commands (tick, digest, demo, setup, serve) and ``main`` are in ``app.cli``."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from app.cli_env import at_time, env_ports, on_day, workbook_only

if TYPE_CHECKING:
    Subparsers = argparse._SubParsersAction[argparse.ArgumentParser]


def cmd_report(args: argparse.Namespace) -> int:
    """The funnel of journeys started in a date range: a table, JSON or CSV, and the chart."""
    from app.report_funnel import funnel_csv, funnel_json, render_funnel
    from guide.funnel_read import read_funnel

    start, end = on_day(getattr(args, "from")), on_day(args.to)
    funnel, problems = read_funnel(workbook_only(), start, end, at_time(args.today))
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


def _report_parser(sub: Subparsers) -> None:
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
        result = run(env_ports(), {**payload, "by": by}, datetime.now(UTC))
    print(json.dumps(result, indent=2, ensure_ascii=False) if args.json else result["text"])
    return int(result["exit_code"])


def cmd_telemetry(args: argparse.Namespace) -> int:
    """Replay SES events (SNS notifications, or a Lambda event holding them) from files into
    the local workbook, as the telemetry function records them. A signature is checked where
    there is one; the samples have none, as only AWS can sign for SNS. Exit 1 if any message
    was rejected."""
    from app.sns import fetch_certificate
    from app.telemetry import handle_mail_events

    rejected = 0
    for path in args.files:
        event = json.loads(Path(path).read_text(encoding="utf-8"))
        result = handle_mail_events(
            event, env_ports, fetch_certificate, datetime.now(UTC), require_signature=False
        )
        print(f"{path}: {result['recorded']} recorded, {result['duplicates']} already recorded")
        for line in (*result["skipped"], *(f"rejected: {r}" for r in result["rejected"])):
            print(f"  {line}")
        rejected += len(result["rejected"])
    return 1 if rejected else 0


def _admin_parser(sub: Subparsers) -> None:
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


def _deploy_parsers(sub: Subparsers) -> None:
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


def add_operator_commands(sub: Subparsers) -> None:
    _admin_parser(sub)
    _report_parser(sub)
    _deploy_parsers(sub)
    telemetry = sub.add_parser("telemetry", help="replay sample SES mail events locally")
    telemetry.add_argument("action", choices=["replay"])
    telemetry.add_argument("files", nargs="+", help="SNS-wrapped SES events (events/ses-*.json)")
    telemetry.set_defaults(run=cmd_telemetry)
