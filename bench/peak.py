"""A process's peak resident memory, in MB.

``ru_maxrss`` survives ``exec`` on Linux, so a child started by a big parent (the benchmark
holding a 10,000-customer fake sheet) would report the parent's peak; the kernel's ``VmHWM``
belongs to the new program alone.
"""

from __future__ import annotations

import resource
from pathlib import Path


def peak_mb() -> float:
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
