"""How the setup command formats each tab: the header row frozen, tick boxes, drop-downs and
warning-only protection. The columns named here are ``sheets.schema``'s; setup fills each
drop-down's choices from the workbook (plan, team and segment names) and hands ``FORMATS`` to the
workbook port's ``format_tabs``.
"""

from __future__ import annotations

from dataclasses import dataclass

from sheets.schema import AUDIT, ONBOARDING, TABS

# Where a drop-down's choices come from: og-plans' plan names, og-config's team names, og-segments'
# segment names. Setup reads them and writes the list; running it again refreshes the list.
PLAN_NAMES, TEAM_NAMES, SEGMENT_NAMES = "plan names", "team names", "segment names"


@dataclass(frozen=True)
class Dropdown:
    """A column whose cells offer a list of choices. Not strict: a value off the list (a plan
    added since setup ran) is kept, with a warning, not refused."""

    column: str
    source: str  # PLAN_NAMES, TEAM_NAMES or SEGMENT_NAMES
    choices: tuple[str, ...] = ()  # filled by setup from the source


@dataclass(frozen=True)
class TabFormat:
    """How setup formats one tab: the header row frozen, tick boxes, drop-downs, and whether the
    tab is protected (warning-only: a person editing it is asked to confirm, not stopped)."""

    tab: str
    frozen_rows: int = 1
    checkboxes: tuple[str, ...] = ()
    dropdowns: tuple[Dropdown, ...] = ()
    protected: bool = False


FORMATS: tuple[TabFormat, ...] = tuple(
    TabFormat(
        ONBOARDING.name,
        checkboxes=("paused", "finished"),
        dropdowns=(
            Dropdown("plan", PLAN_NAMES),
            Dropdown("owner", TEAM_NAMES),
            Dropdown("segment", SEGMENT_NAMES),
        ),
    )
    if t is ONBOARDING
    # og-audit is the guide's record of who did what: a hand edit would falsify it.
    else TabFormat(t.name, protected=t is AUDIT)
    for t in TABS
)
