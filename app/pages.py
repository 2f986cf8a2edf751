"""The done link's pages: confirm a step, thank you with the checklist, and friendly errors.

Plain server-rendered HTML with inline CSS, no scripts and no outside assets: it has to look
right on a phone straight from an email, and a strict Content-Security-Policy can forbid the
rest. Every value that came from the sheet or the link is escaped.

Longer than most modules: one shared stylesheet and the few small pages built on it (done,
resume, errors), kept together so they look alike.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape

HEADERS = {
    "Content-Type": "text/html; charset=utf-8",
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",  # the token is in the URL; never pass it on
    "X-Robots-Tag": "noindex, nofollow",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
        "base-uri 'none'; frame-ancestors 'none'"
    ),
}

_MARKS = {"done": ("✓", "Done"), "waiting": ("•", "Waiting on you"), "to do": ("", "Coming up")}

_STYLE = """
:root{color-scheme:light dark;--bg:#f4f6f5;--card:#fff;--ink:#1d2421;--muted:#5d6b65;
--line:#e1e6e3;--accent:#1a7f5a;--accent-ink:#fff;--soft:#e6f3ed;--warn:#b5482a}
@media (prefers-color-scheme:dark){:root{--bg:#121715;--card:#1b2220;--ink:#e8eeeb;
--muted:#9aa8a2;--line:#2b3531;--soft:#1f3a2f}}
*{box-sizing:border-box}
body{margin:0;min-height:100vh;display:flex;align-items:flex-start;justify-content:center;
background:var(--bg);color:var(--ink);padding:8vh 16px 32px;
font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
main{width:100%;max-width:440px;background:var(--card);border:1px solid var(--line);
border-radius:16px;padding:28px 24px;box-shadow:0 6px 24px rgba(0,0,0,.06)}
.badge{width:48px;height:48px;border-radius:50%;display:flex;align-items:center;
justify-content:center;font-size:24px;background:var(--soft);color:var(--accent);margin-bottom:12px}
.badge.warn{color:var(--warn)}
h1{font-size:22px;line-height:1.3;margin:0 0 8px}
p{margin:0 0 16px;color:var(--muted)}
.step{font-weight:600;color:var(--ink)}
button{width:100%;min-height:48px;border:0;border-radius:10px;background:var(--accent);
color:var(--accent-ink);font-family:inherit;font-size:17px;font-weight:600;cursor:pointer}
button:focus-visible{outline:3px solid var(--ink);outline-offset:2px}
ol{list-style:none;margin:8px 0 0;padding:0;border-top:1px solid var(--line)}
li{display:flex;gap:12px;align-items:center;padding:12px 0;border-bottom:1px solid var(--line)}
.mark{flex:none;width:26px;height:26px;border-radius:50%;border:2px solid var(--line);
display:flex;align-items:center;justify-content:center;font-size:14px;color:var(--accent-ink)}
li.done .mark{background:var(--accent);border-color:var(--accent)}
li.waiting .mark{border-color:var(--accent);color:var(--accent)}
.title{flex:1}
.state{font-size:13px;color:var(--muted)}
li.done .title{color:var(--muted)}
small{display:block;margin-top:16px;color:var(--muted);font-size:13px}
"""


def _page(title: str, body: str) -> str:
    return (
        "<!doctype html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        '<meta name="robots" content="noindex,nofollow">'
        '<meta name="referrer" content="no-referrer">'
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head>"
        f"<body><main>{body}</main></body></html>\n"
    )


def _checklist(items: Sequence[tuple[str, str]]) -> str:
    if not items:
        return ""
    rows = []
    for title, state in items:
        mark, label = _MARKS.get(state, ("", state))
        css = state.replace(" ", "-")
        rows.append(
            f'<li class="{escape(css)}"><span class="mark" aria-hidden="true">{mark}</span>'
            f'<span class="title">{escape(title)}</span>'
            f'<span class="state">{escape(label)}</span></li>'
        )
    return f'<ol aria-label="Your onboarding steps">{"".join(rows)}</ol>'


def _next(items: Sequence[tuple[str, str]]) -> str:
    upcoming = next((title for title, state in items if state != "done"), None)
    if upcoming is None:
        return "<p>That was the last step. You're all set.</p>" if items else ""
    return f'<p>Next up: <span class="step">{escape(upcoming)}</span>. We\'ll email you.</p>'


# Where the confirm page's button posts: fixed, never the path the request came in on, which
# anyone can choose (``//elsewhere.example/`` would send the token to another site). The Function
# URL hands every path to the handler, and ``serve`` routes this one.
FORM_ACTION = "/done"
RESUME_ACTION = "/resume"


def confirm_page(step_title: str, customer_name: str, token: str, note: str = "") -> str:
    """What opening the link shows: one button. Opening alone changes nothing, because mail
    scanners open links before people do.

    The form posts to a fixed path, never to the request's own (which anyone can choose)."""
    body = (
        '<div class="badge" aria-hidden="true">✓</div>'
        f"<h1>Is “{escape(step_title)}” done?</h1>"
        f"{f'<p>{escape(note)}</p>' if note else ''}"
        f"<p>Let us know with one click and we'll take {escape(customer_name)} to the next "
        "step.</p>"
        f'<form method="post" action="{FORM_ACTION}">'
        f'<input type="hidden" name="t" value="{escape(token)}">'
        '<button type="submit">Yes, it\'s done</button></form>'
        "<small>Not done yet? Just close this page.</small>"
    )
    return _page(f"Done with {step_title}?", body)


def done_page(heading: str, message: str, checklist: Sequence[tuple[str, str]]) -> str:
    """After the click (or a second one): what happened and the whole checklist."""
    body = (
        '<div class="badge" aria-hidden="true">✓</div>'
        f"<h1>{escape(heading)}</h1><p>{escape(message)}</p>"
        f"{_next(checklist)}{_checklist(checklist)}"
    )
    return _page(heading, body)


def error_page(heading: str, message: str) -> str:
    body = (
        '<div class="badge warn" aria-hidden="true">!</div>'
        f"<h1>{escape(heading)}</h1><p>{escape(message)}</p>"
        "<small>Nothing was changed. If you think this is our mistake, reply to the email "
        "the link came in.</small>"
    )
    return _page(heading, body)


def resume_page(customer_name: str, hold: str, token: str) -> str:
    """A digest's Resume link opened: one button, as for the done link (scanners open links)."""
    what = "pause" if hold == "pause" else "hand-off"
    body = (
        '<div class="badge" aria-hidden="true">↻</div>'
        f"<h1>Resume {escape(customer_name)}?</h1>"
        f"<p>This ends the {what}; the guide picks up at the step where it stopped.</p>"
        f'<form method="post" action="{RESUME_ACTION}">'
        f'<input type="hidden" name="t" value="{escape(token)}">'
        '<button type="submit">Yes, resume</button></form>'
        "<small>Not yet? Just close this page.</small>"
    )
    return _page(f"Resume {customer_name}?", body)


# --- the staff page of a customer's plan (app.plan_page) ---------------------------------

PLAN_ACTION = "/plan"  # fixed, as FORM_ACTION is


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
    html = _page(f"{plan.name}: onboarding plan", body)
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
