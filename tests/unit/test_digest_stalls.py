"""The digest's stalled list is the stall engine's, so it names exactly whom the tick flags.

Given one customer and the setup's default stall rules, When the weekly digest is built with
what the stall tabs hold, Then the customer is listed as stalled exactly when the tick's own
decision calls them stalled, not by the old "past its expected days" rule.
"""

from __future__ import annotations

from datetime import date, datetime

from guide.digest import build_digest
from guide.digest_model import Digest
from guide.tick.decide import decide
from tests.stall_world import World, step

MON = date(2026, 11, 9)


def link(customer_id: str, hold: str, held_at: datetime | None) -> str:
    return f"https://guide.example/resume/{customer_id}/{hold}"


def stalled(world: World, today: date) -> tuple[list[str], str]:
    """(who the digest lists as stalled, the tick's status for the customer)."""
    book, extra, _ = world.read()
    digest: Digest = build_digest(book, today, link, extra=extra)
    (status,) = decide(book, today, extra).statuses
    return [s.customer_id for g in digest.groups for s in g.stalled], status.state


def test_a_step_a_day_past_its_expected_days_with_the_customer_busy_is_not_a_stall() -> None:
    # Given Sign up (2 days expected) went out Monday, and the customer was active on Friday
    w = World(
        steps=[step("signup", 2, 1)],
        sends=[("signup", "2026-11-02 09:00", "")],
        activity=[("2026-11-06 10:00", "activity", "login")],
    )
    # Then on Thursday (3 days waited, 1 overdue) no rule fires: the tick does not flag them,
    # and the digest does not list them as stalled
    assert stalled(w, date(2026, 11, 5)) == ([], "overdue")
    assert (
        build_digest(*w.read()[:1], date(2026, 11, 5), link, extra=w.read()[1]).numbers.stalled == 0
    )


def test_a_segment_with_a_shorter_step_is_stalled_in_both_with_the_segments_days() -> None:
    # Given a 15-day step that the customer's segment (smb) expects done in 2, sent a week ago
    w = World(
        steps=[step("setup", 15, 1)],
        sends=[("setup", "2026-11-02 09:00", "")],
        segments=[{"segment": "smb", "step id": "setup", "expected days": 2}],
    )
    who, state = stalled(w, MON)
    # Then the tick calls it a stall, and so does the digest, with the segment's days
    assert (who, state) == (["C1"], "stalled")
    book, extra, _ = w.read()
    (row,) = [s for g in build_digest(book, MON, link, extra=extra).groups for s in g.stalled]
    assert (row.waited_days, row.expected_days, row.overdue_days) == (5, 2, 3)
