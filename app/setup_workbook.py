"""Setting a workbook up: every tab with its schema header, og-config with its keys, the
default stall rules and interventions in their tabs while those are empty, and og-triage's
filter views (more than 3, 7, 14, 30 days stalled: og-config's "stall thresholds").

Filter views are a Google Sheets feature: a workbook without ``ensure_filter_views`` (the
local xlsx one) is set up without them, and the log says so."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from guide.config import KEYS, allowed, read_config
from guide.ports import Workbook
from guide.stalls import defaults
from guide.triage import TriageView, triage_views
from guide.workbook import Changes
from sheets.schema import CONFIG, INTERVENTIONS, STALL_RULES, TABS, TRIAGE, normalize_header

log = logging.getLogger(__name__)

# A tab people have started filling is theirs: defaults go only into an empty one.
DEFAULT_ROWS = {
    STALL_RULES.name: defaults.STALL_RULES,
    INTERVENTIONS.name: defaults.INTERVENTIONS,
}


@runtime_checkable
class FilterViews(Protocol):
    """A workbook that can hold filter views (the Google Sheets adapter)."""

    def ensure_filter_views(self, tab: str, views: Sequence[TriageView]) -> list[str]: ...


def setup_workbook(workbook: Workbook) -> list[str]:
    """Create missing tabs and add any og-config key not there yet. Safe to run again."""
    made = workbook.ensure_tabs([t.name for t in TABS])
    snapshot = workbook.read([CONFIG.name, *DEFAULT_ROWS])
    have = {normalize_header(r.get("key")) for _, r in snapshot[CONFIG.name].records()}
    changes = Changes()
    for key, (notes, default) in KEYS.items():
        if key not in have:
            notes = f"{notes} (allowed: {allowed(key)})"
            changes.append(CONFIG.name, {"key": key, "value": default, "notes": notes})
    for tab, rows in DEFAULT_ROWS.items():
        if not any(True for _ in snapshot[tab].records()):
            for row in rows:
                changes.append(tab, row)
    workbook.commit(snapshot, changes)
    views = triage_views(read_config(snapshot[CONFIG.name], []).triage_thresholds)
    if isinstance(workbook, FilterViews):
        workbook.ensure_filter_views(TRIAGE.name, views)
    else:
        log.info(
            "%s has no filter views: og-triage is set up without them", type(workbook).__name__
        )
    return made
