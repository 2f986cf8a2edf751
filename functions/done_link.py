"""The done link, behind its own Function URL: GET shows the step, POST marks it done.

Opening the link changes nothing (mail scanners open links before people do); the page asks
for one click. A second click is harmless and says so. A bad, expired or stale link gets a
friendly page with a 4xx status, and nothing changes.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from app import pages
from app.bootstrap import services_from_env
from app.function_url import HttpRequest, response
from app.observability import logger, metrics, tracer
from guide import journey
from guide.commands import ActionError, AlreadyDone, Command, MarkDone, Outcome, UnknownCustomer
from guide.links import DoneLink, LinkError
from guide.model import Book
from guide.ports import LockBusy, WorkbookError
from guide.reading import read_book
from guide.services import Services
from sheets.schema import TICK_READS

Perform = Callable[[Services, Command, datetime], Outcome]

_LINK_STATUS = {"malformed": 400, "tampered": 400, "expired": 410}
_ACTION_STATUS = {"unknown": 404, "stale_link": 410}
RETRY_SECONDS = 60
GONE = "This onboarding is no longer in our records. The person who emailed you can help."


def _page(status: int, html: str, extra: dict[str, str] | None = None) -> dict[str, Any]:
    return response(status, html, {**pages.HEADERS, **(extra or {})})


def _error(status: int, heading: str, message: str) -> dict[str, Any]:
    return _page(status, pages.error_page(heading, message))


def _read(services: Services) -> Book:
    return read_book(services.workbook.read(TICK_READS))


def _already(services: Services, link: DoneLink, already: AlreadyDone) -> dict[str, Any]:
    # The core read the journey when it refused; read again only if it did not say.
    items = already.checklist or journey.checklist(_read(services), link.customer_id)
    return _page(200, pages.done_page("Already done", already.message, items))


def _show(services: Services, link: DoneLink, token: str, action: str) -> dict[str, Any]:
    """GET: the step and one button, after checking the link still means something."""
    book = _read(services)
    customer = book.customer(link.customer_id)
    if customer is None:
        return _error(404, "We can't find this onboarding", GONE)
    step = next((s for s in book.plans.get(customer.plan, []) if s.step_id == link.step_id), None)
    send = book.journey_sends(link.journey_id).get(link.step_id)
    if customer.finished or (send is not None and send.done):
        items = journey.checklist(book, customer.customer_id)
        title = step.title if step else "This step"
        return _page(
            200, pages.done_page("Already done", f"“{title}” is already done. Thank you!", items)
        )
    if link.journey_id != customer.journey_id() or step is None:
        return _error(
            410,
            "This link is out of date",
            "It belongs to an earlier onboarding plan. Please use the newest email.",
        )
    return _page(200, pages.confirm_page(step.title, customer.name, token, action))


def _mark(services: Services, link: DoneLink, perform: Perform, now: datetime) -> dict[str, Any]:
    """POST: mark the step done, then show the checklist."""
    command = MarkDone(link.customer_id, link.journey_id, link.step_id, by="customer")
    try:
        outcome = perform(services, command, now)
    except AlreadyDone as already:
        return _already(services, link, already)
    except UnknownCustomer:
        return _error(404, "We can't find this onboarding", GONE)
    except ActionError as refused:
        status = _ACTION_STATUS.get(refused.code, 409)
        return _error(status, "We couldn't mark this step done", refused.message)
    metrics.add_metric(name="StepsMarkedDone", unit=MetricUnit.Count, value=1)
    return _page(200, pages.done_page("Thank you!", outcome.message, outcome.checklist))


def handle_done(
    request: HttpRequest, services: Callable[[], Services], perform: Perform, now: datetime
) -> dict[str, Any]:
    """The whole endpoint, with what it runs against passed in (the tests pass their own)."""
    if request.method not in {"GET", "HEAD", "POST"}:
        return {
            **_error(405, "Not here", "This page only opens from the link in your email."),
            "headers": {**pages.HEADERS, "Allow": "GET, POST"},
        }
    token = request.param("t")
    try:
        link = services().signer.verify(token, now)
    except LinkError as bad:
        return _error(_LINK_STATUS.get(bad.reason, 400), "This link doesn't work", str(bad))
    try:
        if request.method == "POST":
            answer = _mark(services(), link, perform, now)
        else:
            answer = _show(services(), link, token, request.path)
    except (WorkbookError, LockBusy):
        logger.warning("done link failed; nothing changed", exc_info=True)
        answer = _page(
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


def perform_action(services: Services, command: Command, now: datetime) -> Outcome:
    from guide.actions import perform  # the core; imported on first use

    outcome: Outcome = perform(services, command, now)
    return outcome


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    request = HttpRequest.from_event(event)
    answer = handle_done(request, services_from_env, perform_action, datetime.now(UTC))
    status = int(answer["statusCode"])
    metrics.add_metric(name="DoneLinkRequests", unit=MetricUnit.Count, value=1)
    if status >= 400:
        metrics.add_metric(name="DoneLinkRefusals", unit=MetricUnit.Count, value=1)
    logger.info("done link", extra={"method": request.method, "status": status})
    return answer
