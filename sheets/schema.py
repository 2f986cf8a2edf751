"""The workbook's tabs and columns: the one source of truth.

Adapters, the setup command, the demo workbook and the tests all take the layout from here.
Columns are found by header name (see ``normalize_header``), so a person may reorder columns or add
their own; the names below are what the setup command writes and what the guide looks for.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Tab:
    name: str
    columns: tuple[str, ...]
    required: tuple[str, ...]
    written_by: str
    key: tuple[str, ...] = ()

    def index(self) -> dict[str, str]:
        """Normalised header -> canonical column name."""
        return {normalize_header(c): c for c in self.columns}


ONBOARDING = Tab(
    name="onboarding",
    columns=(
        "customer id",
        "company",
        "contact name",
        "contact email",
        "plan",
        "owner",
        "segment",
        "started on",
        "paused",
        "handed off to",
        "finished",
        "finished on",
        "finished by",
    ),
    required=("customer id", "contact email", "plan", "owner"),
    written_by="people (enroll, edit) and the guide",
    key=("customer id",),
)

PLANS = Tab(
    name="og-plans",
    columns=(
        "plan",
        "order",
        "step id",
        "title",
        "expected days",
        "owned by",
        "email subject",
        "email body",
    ),
    required=("plan", "order", "step id", "title", "expected days"),
    written_by="people",
    key=("plan", "step id"),
)

SENDS = Tab(
    name="og-sends",
    columns=(
        "journey id",
        "customer id",
        "step id",
        "sent at",
        "done at",
        "done by",
        "reminders sent",
        "last reminded",
    ),
    required=("journey id", "step id", "sent at"),
    written_by="the guide",
    key=("journey id", "step id"),
)

SENDS_ARCHIVE = Tab(
    name="og-sends-archive",
    columns=(*SENDS.columns, "archived at"),
    required=SENDS.required,
    written_by="the guide",
    key=("journey id", "step id"),
)

STATE = Tab(
    name="og-state",
    columns=(
        "customer id",
        "journey id",
        "paused at",
        "pause note",
        "paused by",
        "handed off to",
        "handed off at",
        "handed off by",
        "resumed at",
        "flag channel",
        "flag ts",
        "flag step",
        "flag level",
        "flagged at",
        "updated at",
    ),
    required=("customer id",),
    written_by="the guide",
    key=("customer id",),
)

AUDIT = Tab(
    name="og-audit",
    columns=(
        "audit id",
        "at",
        "who",
        "action",
        "customer id",
        "journey id",
        "before",
        "after",
        "detail",
        "undoes",
    ),
    required=("audit id", "at", "action", "customer id"),
    written_by="the guide; append-only",
)

CONFIG = Tab(
    name="og-config",
    columns=("key", "value", "notes"),
    required=("key", "value"),
    written_by="people",
    key=("key",),
)

# One row: the id of the guide's last write, which every write sets in the same all-or-nothing
# batch. After a write whose answer was lost (Google answered 5xx, or timed out) the guide reads
# this back to learn whether the write landed, instead of sending it again blind.
COMMITS = Tab(
    name="og-commit",
    columns=("commit id", "committed at"),
    required=(),
    written_by="the guide: the id of its last write",
)

TABS: tuple[Tab, ...] = (ONBOARDING, PLANS, SENDS, SENDS_ARCHIVE, STATE, AUDIT, CONFIG, COMMITS)
BY_NAME: dict[str, Tab] = {t.name: t for t in TABS}

# What a tick reads. og-audit and og-sends-archive only grow, and the tick only appends to them,
# so it never reads them: the read stays the same size however long the guide has run.
TICK_READS: tuple[str, ...] = (ONBOARDING.name, PLANS.name, SENDS.name, STATE.name, CONFIG.name)
APPEND_ONLY: tuple[str, ...] = (SENDS_ARCHIVE.name, AUDIT.name)

_NON_WORD = re.compile(r"[\s_\-]+")


def normalize_header(text: object) -> str:
    """'Customer ID', 'customer_id' and ' customer-id ' are the same column."""
    return _NON_WORD.sub(" ", str(text or "")).strip().casefold()
