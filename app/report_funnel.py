"""The funnel for people: a table to read, JSON and CSV for those who want the numbers."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict
from datetime import date
from typing import Any

from guide.funnel_model import Funnel, GroupStats, StepStats


def _pct(rate: float | None) -> str:
    return "-" if rate is None else f"{rate:.0%}"


def _days(value: float | None) -> str:
    return "-" if value is None else f"{value:g}"


def _name(g: GroupStats) -> str:
    if not g.plan:
        return "all journeys"
    return f"{g.plan} / {g.segment or '(no segment)'}" if g.segment else f"{g.plan} (all)"


def _on_time(g: GroupStats) -> str:
    if g.on_time_rate is None:
        return "-"
    mark = "meets 85%" if g.meets_target else "below 85%"
    return f"{g.on_time_rate:.0%} of {g.due} ({mark})"


def render_funnel(f: Funnel) -> str:
    lines = [
        f"Onboarding funnel: journeys started {f.start} to {f.end}, as of {f.today}",
        f"On time = finished within the plan's expected business days; target {f.target:.0%}.",
        "",
        f"{'plan / segment':<26}{'started':>8}{'finished':>9}{'in prog.':>9}{'cancel.':>8}"
        f"{'re-enr.':>8}  {'on time':<24}{'median':>7}{'p90':>6}{'expected':>9}",
    ]
    groups = [f.overall, *f.plans, *[g for g in f.groups if _several_segments(f, g.plan)]]
    for g in groups:
        lines.append(
            f"{_name(g)[:25]:<26}{g.started:>8}{g.finished:>9}{g.in_progress:>9}"
            f"{g.cancelled:>8}{g.reenrolled:>8}  {_on_time(g):<24}{_days(g.median_days):>7}"
            f"{_days(g.p90_days):>6}{g.expected_days or '-':>9}"
        )
    for plan in f.plans:
        lines += ["", f"Steps of {plan.plan} (business days; stalls: took longer than expected)"]
        lines.append(
            f"  {'step':<28}{'expected':>9}{'reached':>9}{'done':>7}{'rate':>7}"
            f"{'median':>8}{'stalls':>8}{'share':>7}"
        )
        worst = plan.worst_step
        lines += [_step_line(s, s is worst) for s in plan.steps]
    if f.weeks:
        lines += ["", "Time to finish, by week finished (median business days)"]
        lines += [
            f"  week of {w.week}: {_days(w.median_days):>4} days  ({w.finished} finished)"
            for w in f.weeks
        ]
    if f.unknown_plans:
        lines += [
            "",
            "Not counted, their plan is no longer in og-plans: " + ", ".join(f.unknown_plans),
        ]
    return "\n".join(lines)


def _several_segments(f: Funnel, plan: str) -> bool:
    return sum(1 for g in f.groups if g.plan == plan) > 1


def _step_line(s: StepStats, worst: bool) -> str:
    return (
        f"  {s.title[:27]:<28}{s.expected_days:>9}{s.reached:>9}{s.completed:>7}"
        f"{_pct(s.completion_rate):>7}{_days(s.median_days):>8}{s.stalls:>8}"
        f"{_pct(s.stall_share):>7}" + ("  <- most stalls" if worst else "")
    )


def _plain(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _group_json(g: GroupStats) -> dict[str, Any]:
    worst = g.worst_step
    return {
        **_plain(asdict(g)),
        "meets_target": g.meets_target,
        "worst_step": worst.step_id if worst else None,
    }


def funnel_json(f: Funnel) -> str:
    data = {
        "start": f.start.isoformat(),
        "end": f.end.isoformat(),
        "today": f.today.isoformat(),
        "target": f.target,
        "overall": _group_json(f.overall),
        "plans": [_group_json(g) for g in f.plans],
        "groups": [_group_json(g) for g in f.groups],
        "weeks": _plain([asdict(w) for w in f.weeks]),
        "unknown_plans": list(f.unknown_plans),
    }
    return json.dumps(data, indent=2)


CSV_COLUMNS = (
    "plan",
    "segment",
    "step",
    "started",
    "finished",
    "in progress",
    "cancelled",
    "re-enrolled",
    "due",
    "on time",
    "on-time rate",
    "median days to finish",
    "p90 days to finish",
    "expected days",
    "step reached",
    "step completed",
    "step completion rate",
    "step median days",
    "step stalls",
    "step stall share",
)


def funnel_csv(f: Funnel) -> str:
    """One row per plan and segment (``step`` empty) followed by one per step of it; a plan's
    row with ``segment`` empty is every segment together, the first row every journey."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for g in (f.overall, *f.plans, *f.groups):
        writer.writerow(
            [
                g.plan,
                g.segment,
                "",
                g.started,
                g.finished,
                g.in_progress,
                g.cancelled,
                g.reenrolled,
                g.due,
                g.on_time,
                _num(g.on_time_rate),
                _num(g.median_days),
                _num(g.p90_days),
                g.expected_days,
                *[""] * 6,
            ]
        )
        for s in g.steps:
            writer.writerow(
                [
                    g.plan,
                    g.segment,
                    s.step_id,
                    *[""] * 11,
                    s.reached,
                    s.completed,
                    _num(s.completion_rate),
                    _num(s.median_days),
                    s.stalls,
                    _num(s.stall_share),
                ]
            )
    return out.getvalue()


def _num(value: float | None) -> str:
    return "" if value is None else f"{value:.4g}"
