"""The weekly digest as an email: the plain-text part and an HTML part saying the same things.

The HTML is what mail clients render reliably: tables for layout, inline styles only, 600 px
wide, no script; everything a person typed (companies, names, notes) is escaped.
"""

from __future__ import annotations

import html

from guide.digest_funnel import funnel_losses, funnel_rows
from guide.digest_model import Digest
from guide.digest_words import (
    FUNNEL_HEADER,
    NO_JOURNEYS,
    QUIET,
    QUIET_WEEK,
    Item,
    Section,
    day,
    digest_text,
    funnel_cells,
    funnel_footnotes,
    funnel_loss,
    funnel_note,
    funnel_title,
    headline,
    sections_of,
    subject,
    title,
)
from guide.funnel_model import Funnel
from guide.ports import Attachment, Email

FONT = "font-family:Helvetica,Arial,sans-serif;"
INK, MUTED, RULE, ACCENT, ALARM = "#1f2933", "#5f6b7a", "#e3e7ec", "#1a7f5a", "#b42318"
LOSS, LOSS_BG = "#ea580c", "#fff4ed"  # the chart's orange for the step that loses most
CHART_ID = "funnel-chart@onboarding-guide"  # the inline chart's Content-ID
CHART_WIDTH = 552  # the content column: 600 less the card's padding
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
    for section in sections:
        out += (
            f'<tr><td colspan="2" style="{FONT}padding:16px 0 6px;font-size:15px;'
            f'font-weight:bold;color:{INK}">{_e(section.heading)} '
            f'<span style="color:{MUTED};font-weight:normal">({_e(section.shown)})</span></td></tr>'
        )
        out += "".join(_html_item(item) for item in section.items)
        if section.more_line:
            out += _full(f"{FONT}font-size:13px;color:{MUTED};padding:8px 0", _e(section.more_line))
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


def _full(style: str, content: str) -> str:
    """A row of the digest's body table, across both its columns."""
    return f'<tr><td colspan="2" style="{style}">{content}</td></tr>'


def _funnel_html(f: Funnel, chart: bool) -> str:
    """The funnel: a table of the numbers, the step that loses most customers in the chart's
    orange, then the chart itself (when there is one) as the inline image ``CHART_ID``."""
    small = f"{FONT}font-size:12px;color:{MUTED};"
    out = (
        _full(f"padding:22px 0 0;border-bottom:2px solid {INK}", "")
        + _full(
            f"{FONT}padding:16px 0 4px;font-size:15px;font-weight:bold;color:{INK}",
            _e(funnel_title(f)),
        )
        + _full(f"{small}padding-bottom:8px", _e(funnel_note(f)))
    )
    if not f.overall.started:
        return out + _full(f"{FONT}font-size:14px;color:{INK}", NO_JOURNEYS)
    th = f"{FONT}padding:4px 0 4px 4px;font-size:11px;font-weight:normal;color:{MUTED}"
    head = f'<th align="left" style="{th}">Plan / segment</th>' + "".join(
        f'<th align="right" style="{th}">{h}</th>' for h in FUNNEL_HEADER
    )
    td = f"{FONT}padding:6px 0 6px 4px;font-size:13px;border-top:1px solid {RULE};color:{INK};"
    rows = ""
    for r in funnel_rows(f):
        cells = funnel_cells(r)
        target = {True: ACCENT, False: ALARM, None: INK}[r.stats.meets_target]
        looks = ("", "", "", "", f"font-weight:bold;color:{target}", "", "")  # on time stands out
        name = f"{td}padding-left:14px;color:{MUTED}" if r.segment else f"{td}font-weight:bold"
        rows += f'<tr><td style="{name}">{_e(r.name)}</td>' + "".join(
            f'<td align="right" style="{td}{look}">{c}</td>'
            for c, look in zip(cells, looks, strict=True)
        )
        rows += "</tr>"
    out += _full("", f"<table {TABLE}><tr>{head}</tr>{rows}</table>")
    for loss in funnel_losses(f):
        box = f"{FONT}font-size:13px;color:{INK};background:{LOSS_BG};border-left:4px solid {LOSS}"
        out += _full(
            "padding:10px 0 0",
            f'<div style="{box};padding:8px 10px"><span style="color:{LOSS};font-weight:bold">'
            f"Loses most customers, {_e(loss.plan)}:</span> {_e(funnel_loss(loss))}</div>",
        )
    out += "".join(_full(f"{small}padding-top:6px", _e(n)) for n in funnel_footnotes(f))
    if chart:
        out += _full(
            "padding:14px 0 0",
            f'<img src="cid:{CHART_ID}" width="{CHART_WIDTH}" alt="The funnel as a chart: '
            'business days to finish by week, and each step completed" style="display:block;'
            f'width:100%;max-width:{CHART_WIDTH}px;height:auto;border:0">',
        )
    return out


def digest_html(d: Digest, chart: bool = False) -> str:
    """The HTML part; ``chart``: it shows the funnel chart, sent inline as ``CHART_ID``."""
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
    if d.funnel is not None:
        body += _funnel_html(d.funnel, chart)
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


def digest_email(digest: Digest, sender: str, to: str, chart: bytes | None = None) -> Email:
    """The digest for ``to``; ``chart``, the funnel chart's PNG, shown inline in the HTML
    (only beside a funnel with journeys: never an image the HTML does not show)."""
    shown = chart is not None and digest.funnel is not None and digest.funnel.overall.started > 0
    inline = (Attachment("funnel.png", "image/png", chart, CHART_ID),) if chart and shown else ()
    return Email(
        to=to,
        subject=subject(digest),
        text=digest_text(digest),
        html=digest_html(digest, chart=bool(inline)),
        sender=sender,
        tags={"kind": "digest", "week": digest.week_start.isoformat()},
        attachments=inline,
    )
