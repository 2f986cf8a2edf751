"""The digest's Resume link: GET asks for one click, POST ends the pause or hand-off.

The same unit of work as the Slack button (under the lock, audited, once), bound to the hold the
link was issued for: a link for a pause that has since ended says so and changes nothing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from app import pages
from app.done_page import Perform, page, unreachable
from app.function_url import HttpRequest
from guide.commands import ActionError, AlreadyDone, ClearHandOff, Command, Resume
from guide.links import LinkError, ResumeLink
from guide.ports import LockBusy, Ports, WorkbookError
from guide.reading import read_book
from guide.unit_of_work import WorkbookBroken
from sheets.schema import TICK_READS

_LINK_STATUS = {"malformed": 400, "tampered": 400, "expired": 410}


def handle_resume(
    request: HttpRequest, ports: Ports, perform: Perform, now: datetime
) -> dict[str, Any]:
    token = request.param("t")
    try:
        link = ports.signer.verify_resume(token, now)
    except LinkError as bad:
        status = _LINK_STATUS.get(bad.reason, 400)
        return page(status, pages.error_page("This link doesn't work", str(bad)))
    try:
        if request.method == "POST":
            return _resume(ports, link, perform, now)
        book = read_book(ports.workbook.read(TICK_READS))
    except (WorkbookError, LockBusy, WorkbookBroken):
        return unreachable()
    customer = book.customer(link.customer_id)
    if customer is None:
        return page(404, pages.error_page("We can't find this customer", "Nothing changed."))
    return page(200, pages.resume_page(customer.name, link.hold, token))


def _resume(ports: Ports, link: ResumeLink, perform: Perform, now: datetime) -> dict[str, Any]:
    by = "digest link"
    command: Command = (
        Resume(link.customer_id, by, since=link.held_at)
        if link.hold == "pause"
        else ClearHandOff(link.customer_id, by, since=link.held_at)
    )
    try:
        answer = perform(ports, command, now)
    except AlreadyDone as already:
        return page(200, pages.done_page("Nothing to do", already.message, ()))
    except ActionError as refused:
        return page(409, pages.error_page("We couldn't resume this customer", refused.message))
    return page(200, pages.done_page("Resumed", answer.message, ()))
