"""``make bench``: measure the tick (and the button presses) and write bench/results.json.

Timings on shared machines are noisy: each size runs several times and the median is kept;
compare the ratio between sizes within one run rather than absolute seconds across runs.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

from bench.workload import workload
from fakes.sheets_server import FakeSheetsServer

SIZES = (1_000, 10_000)
RUNS = 3
TODAY = date(2026, 11, 23)
RESULTS = Path(__file__).with_name("results.json")


def tick_once(server: FakeSheetsServer, size: int, run: int) -> dict[str, Any]:
    spreadsheet_id = f"bench-{size}-{run}"
    server.create_spreadsheet(spreadsheet_id, workload(size, TODAY))
    server.reset_counts()
    out = subprocess.run(
        [sys.executable, "-m", "bench.tick_bench", server.url, spreadsheet_id, TODAY.isoformat()],
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    result.update(sheets_reads=server.reads, sheets_writes=server.writes)
    return result


def bench_tick() -> list[dict[str, Any]]:
    entries = []
    with FakeSheetsServer() as server:
        for size in SIZES:
            runs = [tick_once(server, size, run) for run in range(RUNS)]
            median = statistics.median(r["seconds"] for r in runs)
            entry = {
                "customers": size,
                "sheets_reads": max(r["sheets_reads"] for r in runs),
                "sheets_writes": max(r["sheets_writes"] for r in runs),
                "seconds": median,
                "peak_mb": max(r["peak_mb"] for r in runs),
                "runs_seconds": [r["seconds"] for r in runs],
                **{k: runs[0][k] for k in ("emails", "flags", "effects", "cells_written")},
            }
            print(
                f"tick {size:>6} customers: {median:.2f} s median, "
                f"{entry['sheets_reads']} reads, {entry['sheets_writes']} writes, "
                f"{entry['peak_mb']} MB peak",
                flush=True,
            )
            entries.append(entry)
    return entries


def main() -> None:
    results: dict[str, Any] = {"tick": bench_tick()}
    small, large = results["tick"][0], results["tick"][-1]
    results["tick_scaling"] = round(large["seconds"] / small["seconds"], 2)
    print(f"10x customers cost {results['tick_scaling']}x the time")
    try:
        from bench.action_bench import measure_actions
    except ImportError:
        pass
    else:
        results["action"] = measure_actions()
        print("action:", json.dumps(results["action"]))
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
