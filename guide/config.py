"""og-config: the settings a team changes without a deploy, read with defaults and checks.

Every value has bounds: a person can type anything, and a number that is merely large (a link
that lasts a million years) would overflow date arithmetic and stop the whole tick. A value out
of bounds is a problem naming the key and the allowed range, and the default is used instead.
"""

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
    "team": (
        "one member per row: name | Slack user id | email [| manager: Slack user id or email]",
        "",
    ),
    "digest recipients": ("emails that get the weekly digest, comma separated", ""),
    "digest when empty": (
        "send the weekly digest in a week with nobody paused, handed off, stalled, finished or new",
        "yes",
    ),
    "holidays": ("dates that are not business days, comma separated", ""),
    "link ttl days": ("how long a done link works", "30"),
    "stall thresholds": ("days stalled at which triage buckets start", "3, 7, 14, 30"),
    "booking link": (
        "the team's booking page (a URL): Schedule a call sends it instead of a calendar invite",
        "",
    ),
    "opened not done days": (
        "business days after a stalled step's email was opened (the step may be confusing), or "
        "sent and never delivered or opened (it may be in spam), before the flag says so",
        "3",
    ),
}


# Whole-number keys -> (least, most) allowed.
NUMBER_BOUNDS: dict[str, tuple[int, int]] = {
    "escalate after days": (1, 90),
    "link ttl days": (1, 365),
    "stall thresholds": (1, 365),  # each threshold
    "opened not done days": (1, 60),
}
MAX_THRESHOLDS = 10
YES_NO_KEYS = frozenset({"digest when empty"})
# An email address is at most 254 characters (RFC 5321); no single-line setting needs more.
MAX_TEXT = 254
# Slack's select menu lists at most 100 options; SES sends to at most 50 recipients at once.
MAX_TEAM = 100
MAX_DIGEST_RECIPIENTS = 50
FIRST_HOLIDAY, LAST_HOLIDAY = date(1970, 1, 1), date(2200, 12, 31)


