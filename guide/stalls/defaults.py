"""What the setup command writes into an empty og-stall-rules and og-interventions: the PRD's
stall rules, and the interventions support reaches for most, each with a drafted email."""

from __future__ import annotations

from guide.workbook import CellValue

Row = dict[str, CellValue]


def _rule(condition: str, threshold: str, severity: str, enabled: bool = True) -> Row:
    return {
        "phase": "any",
        "condition": condition,
        "threshold days": threshold,
        "segment": "any",
        "severity": severity,
        "enabled": enabled,
    }


STALL_RULES: tuple[Row, ...] = (
    _rule("phase_overdue", "1.5x", "high"),  # a phase over 1.5x its expected days
    _rule("step_overdue", "3", "medium"),  # a step overdue by more than 3 business days
    _rule("no_activity", "5", "medium"),
    _rule("no_activity", "10", "high"),
    _rule("no_response", "7", "high"),
    # Off until a plan says which steps an event marks done (og-plans "done when").
    _rule("not_activated", "2", "high", enabled=False),
    _rule("integration_pending", "2", "medium", enabled=False),
)

_SIGN = "\n\nBest,\n{owner}"

INTERVENTIONS: tuple[Row, ...] = (
    {
        "stall kind": "email_spam",
        "suggestion": "Our emails may be going to spam: resend the step from another address, "
        "and check the sender's reputation (bounces, complaints).",
        "email subject": "Did our emails reach you, {first_name}?",
        "email body": "Hi {first_name},\n\nWe haven't heard back about \u201c{step}\u201d in "
        "{days} days, and our emails may have landed in spam. Here is the step again: "
        "{done_link}\n\nIf it helps, add us to your contacts so nothing gets lost." + _SIGN,
    },
    {
        "stall kind": "long_step",
        "suggestion": "The step is long or confusing: offer a short call to do it together, "
        "and consider splitting the step in the plan.",
        "email subject": "Can we help with {step}?",
        "email body": "Hi {first_name},\n\n\u201c{step}\u201d has been open for {days} days. "
        "It's the step most teams find fiddly, so I'd be glad to walk through it with you on a "
        "quick call. When you're done, this marks it complete: {done_link}" + _SIGN,
    },
    {
        "stall kind": "busy_or_forgot",
        "suggestion": "Busy or forgot: send a friendly nudge.",
        "email subject": "A quick nudge on {step}",
        "email body": "Hi {first_name},\n\nJust a friendly reminder about \u201c{step}\u201d. "
        "It takes a few minutes, and once it's done you're one step closer: {done_link}" + _SIGN,
    },
    {
        "stall kind": "quiet_after_purchase",
        "suggestion": "Gone quiet after purchase: call them; if they have moved on, close the "
        "onboarding as cancelled.",
        "email subject": "Checking in on {company}'s onboarding",
        "email body": "Hi {first_name},\n\nWe haven't heard from you in {days} days and want "
        "to make sure {company} gets what it bought. Could we have 15 minutes this week? "
        "Your next step is here: {done_link}" + _SIGN,
    },
    {
        "stall kind": "internal_blocker",
        "suggestion": "The next move is ours: ping the step's assignee.",
        "email subject": "An update on {step}",
        "email body": "Hi {first_name},\n\nA quick update: \u201c{step}\u201d is with us and "
        "taking longer than planned. I'm on it and will write as soon as it's done." + _SIGN,
    },
)
