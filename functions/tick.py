"""The daily tick, invoked by EventBridge Scheduler at 09:00 in the team's time zone."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from app.bootstrap import services_from_env
from app.observability import logger, metrics, tracer
from guide.runner import run_tick


def _when(event: dict[str, Any]) -> datetime:
    """The scheduled time (so a retry of yesterday's tick is still yesterday's), else now."""
    scheduled = event.get("time") or event.get("scheduled_time")
    if isinstance(scheduled, str) and scheduled:
        return datetime.fromisoformat(scheduled.replace("Z", "+00:00"))
    return datetime.now(UTC)


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    report = run_tick(services_from_env(), _when(event), dry_run=bool(event.get("dry_run")))
    counts = {
        "EmailsSent": len(report.emails),
        "FlagsPosted": len(report.flags),
        "Stalls": sum(1 for s in report.plan.statuses if s.state in {"stalled", "escalated"}),
        "SheetProblems": len(report.problems),
    }
    for name, value in counts.items():
        metrics.add_metric(name=name, unit=MetricUnit.Count, value=value)
    for problem in report.problems:
        logger.warning("sheet problem", extra={"problem": str(problem)})
    logger.info("tick done", extra={"today": report.plan.today.isoformat(), **counts})
    return {"today": report.plan.today.isoformat(), **counts}