def allowed(key: str) -> str:
    """The allowed range of a key, in words (for problems and the setup command's notes)."""
    if key in NUMBER_BOUNDS:
        least, most = NUMBER_BOUNDS[key]
        each = f", at most {MAX_THRESHOLDS} of them" if key == "stall thresholds" else ""
        return f"whole numbers from {least} to {most}{each}" if each else f"{least} to {most}"
    if key == "holidays":
        return f"dates from {FIRST_HOLIDAY} to {LAST_HOLIDAY}"
    if key == "timezone":
        return "an IANA time zone name such as Europe/Berlin"
    if key in YES_NO_KEYS:
        return "yes or no"
    limit = {"team": MAX_TEAM, "digest recipients": MAX_DIGEST_RECIPIENTS}.get(key)
    count = f", at most {limit} of them" if limit else ""
    return f"up to {MAX_TEXT} characters each{count}" if limit else f"up to {MAX_TEXT} characters"


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

    def out_of_bounds(row: int, key: str, what: str, using: str) -> None:
        problems.append(
            Problem(CONFIG.name, row, "value", f"{key}: {what}; allowed {allowed(key)}; {using}")
        )

    def number(key: str, default: int) -> int:
        found = last(key)
        if not found:
            return default
        least, most = NUMBER_BOUNDS[key]
        try:
            value = cells.whole_number(found[1], minimum=least)
        except cells.CellError as err:
            out_of_bounds(found[0], key, str(err), f"using {default}")
            return default
        if value > most:
            out_of_bounds(found[0], key, f"{value} is too large", f"using {default}")
            return default
        return value

    def line(key: str, default: str) -> str:
        found = last(key)
        if not found:
            return default
        if len(found[1]) > MAX_TEXT:
            shown = repr(default) if default else "left empty"
            out_of_bounds(found[0], key, f"{len(found[1])} characters", f"using {shown}")
            return default
        return found[1]

    def items(key: str, limit: int) -> list[str]:
        kept: list[str] = []
        for row, raw in values.get(key, []):
            split = raw.split("\n") if key == "team" else _split(raw)
            for item in (x.strip() for x in split):
                if not item:
                    continue
                if len(item) > MAX_TEXT:
                    out_of_bounds(row, key, f"an entry of {len(item)} characters", "ignored")
                elif len(kept) == limit:
                    out_of_bounds(row, key, f"more than {limit}", f"using the first {limit}")
                    return kept
                else:
                    kept.append(item)
        return kept

    def yes_no(key: str, default: bool) -> bool:
        found = last(key)
        if not found:
            return default
        try:
            return cells.checkbox(found[1])
        except cells.CellError:
            using = "using " + ("yes" if default else "no")
            out_of_bounds(found[0], key, f"{found[1][:40]!r} is not yes or no", using)
            return default

    defaults = Config()
    timezone = defaults.timezone
    if found := last("timezone"):
        try:
            if len(found[1]) > MAX_TEXT:
                raise ValueError(found[1])
            ZoneInfo(found[1])
            timezone = found[1]
        except (ZoneInfoNotFoundError, ValueError):
            out_of_bounds(found[0], "timezone", f"unknown time zone {found[1][:40]!r}", "using UTC")

    holidays: set[date] = set()
    for row, value in values.get("holidays", []):
        for item in _split(value):
            try:
                holiday = cells.day(item)
            except cells.CellError as err:
                problems.append(Problem(CONFIG.name, row, "value", f"holiday {item!r}: {err}"))
                continue
            if FIRST_HOLIDAY <= holiday <= LAST_HOLIDAY:
                holidays.add(holiday)
            else:
                out_of_bounds(row, "holidays", f"{holiday} is out of range", "ignored")

    return Config(
        timezone=timezone,
        escalate_after_days=number("escalate after days", defaults.escalate_after_days),
        sender=line("sender", defaults.sender),
        reply_to=line("reply to", defaults.reply_to),
        slack_channel=line("slack channel", defaults.slack_channel),
        manager=line("manager", defaults.manager),
        team=tuple(_member(v) for v in items("team", MAX_TEAM)),
        digest_recipients=tuple(items("digest recipients", MAX_DIGEST_RECIPIENTS)),
        digest_when_empty=yes_no("digest when empty", defaults.digest_when_empty),
        holidays=frozenset(holidays),
        link_ttl_days=number("link ttl days", defaults.link_ttl_days),
        triage_thresholds=_thresholds(last("stall thresholds"), problems),
        booking_link=line("booking link", defaults.booking_link),
        opened_not_done_days=number("opened not done days", defaults.opened_not_done_days),
    )


def _thresholds(found: tuple[int, str] | None, problems: list[Problem]) -> tuple[int, ...]:
    default = Config().triage_thresholds
    if not found:
        return default
    least, most = NUMBER_BOUNDS["stall thresholds"]
    row, raw = found
    using = "using " + ", ".join(str(d) for d in default)
    try:
        days = sorted(cells.whole_number(x, minimum=least) for x in _split(raw))
    except cells.CellError as err:
        what = str(err)
    else:
        if days and days[-1] <= most and len(days) <= MAX_THRESHOLDS:
            return tuple(days)
        what = f"{raw[:40]!r} is out of range" if days else "no thresholds given"
    problems.append(
        Problem(
            CONFIG.name,
            row,
            "value",
            f"stall thresholds: {what}; allowed {allowed('stall thresholds')}; {using}",
        )
    )
    return default


def _split(value: str) -> list[str]:
    return [part.strip() for part in _LIST_SPLIT.split(value) if part.strip()]


def _member(value: str) -> TeamMember:
    """ "name | Slack user id | email", optionally "| manager: <Slack user id or email>": who
    hears of this owner's escalations instead of og-config's 'manager'."""
    parts = [p.strip() for p in value.split("|")]
    name = parts[0]
    manager = ""
    rest = []
    for part in parts[1:]:
        found = _MANAGER_PART.match(part)
        if found:
            manager = found.group(1).strip()
        else:
            rest.append(part)
    slack_id = next((p for p in rest if p and "@" not in p), "")
    email = next((p for p in rest if "@" in p), "")
    return TeamMember(name=name, slack_id=slack_id, email=email, manager=manager)


_MANAGER_PART = re.compile(r"^manager\s*[:=]\s*(.*)$", re.IGNORECASE)
