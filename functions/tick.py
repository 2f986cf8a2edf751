"""The daily tick, invoked by EventBridge Scheduler at 09:00 in the team's time zone."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from app.bootstrap import ports_from_env
from app.observability import logger, metrics, tracer
from guide.tick import run_tick


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
    report = run_tick(ports_from_env(), scheduled_time(event), dry_run=dry_run)
    counts = report.counts()
    # A dry run's counts say what would happen: they are not metrics of what did.
    measured = {"DryRuns": 1} if dry_run else counts
    for name, value in measured.items():
        metrics.add_metric(name=name, unit=MetricUnit.Count, value=value)
    for problem in report.problems:
        logger.warning("sheet problem", extra={"problem": str(problem)})
    today = report.plan.today.isoformat()
    logger.info("tick done", extra={"today": today, "dry_run": dry_run, **counts})
    return {"today": today, "dry_run": dry_run, **counts}
