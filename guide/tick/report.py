"""What a tick did (or, in a dry run, would do): for the CLI's report, logs and metrics."""

from __future__ import annotations

from dataclasses import dataclass, field

from guide.model import Problem
from guide.ports import Email, SlackMessage
from guide.tick.decide import Escalate, FinishJourney, Flag, SendStep, TickPlan


@dataclass
class TickReport:
    plan: TickPlan
    emails: list[Email] = field(default_factory=list)
    flags: list[SlackMessage] = field(default_factory=list)
    escalations: list[str] = field(default_factory=list)
    failures: list[Problem] = field(default_factory=list)
    cells_written: int = 0
    sheet_writes: int = 0  # requests: more than one only when one would pass Google's limit
    dry_run: bool = False

    @property
    def problems(self) -> list[Problem]:
        return self.plan.problems + self.failures

    def counts(self) -> dict[str, int]:
        """What the tick did, or in a dry run what it would do: for metrics and logs."""
        effects = self.plan.effects
        if self.dry_run:
            emails = sum(isinstance(e, SendStep | FinishJourney) for e in effects)
            flags = sum(isinstance(e, Flag) for e in effects)
            escalations = sum(isinstance(e, Escalate) for e in effects)
        else:
            emails, flags, escalations = len(self.emails), len(self.flags), len(self.escalations)
        return {
            "Emails": emails,
            "Flags": flags,
            "Escalations": escalations,
            "Stalls": sum(s.state in {"stalled", "escalated"} for s in self.plan.statuses),
            "SheetProblems": len(self.problems),
            # Over 1 when the day's write passed Google's request limit: the workbook's scale.
            "SheetWrites": self.sheet_writes,
        }
