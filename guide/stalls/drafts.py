"""An intervention's drafted email, filled in for one customer.

Templates are typed by people: ``{first_name}``, ``{company}``, ``{step}``, ``{days}``,
``{done_link}`` and ``{owner}`` are filled; anything else in braces is left as typed, so a
typo shows in the draft the owner edits instead of breaking it.
"""

from __future__ import annotations

import re

from guide.model import Customer
from guide.stalls.model import Intervention

_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def fill(template: str, values: dict[str, str]) -> str:
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), template)


def draft_email(
    intervention: Intervention, customer: Customer, step: str, days: int, done_link: str
) -> tuple[str, str]:
    """(subject, body) of the intervention's email for this customer and step."""
    first_name = (customer.contact_name.split() or [customer.name])[0]
    values = {
        "first_name": first_name,
        "company": customer.name,
        "step": step,
        "days": str(days),
        "done_link": done_link,
        "owner": customer.owner,
    }
    return fill(intervention.subject, values), fill(intervention.body, values)
