"""og-onboarding, og-sends and og-activity read the straightforward way, to check the fast
readers against.

A dict per row and every stamp parsed where it stands: the readers as first written (before
they read by position and parsed each distinct stamp once), kept here so generated tabs can
show both give the same records and the same problems.
"""

from __future__ import annotations

from datetime import datetime
from functools import partial
from zoneinfo import ZoneInfo

from guide import cells
from guide.model import Customer, Problem, Step, StepSend
from guide.reading import RowReader
from guide.stalls.activity import MAIL_TROUBLE
from guide.stalls.model import ACTIVITY_KINDS, Heard
from guide.workbook import FIRST_DATA_ROW, CellValue, Table
from sheets.schema import ACTIVITY, ONBOARDING, SENDS


def reference_sends(
    table: Table, problems: list[Problem], zone: ZoneInfo
) -> dict[str, dict[str, StepSend]]:
    optional_moment = partial(cells.optional_moment, zone=zone)
    sends: dict[str, dict[str, StepSend]] = {}
    for row, record in table.records():
        r = RowReader(SENDS.name, row, record, problems)
        journey_id = cells.text(record.get("journey id"))
        step_id = cells.text(record.get("step id"))
        if not journey_id or not step_id:
            r.fail("journey id", "a send needs a journey id and a step id; row ignored")
            continue
        send = StepSend(
            row=row,
            journey_id=journey_id,
            customer_id=cells.text(record.get("customer id")),
            step_id=step_id,
            sent_at=r.cell("sent at", optional_moment, None),
            done_at=r.cell("done at", optional_moment, None),
            done_by=cells.text(record.get("done by")),
            reminders=r.cell("reminders sent", _count, 0),
            last_reminded=r.cell("last reminded", optional_moment, None),
        )
        journey = sends.setdefault(journey_id, {})
        if step_id in journey:
            r.fail(
                "step id",
                f"step '{step_id}' of journey {journey_id} appears twice; "
                f"row {journey[step_id].row} is used",
            )
            continue
        journey[step_id] = send
    return sends


def _count(value: CellValue) -> int:
    return 0 if cells.text(value) == "" else cells.whole_number(value)


def reference_activity(table: Table, problems: list[Problem], zone: ZoneInfo) -> dict[str, Heard]:
    pos = table.positions()
    at_i, customer_i, kind_i = pos["at"], pos["customer id"], pos["kind"]
    has_name = "name" in pos
    name_i = pos.get("name", at_i)
    width = max(at_i, customer_i, kind_i, name_i) + 1
    heard: dict[str, Heard] = {}
    for offset, raw in enumerate(table.rows):
        if len(raw) < width:
            raw = [*raw, *[None] * (width - len(raw))]
        customer_id = cells.text(raw[customer_i])
        kind = cells.text(raw[kind_i]).casefold()
        if not customer_id and not kind:
            continue  # a blank row
        row = FIRST_DATA_ROW + offset
        try:
            at: datetime = cells.moment(raw[at_i], zone=zone)
        except cells.CellError as err:
            problems.append(Problem(ACTIVITY.name, row, "at", str(err), customer_id or None))
            continue
        if not customer_id or kind not in ACTIVITY_KINDS:
            what = "no customer id" if not customer_id else f"unknown kind {kind!r}"
            column = "customer id" if not customer_id else "kind"
            problems.append(Problem(ACTIVITY.name, row, column, f"{what}; row ignored"))
            continue
        name = cells.text(raw[name_i]) if has_name else ""
        found = heard.get(customer_id)
        if found is None:
            found = heard[customer_id] = Heard()
        _fold(found, kind, name, at)
    return heard


def _fold(heard: Heard, kind: str, name: str, at: datetime) -> None:
    if kind == "mail event":
        if any(word in name.casefold() for word in MAIL_TROUBLE):
            heard.mail_trouble = max(at, heard.mail_trouble or at)
        return
    if heard.last_heard is None or at > heard.last_heard:
        heard.last_heard = at
    if kind == "response":
        heard.last_response = max(at, heard.last_response or at)
    elif kind == "event" and name:
        heard.events.setdefault(name, []).append(at)


def reference_customers(
    table: Table, plans: dict[str, list[Step]], problems: list[Problem], zone: ZoneInfo
) -> list[Customer]:
    optional_day = partial(cells.optional_day, zone=zone)
    customers: list[Customer] = []
    seen: dict[str, int] = {}
    for row, record in table.records():
        r = RowReader(ONBOARDING.name, row, record, problems)
        customer_id = cells.text(record.get("customer id"))
        if not customer_id:
            r.fail("customer id", "no customer id; row left alone")
            continue
        r.customer_id = customer_id
        if customer_id in seen:
            r.fail(
                "customer id",
                f"duplicate customer id (first on row {seen[customer_id]}); this row is left alone",
            )
            continue
        seen[customer_id] = row
        email = cells.text(record.get("contact email"))
        if not email or "@" not in email or " " in email:
            r.fail("contact email", f"missing or malformed email {email!r}")
        plan = cells.text(record.get("plan"))
        if plan not in plans:
            r.fail("plan", f"unknown plan {plan!r} (not in og-plans)" if plan else "no plan")
        customer = Customer(
            row=row,
            customer_id=customer_id,
            company=cells.text(record.get("company")),
            contact_name=cells.text(record.get("contact name")),
            email=email,
            plan=plan,
            owner=cells.text(record.get("owner")),
            segment=cells.text(record.get("segment")),
            started_on=r.cell("started on", optional_day, None),
            paused=r.cell("paused", cells.checkbox, True),
            handed_off_to=cells.text(record.get("handed off to")),
            finished=r.cell("finished", cells.checkbox, True),
            finished_on=r.cell("finished on", optional_day, None),
            finished_by=cells.text(record.get("finished by")),
        )
        if not customer.owner:
            r.fail("owner", "no owner: nobody would get this customer's flags")
        if r.ok:
            customers.append(customer)
    return customers
