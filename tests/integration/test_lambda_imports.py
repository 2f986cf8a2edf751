"""What a Lambda cold start loads, checked in a fresh interpreter (issue 10, lean packages).

Given the packages the functions ship (requirements-lambda.txt: no filelock, no openpyxl), When a
handler is imported, or the modules Lambda wires on the first request are, Then they load; and
importing the Slack handler does not load boto3 (about 130 ms of botocore and s3transfer),
which only the first request's Bolt Lambda adapter needs.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HANDLERS = (
    "functions.tick",
    "functions.slack_actions",
    "functions.done_link",
    "functions.digest",
    "functions.admin",
)
# What app.bootstrap and app.slack_endpoint import in Lambda (SES, Slack, the DynamoDB lock
# and ledger, the Sheets adapter, Bolt's Lambda adapter), besides the handlers themselves.
LAMBDA_WIRING = (
    "adapters.gsheets",
    "adapters.ses_mailer",
    "adapters.slack_notifier",
    "adapters.locks",
    "adapters.ledger",
    "aws_lambda_powertools.utilities.idempotency",
    "guide.actions",
    "slack_bolt.adapter.aws_lambda",
)
# Local-only packages the Lambda layer leaves out.
NOT_IN_LAMBDA = ("filelock", "openpyxl")

_PROBE = """
import importlib, json, sys
for name in {blocked!r}:
    sys.modules[name] = None  # what "not installed" looks like to an import
loaded = {{}}
for module in {modules!r}:
    try:
        importlib.import_module(module)
        loaded[module] = "ok"
    except ImportError as err:
        loaded[module] = str(err)
print(json.dumps({{"loaded": loaded, "boto3": "boto3" in sys.modules}}))
"""


def probe(modules: tuple[str, ...], blocked: tuple[str, ...] = ()) -> dict[str, object]:
    code = _PROBE.format(modules=modules, blocked=blocked)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("LAMBDA_TASK_ROOT", None)  # tracing off, as the template's default has it
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    result: dict[str, object] = json.loads(out.stdout)
    return result


@pytest.mark.parametrize("module", HANDLERS + LAMBDA_WIRING)
def test_given_the_lambda_layer_without_local_packages_what_lambda_loads_imports(
    module: str,
) -> None:
    result = probe((module,), blocked=NOT_IN_LAMBDA)
    assert result["loaded"] == {module: "ok"}


def test_importing_the_slack_handler_leaves_boto3_for_the_first_request() -> None:
    # When the Slack handler module is imported, as a cold start does before any request
    result = probe(("functions.slack_actions",))
    # Then boto3 (Bolt's Lambda adapter needs it) is not loaded yet
    assert result["loaded"] == {"functions.slack_actions": "ok"}
    assert result["boto3"] is False


_WIRED = """
import json, sys
from app.bootstrap import ports_from_env
IDEMPOTENCY = "aws_lambda_powertools.utilities.idempotency"
ports = ports_from_env()
wired = IDEMPOTENCY in sys.modules
ports.ledger.once("probe", lambda: {{"done": True}})
print(json.dumps({{"wired": wired, "after_once": IDEMPOTENCY in sys.modules}}))
"""


def test_the_ports_leave_the_ledger_unbuilt_until_something_must_happen_once(
    tmp_path: Path,
) -> None:
    # Given a local stack's settings (a cold undo, resume or done link sends nothing)
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "OG_WORKBOOK": str(tmp_path / "book.xlsx"),
        "OG_OUTBOX": str(tmp_path / "outbox"),
        "OG_STATE_DIR": str(tmp_path / "state"),
    }
    env.pop("LAMBDA_TASK_ROOT", None)
    # When the ports are wired, and then an effect is run through the ledger
    out = subprocess.run(
        [sys.executable, "-c", _WIRED.format()], env=env, cwd=ROOT, capture_output=True, text=True
    )
    # Then Powertools' idempotency loaded only for the effect
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == {"wired": False, "after_once": True}
