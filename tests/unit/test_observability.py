"""The tracer: real where a trace can go, a stand-in elsewhere, so the X-Ray SDK (and the
botocore it drags in) is not part of a cold start that cannot send a trace."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from app.observability import NoTracer, make_tracer, tracing_enabled

ROOT = Path(__file__).resolve().parents[2]
IN_LAMBDA = {"LAMBDA_TASK_ROOT": "/var/task"}


def _python(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"LAMBDA_TASK_ROOT", "AWS_SAM_LOCAL", "POWERTOOLS_TRACE_DISABLED"}
    }
    return subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, "PYTHONPATH": str(ROOT), "PYTHONDONTWRITEBYTECODE": "1", **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
    )


def test_tracing_is_on_only_in_lambda_when_not_turned_off() -> None:
    assert tracing_enabled(IN_LAMBDA)
    assert not tracing_enabled({})  # a laptop, a test, CI
    assert not tracing_enabled({**IN_LAMBDA, "POWERTOOLS_TRACE_DISABLED": "true"})
    assert not tracing_enabled({**IN_LAMBDA, "AWS_SAM_LOCAL": "true"})  # sam local invoke


def test_given_tracing_off_the_handler_is_returned_untouched() -> None:
    tracer = make_tracer({**IN_LAMBDA, "POWERTOOLS_TRACE_DISABLED": "true"})

    def handler(event: dict[str, str], context: object) -> str:
        return "answered"

    assert isinstance(tracer, NoTracer)
    assert tracer.capture_lambda_handler(handler) is handler


def test_given_tracing_off_importing_a_handler_does_not_import_the_xray_sdk() -> None:
    ran = _python(
        "import sys, functions.tick, functions.done_link; "
        "assert 'aws_xray_sdk' not in sys.modules, 'X-Ray SDK imported'",
        **IN_LAMBDA,
        POWERTOOLS_TRACE_DISABLED="true",
    )
    assert ran.returncode == 0, ran.stderr


def test_given_tracing_on_in_lambda_the_handlers_get_a_powertools_tracer() -> None:
    # In a subprocess: a real Tracer patches botocore for the whole process.
    ran = _python("from app.observability import tracer; print(type(tracer).__name__)", **IN_LAMBDA)
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.strip() == "Tracer"
