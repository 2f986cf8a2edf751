"""The weekly digest in words: the plain-text part, the subject, and each row's wording.

``guide.digest_render`` builds the HTML part from the same ``Item``s, so the wording cannot drift
between the two parts.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

from guide.digest_funnel import FunnelRow, Loss, funnel_losses, funnel_rows
from guide.digest_model import (
    Cancelled,
    Digest,
    Finished,
    HandedOff,
    New,
    OpenTask,
    Paused,
    Stalled,
)
from guide.funnel_model import Funnel


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


def _cancelled(c: Cancelled, today: date, owner: bool) -> Item:
    reason = f": {c.reason}" if c.reason else ""
    whose = f", owner {c.owner}" if owner else ""
    return Item(c.name, f"closed {day(c.on, today)}{reason}{whose}")


def _new(n: New, today: date, owner: bool) -> Item:
    when = f"started {day(n.started_on, today)}" if n.started_on else "starts at the next tick"
    return Item(n.name, f"{when}, {n.plan} plan" + (f", owner {n.owner}" if owner else ""))


def _task(t: OpenTask, today: date) -> Item:
    due = f"due {day(t.due.date(), today)} {t.due:%H:%M}" if t.due else "no due date"
    who = f", owner {t.owner}" if t.owner else ""
    return Item(t.name, f"{t.title} ({due}{who})", badge="overdue" if t.overdue else "")


class Section(NamedTuple):
    heading: str
    items: list[Item]
    more: int = 0  # how many more than the items listed (only stalls are ever cut short)

    @property
    def shown(self) -> str:
        return (
            f"{len(self.items)} of {len(self.items) + self.more}"
            if self.more
            else str(len(self.items))
        )

    @property
    def more_line(self) -> str:
        """What stands for the rest, when not all are listed."""
        if not self.more:
            return ""
        return (
            f"…and {self.more} more, shorter stalls: og-triage lists every stalled customer, "
            "worst first, and each has its flag in Slack."
        )


def sections_of(d: Digest) -> tuple[list[tuple[str, list[Section]]], list[Section]]:
    """(per owner: their name and sections; the team's sections), empty sections left out."""
    owners = []
    for g in d.groups:
        sections = [
            Section("Paused", [_paused(p, d.today) for p in g.paused]),
            Section("Handed off", [_handed_off(h, d.today) for h in g.handed_off]),
            Section("Stalled", [_stalled(s) for s in g.stalled], g.stalled_more),
        ]
        owners.append((g.owner if d.grouped else "", [s for s in sections if s.items]))
    team = [
        Section("Finished this week", [_finished(f, d.today, d.grouped) for f in d.finished]),
        Section("Cancelled this week", [_cancelled(c, d.today, d.grouped) for c in d.cancelled]),
        Section("New this week", [_new(n, d.today, d.grouped) for n in d.new]),
        Section("Open tasks", [_task(t, d.today) for t in d.tasks]),
    ]
    return owners, [s for s in team if s.items]


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
    cancelled = f", {len(d.cancelled)} cancelled" if d.cancelled else ""
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
        f"This week: {n.finished_this_week} finished{week_median}{cancelled}, "
        f"{n.new_this_week} new.",
        ninety,
    ]


def _days_f(x: float | None) -> str:
    return f"{_num(x or 0)} business day" + ("" if x == 1 else "s")


QUIET = "Nothing paused, nothing handed off, nothing stalled."
QUIET_WEEK = "Nobody finished or started this week."


FUNNEL_HEADER = ("Started", "Finished", "Cancelled", "Ongoing", "On time", "Median", "90th %")
NO_JOURNEYS = "No journey started in these days."


def funnel_title(f: Funnel) -> str:
    return f"Funnel: journeys started in the last {(f.end - f.start).days + 1} days"


def funnel_note(f: Funnel) -> str:
    return (
        f"Started {day(f.start, f.today)} to {day(f.end, f.today)}, as they stand today. On "
        f"time: finished within the plan's expected business days (target {f.target:.0%}). "
        "Median and 90th percentile: business days to finish."
    )


def funnel_cells(r: FunnelRow) -> tuple[str, ...]:
    """The row's numbers, as ``FUNNEL_HEADER`` names them."""
    g = r.stats
    return (
        str(g.started),
        str(g.finished),
        str(g.cancelled),
        str(g.in_progress),
        "-" if g.on_time_rate is None else f"{g.on_time_rate:.0%}",
        "-" if g.median_days is None else _num(g.median_days),
        "-" if g.p90_days is None else _num(g.p90_days),
    )


def funnel_loss(loss: Loss) -> str:
    s = loss.step
    done = "" if s.completion_rate is None else f", {s.completion_rate:.0%} completed"
    took = "" if s.median_days is None else f", in a median of {_days_f(s.median_days)}"
    return (
        f"step {loss.number} “{s.title}” (expected {_days_f(float(s.expected_days))}): {s.stalls} "
        f"of the plan's {loss.plan_stalls} stalls{done}{took}"
    )


def funnel_footnotes(f: Funnel) -> list[str]:
    notes = []
    if f.overall.reenrolled:
        n = f.overall.reenrolled
        notes.append(f"{_days(n, 'journey')} left for a re-enrollment: counted as started only.")
    if f.unknown_plans:
        notes.append(f"Not counted, no longer in og-plans: {', '.join(f.unknown_plans)}.")
    return notes


def _funnel_text(f: Funnel) -> list[str]:
    title = funnel_title(f)
    lines = [title.upper(), "=" * len(title), *textwrap.wrap(funnel_note(f), 78), ""]
    if not f.overall.started:
        return [*lines, NO_JOURNEYS, ""]
    widths = (8, 9, 10, 8, 9, 7, 7)
    lines.append(
        " " * 20 + "".join(f"{h:>{w}}" for h, w in zip(FUNNEL_HEADER, widths, strict=True))
    )
    for r in funnel_rows(f):
        name = ("  " if r.segment else "") + r.name
        cells = list(funnel_cells(r))
        cells[4] += "!" if r.stats.meets_target is False else " "
        lines.append(
            f"{name[:19]:<20}" + "".join(f"{c:>{w}}" for c, w in zip(cells, widths, strict=True))
        )
    if any(r.stats.meets_target is False for r in funnel_rows(f)):
        lines.append(f"! below the {f.target:.0%} target")
    losses = funnel_losses(f)
    if losses:
        lines += ["", "The step that loses most customers:"]
        for loss in losses:
            item = f"* {loss.plan}: {funnel_loss(loss)}"
            lines += textwrap.wrap(item, 78, initial_indent="  ", subsequent_indent="    ")
    notes = funnel_footnotes(f)
    return [*lines, *(["", *notes] if notes else []), ""]


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
    if d.funnel is not None:
        lines += _funnel_text(d.funnel)
    return "\n".join(lines).rstrip() + "\n"


def _text_sections(sections: list[Section]) -> list[str]:
    lines = []
    for section in sections:
        lines.append(f"{section.heading} ({section.shown})")
        for item in section.items:
            badge = f" [{item.badge.upper()}]" if item.badge else ""
            lines.append(f"  * {item.name}: {item.detail}{badge}")
            lines += [f"    {x}".replace("\n", "\n    ") for x in item.extra]
            if item.resume_url:
                lines.append(f"    Resume: {item.resume_url}")
        if section.more_line:
            lines += textwrap.wrap(
                section.more_line, 76, initial_indent="  ", subsequent_indent="  "
            )
        lines.append("")
    return lines
