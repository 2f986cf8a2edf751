"""The weekly digest's funnel: ``guide.funnel`` over the digest's own read, the last 90 days.

The digest's one batch get reads og-sends-archive whole (the steps of the journeys that ended)
beside the tabs the tick reads; og-audit stays header-only: a journey closed as cancelled says
so on its row (``model.CANCELLED_BY``). A missing archive tab, or a row of it that
cannot be read, is a problem the run reports, and the funnel counts what it can; the digest
still goes.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from guide.funnel import funnel
from guide.funnel_journeys import Past, read_past
from guide.funnel_model import Funnel, GroupStats, StepStats
from guide.model import Book, Problem
from guide.ports import Ports
from guide.unit_of_work import structural_problems
from guide.workbook import CellValue, Snapshot, Table
from sheets.schema import APPEND_ONLY, SENDS_ARCHIVE, TICK_READS

FUNNEL_DAYS = 90  # as the headline's "last 90 days"
DIGEST_READS = (*TICK_READS, SENDS_ARCHIVE.name)
DIGEST_HEADER_ONLY = tuple(t for t in APPEND_ONLY if t != SENDS_ARCHIVE.name)

log = logging.getLogger("guide.digest")


def funnel_window(today: date) -> tuple[date, date]:
    """The journeys the digest's funnel counts: started in the ``FUNNEL_DAYS`` before today."""
    return today - timedelta(days=FUNNEL_DAYS), today - timedelta(days=1)


def digest_funnel(snapshot: Snapshot, book: Book, today: date, problems: list[Problem]) -> Funnel:
    """The funnel of the journeys started in ``funnel_window(today)``, as they stand today,
    live ones from ``book`` and ended ones from the snapshot's og-sends-archive. What cannot be
    read is added to ``problems``."""
    broken = structural_problems(snapshot, (SENDS_ARCHIVE,))
    problems.extend(broken)
    table = snapshot.tables.get(SENDS_ARCHIVE.name)
    start, end = funnel_window(today)
    past = Past()
    if table is not None and not broken:
        past = read_past(_since(table, start), ZoneInfo(book.config.timezone), problems)
    return funnel(book, past, (), start, end, today=today)


def _since(table: Table, start: date) -> Table:
    """The archive with the rows of journeys started before ``start`` blanked: the funnel
    would not count them, and reading their dates was most of its time over a long archive.
    A journey id ends with its start (``Customer.journey_id``); an id that does not end with
    a date is kept for ``read_past`` to judge. Blanked, not dropped: a problem's row number
    stays the sheet's."""
    column = table.positions().get("journey id")
    if column is None:
        return table
    first = start.isoformat()
    blank: list[CellValue] = []
    rows: list[list[CellValue]] = []
    for raw in table.rows:
        value = raw[column] if len(raw) > column else None
        if type(value) is str and len(value) > 10 and value[-6] == "-" and value[-10:] < first:
            rows.append(blank)
        else:
            rows.append(raw)
    return Table(table.tab, table.header, rows, table.exists)


@dataclass(frozen=True)
class FunnelRow:
    """One line of the digest's funnel table: every journey, a plan, or a segment of a plan."""

    name: str
    segment: bool  # a segment, under its plan's line
    stats: GroupStats


@dataclass(frozen=True)
class Loss:
    """The step that loses a plan most customers: the one with most of the plan's stalls."""

    plan: str
    number: int  # the step's place in the plan, from 1
    step: StepStats
    plan_stalls: int


def funnel_rows(f: Funnel) -> list[FunnelRow]:
    """Every journey (when there are several plans), then each plan; when a plan's journeys
    are of several segments, each segment under it, else the plan's line names its one."""
    rows = [FunnelRow("All journeys", False, f.overall)] if len(f.plans) > 1 else []
    for plan in f.plans:
        segments = [g for g in f.groups if g.plan == plan.plan]
        if len(segments) == 1:
            (only,) = segments
            name = f"{plan.plan} / {only.segment}" if only.segment else plan.plan
            rows.append(FunnelRow(name, False, only))
            continue
        rows.append(FunnelRow(plan.plan, False, plan))
        rows += [FunnelRow(g.segment or "(no segment)", True, g) for g in segments]
    return rows


def funnel_losses(f: Funnel) -> list[Loss]:
    found = []
    for plan in f.plans:
        worst = plan.worst_step
        if worst is not None:
            number = next(i for i, s in enumerate(plan.steps, start=1) if s is worst)
            found.append(Loss(plan.plan, number, worst, sum(s.stalls for s in plan.steps)))
    return found


def funnel_chart(ports: Ports, f: Funnel | None) -> bytes | None:
    """The funnel's chart as PNG bytes from ``Ports.digest_chart``, drawn once for every
    recipient; None without a hook or a journey to draw. A chart never stops the digest: when
    drawing fails (the plotting library missing from a deployment, say), that is logged and
    the digest goes without it."""
    if ports.digest_chart is None or f is None or not f.overall.started:
        return None
    try:
        return ports.digest_chart(f)
    except Exception:  # whatever the drawing raised, the digest's people still hear
        log.warning(
            "the funnel chart could not be drawn; the digest goes without it", exc_info=True
        )
        return None
