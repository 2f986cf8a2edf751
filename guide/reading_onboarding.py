"""og-onboarding read into customers: by position, a row whose cells are all fine is made at
once; any other row is read cell by cell, each cell it cannot use a problem (``guide.reading``
reads every tab so)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, tzinfo

from guide import cells
from guide.model import Customer, Problem, Step
from guide.rows import RowReader, day_reader, usable
from guide.workbook import CellValue, Table
from sheets.schema import ONBOARDING

_CUSTOMER_COLUMNS = (
    "customer id",
    "company",
    "contact name",
    "contact email",
    "plan",
    "owner",
    "segment",
    "started on",
    "paused",
    "handed off to",
    "finished",
    "finished on",
    "finished by",
)


def read_customers(
    table: Table, plans: dict[str, list[Step]], problems: list[Problem], zone: tzinfo
) -> list[Customer]:
    """By position, a row whose cells are all fine made at once; any other row is read cell
    by cell (``_customer``), each cell it cannot use a problem."""
    if not usable(table, ONBOARDING, problems):
        return []
    optional_day = day_reader(zone)
    text, checkbox = cells.text, cells.checkbox
    customers: list[Customer] = []
    seen: dict[str, int] = {}
    for row, values in table.columns(*_CUSTOMER_COLUMNS):
        customer_id, email, plan, owner = (text(values[i]) for i in (0, 3, 4, 5))
        fine = customer_id and customer_id not in seen and plan in plans and owner
        if fine and email and "@" in email and " " not in email:
            try:
                started_on, paused = optional_day(values[7]), checkbox(values[8])
                finished, finished_on = checkbox(values[10]), optional_day(values[11])
            except cells.CellError:
                pass  # read again cell by cell, for its problems
            else:
                seen[customer_id] = row
                customers.append(
                    Customer(
                        row,
                        customer_id,
                        text(values[1]),
                        text(values[2]),
                        email,
                        plan,
                        owner,
                        text(values[6]),
                        started_on,
                        paused,
                        text(values[9]),
                        finished,
                        finished_on,
                        text(values[12]),
                    )
                )
                continue
        record = dict(zip(_CUSTOMER_COLUMNS, values, strict=True))
        reader = RowReader(ONBOARDING.name, row, record, problems)
        customer = _customer(reader, plans, seen, optional_day)
        if customer is not None:
            customers.append(customer)
    return customers


def _customer(
    r: RowReader,
    plans: dict[str, list[Step]],
    seen: dict[str, int],
    optional_day: Callable[[CellValue], date | None],
) -> Customer | None:
    """An onboarding row cell by cell; None when it cannot be used."""
    record, row = r.record, r.row
    customer_id = cells.text(record.get("customer id"))
    if not customer_id:
        r.fail("customer id", "no customer id; row left alone")
        return None
    r.customer_id = customer_id
    if customer_id in seen:
        r.fail(
            "customer id",
            f"duplicate customer id (first on row {seen[customer_id]}); this row is left alone",
        )
        return None
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
        # An unreadable tick box is read as ticked: holding a customer is safer than mailing.
        paused=r.cell("paused", cells.checkbox, True),
        handed_off_to=cells.text(record.get("handed off to")),
        finished=r.cell("finished", cells.checkbox, True),
        finished_on=r.cell("finished on", optional_day, None),
        finished_by=cells.text(record.get("finished by")),
    )
    if not customer.owner:
        r.fail("owner", "no owner: nobody would get this customer's flags")
    return customer if r.ok else None
