"""The daily tick as one unit of work: lock, one read, a pure decision, the effects, one write.

The whole tick holds the workbook lock, so button presses wait for it rather than racing it, and
its write touches only the cells it changes.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from guide.model import Problem
from guide.ports import Ports
from guide.stalls import read_stall_inputs
from guide.tick.decide import decide
from guide.tick.effects import carry_out
from guide.tick.report import TickReport
from guide.unit_of_work import TICK_LEASE_SECONDS, Clock, at, unit_of_work

TICK_HOUR = time(9, 0)  # when the schedule runs the tick, in the team's time zone


@contextmanager
def _no_collection_pauses() -> Iterator[None]:
    """A tick builds hundreds of thousands of short-lived, acyclic objects from the snapshot.
    CPython's cyclic collector would walk them again and again as they pile up, making a large
    tick super-linear; reference counting frees them anyway. Collect once at the end."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
        gc.collect()


def scheduled_on(day: date) -> Clock:
    """The schedule's moment on ``day``: 09:00 in the team's time zone, known from og-config."""
    return lambda config: datetime.combine(day, TICK_HOUR, ZoneInfo(config.timezone))


def run_tick(
    ports: Ports,
    now: datetime,
    dry_run: bool = False,
    wait: float = 60,
    on: date | None = None,
) -> TickReport:
    """Run the daily tick at ``now`` (aware), or, given ``on``, as the schedule would on that
    day. With ``dry_run`` decide only: nothing is sent or written, and the report lists what
    would happen."""
    clock = scheduled_on(on) if on is not None else at(now)
    with (
        _no_collection_pauses(),
        unit_of_work(ports, clock, lease_seconds=TICK_LEASE_SECONDS, wait_seconds=wait) as work,
    ):
        extra = read_stall_inputs(work.snapshot, work.book)
        plan = decide(work.book, work.local.date(), extra)
        report = TickReport(plan=plan, dry_run=dry_run)
        work.discard = dry_run
        if not dry_run:
            carry_out(work, plan.effects, report)
    if not dry_run:
        report.cells_written = len(work.changes)
        # What went wrong after the write (a flag update, a new owner's message) is reported.
        report.failures.extend(Problem("tick", None, None, w) for w in work.warnings)
    return report
