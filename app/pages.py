"""The done link's pages: confirm a step, thank you with the checklist, and friendly errors.

Plain server-rendered HTML with inline CSS, no scripts and no outside assets: it has to look
right on a phone straight from an email, and a strict Content-Security-Policy can forbid the
rest. Every value that came from the sheet or the link is escaped.

One shared stylesheet and the few small pages built on it (done, resume, errors), kept together
so they look alike; the staff plan page (``app.plan_html``) builds on ``html_document`` too.
"""

from __future__ import annotations

from collections.abc import Sequence
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


def html_document(title: str, body: str) -> str:
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
    return html_document(f"Done with {step_title}?", body)


def done_page(heading: str, message: str, checklist: Sequence[tuple[str, str]]) -> str:
    """After the click (or a second one): what happened and the whole checklist."""
    body = (
        '<div class="badge" aria-hidden="true">✓</div>'
        f"<h1>{escape(heading)}</h1><p>{escape(message)}</p>"
        f"{_next(checklist)}{_checklist(checklist)}"
    )
    return html_document(heading, body)


def error_page(heading: str, message: str) -> str:
    body = (
        '<div class="badge warn" aria-hidden="true">!</div>'
        f"<h1>{escape(heading)}</h1><p>{escape(message)}</p>"
        "<small>Nothing was changed. If you think this is our mistake, reply to the email "
        "the link came in.</small>"
    )
    return html_document(heading, body)


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
    return html_document(f"Resume {customer_name}?", body)
