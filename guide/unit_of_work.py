"""One unit of work: the only way anything in the guide reads and writes the workbook.

The tick, every action, the undo and the digest run the same sequence::

    hold the workbook lock -> read every tab once -> check the structure -> decide ->
    commit once (all or nothing) -> tell the outside world what happened

so the safety of a commit (the lock, the structure check, what may be sent before and after the
write) lives here and nowhere else; the write itself, sent once and in parts only when too big,
is ``guide.commit``. The work itself is a function of the ``Work`` it is handed:
it reads ``work.book``, adds to ``work.changes``, and queues what must only happen once the write
has landed (``work.after_commit``).
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from guide import audit
from guide.calendar import team_time
from guide.cells import stamp
from guide.commit import commit
from guide.model import Book, Config, Problem
from guide.ports import Ports
from guide.reading import read_book
from guide.workbook import Changes, Snapshot
from guide.writes import StateUpdates
from sheets.schema import (
    APPEND_ONLY,
    AUDIT,
    COMMITS,
    ONBOARDING,
    PLANS,
    SENDS,
    STATE,
    TICK_READS,
    Tab,
)

WORKBOOK_LOCK = "workbook"
# A lease outlives the longest Lambda that can hold it (the tick's 900 s limit; an action's
# function times out well inside its lease), so a live holder never loses the lock to another
# writer and a dead one frees it by itself.
TICK_LEASE_SECONDS = 900.0
ACTION_LEASE_SECONDS = 120.0
ACTION_WAIT_SECONDS = 20.0  # a tick holds the lock for seconds; a press waits that out

# Without these the guide cannot tell who was mailed what: a missing og-sends read as empty
# would mail every customer step 1 again. A broken structure stops the unit of work.
STRUCTURAL: tuple[Tab, ...] = (ONBOARDING, PLANS, SENDS, STATE, AUDIT)

Clock = Callable[[Config], datetime]
AfterCommit = Callable[[], str | None]


class WorkbookBroken(Exception):
    """A tab or a required column is missing: nothing was sent and nothing written."""

    def __init__(self, problems: Sequence[Problem]):
        self.problems = list(problems)
        super().__init__("; ".join(str(p) for p in self.problems))


@dataclass
class Work:
    """What one unit of work sees and builds: the book as read under the lock, the moment it
    runs at, and the changes and after-commit effects building up."""

    ports: Ports
    snapshot: Snapshot
    book: Book
    now: datetime  # aware: link expiry
    local: datetime  # team time, naive: how the sheet shows times
    changes: Changes = field(default_factory=Changes)
    after_commit: list[AfterCommit] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    discard: bool = False  # a dry run: decide, write nothing
    writes: int = 0  # the requests its commit took: one, unless too big for Google

    def __post_init__(self) -> None:
        self.states = StateUpdates(self.book.states)

    @property
    def when(self) -> str:
        return stamp(self.local)

    def audit(
        self,
        who: str,
        action: str,
        customer_id: str,
        journey_id: str = "",
        before: dict[str, Any] | None = None,
        after: dict[str, Any] | None = None,
        detail: str = "",
    ) -> None:
        """An og-audit row in this unit's one write."""
        row = audit.row(self.local, who, action, customer_id, journey_id, before, after, detail)
        self.changes.append(AUDIT.name, row)


def structural_problems(snapshot: Snapshot, tabs: Sequence[Tab] = STRUCTURAL) -> list[Problem]:
    """Every missing tab or required column among ``tabs`` (by default the ones the guide
    cannot do without) that the snapshot read."""
    problems = []
    for tab in tabs:
        table = snapshot.tables.get(tab.name)
        if table is None:
            continue  # not read by this unit of work
        if not table.exists:
            problems.append(Problem(tab.name, None, None, "tab is missing (run the setup command)"))
            continue
        for column in table.missing(tab.required):
            problems.append(Problem(tab.name, 1, column, "required column missing from the header"))
    return problems


def book_in_deployed_zone(ports: Ports, book: Book) -> Book:
    """The schedules run in the stack's time zone, so the tick must count days in it too: when
    og-config says another, the stack's wins and the sheet is told, rather than the two
    silently disagreeing about what "today" is."""
    wanted = ports.timezone
    if not wanted or wanted == book.config.timezone:
        return book
    book.problems.append(
        Problem(
            "og-config",
            None,
            "timezone",
            f"og-config says {book.config.timezone!r} but the stack runs in {wanted!r} "
            f"(its TimeZone parameter), which is used: set og-config's timezone to {wanted}",
        )
    )
    book.config = replace(book.config, timezone=wanted)
    return book


def at(now: datetime) -> Clock:
    """A clock that does not depend on the workbook's settings."""
    return lambda _config: now


@contextmanager
def unit_of_work(
    ports: Ports,
    clock: Clock,
    *,
    lease_seconds: float = ACTION_LEASE_SECONDS,
    wait_seconds: float = ACTION_WAIT_SECONDS,
    reads: Sequence[str] = TICK_READS,
    header_only: Sequence[str] = APPEND_ONLY,
) -> Iterator[Work]:
    """Hold the lock, read once, hand the ``Work`` to the block, then commit it once and run its
    after-commit effects (still under the lock, so they see the world they wrote).

    An exception from the block leaves the workbook untouched. ``clock`` gets og-config, for the
    tick that runs "at 09:00 team time" of a given day. A tab that is only appended to is read
    for its header (``header_only``), so the read never grows with history.
    """
    with ports.lock.hold(
        WORKBOOK_LOCK, lease_seconds=lease_seconds, wait_seconds=wait_seconds
    ) as lease:
        reads = [*dict.fromkeys([*reads, COMMITS.name])]  # the marker: a row, in the same read
        snapshot = ports.workbook.read(reads, header_only=header_only)
        broken = structural_problems(snapshot)
        if broken:
            raise WorkbookBroken(broken)
        book = book_in_deployed_zone(ports, read_book(snapshot))
        now = clock(book.config)
        work = Work(ports, snapshot, book, now, team_time(now, book.config.timezone))
        yield work
        if work.discard:
            return
        work.states.write(work.changes)
        if work.changes:
            work.writes = commit(ports.workbook, lease, snapshot, work.changes, work.when)
        work.warnings.extend(w for w in (effect() for effect in work.after_commit) if w)


@contextmanager
def no_collection_pauses() -> Iterator[None]:
    """A tick or a digest builds hundreds of thousands of short-lived, acyclic objects from the
    snapshot. CPython's cyclic collector would walk them again and again as they pile up, making
    a large tick super-linear; reference counting frees them anyway. No collection is forced at
    the end either: the snapshot and the plan are still alive there, and walking them found
    nothing to free (3.7% of a 10k tick in a py-spy profile); the collector simply resumes."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
