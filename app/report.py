"""The tick's report, for people: where every customer stands, what went out, what to fix."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

from guide.digest_run import DigestRun
from guide.tick import TickReport
from guide.tick.decide import (
    DoneByEvent,
    Effect,
    Enroll,
    Escalate,
    FinishJourney,
    Flag,
    NoticeHandOff,
    NoticePause,
    NoticeResume,
    OpenTask,
    SendStep,
)

_ORDER = [
    "escalated",
    "stalled",
    "new",
    "next step",
    "overdue",
    "on track",
    "finishing",
    "paused",
    "handed off",
    "finished",
]


def describe(effect: Effect, names: Mapping[str, str] | None = None) -> str:
    """One line of a dry run: the customer by name (and id), and what would happen."""
    name = (names or {}).get(effect.customer_id, "")
    who = (
        f"{name} ({effect.customer_id})"
        if name and name != effect.customer_id
        else effect.customer_id
    )
    match effect:
        case Enroll():
            return f"{who}: enroll, journey starts {effect.started_on}"
        case SendStep():
            return f"{who}: email step '{effect.step_id}'"
        case FinishJourney():
            return f"{who}: finish (wrap-up email, archive journey)"
        case Flag():
            kind = "escalate the owner's flag" if effect.level > 1 else "flag the owner"
            kind += f" ({effect.severity})"
            return f"{who}: {kind}, '{effect.step_id}' {effect.waited_days} business days"
        case Escalate():
            return f"{who}: tell the manager, {effect.overdue_days} days overdue"
        case OpenTask():
            return f"{who}: open a task for {effect.owner}: {effect.title}"
        case DoneByEvent():
            return f"{who}: '{effect.step_id}' done by the event {effect.event}"
        case NoticeResume():
            return f"{who}: {effect.what} cleared in the sheet, resume"
        case NoticePause():
            return f"{who}: paused in the sheet, record the pause"
        case NoticeHandOff():
            return f"{who}: handed off to {effect.to} in the sheet, record it and tell them"
    raise TypeError(effect)


def render(report: TickReport) -> str:
    plan = report.plan
    lines = [f"Daily tick for {plan.today:%A %d %B %Y}" + ("  (dry run)" if report.dry_run else "")]
    if plan.resting:
        lines.append("Not a business day (weekend or og-config holiday): nothing is sent today.")
    lines.append("")
    lines.append("Customers")
    statuses = sorted(
        plan.statuses,
        key=lambda s: (_ORDER.index(s.state) if s.state in _ORDER else 99, s.customer_id),
    )
    for s in statuses:
        lines.append(
            f"  {s.customer_id:<6} {s.name[:24]:<24} {s.state:<11} {s.step[:26]:<26} {s.detail}"
        )
    counts = Counter(s.state for s in plan.statuses)
    lines.append("  " + ", ".join(f"{n} {state}" for state, n in counts.most_common()))
    if report.dry_run:
        lines += ["", f"Would do ({len(plan.effects)})"]
        names = {s.customer_id: s.name for s in plan.statuses}
        lines += [f"  {describe(e, names)}" for e in plan.effects] or ["  nothing"]
    else:
        lines += ["", f"Emails written ({len(report.emails)})"]
        lines += [f"  to {e.to:<28} {e.subject}" for e in report.emails] or ["  none"]
        lines += ["", f"Slack flags posted ({len(report.flags)})"]
        lines += [f"  {m.channel:<14} {m.text}" for m in report.flags] or ["  none"]
        if report.escalations:
            lines += ["", f"Managers told ({len(report.escalations)})"]
            lines += [f"  {line}" for line in report.escalations]
        written, writes = report.cells_written, report.sheet_writes
        updates = (
            "in one update"
            if writes <= 1
            else f"in {writes} updates (one would pass Google's 10 MiB request limit)"
        )
        lines += [
            "",
            f"Sheet: {written} change{'' if written == 1 else 's'} written {updates}"
            if written
            else "Sheet: nothing to write",
        ]
    problems = report.problems
    lines += ["", f"Problems to fix in the sheet ({len(problems)})"]
    lines += [f"  {p}" for p in problems] or ["  none"]
    return "\n".join(lines)


def render_digest(run: DigestRun) -> str:
    """What a digest run did, for the CLI: the numbers, who got it, what to fix."""
    n = run.digest.numbers
    lines = [
        "",
        f"Weekly digest: {n.active} active, {n.stalled} stalled, {n.paused} paused, "
        f"{n.handed_off} handed off, {n.finished_this_week} finished this week",
    ]
    if run.sent_to:
        lines.append("  sent to " + ", ".join(run.sent_to))
    if run.not_sent:
        lines.append(f"  not sent: {run.not_sent}")
    if run.already_sent:
        lines.append("  already sent this week to " + ", ".join(run.already_sent))
    lines += [f"  problem: {p}" for p in run.problems]
    return "\n".join(lines)
