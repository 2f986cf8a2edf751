"""Naming a customer in an admin command: by id or by company name, in any case.

An id wins over a name. A name that several customers share, or that is only part of a company
name, is never acted on: an admin command on a guessed customer is too easy to regret, so the
candidates go back to the person to name one by id. One read of the onboarding tab, before the
command's own unit of work.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from app.admin_result import AMBIGUOUS, Result
from guide import cells
from guide.ports import Ports
from guide.unit_of_work import WorkbookBroken, structural_problems
from sheets.schema import ONBOARDING


@dataclass(frozen=True)
class Candidate:
    customer_id: str
    company: str

    def as_json(self) -> dict[str, str]:
        return {"customer_id": self.customer_id, "company": self.company}


@dataclass
class Ambiguous(Exception):
    name: str
    candidates: list[Candidate] = field(default_factory=list)
    exact: bool = True


class NoSuchCustomer(LookupError):
    pass


def resolve(ports: Ports, name: str) -> Candidate:
    """The one customer ``name`` means; see the module docstring."""
    snapshot = ports.workbook.read([ONBOARDING.name])
    broken = structural_problems(snapshot)
    if broken:
        raise WorkbookBroken(broken)
    rows = list(
        dict.fromkeys(
            Candidate(cells.text(r.get("customer id")), cells.text(r.get("company")))
            for _row, r in snapshot[ONBOARDING.name].records()
        )
    )
    key = name.casefold()
    for row in rows:
        if row.customer_id and row.customer_id.casefold() == key:
            return row
    named = [r for r in rows if r.company.casefold() == key and r.customer_id]
    if len({r.customer_id for r in named}) == 1:
        return named[0]
    if named:
        raise Ambiguous(name, named)
    partly = [r for r in rows if r.customer_id and key in r.company.casefold()]
    if partly:  # never acted on, even when there is only one
        raise Ambiguous(name, partly, exact=False)
    raise NoSuchCustomer(name)


def ambiguous(err: Ambiguous) -> Result:
    said = (
        f"{err.name!r} names {len(err.candidates)} customers"
        if err.exact
        else f"No customer is named exactly {err.name!r}"
    )
    lines = [f"{said}; name one by id:"]
    lines += [f"  {c.customer_id}  {c.company}" for c in err.candidates]
    data = {"error": "ambiguous_customer", "customer": err.name, "exact": err.exact}
    return Result(
        AMBIGUOUS, "\n".join(lines), {**data, "candidates": [c.as_json() for c in err.candidates]}
    )
