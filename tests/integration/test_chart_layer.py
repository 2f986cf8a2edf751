"""matplotlib in Lambda (issue 12's chart in the digest): the digest function draws the funnel
chart, so it alone carries the chart layer; every other function stays as lean as it was, and
no handler loads matplotlib by being imported.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from importlib.metadata import requires, version
from pathlib import Path
from typing import Any

import pytest
from cfnlint.decode import cfn_yaml

ROOT = Path(__file__).resolve().parents[2]
HANDLERS = ("functions.tick", "functions.slack_actions", "functions.done_link", "functions.digest")


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    loaded: dict[str, Any] = cfn_yaml.load(str(ROOT / "template.yaml"))
    return loaded


def pinned(name: str) -> dict[str, str]:
    """A requirements file's pins, by normalized package name."""
    pins = {}
    for line in (ROOT / name).read_text().splitlines():
        match = re.fullmatch(r"([A-Za-z0-9_.\-]+)==(\S+)", line.strip())
        if match:
            pins[_normal(match.group(1))] = match.group(2)
    return pins


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_only_the_digest_function_carries_the_chart_layer(template: dict[str, Any]) -> None:
    resources = template["Resources"]
    assert resources["ChartLayer"]["Type"] == "AWS::Serverless::LayerVersion"
    carrying = [
        name
        for name, resource in resources.items()
        if resource["Type"] == "AWS::Serverless::Function"
        and {"Ref": "ChartLayer"} in resource["Properties"].get("Layers", [])
    ]
    assert carrying == ["DigestFunction"]
    digest = resources["DigestFunction"]["Properties"]
    assert digest["Environment"]["Variables"]["MPLCONFIGDIR"].startswith("/tmp/")


def test_the_chart_layer_pins_matplotlib_and_all_it_needs_as_installed_here() -> None:
    """Given the layer is installed with --no-deps, every package matplotlib requires is pinned
    in it or in the dependencies layer (both are on the digest's path), at the version the
    tests ran with; and matplotlib is not in the dependencies layer every function carries."""
    chart, lambda_ = pinned("requirements-chart.txt"), pinned("requirements-lambda.txt")
    assert "matplotlib" not in lambda_
    needed = {"matplotlib"} | {
        _normal(re.split(r"[ ;<>=!~\[]", r, maxsplit=1)[0])
        for r in requires("matplotlib") or []
        if "extra ==" not in r
    }
    for name in sorted(needed):
        assert name in chart or name in lambda_, f"{name} is in neither layer"
        assert {**lambda_, **chart}[name] == version(name), f"{name} pinned to another version"


def test_no_handler_loads_matplotlib_when_imported() -> None:
    code = (
        "import importlib, json, sys\n"
        f"for m in {HANDLERS!r}: importlib.import_module(m)\n"
        "print(json.dumps('matplotlib' in sys.modules))"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONDONTWRITEBYTECODE": "1"}
    ran = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True
    )
    assert ran.returncode == 0, ran.stderr
    assert json.loads(ran.stdout.strip().splitlines()[-1]) is False
