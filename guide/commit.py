"""The write at the end of a unit of work: sent once and never twice, and in parts only when
Google would refuse it whole.

Each write carries a fresh commit id in og-commit, in the same all-or-nothing request, so a
write whose outcome is unknown can be read back rather than sent blind.
"""

from __future__ import annotations

import uuid
from dataclasses import replace

from guide.ports import Lease, Workbook, WorkbookError, WriteTooLarge
from guide.workbook import CellValue, Changes, Snapshot, Table
from sheets.schema import AUDIT, COMMITS, TRIAGE


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
