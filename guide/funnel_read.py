"""The funnel from the workbook: one read of the tabs it needs, then the pure ``funnel``.

Read-only, like the digest: no lock (it writes nothing, and a report a moment stale is fine).
og-sends-archive is read whole here, unlike in the tick, because past journeys are the point.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from guide.calendar import team_time
from guide.funnel import funnel
from guide.funnel_journeys import read_past
from guide.funnel_model import Funnel
from guide.model import Problem
from guide.ports import Workbook
from guide.reading import read_book
from guide.unit_of_work import WorkbookBroken, structural_problems
from guide.workbook import Snapshot
from sheets.schema import CONFIG, ONBOARDING, PLANS, SENDS, SENDS_ARCHIVE, STATE

DEFAULT_DAYS = 91  # a quarter: enough journeys to say something, recent enough to act on
# og-state too, because a book is read from every tab the tick reads; it is one row a customer.
REPORT_READS = (
    ONBOARDING.name,
    PLANS.name,
    SENDS.name,
    STATE.name,
    CONFIG.name,
    SENDS_ARCHIVE.name,
)


def funnel_from_snapshot(
    snapshot: Snapshot, start: date | None, end: date | None, now: datetime
) -> tuple[Funnel, list[Problem]]:
    """The funnel of a snapshot of ``REPORT_READS`` as it stands at ``now`` (aware), and the
    problems met reading it. ``end`` defaults to today in team time, ``start`` to
    ``DEFAULT_DAYS`` before ``end``."""
    broken = structural_problems(snapshot) + structural_problems(snapshot, (SENDS_ARCHIVE,))
    if broken:
        raise WorkbookBroken(broken)
    with _no_cycle_collection():
        book = read_book(snapshot)
        problems = list(book.problems)
        zone = ZoneInfo(book.config.timezone)
        archive = read_past(snapshot[SENDS_ARCHIVE.name], zone, problems)
        # No audit: og-audit is the one tab that grows faster than the archive, and a journey
        # closed as cancelled says so on its row (model.CANCELLED_BY).
        today = team_time(now, book.config.timezone).date()
        end = end or today
        start = start or end - timedelta(days=DEFAULT_DAYS)
        return funnel(book, archive, (), start, end, today=today), problems


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """The cycle collector off while the report reads: it makes hundreds of thousands of
    tuples and dicts, none in a cycle, and the collector would walk the whole snapshot (every
    row of every tab) again and again for nothing, an eighth of the report's time. Plain
    reference counting still frees everything; the collector is back on afterwards."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def read_funnel(
    workbook: Workbook, start: date | None, end: date | None, now: datetime
) -> tuple[Funnel, list[Problem]]:
    return funnel_from_snapshot(workbook.read(REPORT_READS), start, end, now)
