"""Setting a workbook up: every tab with its schema header, og-config with its keys, and the
default stall rules and interventions in their tabs while those are empty."""

from __future__ import annotations

from guide.config import KEYS, allowed
from guide.ports import Workbook
from guide.stalls import defaults
from guide.workbook import Changes
from sheets.schema import CONFIG, INTERVENTIONS, STALL_RULES, TABS, normalize_header

# A tab people have started filling is theirs: defaults go only into an empty one.
DEFAULT_ROWS = {
    STALL_RULES.name: defaults.STALL_RULES,
    INTERVENTIONS.name: defaults.INTERVENTIONS,
}


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
    return made
