"""Setting a workbook up: every tab with its schema header, and og-config with its keys."""

from __future__ import annotations

from guide.config import KEYS, allowed
from guide.ports import Workbook
from guide.workbook import Changes
from sheets.schema import CONFIG, TABS, normalize_header


def setup_workbook(workbook: Workbook) -> list[str]:
    """Create missing tabs and add any og-config key not there yet. Safe to run again."""
    made = workbook.ensure_tabs([t.name for t in TABS])
    snapshot = workbook.read([CONFIG.name])
    have = {normalize_header(r.get("key")) for _, r in snapshot[CONFIG.name].records()}
    changes = Changes()
    for key, (notes, default) in KEYS.items():
        if key not in have:
            notes = f"{notes} (allowed: {allowed(key)})"
            changes.append(CONFIG.name, {"key": key, "value": default, "notes": notes})
    workbook.commit(snapshot, changes)
    return made
