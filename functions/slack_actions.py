"""Slack interactivity: the flag's buttons and modals, behind a Function URL with auth NONE."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from app.observability import logger, metrics, tracer
from app.slack_endpoint import endpoint


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    answer = endpoint().handle(event, context)
    status = int(answer.get("statusCode", 500))
    metrics.add_metric(name="SlackRequests", unit=MetricUnit.Count, value=1)
    if status >= 400:
        metrics.add_metric(name="SlackRefusals", unit=MetricUnit.Count, value=1)
        logger.info("slack request refused", extra={"status": status})
    return answer
