"""A stall in a few words: what an intervention task is named after."""

from __future__ import annotations

from guide.stalls.model import (
    INTEGRATION_PENDING,
    NO_ACTIVITY,
    NO_RESPONSE,
    NOT_ACTIVATED,
    PHASE_OVERDUE,
    SEVERITIES,
    STEP_OVERDUE,
    Assessment,
)


def primary_issue(assessment: Assessment) -> str:
    """The stall's main issue: the first rule fired at the highest severity, without its days,
    so the words stay the same from one tick to the next ("Data migration overdue")."""
    if not assessment.fired:
        return "stalled"
    top = max(assessment.fired, key=lambda f: SEVERITIES.index(f.severity))
    titles = {b.step_id: b.title for b in assessment.blockers if b.step_id}
    step = titles.get(top.step_id, "") or "a step"
    words = {
        STEP_OVERDUE: f"{step} overdue",
        NOT_ACTIVATED: f"{step}: not activated",
        INTEGRATION_PENDING: f"{step}: integration pending",
        PHASE_OVERDUE: f"{top.phase} phase overdue",
        NO_ACTIVITY: "no activity",
        NO_RESPONSE: "no response",
    }
    return words.get(top.condition, top.condition.replace("_", " "))
