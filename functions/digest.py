"""The weekly digest, invoked by EventBridge Scheduler on the team's day and hour."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from app.bootstrap import ports_from_env
from app.observability import logger, tracer
from functions.tick import scheduled_time
from guide.digest_run import send_digest


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    run = send_digest(ports_from_env(), scheduled_time(event))
    for problem in run.problems:
        logger.warning("digest problem", extra={"problem": str(problem)})
    result = {"sent_to": run.sent_to, "already_sent": run.already_sent, "not_sent": run.not_sent}
    logger.info("digest done", extra={**result, "problems": len(run.problems)})
    return {**result, "problems": [str(p) for p in run.problems]}
