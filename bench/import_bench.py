"""Cold-start imports: how long each Lambda handler's module takes to import, as Lambda would.

Lambda's disk is read-only, so whatever bytecode the package does not ship is compiled again on
every cold start. Each handler is imported in fresh subprocesses twice over:

- ``source``: a private bytecode cache holding the standard library's bytecode only (the
  runtime ships that) and ``PYTHONDONTWRITEBYTECODE=1``, so the project's modules and its
  dependencies' are compiled from source, as in a package built without ``compileall``;
- ``bytecode``: a cache filled once beforehand, as in a package built with ``compileall``.

The median of ``RUNS`` runs is reported in milliseconds, with the peak resident memory of an
import (what a function holds before its first request) and the modules it loaded.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
HANDLERS = (
    "functions.tick",
    "functions.slack_actions",
    "functions.done_link",
    "functions.digest",
    "functions.admin",
)
RUNS = 5
# Modules whose presence after an import says what the cold start paid for.
HEAVY = ("aws_xray_sdk", "boto3", "botocore.session", "s3transfer", "openpyxl")

_PROBE = """
import json, sys, time
start = time.perf_counter()
import {module}
elapsed = time.perf_counter() - start
modules = len(sys.modules)
from bench.peak import peak_mb  # after counting: VmHWM, as ru_maxrss survives exec
print(json.dumps({{
    "ms": elapsed * 1000,
    "rss_mb": peak_mb(),
    "modules": modules,
    "heavy": [m for m in {heavy!r} if m in sys.modules],
}}))
"""


def _import_once(module: str, cache: Path) -> dict[str, Any]:
    env = {
        **os.environ,
        "PYTHONDONTWRITEBYTECODE": "1",
        # A private cache: the venv's own __pycache__ folders are never read.
        "PYTHONPYCACHEPREFIX": str(cache),
        "PYTHONPATH": str(ROOT),
    }
    env.pop("LAMBDA_TASK_ROOT", None)  # tracing stays off, as the template's default has it
    probe = _PROBE.format(module=module, heavy=HEAVY)
    out = subprocess.run(
        [sys.executable, "-c", probe], env=env, cwd=ROOT, capture_output=True, text=True
    )
    if out.returncode != 0:
        return {"error": out.stderr.strip().splitlines()[-1] if out.stderr else "failed"}
    result: dict[str, Any] = json.loads(out.stdout)
    return result


def with_bytecode_cache(env: dict[str, str], cache: Path) -> dict[str, str]:
    """``env`` for a cold run that loads bytecode, as a deployed package does, from a private
    ``cache`` that the first run fills: time every run after it. Without this, a shell with
    ``PYTHONDONTWRITEBYTECODE`` set would have every cold run compile the project from source,
    which no Lambda does (a third of a cold undo here)."""
    env = {**env, "PYTHONPYCACHEPREFIX": str(cache)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def _fill_cache(module: str, cache: Path) -> None:
    env = with_bytecode_cache({**os.environ, "PYTHONPATH": str(ROOT)}, cache)
    subprocess.run(
        [sys.executable, "-c", f"import {module}"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        check=False,
    )


def _without_package_code(filled: Path, into: Path) -> None:
    """Copy the cache, then drop the bytecode of the project and of the installed packages."""
    shutil.copytree(filled, into, dirs_exist_ok=True)
    paths = sysconfig.get_paths()
    for folder in {ROOT, Path(paths["purelib"]), Path(paths["platlib"])}:
        shutil.rmtree(into / folder.resolve().relative_to(folder.anchor), ignore_errors=True)


def _median(module: str, cache: Path) -> dict[str, Any]:
    runs = [_import_once(module, cache) for _ in range(RUNS)]
    failed = [r for r in runs if "error" in r]
    if failed:
        return {"error": failed[0]["error"]}
    return {
        "ms": round(statistics.median(r["ms"] for r in runs), 1),
        "rss_mb": round(max(r["rss_mb"] for r in runs), 1),
        "modules": runs[0]["modules"],
        "heavy": runs[0]["heavy"],
    }


def measure_imports(handlers: tuple[str, ...] = HANDLERS) -> dict[str, Any]:
    """Per handler: {"source": {...}, "bytecode": {...}}, each with the median import ms."""
    results: dict[str, Any] = {}
    for module in handlers:
        with tempfile.TemporaryDirectory() as stdlib, tempfile.TemporaryDirectory() as filled:
            _fill_cache(module, Path(filled))
            _without_package_code(Path(filled), Path(stdlib))
            source = _median(module, Path(stdlib))
            compiled = _median(module, Path(filled))
        results[module] = {"source": source, "bytecode": compiled}
    return {"runs": RUNS, "python": sys.version.split()[0], "handlers": results}


if __name__ == "__main__":
    print(json.dumps(measure_imports(), indent=2))
