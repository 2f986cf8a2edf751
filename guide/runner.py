"""The daily tick as one unit of work: lock, one read, a pure decision, the effects, one write.

The whole tick holds the workbook lock, so button presses wait for it rather than racing it, and
its write touches only the cells it changes. ``guide.tick`` decides; ``guide.tick_effects``
carries the decision out.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from guide.reading import read_book
from guide.services import TICK_LEASE_SECONDS, WORKBOOK_LOCK, Services, team_time
from guide.tick import decide
from guide.tick_effects import TickEffects, TickReport
from sheets.schema import APPEND_ONLY, TICK_READS

__all__ = ["TICK_HOUR", "TickReport", "run_tick"]

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


def run_tick(
    services: Services,
    now: datetime,
    dry_run: bool = False,
    wait: float = 60,
    on: date | None = None,
) -> TickReport:
    """Run the daily tick at ``now`` (aware), or, given ``on``, as the schedule would on that
    day: 09:00 in the team's time zone (known only once og-config is read). With ``dry_run``
    decide only: nothing is sent or written, and the report lists what would happen."""
    with (
        services.lock.hold(WORKBOOK_LOCK, lease_seconds=TICK_LEASE_SECONDS, wait_seconds=wait),
        _no_collection_pauses(),
    ):
        snapshot = services.workbook.read(TICK_READS, header_only=APPEND_ONLY)
        book = read_book(snapshot)
        if on is not None:
            now = datetime.combine(on, TICK_HOUR, ZoneInfo(book.config.timezone))
        local = team_time(now, book.config.timezone)
        plan = decide(book, local.date())
        report = TickReport(plan=plan, dry_run=dry_run)
        if dry_run:
            return report
        tick = TickEffects(services, book, now, local, report)
        tick.carry_out(plan.effects)
        tick.states.write(tick.changes)
        services.workbook.commit(snapshot, tick.changes)
        report.cells_written = len(tick.changes)
        return report
