"""The ledger the ports are wired with is built once, on the first effect, however many of the
tick's effect threads reach it at the same moment (each build is a DynamoDB client in AWS)."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from adapters.ledger import IdempotencyLedger, SqlitePersistenceLayer
from app.bootstrap import LedgerOnFirstUse
from guide.ports import Ledger


def test_eight_effect_threads_at_once_build_one_ledger_and_each_effect_runs_once(
    tmp_path: Path,
) -> None:
    # Given a ledger whose build is slow, as a DynamoDB client's is, not yet built
    builds: list[Ledger] = []
    ran: list[str] = []
    lock = threading.Lock()

    def build() -> Ledger:
        time.sleep(0.05)
        ledger = IdempotencyLedger(SqlitePersistenceLayer(tmp_path / "ledger.sqlite3"))
        builds.append(ledger)
        return ledger

    def effect(key: str) -> dict[str, str]:
        with lock:
            ran.append(key)
        return {"key": key}

    lazy = LedgerOnFirstUse(build)
    # When the tick's pool of eight sends its first effects all at once
    keys = [f"mail:step:C{n}" for n in range(32)]
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda k: lazy.once(k, lambda: effect(k)), keys))
    # Then one ledger was built, and every effect ran once with its own result
    assert len(builds) == 1
    assert sorted(ran) == sorted(keys)
    assert results == [{"key": k} for k in keys]
