"""Admin commands (undo, history, resume, reenroll, doctor), invoked with IAM only.

No Function URL: ``lambda:InvokeFunction`` is the only way in, so the caller is an IAM
principal and the payload's ``by`` is taken as given. See ``app.admin`` for the payload, the
result and its exit codes.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from app.admin import run
from app.bootstrap import ports_from_env
from app.observability import logger, tracer


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    result = run(ports_from_env(), event, datetime.now(UTC))
    said = (
        {k: event.get(k) for k in ("command", "customer", "by")} if isinstance(event, dict) else {}
    )
    logger.info("admin command", extra={**said, "exit_code": result["exit_code"]})
    return result
