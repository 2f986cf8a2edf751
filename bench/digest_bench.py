"""One weekly digest through the gspread adapter against the fake Sheets server, measured.

Run as a child process (``python -m bench.digest_bench URL SPREADSHEET_ID DATE``), like the
tick's, so its peak memory is the digest's own. The digest reads once and writes nothing; its
mail goes to an outbox and its "sent" record to a SQLite ledger.
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
from bench.tick_bench import _Remote
from fakes.sheets_server import gspread_workbook
from guide.digest_run import send_digest
from guide.links import LinkSigner
from guide.ports import Ports


def main(url: str, spreadsheet_id: str, today: str) -> None:
    folder = Path(tempfile.mkdtemp(prefix="og-bench-digest-"))
    ports = Ports(
        workbook=gspread_workbook(_Remote(url), spreadsheet_id, timeout=(5.0, 120.0)),
        mailer=OutboxMailer(folder / "outbox"),
        notifier=OutboxNotifier(folder / "outbox"),
        lock=LocalFileLock(folder / "locks"),
        ledger=IdempotencyLedger(SqlitePersistenceLayer(folder / "ledger.sqlite3")),
        signer=LinkSigner(b"bench-link-signing-key-0123456789"),
        done_url="http://127.0.0.1:8080/done",
    )
    now = datetime.combine(
        date.fromisoformat(today), datetime.min.time().replace(hour=8), ZoneInfo("America/New_York")
    )
    started = time.perf_counter()
    run = send_digest(ports, now)
    seconds = time.perf_counter() - started
    n = run.digest.numbers
    mail = [p for p in (folder / "outbox").iterdir() if p.suffix == ".eml"]
    print(
        json.dumps(
            {
                "seconds": round(seconds, 3),
                "peak_mb": peak_mb(),
                "sent_to": len(run.sent_to),
                "paused": n.paused,
                "handed_off": n.handed_off,
                "stalled": n.stalled,
                "mail_kb": round(sum(p.stat().st_size for p in mail) / 1024, 1),
                "problems": len(run.problems),
            }
        )
    )


if __name__ == "__main__":
    main(*sys.argv[1:4])
