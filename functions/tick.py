"""The daily tick, invoked by EventBridge Scheduler at 09:00 in the team's time zone."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from app.bootstrap import ports_from_env
from app.observability import logger, metrics, tracer
from guide.tick import run_tick
from guide.unit_of_work import WorkbookBroken


def scheduled_time(event: dict[str, Any]) -> datetime:
    """The scheduled time (so a retry of yesterday's tick is still yesterday's), else now."""
    scheduled = event.get("time") or event.get("scheduled_time")
    if isinstance(scheduled, str) and scheduled:
        return datetime.fromisoformat(scheduled.replace("Z", "+00:00"))
    return datetime.now(UTC)


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    dry_run = bool(event.get("dry_run"))
    try:
        report = run_tick(ports_from_env(), scheduled_time(event), dry_run=dry_run)
    except WorkbookBroken as broken:  # raised on: the failed-events queue and its alarm say so
        logger.error("workbook broken, nothing sent", extra={"problems": str(broken)})
        metrics.add_metric(name="WorkbookBroken", unit=MetricUnit.Count, value=1)
        raise
    counts = report.counts()  # a dry run's say what would happen: not metrics of what did
    for name, value in ({"DryRuns": 1} if dry_run else counts).items():
        metrics.add_metric(name=name, unit=MetricUnit.Count, value=value)
    for problem in report.problems:
        logger.warning("sheet problem", extra={"problem": str(problem)})
    today = report.plan.today.isoformat()
    logger.info("tick done", extra={"today": today, "dry_run": dry_run, **counts})
    return {"today": today, "dry_run": dry_run, **counts}
