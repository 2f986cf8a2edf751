"""The weekly digest as an email: the plain-text part and an HTML part saying the same things.

The HTML is what mail clients render reliably: tables for layout, inline styles only, 600 px
wide, no script; everything a person typed (companies, names, notes) is escaped.
"""

from __future__ import annotations

import html

from guide.digest_model import Digest
from guide.digest_words import (
    QUIET,
    QUIET_WEEK,
    Item,
    Section,
    day,
    digest_text,
    headline,
    sections_of,
    subject,
    title,
)
from guide.ports import Email

FONT = "font-family:Helvetica,Arial,sans-serif;"
INK, MUTED, RULE, ACCENT, ALARM = "#1f2933", "#5f6b7a", "#e3e7ec", "#1a7f5a", "#b42318"
TABLE = 'role="presentation" width="100%" cellpadding="0" cellspacing="0"'


def _e(text: str) -> str:
    return html.escape(text).replace("\n", "<br>")


def _html_item(item: Item) -> str:
    badge = (
        f' <span style="{FONT}font-size:11px;font-weight:bold;color:#fff;background:{ALARM};'
        f'border-radius:3px;padding:1px 6px;text-transform:uppercase">{_e(item.badge)}</span>'
        if item.badge
        else ""
    )
    extra = "".join(
        f'<div style="{FONT}font-size:13px;color:{MUTED};padding-top:3px">{_e(x)}</div>'
        for x in item.extra
    )
    # The text takes the whole row unless there is a Resume button to make room for.
    button = (
        f'<td width="96" align="right" style="padding:9px 0 9px 8px;border-top:1px solid {RULE};'
        f'vertical-align:top"><a href="{html.escape(item.resume_url)}" style="{FONT}'
        f"display:inline-block;padding:7px 14px;background:{ACCENT};color:#ffffff;"
        f'border-radius:5px;font-size:13px;font-weight:bold;text-decoration:none">Resume</a></td>'
        if item.resume_url
        else ""
    )
    span = "" if item.resume_url else ' colspan="2"'
    return (
        f'<tr><td{span} style="padding:9px 0;border-top:1px solid {RULE};vertical-align:top">'
        f'<div style="{FONT}font-size:14px;color:{INK}"><strong>{_e(item.name)}</strong>{badge}'
        f'</div><div style="{FONT}font-size:13px;color:{INK};padding-top:2px">{_e(item.detail)}'
        f"</div>{extra}</td>{button}</tr>"
    )


def _html_sections(sections: list[Section]) -> str:
    out = ""
    for heading, items in sections:
        out += (
            f'<tr><td colspan="2" style="{FONT}padding:16px 0 6px;font-size:15px;'
            f'font-weight:bold;color:{INK}">{_e(heading)} '
            f'<span style="color:{MUTED};font-weight:normal">({len(items)})</span></td></tr>'
        )
        out += "".join(_html_item(item) for item in items)
    return out


def _tiles(d: Digest) -> str:
    n = d.numbers
    tiles = [
        ("Active", n.active, INK),
        ("On track", n.on_track, ACCENT),
        ("Not started", n.not_started, MUTED),
        ("Stalled", n.stalled, ALARM if n.stalled else MUTED),
        ("Paused", n.paused, INK),
        ("Handed off", n.handed_off, INK),
    ]
    cells = "".join(
        f'<td width="16%" align="center" style="padding:10px 2px;background:#f6f8fa;'
        f'border:2px solid #ffffff"><div style="{FONT}font-size:22px;font-weight:bold;'
        f'color:{color}">{value}</div><div style="{FONT}font-size:11px;color:{MUTED}">'
        f"{label}</div></td>"
        for label, value, color in tiles
    )
    return f"<table {TABLE}><tr>{cells}</tr></table>"


def digest_html(d: Digest) -> str:
    owners, team = sections_of(d)
    body = ""
    if not owners:
        quiet = QUIET + ("" if team else " " + QUIET_WEEK)
        body += (
            f'<tr><td colspan="2" style="{FONT}padding:16px 0;font-size:14px;color:{INK}">'
            f"{quiet}</td></tr>"
        )
    for owner, sections in owners:
        if owner:
            body += (
                f'<tr><td colspan="2" style="{FONT}padding:22px 0 0;font-size:17px;'
                f'font-weight:bold;color:{INK};border-bottom:2px solid {INK}">{_e(owner)}</td></tr>'
            )
        body += _html_sections(sections)
    if team:
        body += (
            f'<tr><td colspan="2" style="padding:12px 0 0;border-bottom:2px solid {INK}"></td></tr>'
        )
        body += _html_sections(team)
    lines = "".join(
        f'<div style="{FONT}font-size:13px;color:{MUTED};padding-top:4px">{_e(x)}</div>'
        for x in headline(d)[1:]
    )
    period = f"{day(d.week_start, d.today)} to {day(d.week_end, d.today)}"
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>{_e(title(d))}</title></head>"
        '<body style="margin:0;padding:0;background:#eef1f4">'
        '<table role="presentation" width="100%" cellpadding="0" cellspacing="0" '
        'style="background:#eef1f4"><tr><td align="center" style="padding:16px 8px">'
        '<table role="presentation" width="600" cellpadding="0" cellspacing="0" '
        'style="width:100%;max-width:600px;background:#ffffff;border-radius:6px">'
        f'<tr><td style="padding:20px 24px 12px">'
        f'<div style="{FONT}font-size:20px;font-weight:bold;color:{INK}">{_e(title(d))}</div>'
        f'<div style="{FONT}font-size:13px;color:{MUTED};padding:2px 0 12px">{_e(period)}</div>'
        f"{_tiles(d)}{lines}</td></tr>"
        '<tr><td style="padding:0 24px 24px">'
        f"<table {TABLE}>"
        f"{body}</table></td></tr></table></td></tr></table></body></html>"
    )


def digest_email(digest: Digest, sender: str, to: str) -> Email:
    return Email(
        to=to,
        subject=subject(digest),
        text=digest_text(digest),
        html=digest_html(digest),
        sender=sender,
        tags={"kind": "digest", "week": digest.week_start.isoformat()},
    )
