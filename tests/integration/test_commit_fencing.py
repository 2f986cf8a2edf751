"""A commit only lands while its unit of work still holds the workbook lock.

If an action's lease ran out while it was slow, a tick may have taken the lock and moved rows
since: the unit of work confirms its lease right before the write and refuses (nothing written)
when it is no longer its own.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date, datetime

import pytest

from app.demo import build_demo
from fakes.memory_workbook import InMemoryWorkbook
from guide import commands as cmd
from guide.actions import perform
from guide.ports import LeaseLost
from tests.conftest import MakePorts


class _Lost:
    def confirm(self) -> None:
        raise LeaseLost("the 'workbook' lock's lease ran out before the write")


class LeaseRunsOut:
    """A lock whose lease has run out by the time the holder is ready to write."""

    @contextmanager
    def hold(self, name: str, *, lease_seconds: float, wait_seconds: float) -> Iterator[_Lost]:
        yield _Lost()


def test_given_the_lease_ran_out_when_a_pause_commits_then_it_is_refused_and_nothing_written(
    make_ports: MakePorts, now: datetime
) -> None:
    # Given the demo, and a pause whose lock lease runs out before it writes
    memory = InMemoryWorkbook()
    build_demo(memory, date(2026, 11, 20))
    writes = memory.writes
    ports = replace(make_ports(memory), lock=LeaseRunsOut())
    # When Sam pauses C001, Then the action is refused and the sheet is untouched
    with pytest.raises(LeaseLost):
        perform(ports, cmd.Pause("C001", "Sam Rivera", "waiting"), now)
    assert memory.writes == writes
