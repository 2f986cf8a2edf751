"""The workbook's tabs and columns: the one source of truth.

Adapters, the setup command, the demo workbook and the tests all take the layout from here.
Columns are found by header name (see ``normalize_header``), so a person may reorder columns or add
their own; the names below are what the setup command writes and what the guide looks for.
How setup formats the tabs is in ``sheets.formats``.
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
        "arr",  # optional: annual revenue, shown on a stall flag as context
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
        # Optional, for stall intelligence (guide.stalls): the phase a step belongs to (blank:
        # the phase of the step above), the og-activity event that marks it done
        # ("user.activated"), and who of us does a step owned by us.
        "phase",
        "done when",
        "assignee",
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
        "escalated at",
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

ACTIVITY = Tab(
    name="og-activity",
    # kind: activity | response | event | mail event. "event id" is the sender's id, so the
    # activity endpoint records an event once however often it is sent.
    columns=("at", "customer id", "kind", "name", "detail", "event id"),
    required=("at", "customer id", "kind"),
    written_by="the guide, the activity endpoint, integrations, people; append-only",
)

STALL_RULES = Tab(
    name="og-stall-rules",
    # One rule a row. phase and segment: a name or "any". threshold days: business days, or a
    # multiple of the expected days ("1.5x") for phase_overdue and step_overdue.
    columns=("phase", "condition", "threshold days", "segment", "severity", "enabled"),
    required=("condition", "threshold days", "severity"),
    written_by="people (setup writes the defaults)",
)

INTERVENTIONS = Tab(
    name="og-interventions",
    # The draft email may use {first_name}, {company}, {step}, {days}, {done_link}, {owner}.
    columns=("stall kind", "suggestion", "email subject", "email body"),
    required=("stall kind", "suggestion"),
    written_by="people (setup writes the defaults)",
    key=("stall kind",),
)

TASKS = Tab(
    name="og-tasks",
    # "done at" and "done by": who closed the task, from the flag's Task done or in the sheet.
    columns=(
        "task id",
        "customer id",
        "title",
        "owner",
        "due",
        "status",
        "created at",
        "done at",
        "done by",
    ),
    required=("task id", "customer id", "title", "status"),
    written_by="the guide and people",
    key=("task id",),
)

SEGMENTS = Tab(
    name="og-segments",
    # How a segment's timeline differs from the plan's. A row names a segment and either a step
    # (step id) or a phase, or neither (every step); then "expected days" replaces the expected
    # business days of that step or phase, or "multiplier" stretches them (1.5 = half as long
    # again). Segments without rows follow the plan as written.
    columns=("segment", "step id", "phase", "expected days", "multiplier"),
    required=("segment",),
    written_by="people",
)

TRIAGE = Tab(
    name="og-triage",
    columns=(
        "customer id",
        "company",
        "plan",
        "phase",
        "owner",
        "contact email",
        "started",
        "days in onboarding",
        "last completed step",
        "stuck at step",
        "days stalled",
        "stall kinds",
        "severity",
        "reminders sent",
        "last activity",
        "last mail event",
        "open tasks",
        "link to the flag",
    ),
    required=("customer id",),
    written_by="the guide, rewritten by each tick for people to filter",
    key=("customer id",),
)

TABS: tuple[Tab, ...] = (
    ONBOARDING,
    PLANS,
    SENDS,
    SENDS_ARCHIVE,
    STATE,
    AUDIT,
    CONFIG,
    ACTIVITY,
    STALL_RULES,
    INTERVENTIONS,
    TASKS,
    SEGMENTS,
    TRIAGE,
    COMMITS,
)
BY_NAME: dict[str, Tab] = {t.name: t for t in TABS}

# What a tick reads. og-audit and og-sends-archive only grow, and the tick only appends to them,
# so it never reads them: the read stays the same size however long the guide has run.
# og-activity grows too, but the stall engine needs each customer's last activity, response and
# events, so it is read whole, in the same one batch get: about ten rows a customer (the bench's
# workload) is a small share of the read; a summary tab would be a second thing to keep true.
# og-tasks is read so a tick knows the open tasks and does not make a second one for a stall.
TICK_READS: tuple[str, ...] = (
    ONBOARDING.name,
    PLANS.name,
    SENDS.name,
    STATE.name,
    CONFIG.name,
    ACTIVITY.name,
    STALL_RULES.name,
    INTERVENTIONS.name,
    TASKS.name,
    SEGMENTS.name,
    TRIAGE.name,  # rewritten by each tick: its old rows are overwritten or deleted
)
# Read for their header only. og-activity is append-only too, but read whole (above).
APPEND_ONLY: tuple[str, ...] = (SENDS_ARCHIVE.name, AUDIT.name)


_NON_WORD = re.compile(r"[\s_\-]+")


def normalize_header(text: object) -> str:
    """'Customer ID', 'customer_id' and ' customer-id ' are the same column."""
    return _NON_WORD.sub(" ", str(text or "")).strip().casefold()
