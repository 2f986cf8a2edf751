"""The fixtures the Slack-facing integration tests share: the fake Slack Web API (with response
URLs), and the demo workbook ticked once against it, so its flags are in the fake's messages."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from fakes.slack_signing import SlackWithResponses
from tests.integration.endpoints import TOKEN, Demo, make_demo


@pytest.fixture
def slack() -> Iterator[SlackWithResponses]:
    with SlackWithResponses(token=TOKEN) as server:
        yield server


@pytest.fixture
def demo(tmp_path: Path, slack: SlackWithResponses) -> Demo:
    return make_demo(tmp_path / "demo", slack.api_url)
