"""og-activity folded as it is read, one pass, into what the stall engine asks of it per
customer: the last thing heard, the last response, mail trouble, and when each event was seen.
It is the one stall tab that grows with time (ten rows a customer and more), so its loop reads
positions straight off the rows; a row the guide cannot use is a ``Problem``, as elsewhere.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from guide import cells
from guide.model import Problem
from guide.stalls.model import ACTIVITY_KINDS, Heard
from guide.workbook import FIRST_DATA_ROW, Table
from sheets.schema import ACTIVITY

# A mail event whose name holds one of these is trouble: the customer may not get our mail.
MAIL_TROUBLE = ("bounce", "complaint", "spam", "reject")


def read_activity(table: Table, problems: list[Problem], zone: ZoneInfo) -> dict[str, Heard]:
    """og-activity folded, one pass, by customer id."""
    moments = cells.Moments(zone)
    text = cells.text
    heard: dict[str, Heard] = {}
    troubled: dict[str, bool] = {}  # a mail event's name -> whether it is trouble, once each
    pos = table.positions()
    at_i, customer_i, kind_i, name_i = (
        pos.get(c, -1) for c in ("at", "customer id", "kind", "name")
    )
    width = max(at_i, customer_i, kind_i, name_i) + 1
    # By position, one row at a time: a row blank but for its time or name is skipped by the
    # check for a customer or a kind, a wholly blank one too. A short row is padded (Google
    # leaves a row's empty cells off its end), a column missing reads as None.
    for offset, raw in enumerate(table.rows):
        if len(raw) < width:
            raw = [*raw, *[None] * (width - len(raw))]
        raw_customer, raw_kind = raw[customer_i], raw[kind_i]
        customer_id = raw_customer.strip() if type(raw_customer) is str else text(raw_customer)
        # The guide's and the endpoint's own kinds are clean: skip the general parse.
        if type(raw_kind) is str and raw_kind in ACTIVITY_KINDS:
            kind = raw_kind
        else:
            kind = text(raw_kind).casefold()
        if not customer_id and not kind:
            continue  # a blank row
        row = FIRST_DATA_ROW + offset
        try:
            at = moments[raw[at_i]]
            if at is None:
                raise cells.CellError("expected a date, the cell is empty")
        except cells.CellError as err:
            problems.append(Problem(ACTIVITY.name, row, "at", str(err), customer_id or None))
            continue
        if not customer_id or kind not in ACTIVITY_KINDS:
            what = "no customer id" if not customer_id else f"unknown kind {kind!r}"
            column = "customer id" if not customer_id else "kind"
            problems.append(Problem(ACTIVITY.name, row, column, f"{what}; row ignored"))
            continue
        found = heard.get(customer_id)
        if found is None:
            found = heard[customer_id] = Heard()
        name = text(raw[name_i]) if name_i >= 0 else ""
        if kind == "mail event":
            trouble = troubled.get(name)
            if trouble is None:
                folded = name.casefold()
                trouble = troubled[name] = any(word in folded for word in MAIL_TROUBLE)
            if trouble:
                found.mail_trouble = max(at, found.mail_trouble or at)
            continue
        if found.last_heard is None or at > found.last_heard:
            found.last_heard = at
        if kind == "response":
            found.last_response = max(at, found.last_response or at)
        elif kind == "event" and name:
            found.events.setdefault(name, []).append(at)
    return heard
