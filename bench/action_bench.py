"""How fast a button press is answered, cold and warm, and what it costs in Sheets calls.

Timed: from a signed press (a Function URL event handed to ``functions.slack_actions.handler``)
to the handler's answer. Slack gives 3 s; the bar is 1 s cold and 300 ms warm at p99.

- Cold: a fresh ``python -c`` per press, timed inside it from before the first import to the
  answer, against a local workbook (the answer comes before any workbook access), loading
  bytecode as the deployed package does (a first, untimed press fills the cache).
- Warm: presses into one process wired to the fake Sheets server, which adds ``latency`` to
  every request; after each answer the work after the ack (the Finish itself) is waited for
  and the Sheets reads and writes it made are counted.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, cast

from slack_sdk import WebClient

import app.slack_endpoint as slack_endpoint
import functions.slack_actions as slack_actions
from adapters.ledger import IdempotencyLedger, SqlitePersistenceLayer
from adapters.locks import LocalFileLock
from adapters.outbox import OutboxMailer, OutboxNotifier
from adapters.xlsx_workbook import XlsxWorkbook
from app.demo import build_demo
from app.function_url import LocalContext
from app.slack_app import build_app
from bench.import_bench import with_bytecode_cache
from bench.workload import workload
from fakes.sheets_server import FakeSheetsServer, gspread_workbook
from fakes.slack_signing import SlackWithResponses, block_actions, flag_value, signed_event
from guide.actions import perform
from guide.links import LinkSigner
from guide.ports import Ports

TODAY = date(2026, 11, 23)
SECRET = "bench-signing-secret-0123456789"
TOKEN = "xoxb-bench"
COLD_RUNS = 20  # each is a fresh interpreter (~1-2 s with its exit); 50 would double the bench

_COLD = """
import time
started = time.perf_counter()
import json, os
from app.function_url import LocalContext
from functions.slack_actions import handler
answer = handler(json.loads(os.environ["BENCH_EVENT"]), LocalContext("SlackActionsFunction"))
print(json.dumps({"seconds": time.perf_counter() - started, "status": answer["statusCode"]}))
"""


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return round(ordered[index], 4)


def _cold(runs: int, folder: Path, slack: SlackWithResponses) -> list[float]:
    build_demo(XlsxWorkbook(folder / "cold.xlsx"), TODAY)
    env = {
        **os.environ,
        "OG_WORKBOOK": str(folder / "cold.xlsx"),
        "OG_OUTBOX": str(folder / "cold-outbox"),
        "OG_STATE_DIR": str(folder / "cold-state"),
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_TEAM_ID": "T0001",
        "SLACK_API_URL": slack.api_url,
        "POWERTOOLS_METRICS_NAMESPACE": "OnboardingGuideBench",
    }
    env = with_bytecode_cache(env, folder / "bytecode")
    env.pop("AWS_LAMBDA_FUNCTION_NAME", None)
    seconds = []
    for run in range(runs + 1):  # the first fills the bytecode cache, untimed
        press = block_actions("og_finish", flag_value("C005"), response_url=slack.response_url())
        env["BENCH_EVENT"] = json.dumps(signed_event(press, SECRET))
        out = subprocess.run(
            [sys.executable, "-c", _COLD], env=env, check=True, capture_output=True, text=True
        )
        result = json.loads(out.stdout.strip().splitlines()[-1])
        assert result["status"] == 200, result
        if run:
            seconds.append(float(result["seconds"]))
    return seconds


def _warm(
    presses: int, latency: float, folder: Path, slack: SlackWithResponses
) -> tuple[list[float], list[tuple[int, int]]]:
    customers = [f"C{i:06d}" for i in range(presses * 2 + 40) if i % 20 >= 10][: presses + 1]
    with FakeSheetsServer() as sheets:
        sheets.create_spreadsheet("bench-actions", workload(len(customers) * 2 + 40, TODAY))
        ports = Ports(
            workbook=gspread_workbook(sheets, "bench-actions", timeout=(5.0, 60.0)),
            mailer=OutboxMailer(folder / "outbox"),
            notifier=OutboxNotifier(folder / "outbox"),
            lock=LocalFileLock(folder / "locks"),
            ledger=IdempotencyLedger(SqlitePersistenceLayer(folder / "ledger.sqlite3")),
            signer=LinkSigner(b"bench-link-signing-key-0123456789"),
            done_url="http://127.0.0.1:8080/done",
        )
        client = WebClient(token=TOKEN, base_url=slack.api_url)
        app = build_app(
            client,
            SECRET,
            team_id="T0001",
            ports=lambda: ports,
            perform=perform,
            clock=lambda: datetime(2026, 11, 23, 15, tzinfo=UTC),
        )
        endpoint = slack_endpoint.SlackEndpoint(app, SECRET, in_lambda=False)
        slack_endpoint.use_endpoint(endpoint)
        assert endpoint.lazy is not None
        sheets.latency = latency
        seconds, calls = [], []
        try:
            for n, customer in enumerate(customers):
                press = block_actions(
                    "og_finish", flag_value(customer), response_url=slack.response_url()
                )
                event = signed_event(press, SECRET)
                sheets.reset_counts()
                started = time.perf_counter()
                answer = slack_actions.handler(event, LocalContext("SlackActionsFunction"))
                elapsed = time.perf_counter() - started
                endpoint.lazy.wait(timeout=120)
                assert answer["statusCode"] == 200, answer
                if n:  # the first press warms the container up; it is the cold case
                    seconds.append(elapsed)
                    calls.append((sheets.reads, sheets.writes))
        finally:
            slack_endpoint.use_endpoint(None)
    return seconds, calls


def measure_actions(
    presses: int = 50, latency: float = 0.3, cold_runs: int = COLD_RUNS
) -> dict[str, Any]:
    runs = max(1, min(presses, cold_runs))
    with (
        tempfile.TemporaryDirectory(prefix="og-action-bench-") as tmp,
        SlackWithResponses(token=TOKEN) as started,
    ):
        slack = cast(SlackWithResponses, started)
        folder = Path(tmp)
        cold = _cold(runs, folder, slack)
        warm, calls = _warm(presses, latency, folder, slack)
    return {
        "cold_p50_s": _pct(cold, 0.5),
        "cold_p99_s": _pct(cold, 0.99),
        "warm_p50_s": _pct(warm, 0.5),
        "warm_p99_s": _pct(warm, 0.99),
        "sheets_reads": max(r for r, _ in calls),
        "sheets_writes": max(w for _, w in calls),
        "cold_runs": runs,
        "warm_presses": len(warm),
        "sheets_latency_s": latency,
        "warm_mean_s": round(statistics.fmean(warm), 4),
    }


if __name__ == "__main__":
    print(json.dumps(measure_actions(), indent=2))
