"""The weekly digest in words: the plain-text part, the subject, and each row's wording.

``guide.digest_render`` builds the HTML part from the same ``Item``s, so the wording cannot drift
between the two parts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from guide.digest_model import Digest, Finished, HandedOff, New, OpenTask, Paused, Stalled


@dataclass(frozen=True)
class Item:
    name: str
    detail: str
    extra: list[str] = field(default_factory=list)
    resume_url: str = ""
    badge: str = ""


def day(d: date, today: date) -> str:
    return f"{d.day} {d:%b}" if d.year == today.year else f"{d.day} {d:%b %Y}"


def _days(n: int, unit: str = "day") -> str:
    return f"{n} {unit}" if n == 1 else f"{n} {unit}s"


def _num(x: float) -> str:
    return str(int(x)) if x.is_integer() else f"{x:.1f}"


def _paused(p: Paused, today: date) -> Item:
    if p.since is None or p.days is None:
        detail = "paused in the sheet, since unknown"
    else:
        how = {"sheet": "ticked paused in the sheet", "": "paused"}.get(p.by, f"paused by {p.by}")
        detail = f"{how} {_days(p.days)} ago (since {day(p.since, today)})"
    extra = [f"Note: {p.note}"] if p.note else []
    return Item(p.name, detail, extra, p.resume_url)


def _handed_off(h: HandedOff, today: date) -> Item:
    if h.since is None or h.days is None:
        detail = f"handed off to {h.to} in the sheet, since unknown"
    else:
        by = "" if h.by in ("", "sheet") else f" by {h.by}"
        detail = f"handed off to {h.to}{by} {_days(h.days)} ago (since {day(h.since, today)})"
    last = f"Last: {h.last_event}" + (f" on {day(h.last_on, today)}" if h.last_on else "")
    return Item(h.name, detail, [last], h.resume_url)


def _stalled(s: Stalled) -> Item:
    whose = "the customer" if s.waiting_on == "customer" else "us"
    waited = _days(s.waited_days, "business day")
    detail = f"on “{s.step}” for {waited} (expected {s.expected_days}), waiting on {whose}"
    return Item(s.name, detail, badge="escalated" if s.escalated else "")


def _finished(f: Finished, today: date, owner: bool) -> Item:
    if f.started_on is None or f.took_days is None:
        detail = f"finished {day(f.finished_on, today)}, start date unknown"
    else:
        detail = (
            f"took {_days(f.took_days, 'business day')} "
            f"({day(f.started_on, today)} to {day(f.finished_on, today)})"
        )
    return Item(f.name, detail + (f", owner {f.owner}" if owner else ""))


def _new(n: New, today: date, owner: bool) -> Item:
    when = f"started {day(n.started_on, today)}" if n.started_on else "starts at the next tick"
    return Item(n.name, f"{when}, {n.plan} plan" + (f", owner {n.owner}" if owner else ""))


def _task(t: OpenTask, today: date) -> Item:
    due = f"due {day(t.due.date(), today)} {t.due:%H:%M}" if t.due else "no due date"
    who = f", owner {t.owner}" if t.owner else ""
    return Item(t.name, f"{t.title} ({due}{who})", badge="overdue" if t.overdue else "")


Section = tuple[str, list[Item]]


def sections_of(d: Digest) -> tuple[list[tuple[str, list[Section]]], list[Section]]:
    """(per owner: their name and sections; the team's sections), empty sections left out."""
    owners = []
    for g in d.groups:
        sections = [
            ("Paused", [_paused(p, d.today) for p in g.paused]),
            ("Handed off", [_handed_off(h, d.today) for h in g.handed_off]),
            ("Stalled", [_stalled(s) for s in g.stalled]),
        ]
        owners.append((g.owner if d.grouped else "", [s for s in sections if s[1]]))
    team = [
        ("Finished this week", [_finished(f, d.today, d.grouped) for f in d.finished]),
        ("New this week", [_new(n, d.today, d.grouped) for n in d.new]),
        ("Open tasks", [_task(t, d.today) for t in d.tasks]),
    ]
    return owners, [s for s in team if s[1]]


def title(d: Digest) -> str:
    return f"Onboarding digest, week of {day(d.week_start, d.today)}"


def subject(d: Digest) -> str:
    n = d.numbers
    parts = [f"{n.stalled} stalled", f"{n.paused} paused"]
    if n.handed_off:
        parts.append(f"{n.handed_off} handed off")
    return f"{title(d)}: {', '.join(parts)}"


def headline(d: Digest) -> list[str]:
    n = d.numbers
    escalated = f" ({n.escalated} escalated)" if n.escalated else ""
    week_median = (
        f" (median {_days_f(n.median_days_this_week)})"
        if n.median_days_this_week is not None
        else ""
    )
    ninety = (
        f"Last 90 days: {n.finished_90} finished, median {_days_f(n.median_days_90)}."
        if n.median_days_90 is not None
        else "Last 90 days: none finished."
    )
    return [
        f"{n.active} active: {n.on_track} on track, {n.not_started} not started, "
        f"{n.stalled} stalled{escalated}, {n.paused} paused, {n.handed_off} handed off.",
        f"This week: {n.finished_this_week} finished{week_median}, {n.new_this_week} new.",
        ninety,
    ]


def _days_f(x: float | None) -> str:
    return f"{_num(x or 0)} business day" + ("" if x == 1 else "s")


QUIET = "Nothing paused, nothing handed off, nothing stalled."
QUIET_WEEK = "Nobody finished or started this week."


def digest_text(d: Digest) -> str:
    period = f"{day(d.week_start, d.today)} to {day(d.week_end, d.today)}"
    lines = [f"{title(d)} ({period})", "", *headline(d), ""]
    owners, team = sections_of(d)
    if not owners:
        lines += [QUIET, *([QUIET_WEEK] if not team else []), ""]
    for owner, sections in owners:
        if owner:
            lines += [owner.upper(), "=" * len(owner), ""]
        lines += _text_sections(sections)
    lines += _text_sections(team)
    return "\n".join(lines).rstrip() + "\n"


def _text_sections(sections: list[Section]) -> list[str]:
    lines = []
    for heading, items in sections:
        lines.append(f"{heading} ({len(items)})")
        for item in items:
            badge = f" [{item.badge.upper()}]" if item.badge else ""
            lines.append(f"  * {item.name}: {item.detail}{badge}")
            lines += [f"    {x}".replace("\n", "\n    ") for x in item.extra]
            if item.resume_url:
                lines.append(f"    Resume: {item.resume_url}")
        lines.append("")
    return lines
