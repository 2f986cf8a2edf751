"""``doctor``: every problem in the workbook, by tab, from one read of the whole workbook.

The problems are the ones that stop a unit of work (a tab or required column missing, see
``guide.unit_of_work.structural_problems``), the same check for the tabs a unit of work can do
without, and every row the guide leaves alone (``Book.problems``), and how full the workbook is
against Google's cell limit (``guide.capacity``). Nothing is locked or written.
"""

from __future__ import annotations

from itertools import groupby
from typing import Any

from app.admin_result import OK, REFUSED, Result
from guide.capacity import capacity
from guide.model import Problem
from guide.ports import Ports
from guide.reading import read_book
from guide.unit_of_work import STRUCTURAL, structural_problems
from guide.workbook import Snapshot
from sheets.schema import TABS


def doctor(ports: Ports) -> Result:
    snapshot = ports.workbook.read([t.name for t in TABS])
    structure = structural_problems(snapshot) + _other_tabs(snapshot)
    book = read_book(snapshot)
    # read_book finds the missing tabs and columns again, in its own words: say each once.
    seen = {(p.tab, p.row, p.column) for p in structure}
    problems = structure + [p for p in book.problems if (p.tab, p.row, p.column) not in seen]
    used = capacity(snapshot)
    full = used.problem()
    if full is not None:
        problems.append(full)
    order = {t.name: i for i, t in enumerate(TABS)}
    problems.sort(key=lambda p: (order.get(p.tab, len(order)), p.row or 0))
    data: dict[str, Any] = {
        "problems": [_json(p) for p in problems],
        "customers": len(book.customers),
        "plans": sorted(book.plans),
        "cells": used.cells,
    }
    if not problems:
        read = f"{_count(len(book.customers), 'customer')} and {_count(len(book.plans), 'plan')}"
        text = (
            f"No problems: {read} read, every tab and required column there; "
            f"{used.summary()} a spreadsheet."
        )
        return Result(OK, text, data)
    lines = [f"{_count(len(problems), 'problem')} in the workbook:"]
    for tab, found in groupby(problems, key=lambda p: p.tab):
        listed = list(found)
        lines += ["", f"{tab} ({len(listed)})", *(f"  {_place(p)}" for p in listed)]
    return Result(REFUSED, "\n".join(lines), data)


def _other_tabs(snapshot: Snapshot) -> list[Problem]:
    """The structure check for og-sends-archive and og-config: a finish appends to the one, and
    the other holds the team's settings; neither stops a unit of work by its absence."""
    return structural_problems(snapshot, [t for t in TABS if t not in STRUCTURAL])


def _count(n: int, thing: str) -> str:
    return f"{n} {thing}{'' if n == 1 else 's'}"


def _place(problem: Problem) -> str:
    where = [f"row {problem.row}"] if problem.row is not None else []
    if problem.column:
        where.append(f"column '{problem.column}'")
    return f"{', '.join(where)}: {problem.message}" if where else problem.message


def _json(problem: Problem) -> dict[str, Any]:
    return {
        "tab": problem.tab,
        "row": problem.row,
        "column": problem.column,
        "message": problem.message,
        "customer_id": problem.customer_id,
    }
