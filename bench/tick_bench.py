"""One full tick through the gspread adapter against the fake Sheets server, measured.

Run as a child process per size (``python -m bench.tick_bench URL SPREADSHEET_ID DATE``) so its
peak memory is the tick's own: the fake server and its data live in the parent.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from adapters.ledger import IdempotencyLedger, SqlitePersistenceLayer
from adapters.locks import LocalFileLock
from adapters.outbox import OutboxMailer, OutboxNotifier
from bench.peak import peak_mb
from fakes.sheets_server import FakeSheetsServer, gspread_workbook
from guide.links import LinkSigner
from guide.ports import Ports
from guide.tick import run_tick


class _Remote(FakeSheetsServer):
    """Just the URL of a fake server running in another process."""

    def __init__(self, url: str) -> None:
        self._remote_url = url

    @property
    def url(self) -> str:
        return self._remote_url


def main(url: str, spreadsheet_id: str, today: str) -> None:
    folder = Path(tempfile.mkdtemp(prefix="og-bench-"))
    ports = Ports(
        workbook=gspread_workbook(_Remote(url), spreadsheet_id, timeout=(5.0, 120.0)),
        mailer=OutboxMailer(folder / "outbox"),
        notifier=OutboxNotifier(folder / "outbox"),
        lock=LocalFileLock(folder / "locks"),
        ledger=IdempotencyLedger(
            SqlitePersistenceLayer(folder / "ledger.sqlite3"), expires_after_seconds=86400
        ),
        signer=LinkSigner(b"bench-link-signing-key-0123456789"),
        done_url="http://127.0.0.1:8080/done",
    )
    now = datetime.combine(
        date.fromisoformat(today), datetime.min.time().replace(hour=9), ZoneInfo("America/New_York")
    )
    started, cpu_started = time.perf_counter(), time.process_time()
    report = run_tick(ports, now)
    seconds = time.perf_counter() - started
    # The tick's own CPU time: on a machine others load, wall time says more about them.
    cpu_seconds = time.process_time() - cpu_started
    peak = peak_mb()
    print(
        json.dumps(
            {
                "seconds": round(seconds, 3),
                "cpu_seconds": round(cpu_seconds, 3),
                "peak_mb": peak,
                "emails": len(report.emails),
                "flags": len(report.flags),
                "effects": len(report.plan.effects),
                "cells_written": report.cells_written,
                "problems": len(report.problems),
            }
        )
    )


if __name__ == "__main__":
    main(*sys.argv[1:4])
