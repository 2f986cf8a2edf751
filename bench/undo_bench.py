"""How long an undo takes (the admin path: ``perform(ports, Undo(...), now)``), and what it costs
in Sheets calls, with ``latency`` added to every Sheets request as in the press benchmark.

Each undo reverses a pause made just before it. The undo has no early answer the way a Slack
press has (its caller waits for the result), so the whole unit of work is timed: lock, one read,
the undo worked out, one write. ``own`` is that time less the injected latency of the requests
it made, i.e. what this code costs on top of Google's round trips.

- Warm: undos in one process wired to the fake Sheets server (the first is left out: it is the
  cold one, paying imports already done and the sheet metadata).
- Cold: a fresh interpreter per undo, timed from before its first import, with the same latency
  (the sheet metadata is one more request there: the adapter caches it per process), loading
  bytecode as the deployed package does (a first, untimed run fills the cache).
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
from typing import Any

from adapters.ledger import IdempotencyLedger, SqlitePersistenceLayer
from adapters.locks import LocalFileLock
from adapters.outbox import OutboxMailer, OutboxNotifier
from bench.action_bench import _pct
from bench.import_bench import with_bytecode_cache
from bench.workload import workload
from fakes.sheets_server import FakeSheetsServer, gspread_workbook
from guide.actions import perform
from guide.commands import Pause, Undo
from guide.links import LinkSigner
from guide.ports import Ports

TODAY = date(2026, 11, 23)
NOW = datetime(2026, 11, 23, 15, tzinfo=UTC)
BY = "U0SAM"
COLD_RUNS = 10

# What the admin function loads (its handler module), then the same wiring as the warm undos
# against the fake server in the parent, and the undo. Nothing from bench/ is imported here.
_COLD = """
import time
started = time.perf_counter()
import sys, tempfile
from datetime import datetime
from pathlib import Path
import functions.admin
from app.bootstrap import LedgerOnFirstUse
from adapters.locks import LocalFileLock
from adapters.outbox import OutboxMailer, OutboxNotifier
from adapters.gsheets import GoogleSheetsWorkbook
from fakes.sheets_server import sheets_session
from gspread.http_client import HTTPClient
from guide.actions import perform
from guide.commands import Undo
from guide.links import LinkSigner
from guide.ports import Ports

spreadsheet_id, customer, now = sys.argv[2:5]
class Remote:
    url = sys.argv[1]
folder = Path(tempfile.mkdtemp())
def local_ledger():
    from adapters.ledger import IdempotencyLedger, SqlitePersistenceLayer
    return IdempotencyLedger(SqlitePersistenceLayer(folder / "ledger.sqlite3"))
ports = Ports(
    workbook=GoogleSheetsWorkbook(
        spreadsheet_id, HTTPClient(auth=None, session=sheets_session(Remote)), timeout=(5.0, 60.0)
    ),
    mailer=OutboxMailer(folder / "outbox"),
    notifier=OutboxNotifier(folder / "outbox"),
    lock=LocalFileLock(folder / "locks"),
    ledger=LedgerOnFirstUse(local_ledger),  # as app.bootstrap wires it
    signer=LinkSigner(b"bench-link-signing-key-0123456789"),
    done_url="http://127.0.0.1:8080/done",
)
perform(ports, Undo(customer, by="U0SAM"), datetime.fromisoformat(now))
print(time.perf_counter() - started)
"""


def local_ports(server: FakeSheetsServer, spreadsheet_id: str, folder: Path) -> Ports:
    return Ports(
        workbook=gspread_workbook(server, spreadsheet_id, timeout=(5.0, 60.0)),
        mailer=OutboxMailer(folder / "outbox"),
        notifier=OutboxNotifier(folder / "outbox"),
        lock=LocalFileLock(folder / "locks"),
        ledger=IdempotencyLedger(SqlitePersistenceLayer(folder / "ledger.sqlite3")),
        signer=LinkSigner(b"bench-link-signing-key-0123456789"),
        done_url="http://127.0.0.1:8080/done",
    )


def _customers(count: int) -> list[str]:
    # Midway through their plan (workload kinds 10-19): neither paused, handed off nor finished.
    return [f"C{i:06d}" for i in range(count * 2 + 40) if i % 20 >= 10][:count]


def measure_undo(
    undos: int = 30, latency: float = 0.3, cold_runs: int = COLD_RUNS
) -> dict[str, Any]:
    customers = _customers(undos + 1 + cold_runs + 1)
    warm_ones, cold_ones = customers[: undos + 1], customers[undos + 1 :]
    with (
        tempfile.TemporaryDirectory(prefix="og-undo-bench-") as tmp,
        FakeSheetsServer() as sheets,
    ):
        sheets.create_spreadsheet("bench-undo", workload(len(customers) * 2 + 40, TODAY))
        ports = local_ports(sheets, "bench-undo", Path(tmp))
        sheets.latency = latency
        warm, own, calls = [], [], []
        for n, customer in enumerate(warm_ones):
            perform(ports, Pause(customer, by=BY, note="bench"), NOW)
            sheets.reset_counts()
            started = time.perf_counter()
            perform(ports, Undo(customer, by=BY), NOW)
            elapsed = time.perf_counter() - started
            if n:
                requests = sheets.reads + sheets.writes
                warm.append(elapsed)
                own.append(elapsed - latency * requests)
                calls.append((sheets.reads, sheets.writes))
        cold, cold_own = [], []
        env = with_bytecode_cache(dict(os.environ), Path(tmp) / "bytecode")
        for n, customer in enumerate(cold_ones):
            perform(ports, Pause(customer, by=BY, note="bench"), NOW)
            sheets.reset_counts()
            out = subprocess.run(
                [
                    sys.executable,
                    "-c",
                    _COLD,
                    sheets.url,
                    "bench-undo",
                    customer,
                    NOW.isoformat(),
                ],
                env=env,
                check=True,
                capture_output=True,
                text=True,
            )
            if not n:  # it filled the bytecode cache
                continue
            seconds = float(out.stdout.strip().splitlines()[-1])
            cold.append(seconds)
            cold_own.append(seconds - latency * (sheets.reads + sheets.writes))
    return {
        "cold_p50_s": _pct(cold, 0.5),
        "cold_p99_s": _pct(cold, 0.99),
        "cold_own_p99_s": _pct(cold_own, 0.99),
        "warm_p50_s": _pct(warm, 0.5),
        "warm_p99_s": _pct(warm, 0.99),
        "warm_own_p50_s": _pct(own, 0.5),
        "warm_own_p99_s": _pct(own, 0.99),
        "sheets_reads": max(r for r, _ in calls),
        "sheets_writes": max(w for _, w in calls),
        "cold_runs": len(cold),
        "warm_undos": len(warm),
        "sheets_latency_s": latency,
        "warm_mean_s": round(statistics.fmean(warm), 4),
    }


if __name__ == "__main__":
    print(json.dumps(measure_undo(), indent=2))
