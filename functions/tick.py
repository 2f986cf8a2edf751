"""The daily tick (Scheduler, 09:00 team time) for the event's scheduled time: retries too."""

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
    scheduled = str(event.get("time") or event.get("scheduled_time") or "").replace("Z", "+00:00")
    return datetime.fromisoformat(scheduled) if scheduled else datetime.now(UTC)


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    dry_run = bool(event.get("dry_run"))
    try:  # a broken workbook is raised on: the failed-events queue and its alarm say so
        report = run_tick(ports_from_env(), scheduled_time(event), dry_run=dry_run)
    except WorkbookBroken as broken:
        logger.error("workbook broken, nothing sent", extra={"problems": str(broken)})
        metrics.add_metric(name="WorkbookBroken", unit=MetricUnit.Count, value=1)
        raise
    counts = report.counts()  # a dry run's say what would happen: not metrics of what did
    for name, value in ({"DryRuns": 1} if dry_run else counts).items():
        metrics.add_metric(name=name, unit=MetricUnit.Count, value=value)
    for problem in report.problems:
        logger.warning("sheet problem", extra={"problem": str(problem)})
    result = {"today": report.plan.today.isoformat(), "dry_run": dry_run, **counts}
    logger.info("tick done", extra=result)
    return result
