"""The funnel on a hand-built book: on-time rate, percentiles, per-step numbers, date filters.

The plan (tests.builders): connect 3, invite 2, checkin 3 expected business days, 8 in all.
Today is Friday 2026-11-20.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from guide.funnel import funnel
from guide.funnel_journeys import ArchivedSend, read_archive
from guide.funnel_model import Funnel, GroupStats, percentile
from guide.model import CANCELLED_BY, Problem
from guide.reading import read_book
from guide.trail import TrailEntry
from sheets.schema import SENDS_ARCHIVE
from tests.builders import customer, send, snapshot, table

TODAY = date(2026, 11, 20)
NOV, OCT = (date(2026, 11, 1), date(2026, 11, 30)), (date(2026, 10, 1), date(2026, 10, 31))


def archived(cid: str, step: str, sent: str, done: str, started: str, at: str) -> dict[str, Any]:
    return {**send(cid, step, sent, done, started=started), "archived at": at}


def customers() -> list[dict[str, Any]]:
    return [
        customer("C1", finished=True, **{"finished on": "2026-11-10"}),  # 6 days: on time
        customer("C2", finished=True, **{"finished on": "2026-11-16"}),  # 10 days: late
        customer("C3", segment="mid-market"),  # in progress 14 days: late already
        customer("C4", **{"started on": "2026-11-16"}),  # in progress 4 days: not due yet
        customer("C5", **{"started on": "2026-11-19"}),  # re-enrolled from an October journey
    ]


ARCHIVE = [
    archived("C1", "connect", "2026-11-02 09:00", "2026-11-04 10:00", "2026-11-02", "2026-11-10"),
    archived("C1", "invite", "2026-11-04 09:00", "2026-11-09 10:00", "2026-11-02", "2026-11-10"),
    archived("C1", "checkin", "2026-11-09 09:00", "2026-11-10 08:00", "2026-11-02", "2026-11-10"),
    archived("C2", "connect", "2026-11-02 09:00", "2026-11-06 10:00", "2026-11-02", "2026-11-16"),
    archived("C2", "invite", "2026-11-06 11:00", "2026-11-10 10:00", "2026-11-02", "2026-11-16"),
    archived("C2", "checkin", "2026-11-10 11:00", "2026-11-13 10:00", "2026-11-02", "2026-11-16"),
    # A1 has no onboarding row any more; every step done: finished when archived, in 6 days.
    archived("A1", "connect", "2026-10-05 09:00", "2026-10-06 10:00", "2026-10-05", "2026-10-13"),
    archived("A1", "invite", "2026-10-06 11:00", "2026-10-08 10:00", "2026-10-05", "2026-10-13"),
    archived("A1", "checkin", "2026-10-08 11:00", "2026-10-12 10:00", "2026-10-05", "2026-10-13"),
    archived("C5", "connect", "2026-10-01 09:00", "2026-10-02 10:00", "2026-10-01", "2026-11-19"),
]
LIVE = [
    send("C3", "connect", "2026-11-02 09:00", "2026-11-03 10:00"),
    send("C3", "invite", "2026-11-03 11:00"),  # open 13 business days, 2 expected: stalled
    send("C4", "connect", "2026-11-18 09:00", started="2026-11-16"),  # open 2 of 3: not decided
]


def build(start: date, end: date, audit: list[TrailEntry] | None = None) -> Funnel:
    book = read_book(snapshot(customers(), sends=LIVE))
    problems: list[Problem] = []
    archive = read_archive(table(SENDS_ARCHIVE.name, ARCHIVE), UTC, problems)
    assert problems == []
    return funnel(book, archive, audit or [], start, end, today=TODAY)


def group(f: Funnel, segment: str) -> GroupStats:
    return next(g for g in f.groups if g.segment == segment)


def test_on_time_rate_counts_the_finished_and_the_late_not_those_still_within_their_time() -> None:
    f = build(OCT[0], NOV[1])
    o = f.overall
    assert (o.started, o.finished, o.in_progress, o.reenrolled, o.cancelled) == (7, 3, 3, 1, 0)
    # due: C1 on time, C2 late, A1 on time, C3 late in progress; C4 and C5 not yet; C5's
    # October journey, left for a new one, is counted apart
    assert (o.due, o.on_time, o.on_time_rate, o.meets_target) == (4, 2, 0.5, False)
    assert f.plans[0].expected_days == 8


def test_median_and_90th_percentile_of_business_days_to_finish() -> None:
    o = build(OCT[0], NOV[1]).overall
    assert (o.median_days, o.p90_days) == (6.0, 10.0)  # of 6, 6 and 10


@pytest.mark.parametrize(
    ("values", "q", "expected"),
    [([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9, 9), ([5], 0.9, 5), ([], 0.9, None), ([3, 1], 0.5, 1)],
)
def test_percentiles_are_nearest_rank(values: list[float], q: float, expected: float) -> None:
    assert percentile(values, q) == expected


def test_per_step_the_step_with_most_stalls_stands_out() -> None:
    steps = {s.step_id: s for s in build(OCT[0], NOV[1]).plans[0].steps}
    # connect: C2 took 4 of 3. invite: C1 took 3 of 2, C3 open 13 of 2. checkin: none.
    assert [steps[s].stalls for s in ("connect", "invite", "checkin")] == [1, 2, 0]
    invite = steps["invite"]
    assert (invite.reached, invite.completed, invite.median_days) == (4, 3, 2.0)
    assert invite.stall_share == pytest.approx(2 / 3)
    assert build(OCT[0], NOV[1]).plans[0].worst_step == invite
    # C4's open first step is within its time: neither completed nor lost yet
    assert (steps["connect"].reached, steps["connect"].completion_rate) == (5, 1.0)


def test_groups_per_plan_and_segment() -> None:
    f = build(OCT[0], NOV[1])
    assert [(g.plan, g.segment, g.started) for g in f.groups] == [
        ("standard", "", 1),  # A1: no onboarding row to say its segment
        ("standard", "mid-market", 1),
        ("standard", "smb", 5),
    ]
    assert group(f, "mid-market").on_time_rate == 0.0


def test_the_date_range_picks_journeys_by_the_day_they_started() -> None:
    november, october = build(*NOV), build(*OCT)
    assert november.overall.started == 5  # C1-C4 and C5's new journey
    assert october.overall.started == 2 and october.overall.finished == 1  # A1; C5 re-enrolled
    assert [w.week for w in october.weeks] == [date(2026, 10, 12)]


def test_time_to_finish_by_week_finished() -> None:
    weeks = build(OCT[0], NOV[1]).weeks
    assert [(w.week, w.finished, w.median_days) for w in weeks] == [
        (date(2026, 10, 12), 1, 6.0),
        (date(2026, 11, 9), 1, 6.0),
        (date(2026, 11, 16), 1, 10.0),
    ]


def test_a_cancel_in_the_audit_counts_the_journey_cancelled_not_late() -> None:
    """No action cancels a journey yet: the hook counts an audit 'cancel' once one does."""
    cancel = TrailEntry(
        row=2,
        audit_id="a1",
        at=datetime(2026, 11, 18, 9),
        who="Sam",
        action="cancel",
        customer_id="C3",
        journey_id="C3/standard/2026-11-02",
        detail="",
        undoes="",
        before=None,
        after=None,
    )
    o = build(*NOV, audit=[cancel]).overall
    assert (o.cancelled, o.in_progress, o.due, o.on_time) == (1, 2, 2, 1)


def test_a_journey_closed_as_cancelled_counts_cancelled_from_its_row_without_the_audit() -> None:
    """Given C2 closed as cancelled from the flag (its row finished, 'finished by' stamped as
    Close as cancelled stamps it), when the funnel is read without og-audit (as the report and
    the digest read it), then C2 is cancelled: neither finished nor late."""
    rows = customers()
    rows[1]["finished by"] = f"{CANCELLED_BY}not a fit (Sam)"
    book = read_book(snapshot(rows, sends=LIVE))
    archive = read_archive(table(SENDS_ARCHIVE.name, ARCHIVE), UTC, [])
    o = funnel(book, archive, [], *NOV, today=TODAY).overall
    assert (o.started, o.finished, o.cancelled, o.in_progress) == (5, 1, 1, 3)
    assert (o.due, o.on_time, o.median_days) == (2, 1, 6.0)


def test_an_unreadable_archive_date_is_reported_and_the_row_skipped() -> None:
    rows = [archived("A1", "connect", "soon", "", "2026-10-05", "")]
    problems: list[Problem] = []
    assert read_archive(table(SENDS_ARCHIVE.name, rows), UTC, problems) == []
    assert [(p.tab, p.row) for p in problems] == [(SENDS_ARCHIVE.name, 2)]


def test_an_archived_send_is_a_plain_tuple_of_its_columns() -> None:
    row = read_archive(table(SENDS_ARCHIVE.name, ARCHIVE[:1]), UTC, [])[0]
    assert row == ArchivedSend(
        "C1/standard/2026-11-02",
        "C1",
        "connect",
        datetime(2026, 11, 2, 9),
        datetime(2026, 11, 4, 10),
        datetime(2026, 11, 10),
    )
