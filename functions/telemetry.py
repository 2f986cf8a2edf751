"""The telemetry function: SES mail events (SNS, through an SQS queue) into og-activity
(``app.telemetry``). A rejected message is logged and dropped: retrying a forgery or a
malformed message cannot make it good. A workbook error raises, so the queue retries."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from app.bootstrap import ports_from_env
from app.observability import logger, metrics, tracer
from app.sns import fetch_certificate
from app.telemetry import handle_mail_events


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    result = handle_mail_events(event, ports_from_env, fetch_certificate, datetime.now(UTC))
    metrics.add_metric(name="MailEventsRecorded", unit=MetricUnit.Count, value=result["recorded"])
    for reason in result["rejected"]:
        logger.error("mail event rejected", extra={"reason": reason})
    for reason in result["skipped"]:
        logger.info("mail event skipped", extra={"reason": reason})
    if result["rejected"]:
        metrics.add_metric(
            name="MailEventsRejected", unit=MetricUnit.Count, value=len(result["rejected"])
        )
    logger.info("mail events", extra={k: v for k, v in result.items() if k != "skipped"})
    return result
