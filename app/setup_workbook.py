"""Setting a workbook up: every tab with its schema header, og-config with its keys, the default
stall rules and interventions and a starter plan in their tabs while those are empty, the tabs
formatted (frozen headers, tick boxes, drop-downs, og-audit protected), and og-triage's filter
views (more than 3, 7, 14, 30 days stalled: og-config's "stall thresholds"). Safe to run again:
a second run changes nothing. Needs only the workbook (no mail, Slack or link key).

Filter views are a Google Sheets feature: a workbook without ``ensure_filter_views`` (the local
xlsx one) is set up without them, and the log says so."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace
from typing import Protocol, runtime_checkable

from guide.config import KEYS, allowed, read_config
from guide.ports import Workbook
from guide.stalls import defaults
from guide.triage_views import TriageView, triage_views
from guide.workbook import CellValue, Changes
from sheets.formats import FORMATS, PLAN_NAMES, SEGMENT_NAMES, TEAM_NAMES, TabFormat
from sheets.schema import (
    CONFIG,
    INTERVENTIONS,
    PLANS,
    SEGMENTS,
    STALL_RULES,
    TABS,
    TRIAGE,
    normalize_header,
)

log = logging.getLogger(__name__)

# The plan a new team starts from: four steps over about two weeks, two by the customer, one by
# us, one by the customer again, so the first tick has something to send and to flag. A team
# edits or replaces it in og-plans; setup writes it only while og-plans has no rows. The emails
# may use {name} (the contact's first name) and {company}.
STARTER_PLAN: tuple[dict[str, CellValue], ...] = tuple(
    {
        "plan": "standard",
        "order": order,
        "step id": step_id,
        "title": title,
        "expected days": days,
        "owned by": owner,
        "email subject": subject,
        "email body": body,
    }
    for order, (step_id, title, days, owner, subject, body) in enumerate(
        [
            (
                "connect-data",
                "Connect your data",
                3,
                "customer",
                "Step 1: connect your data",
                "Hi {name},\n\nFirst step: connect {company}'s data source. "
                "It takes about ten minutes.",
            ),
            (
                "invite-teammate",
                "Invite a teammate",
                2,
                "customer",
                "Step 2: bring a teammate",
                "Hi {name},\n\nOnboarding goes faster with two. "
                "Invite one teammate to {company}'s workspace.",
            ),
            (
                "book-checkin",
                "Book the check-in",
                3,
                "us",
                "Step 3: let's book your check-in",
                "Hi {name},\n\nPick a slot for a 30-minute check-in with your onboarding lead.",
            ),
            (
                "first-report",
                "Share your first report",
                5,
                "customer",
                "Step 4: your first report",
                "Hi {name},\n\nLast step: build and share a first report.",
            ),
        ],
        start=1,
    )
)

# A tab people have started filling is theirs: defaults go only into an empty one. (The demo
# seeds these too; it brings plans of its own, so the starter plan is kept apart.)
DEFAULT_ROWS = {
    STALL_RULES.name: defaults.STALL_RULES,
    INTERVENTIONS.name: defaults.INTERVENTIONS,
}


@runtime_checkable
class FilterViews(Protocol):
    """A workbook that can hold filter views (the Google Sheets adapter)."""

    def ensure_filter_views(self, tab: str, views: Sequence[TriageView]) -> list[str]: ...


def setup_workbook(workbook: Workbook) -> list[str]:
    """Create missing tabs and columns, add any og-config key not there yet, fill the empty
    default tabs, format the tabs. Return the tabs made."""
    made = workbook.ensure_tabs([t.name for t in TABS])
    snapshot = workbook.read([CONFIG.name, SEGMENTS.name, PLANS.name, *DEFAULT_ROWS])
    have = {normalize_header(r.get("key")) for _, r in snapshot[CONFIG.name].records()}
    changes = Changes()
    for key, (notes, default) in KEYS.items():
        if key not in have:
            notes = f"{notes} (allowed: {allowed(key)})"
            changes.append(CONFIG.name, {"key": key, "value": default, "notes": notes})
    filled = {}
    for tab, rows in {**DEFAULT_ROWS, PLANS.name: STARTER_PLAN}.items():
        empty = not any(True for _ in snapshot[tab].records())
        filled[tab] = list(rows) if empty else [r for _, r in snapshot[tab].records()]
        if empty:
            for row in rows:
                changes.append(tab, row)
    workbook.commit(snapshot, changes)
    config = read_config(snapshot[CONFIG.name], [])
    team = config.team
    choices = {
        PLAN_NAMES: _names(filled[PLANS.name], "plan"),
        TEAM_NAMES: tuple(dict.fromkeys(m.name for m in team if m.name)),
        SEGMENT_NAMES: _names([r for _, r in snapshot[SEGMENTS.name].records()], "segment"),
    }
    workbook.format_tabs([_with_choices(f, choices) for f in FORMATS])
    views = triage_views(config.triage_thresholds)
    if isinstance(workbook, FilterViews):
        workbook.ensure_filter_views(TRIAGE.name, views)
    else:
        log.info(
            "%s has no filter views: og-triage is set up without them", type(workbook).__name__
        )
    return made


def _names(rows: list[dict[str, CellValue]], column: str) -> tuple[str, ...]:
    """The distinct non-blank values of a column, in the order they first appear."""
    return tuple(
        dict.fromkeys(str(v).strip() for r in rows if (v := r.get(column)) not in (None, ""))
    )


def _with_choices(fmt: TabFormat, choices: dict[str, tuple[str, ...]]) -> TabFormat:
    dropdowns = tuple(replace(d, choices=choices.get(d.source, ())) for d in fmt.dropdowns)
    return replace(fmt, dropdowns=dropdowns)
