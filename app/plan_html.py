"""The staff page of a customer's plan: the timeline by phase, progress, dates and activity.

The HTML side of ``app.plan_page`` (which reads the workbook and handles the requests): the
plan's view model (``Plan``, ``Phase``, ``PlanStep``) and the page built from it, on the done
link's shared document and stylesheet (``app.pages``) plus a few rules of its own. Every value
that came from the sheet or the link is escaped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape

from app.pages import html_document

PLAN_ACTION = "/plan"  # fixed, as app.pages.FORM_ACTION is


@dataclass(frozen=True)
class PlanStep:
    step_id: str
    title: str
    owner: str  # "customer", or who of us
    state: str  # "done", "open" (sent, waiting) or "to do"
    sent: str
    due: str
    done: str
    done_by: str
    reminders: int
    overdue: bool


@dataclass
class Phase:
    name: str
    expected_days: int
    steps: list[PlanStep] = field(default_factory=list)


@dataclass(frozen=True)
class Plan:
    customer_id: str
    name: str
    journey_id: str
    plan: str
    owner: str
    segment: str
    started: str
    status: str
    phases: list[Phase]
    activity: list[tuple[str, str, str, str]]  # (at, kind, name, detail), newest first
    editable: bool  # open steps can be marked done (not once the onboarding ended)


_PLAN_STYLE = """
main{max-width:760px}
.meta{display:flex;flex-wrap:wrap;gap:4px 16px;font-size:14px;color:var(--muted);margin-bottom:16px}
.bar{height:12px;border-radius:6px;background:var(--line);overflow:hidden;margin:4px 0 4px}
.bar span{display:block;height:100%;background:var(--accent)}
h2{font-size:17px;margin:24px 0 4px}
h2 small{display:inline;margin:0 0 0 8px;font-weight:400}
.steps li{flex-wrap:wrap}
.dates{flex-basis:100%;padding-left:38px;font-size:13px;color:var(--muted)}
li.open .mark{border-color:var(--accent)}
li.overdue .state{color:var(--warn);font-weight:600}
form.mark-done{flex-basis:100%;padding-left:38px;display:flex;gap:8px;margin-top:8px}
form.mark-done input[type=text]{flex:1;min-width:0;padding:8px;border:1px solid var(--line);
border-radius:8px;font:inherit;background:var(--card);color:var(--ink)}
form.mark-done button{width:auto;min-height:36px;padding:0 14px;font-size:14px}
.notice{background:var(--soft);color:var(--ink);padding:10px 12px;border-radius:8px}
table{width:100%;border-collapse:collapse;font-size:14px}
td,th{text-align:left;padding:6px 8px 6px 0;border-bottom:1px solid var(--line);vertical-align:top}
th{color:var(--muted);font-weight:600}
"""

_STATES = {"done": ("✓", "Done"), "open": ("•", "Waiting"), "to do": ("", "Coming up")}


def plan_page(plan: Plan, token: str, staff: str, notice: str = "") -> str:
    """Staff only (see app.plan_page): the timeline by phase, progress, dates, activity."""
    steps = [s for p in plan.phases for s in p.steps]
    done = sum(1 for s in steps if s.state == "done")
    share = round(100 * done / len(steps)) if steps else 0
    meta = "".join(
        f"<span>{escape(label)}: {escape(value)}</span>"
        for label, value in (
            ("Customer", plan.customer_id),
            ("Plan", plan.plan),
            ("Segment", plan.segment or "—"),
            ("Owner", plan.owner),
            ("Started", plan.started or "—"),
            ("Status", plan.status),
        )
    )
    sections = "".join(_plan_phase(p, plan, token, staff) for p in plan.phases)
    body = (
        f"<h1>{escape(plan.name)}: onboarding plan</h1>"
        f'<div class="meta">{meta}</div>'
        + (f'<p class="notice" role="status">{escape(notice)}</p>' if notice else "")
        + f'<div class="bar" role="progressbar" aria-valuemin="0" aria-valuemax="100" '
        f'aria-valuenow="{share}"><span style="width:{share}%"></span></div>'
        f"<p>{done} of {len(steps)} steps done ({share}%)</p>"
        f"{sections}<h2>Activity</h2>{_plan_activity(plan.activity)}"
        "<small>Staff only: this link was posted in Slack and expires in a week. "
        "Marking a step done is recorded in og-audit under your name.</small>"
    )
    html = html_document(f"{plan.name}: onboarding plan", body)
    return html.replace("</style>", f"{_PLAN_STYLE}</style>", 1)


def _plan_phase(phase: Phase, plan: Plan, token: str, staff: str) -> str:
    done = sum(1 for s in phase.steps if s.state == "done")
    expected = f", {phase.expected_days} business days expected" if phase.expected_days else ""
    rows = []
    for s in phase.steps:
        mark, label = _STATES.get(s.state, ("", s.state))
        label = "Overdue" if s.overdue else label
        dates = ", ".join(
            f"{what} {value}"
            for what, value in (
                ("sent", s.sent),
                ("due", s.due if s.state != "done" else ""),
                ("done", f"{s.done} by {s.done_by}" if s.done else ""),
                ("reminders", str(s.reminders) if s.reminders else ""),
            )
            if value
        )
        form = ""
        if plan.editable and s.state == "open":
            form = (
                f'<form class="mark-done" method="post" action="{PLAN_ACTION}">'
                f'<input type="hidden" name="t" value="{escape(token)}">'
                f'<input type="hidden" name="journey" value="{escape(plan.journey_id)}">'
                f'<input type="hidden" name="step" value="{escape(s.step_id)}">'
                f'<input type="text" name="staff" value="{escape(staff)}" required '
                f'maxlength="80" placeholder="Your name" aria-label="Your name">'
                '<button type="submit">Mark done for the customer</button></form>'
            )
        css = s.state.replace(" ", "-") + (" overdue" if s.overdue else "")
        rows.append(
            f'<li class="{css}"><span class="mark" aria-hidden="true">{mark}</span>'
            f'<span class="title">{escape(s.title)} <small style="display:inline">'
            f"({escape(s.owner)})</small></span>"
            f'<span class="state">{escape(label)}</span>'
            f'<span class="dates">{escape(dates or "not sent yet")}</span>{form}</li>'
        )
    return (
        f"<h2>{escape(phase.name)}<small>{done}/{len(phase.steps)}{escape(expected)}</small></h2>"
        f'<ol class="steps">{"".join(rows)}</ol>'
    )


def _plan_activity(activity: Sequence[tuple[str, str, str, str]]) -> str:
    if not activity:
        return "<p>Nothing in og-activity for this customer yet.</p>"
    rows = "".join(
        "<tr>" + "".join(f"<td>{escape(v)}</td>" for v in row) + "</tr>" for row in activity
    )
    return f"<table><tr><th>At</th><th>Kind</th><th>What</th><th>Detail</th></tr>{rows}</table>"
