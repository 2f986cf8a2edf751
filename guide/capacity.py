"""How much of a Google spreadsheet's 10,000,000 cells the workbook fills.

The guide's logs only grow: og-audit a row per action, og-activity a row per product or mail
event, og-sends-archive a row per step of each finished journey. Google refuses any write that
would take a spreadsheet past its limit, so the doctor says how full the workbook is and warns
while there is still room to move old rows out.

Counted from what was read: each tab's rows, header included, times its widest row. Google
counts whole grids, empty cells too, so the true figure is at least this.
"""

from __future__ import annotations

from dataclasses import dataclass

from guide.model import Problem
from guide.workbook import Snapshot

GOOGLE_CELL_LIMIT = 10_000_000
WARN_FROM = 0.8  # of the limit: at 10,000 customers a busy day adds some 60,000 audit cells


@dataclass(frozen=True)
class Capacity:
    by_tab: dict[str, int]
    limit: int = GOOGLE_CELL_LIMIT

    @property
    def cells(self) -> int:
        return sum(self.by_tab.values())

    @property
    def share(self) -> float:
        return self.cells / self.limit

    def summary(self) -> str:
        return f"the data fills {self.share:.1%} of the {self.limit:,} cells Google allows"

    def problem(self) -> Problem | None:
        """A warning on the fullest tab once the workbook passes ``WARN_FROM`` of the limit."""
        if self.share < WARN_FROM or not self.by_tab:
            return None
        tab, cells = max(self.by_tab.items(), key=lambda item: item[1])
        return Problem(
            tab,
            None,
            None,
            f"{self.summary()} a spreadsheet, {cells:,} of them on this tab: move its older "
            "rows to another spreadsheet before Google refuses the guide's writes",
        )


def capacity(snapshot: Snapshot, limit: int = GOOGLE_CELL_LIMIT) -> Capacity:
    by_tab = {}
    for name, table in snapshot.tables.items():
        if table.exists:
            width = max([len(table.header), *map(len, table.rows)])
            by_tab[name] = (len(table.rows) + 1) * width
    return Capacity(by_tab, limit)
