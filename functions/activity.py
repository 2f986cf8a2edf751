"""The activity endpoint, behind its own Function URL: signed events from the customer's
product land in og-activity (``app.activity``)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from app.activity import activity_key_from_env, handle_activity
from app.bootstrap import ports_from_env
from app.function_url import HttpRequest
from app.observability import logger, metrics, tracer


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    request = HttpRequest.from_event(event)
    answer = handle_activity(request, ports_from_env, activity_key_from_env, datetime.now(UTC))
    status = int(answer["statusCode"])
    metrics.add_metric(name="ActivityRequests", unit=MetricUnit.Count, value=1)
    if status >= 400:
        metrics.add_metric(name="ActivityRefusals", unit=MetricUnit.Count, value=1)
    logger.info("activity", extra={"status": status})
    return answer
