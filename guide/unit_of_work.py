"""One unit of work: the only way anything in the guide reads and writes the workbook.

The tick, every action, the undo and the digest run the same sequence::

    hold the workbook lock -> read every tab once -> check the structure -> decide ->
    commit once (all or nothing) -> tell the outside world what happened

so the safety of a commit (the lock, the structure check, what may be sent before and after the
write) lives here and nowhere else. The work itself is a function of the ``Work`` it is handed:
it reads ``work.book``, adds to ``work.changes``, and queues what must only happen once the write
has landed (``work.after_commit``).
"""

from __future__ import annotations

import gc
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from guide import audit
from guide.calendar import team_time
from guide.cells import stamp
from guide.model import Book, Config, Problem
from guide.ports import Lease, Ports, Workbook, WorkbookError, WriteTooLarge
from guide.reading import read_book
from guide.workbook import CellValue, Changes, Snapshot, Table
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
    TRIAGE,
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


def commit(
    workbook: Workbook, lease: Lease, snapshot: Snapshot, changes: Changes, when: str
) -> int:
    """Write ``changes`` once, never twice, and never without the lock.

    Right before each write the lease is confirmed (``LeaseLost`` otherwise: another writer may
    have moved rows since the read; the adapter checks the rows themselves, ``RowsMoved``). The
    write carries a fresh commit id in og-commit. If its outcome is unknown (Google answered
    5xx), the marker is read back: there, the write landed; not there, it is sent once more. If
    Google never answered, the write may still land later, so it is not sent again at all.

    A write too big for one request (``WriteTooLarge``: nothing was sent) goes in parts, each
    with its own commit id: see ``_parts``. Returns how many writes it took.
    """
    return _commit_fitting(workbook, lease, snapshot, changes, when)[1]


def _commit_fitting(
    workbook: Workbook, lease: Lease, snapshot: Snapshot, changes: Changes, when: str
) -> tuple[Snapshot, int]:
    """``changes`` written in as many parts as it takes: the snapshot as og-commit now is, and
    the number of writes."""
    try:
        return _commit_once(workbook, lease, snapshot, changes, when), 1
    except WriteTooLarge:
        parts = _parts(changes)
        if len(parts) == 1:
            raise
    # Out of the except block: its traceback holds the unsent body until then.
    writes = 0
    for part in parts:
        snapshot, took = _commit_fitting(workbook, lease, snapshot, part, when)
        writes += took
    return snapshot, writes


def _parts(changes: Changes) -> list[Changes]:
    """A write too big for one request, in parts that stand alone, in the order that loses
    nothing; a part still too big is split the same way again:

    1. og-audit's new rows first: should a later part fail, the rerun catches up and writes
       them again (a row twice, never an action without its row). Alone, they split in halves.
    2. Everything else, which must land together (an archived journey's og-sends rows and their
       archive copies); split, if need be, from og-triage, which goes last: the next tick
       rewrites it anyway.
    """
    audit = [a for a in changes.appends if a.tab == AUDIT.name]
    if len(audit) == len(changes):
        half = len(audit) // 2
        return [Changes(appends=audit[:half]), Changes(appends=audit[half:])] if half else [changes]
    if audit:
        others = [a for a in changes.appends if a.tab != AUDIT.name]
        return [Changes(appends=audit), Changes(list(changes.edits), others, list(changes.deletes))]
    rest, triage = Changes(), Changes()
    for kind in ("edits", "appends", "deletes"):
        for change in getattr(changes, kind):
            getattr(triage if change.tab == TRIAGE.name else rest, kind).append(change)
    return [p for p in (rest, triage) if p]


def _commit_once(
    workbook: Workbook, lease: Lease, snapshot: Snapshot, changes: Changes, when: str
) -> Snapshot:
    commit_id = uuid.uuid4().hex
    marked = Changes(list(changes.edits), list(changes.appends), list(changes.deletes))
    _mark(marked, snapshot.tables.get(COMMITS.name), commit_id, when)
    for attempt in (1, 2):
        lease.confirm()
        try:
            workbook.commit(snapshot, marked)
            break
        except WorkbookError as error:
            if not error.ambiguous:
                raise
            if _landed(workbook, commit_id, error):
                break
            if error.may_still_land or attempt == 2:
                raise WorkbookError(
                    f"{error}; the write may still be applied by Google, so it was not sent "
                    "again: run again to catch up"
                ) from error
    return _marked(snapshot, commit_id, when)


def _marked(snapshot: Snapshot, commit_id: str, when: str) -> Snapshot:
    """The snapshot with og-commit as the write left it: its marker row is edited in place
    from then on, and a tab the write created is known to exist."""
    table = snapshot.tables.get(COMMITS.name)
    if table is not None and table.exists and table.rows:
        return snapshot
    header = table.header if table is not None and table.exists else list(COMMITS.columns)
    values = _marker(commit_id, when)
    marked = Table(COMMITS.name, header, [[values.get(name, "") for name in header]])
    return replace(snapshot, tables={**snapshot.tables, COMMITS.name: marked})


def _marker(commit_id: str, when: str) -> dict[str, CellValue]:
    return {"commit id": commit_id, "committed at": when}


def _mark(changes: Changes, table: Table | None, commit_id: str, when: str) -> None:
    values = _marker(commit_id, when)
    row = next((r for r, _ in table.records()), None) if table is not None else None
    if row is None:
        changes.append(COMMITS.name, values)
    else:
        for column, value in values.items():
            changes.set(COMMITS.name, row, column, value)


def _landed(workbook: Workbook, commit_id: str, error: WorkbookError) -> bool:
    """Whether the write that failed with ``error`` landed: its id is in og-commit."""
    try:
        table = workbook.read([COMMITS.name])[COMMITS.name]
    except WorkbookError as unreadable:
        raise WorkbookError(
            f"{error}; whether it was written is unknown (og-commit unreadable: {unreadable})"
        ) from error
    return any(r.get("commit id") == commit_id for _, r in table.records())


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
