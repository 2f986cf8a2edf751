"""The triage tab's filter views: the saved filters a person picks from the sheet's menu.

og-config's "stall thresholds" (3, 7, 14, 30 days by default) each become a view of og-triage
showing the customers stalled longer than that, the most stalled first. Setup asks the workbook
to make them; the Google Sheets adapter turns each into a filter view request.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["TriageView", "triage_views"]


@dataclass(frozen=True)
class TriageView:
    """A filter view of og-triage a person picks from the sheet's menu: the rows whose
    ``column`` holds more than ``more_than``, the most stalled first."""

    title: str
    column: str
    more_than: int


def triage_views(thresholds: tuple[int, ...]) -> list[TriageView]:
    """One view per og-config "stall thresholds" entry (3, 7, 14, 30 by default)."""
    return [TriageView(f"Stalled more than {d} days", "days stalled", d) for d in thresholds]
