"""The done link, behind its own Function URL: GET shows the step, POST marks it done."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from app.bootstrap import perform_action, ports_from_env
from app.done_page import handle_done
from app.function_url import HttpRequest
from app.observability import logger, metrics, tracer


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    request = HttpRequest.from_event(event)
    answer = handle_done(request, ports_from_env, perform_action, datetime.now(UTC))
    status = int(answer["statusCode"])
    metrics.add_metric(name="DoneLinkRequests", unit=MetricUnit.Count, value=1)
    if status >= 400:
        metrics.add_metric(name="DoneLinkRefusals", unit=MetricUnit.Count, value=1)
    logger.info("done link", extra={"method": request.method, "status": status})
    return answer
