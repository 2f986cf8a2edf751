"""The links endpoint. A done link: GET shows the step and one button, POST marks it done.
A digest's Resume link (``/resume``): the same, for ending a pause or hand-off
(``app.resume_page``).

Opening the link changes nothing (mail scanners open links before people do); the page asks
for one click. A second click is harmless and says so. A bad, expired or stale link gets a
friendly page with a 4xx status, and nothing changes. What is true about the step comes from the
core (``guide.actions.steps.step_status``), for the page and for the click alike.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from app import pages
from app.function_url import HttpRequest, response
from guide.actions.steps import StepStatus, step_status
from guide.commands import ActionError, AlreadyDone, Answer, Command, MarkDone, UnknownCustomer
from guide.links import DoneLink, LinkError
from guide.ports import LockBusy, Ports, WorkbookError
from guide.reading import read_book
from guide.unit_of_work import WorkbookBroken
from sheets.schema import TICK_READS

Perform = Callable[[Ports, Command, datetime], Answer]

_LINK_STATUS = {"malformed": 400, "tampered": 400, "expired": 410}
_ACTION_STATUS = {"unknown": 404, "stale_link": 410}
RETRY_SECONDS = 60
GONE = "This onboarding is no longer in our records. The person who emailed you can help."


def page(status: int, html: str, extra: dict[str, str] | None = None) -> dict[str, Any]:
    return response(status, html, {**pages.HEADERS, **(extra or {})})


def _error(status: int, heading: str, message: str) -> dict[str, Any]:
    return page(status, pages.error_page(heading, message))


def unreachable() -> dict[str, Any]:
    """The sheet could not be read or written: nothing changed; try again."""
    return page(
        503,
        pages.error_page(
            "Please try again in a minute", "We couldn't reach the onboarding sheet just now."
        ),
        {"Retry-After": str(RETRY_SECONDS)},
    )


def _show(ports: Ports, link: DoneLink, token: str) -> dict[str, Any]:
    """GET: the step and one button, after asking the core where the step stands."""
    book = read_book(ports.workbook.read(TICK_READS))
    status = step_status(book, link.customer_id, link.journey_id, link.step_id)
    return _status_page(status, token)


def _status_page(status: StepStatus, token: str) -> dict[str, Any]:
    match status.kind:
        case "unknown":
            return _error(404, "We can't find this onboarding", GONE)
        case "finished" | "done":
            return page(200, pages.done_page("Already done", status.message, status.checklist))
        case "stale" | "not_sent":
            return _error(410, "This link is out of date", status.message)
    assert status.step is not None and status.customer is not None
    # A journey a person holds (paused, handed off) can still have its step marked done; the
    # page says what is true of it first.
    note = status.message if status.kind in {"paused", "handed_off"} else ""
    return page(200, pages.confirm_page(status.step.title, status.customer.name, token, note))


def _mark(ports: Ports, link: DoneLink, perform: Perform, now: datetime) -> dict[str, Any]:
    """POST: mark the step done, then show the checklist."""
    command = MarkDone(link.customer_id, link.journey_id, link.step_id, by="customer")
    try:
        answer = perform(ports, command, now)
    except AlreadyDone as already:
        return page(200, pages.done_page("Already done", already.message, already.checklist))
    except UnknownCustomer:
        return _error(404, "We can't find this onboarding", GONE)
    except ActionError as refused:
        status = _ACTION_STATUS.get(refused.code, 409)
        return _error(status, "We couldn't mark this step done", refused.message)
    return page(200, pages.done_page("Thank you!", answer.message, answer.checklist))


def handle_done(
    request: HttpRequest, ports: Callable[[], Ports], perform: Perform, now: datetime
) -> dict[str, Any]:
    """The whole endpoint, with what it runs against passed in (the tests pass their own)."""
    if request.method not in {"GET", "HEAD", "POST"}:
        return {
            **_error(405, "Not here", "This page only opens from the link in your email."),
            "headers": {**pages.HEADERS, "Allow": "GET, POST"},
        }
    if request.path.rstrip("/").endswith("/resume"):
        from app.resume_page import handle_resume

        answer = handle_resume(request, ports(), perform, now)
    elif request.path.rstrip("/").endswith("/plan"):
        from app.plan_page import handle_plan

        answer = handle_plan(request, ports(), perform, now)
    else:
        answer = _handle_done(request, ports, perform, now)
    if request.method == "HEAD":
        answer["body"] = ""
    return answer


def _handle_done(
    request: HttpRequest, ports: Callable[[], Ports], perform: Perform, now: datetime
) -> dict[str, Any]:
    token = request.param("t")
    try:
        link = ports().signer.verify(token, now)
    except LinkError as bad:
        return _error(_LINK_STATUS.get(bad.reason, 400), "This link doesn't work", str(bad))
    try:
        if request.method == "POST":
            answer = _mark(ports(), link, perform, now)
        else:
            answer = _show(ports(), link, token)
    except (WorkbookError, LockBusy, WorkbookBroken):
        answer = page(
            503,
            pages.error_page(
                "Please try again in a minute",
                "We couldn't reach your onboarding checklist just now.",
            ),
            {"Retry-After": str(RETRY_SECONDS)},
        )
    if request.method == "HEAD":
        answer["body"] = ""
    return answer
