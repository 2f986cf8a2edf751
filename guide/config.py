"""og-config: the settings a team changes without a deploy, read with defaults and checks."""

from __future__ import annotations

import re
from datetime import date
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from guide import cells
from guide.model import Config, Problem, TeamMember
from guide.workbook import Table
from sheets.schema import CONFIG, normalize_header

_LIST_SPLIT = re.compile(r"[;,\n]+")

# key -> (description, default shown by the setup command)
KEYS: dict[str, tuple[str, str]] = {
    "timezone": ("the team's time zone (IANA name); the tick runs at 09:00 there", "UTC"),
    "escalate after days": ("business days a step may be overdue before the manager hears", "10"),
    "sender": ("the From address of every email (an SES-verified identity)", ""),
    "reply to": ("where customers' replies go", ""),
    "slack channel": ("channel for flags of owners not in the team list", ""),
    "manager": ("who hears about escalations: a Slack user id or an email address", ""),
    "team": ("one member per row: name | Slack user id | email", ""),
    "digest recipients": ("emails that get the weekly digest, comma separated", ""),
    "holidays": ("dates that are not business days, comma separated", ""),
    "link ttl days": ("how long a done link works", "30"),
    "stall thresholds": ("days stalled at which triage buckets start", "3, 7, 14, 30"),
}


def read_config(table: Table | None, problems: list[Problem]) -> Config:
    if table is None or not table.exists:
        problems.append(Problem(CONFIG.name, None, None, "tab is missing; using defaults"))
        return Config()
    values: dict[str, list[tuple[int, str]]] = {}
    for row, record in table.records():
        key = normalize_header(record.get("key"))
        value = cells.text(record.get("value"))
        if key not in KEYS:
            problems.append(Problem(CONFIG.name, row, "key", f"unknown setting {key!r}; ignored"))
            continue
        if value:
            values.setdefault(key, []).append((row, value))

    def last(key: str) -> tuple[int, str] | None:
        found = values.get(key)
        return found[-1] if found else None

    def number(key: str, default: int) -> int:
        found = last(key)
        if not found:
            return default
        try:
            return cells.whole_number(found[1], minimum=1)
        except cells.CellError as err:
            problems.append(
                Problem(CONFIG.name, found[0], "value", f"{key}: {err}; using {default}")
            )
            return default

    defaults = Config()
    timezone = defaults.timezone
    if found := last("timezone"):
        try:
            ZoneInfo(found[1])
            timezone = found[1]
        except (ZoneInfoNotFoundError, ValueError):
            problems.append(
                Problem(
                    CONFIG.name, found[0], "value", f"unknown time zone {found[1]!r}; using UTC"
                )
            )

    holidays: set[date] = set()
    for row, value in values.get("holidays", []):
        for item in _split(value):
            try:
                holidays.add(cells.day(item))
            except cells.CellError as err:
                problems.append(Problem(CONFIG.name, row, "value", f"holiday {item!r}: {err}"))

    thresholds: tuple[int, ...] = defaults.triage_thresholds
    if found := last("stall thresholds"):
        try:
            thresholds = tuple(sorted(cells.whole_number(x, minimum=1) for x in _split(found[1])))
        except cells.CellError as err:
            problems.append(Problem(CONFIG.name, found[0], "value", f"stall thresholds: {err}"))

    return Config(
        timezone=timezone,
        escalate_after_days=number("escalate after days", defaults.escalate_after_days),
        sender=(last("sender") or (0, defaults.sender))[1],
        reply_to=(last("reply to") or (0, ""))[1],
        slack_channel=(last("slack channel") or (0, ""))[1],
        manager=(last("manager") or (0, ""))[1],
        team=tuple(_member(v) for _, raw in values.get("team", []) for v in raw.split("\n")),
        digest_recipients=tuple(
            x for _, raw in values.get("digest recipients", []) for x in _split(raw)
        ),
        holidays=frozenset(holidays),
        link_ttl_days=number("link ttl days", defaults.link_ttl_days),
        triage_thresholds=thresholds,
    )


def _split(value: str) -> list[str]:
    return [part.strip() for part in _LIST_SPLIT.split(value) if part.strip()]


def _member(value: str) -> TeamMember:
    parts = [p.strip() for p in value.split("|")]
    name = parts[0]
    slack_id = next((p for p in parts[1:] if p and "@" not in p), "")
    email = next((p for p in parts[1:] if "@" in p), "")
    return TeamMember(name=name, slack_id=slack_id, email=email)
