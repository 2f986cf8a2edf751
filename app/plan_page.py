"""A customer's onboarding plan for staff (``/plan``, the flag's "View plan" link).

GET shows the timeline by phase with a progress bar, each step's state and dates, and the
customer's og-activity. POST marks one open step done on the customer's behalf (during a support
call, say): the done link's own unit of work (``MarkDone``), audited as "<staff> for customer".

Who may open it: whoever holds an unexpired staff link (``guide.links``, 7 days). The link is
posted only in Slack, so in practice that is the workspace's people; it is not a login, and a
link pasted elsewhere works for anyone until it expires. The page names who marks a step, for
the audit, from the link (the Slack user it was issued to) or as typed in the form.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from app import pages, plan_html
from app.done_page import Perform, page, unreachable
from app.function_url import HttpRequest
from guide import cells
from guide.calendar import team_time
from guide.commands import ActionError, AlreadyDone, MarkDone
from guide.links import LinkError, StaffLink
from guide.model import Book, Customer
from guide.ports import LockBusy, Ports, WorkbookError
from guide.reading import read_book
from guide.stalls import read_stall_inputs
from guide.stalls.timeline import add_business_days, customer_timeline
from guide.unit_of_work import WorkbookBroken
from guide.workbook import Snapshot
from sheets.schema import ACTIVITY, TICK_READS

_LINK_STATUS = {"malformed": 400, "tampered": 400, "expired": 410}
ACTIVITY_SHOWN = 50  # the newest rows; the sheet has the rest
NAME_LIMIT = 80


def handle_plan(
    request: HttpRequest, ports: Ports, perform: Perform, now: datetime
) -> dict[str, Any]:
    token = request.param("t")
    try:
        link = ports.signer.verify_staff(token, now)
    except LinkError as bad:
        status = _LINK_STATUS.get(bad.reason, 400)
        return page(status, pages.error_page("This link doesn't work", str(bad)))
    notice = ""
    try:
        if request.method == "POST":
            status, notice = _mark(request, ports, link, perform, now)
            if status != 200:
                return page(status, pages.error_page("Nothing was marked done", notice))
        snapshot = ports.workbook.read(TICK_READS)
        book = read_book(snapshot)
    except (WorkbookError, LockBusy, WorkbookBroken):
        return unreachable()
    customer = book.customer(link.customer_id)
    if customer is None:
        return page(404, pages.error_page("We can't find this customer", "Nothing changed."))
    view = plan_view(snapshot, book, customer, team_time(now, book.config.timezone))
    return page(200, plan_html.plan_page(view, token, link.staff, notice))


def _mark(
    request: HttpRequest, ports: Ports, link: StaffLink, perform: Perform, now: datetime
) -> tuple[int, str]:
    staff = " ".join((request.param("staff") or link.staff).split())[:NAME_LIMIT]
    if not staff:
        return 400, "Say who you are, so the audit can name you."
    step_id, journey_id = request.param("step"), request.param("journey")
    command = MarkDone(link.customer_id, journey_id, step_id, by=f"{staff} for customer")
    try:
        answer = perform(ports, command, now)
    except AlreadyDone as already:
        return 200, already.message
    except ActionError as refused:
        return 409, refused.message
    return 200, f"{answer.message} (by {staff}, for the customer)"


def plan_view(
    snapshot: Snapshot, book: Book, customer: Customer, local: datetime
) -> plan_html.Plan:
    """The page's content: pure, from one read."""
    extra = read_stall_inputs(snapshot, book)
    timeline = customer_timeline(book, extra, customer)
    journey_id = customer.journey_id()
    sends = book.journey_sends(journey_id)
    holidays = book.config.holidays
    phases: list[plan_html.Phase] = []
    for timed in timeline.steps:
        step, send = timed.step, sends.get(timed.step.step_id)
        if send is not None and send.done:
            state = "done"
        elif send is not None and send.sent_at is not None:
            state = "open"
        else:
            state = "to do"
        due = (
            add_business_days(send.sent_at.date(), timed.expected_days, holidays).isoformat()
            if send is not None and send.sent_at is not None
            else ""
        )
        row = plan_html.PlanStep(
            step_id=step.step_id,
            title=step.title,
            owner="customer" if step.owned_by == "customer" else (timed.assignee or "us"),
            state=state,
            sent=cells.stamp(send.sent_at) if send and send.sent_at else "",
            due=due,
            done=cells.stamp(send.done_at) if send and send.done_at else "",
            done_by=send.done_by if send else "",
            reminders=send.reminders if send else 0,
            overdue=state == "open" and bool(due) and due < local.date().isoformat(),
        )
        name = timed.phase or "Steps"
        if not phases or phases[-1].name != name:
            phases.append(plan_html.Phase(name, timeline.phase_days.get(timed.phase, 0), []))
        phases[-1].steps.append(row)
    if customer.finished:
        status = f"Ended {customer.finished_on or '?'}: {customer.finished_by or 'finished'}"
    elif customer.paused:
        status = "Paused"
    elif customer.handed_off_to:
        status = f"Handed off to {customer.handed_off_to}"
    else:
        status = "In progress"
    return plan_html.Plan(
        customer_id=customer.customer_id,
        name=customer.name,
        journey_id=journey_id,
        plan=customer.plan,
        owner=customer.owner,
        segment=customer.segment,
        started=customer.started_on.isoformat() if customer.started_on else "",
        status=status,
        phases=phases,
        activity=_activity(snapshot, customer.customer_id),
        editable=not customer.finished,
    )


def _activity(snapshot: Snapshot, customer_id: str) -> list[tuple[str, str, str, str]]:
    """(at, kind, name, detail) of the customer's og-activity rows, newest first."""
    table = snapshot.tables.get(ACTIVITY.name)
    if table is None or not table.exists:
        return []
    found = [
        tuple(cells.text(record.get(k)) for k in ("at", "kind", "name", "detail"))
        for _row, record in table.records()
        if cells.text(record.get("customer id")) == customer_id
    ]
    return [(a, b, c, d) for a, b, c, d in reversed(found)][:ACTIVITY_SHOWN]
