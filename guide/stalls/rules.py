"""Which rules of og-stall-rules count for a customer: for each condition and severity, the most
specific row for their segment and phase, so a segment's row (even one switched off) replaces
the "any" row of the same condition and severity."""

from __future__ import annotations

from guide.stalls.model import ANY, Rule, StallInputs


def rules_that_count(extra: StallInputs, condition: str, phase: str, segment: str) -> list[Rule]:
    """The switched-on rules for ``condition`` in ``phase`` for ``segment`` (casefolded, or
    "any"): worked out once per tick for each, as thousands of customers share them."""
    key = (condition, phase, segment)
    found = extra.chosen.get(key)
    if found is None:
        found = extra.chosen[key] = _chosen(extra.rules, condition, phase.casefold(), segment)
    return found


def _chosen(rules: list[Rule], condition: str, phase: str, segment: str) -> list[Rule]:
    """The rules that count for a condition in a phase and segment: the most specific one of
    each severity, if it is switched on."""
    best: dict[str, Rule] = {}
    for rule in rules:
        if rule.condition != condition or rule.segment not in (ANY, segment):
            continue
        if rule.phase not in (ANY, phase):
            continue
        kept = best.get(rule.severity)
        if kept is None or rule.specificity >= kept.specificity:
            best[rule.severity] = rule
    return [r for r in best.values() if r.enabled]
