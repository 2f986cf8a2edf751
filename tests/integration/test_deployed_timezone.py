"""The stack's TimeZone parameter decides when the schedules run, so it wins over og-config's
timezone, and a disagreement is reported rather than silently counted two ways."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from app.demo import build_demo
from fakes.memory_workbook import InMemoryWorkbook
from guide.tick import run_tick
from tests.conftest import MakePorts

# 04:30 UTC on Tuesday 24 November: still Monday the 23rd in New York (the demo's og-config),
# already Tuesday in Berlin.
NOW = datetime(2026, 11, 24, 4, 30, tzinfo=UTC)


def test_the_deployed_time_zone_wins_and_the_disagreement_is_a_problem(
    make_ports: MakePorts,
) -> None:
    workbook = InMemoryWorkbook()
    build_demo(workbook, datetime(2026, 11, 23).date())
    ports = replace(make_ports(workbook), timezone="Europe/Berlin")
    report = run_tick(ports, NOW, dry_run=True)
    assert report.plan.today.isoformat() == "2026-11-24"  # Berlin's day, not New York's
    assert any(p.column == "timezone" and "Europe/Berlin" in p.message for p in report.problems)


def test_without_a_deployed_time_zone_og_config_decides(make_ports: MakePorts) -> None:
    workbook = InMemoryWorkbook()
    build_demo(workbook, datetime(2026, 11, 23).date())
    report = run_tick(make_ports(workbook), NOW, dry_run=True)
    assert report.plan.today.isoformat() == "2026-11-23"
    assert not any(p.column == "timezone" for p in report.problems)
