"""A digest for a big portfolio stays readable: each owner's longest stalls are listed, the rest
counted and pointed at og-triage (every stall also has its flag in Slack), while every paused
and handed-off customer is listed, however many, since nothing else reminds anyone of them."""

from __future__ import annotations

import re
from datetime import date

from bench.workload import workload
from guide.digest import STALLED_LISTED, build_digest
from guide.digest_render import digest_html
from guide.digest_words import digest_text
from guide.reading import read_book
from guide.stalls import read_stall_inputs
from guide.workbook import Snapshot, Table

TODAY = date(2026, 11, 23)


def link(customer_id: str, hold: str, held_at: object) -> str:
    return f"https://guide.example/resume/{customer_id}/{hold}"


def test_given_hundreds_stalled_then_each_owner_lists_the_longest_and_counts_the_rest() -> None:
    # Given the bench workbook of 400 customers: two owners, each with far more than a screen
    # of stalls, and 20 paused and 20 handed off
    tables = {tab: Table(tab, rows[0], rows[1:]) for tab, rows in workload(400, TODAY).items()}
    snapshot = Snapshot(tables)
    book = read_book(snapshot)
    digest = build_digest(book, TODAY, link, extra=read_stall_inputs(snapshot, book))

    # Then each owner lists at most STALLED_LISTED stalls, the longest overdue first, and
    # counts the rest: listed and counted add up to the headline's stalled
    for group in digest.groups:
        overdue = [s.overdue_days for s in group.stalled]
        assert len(group.stalled) == STALLED_LISTED and group.stalled_more > 0
        assert overdue == sorted(overdue, reverse=True)
    listed = sum(len(g.stalled) + g.stalled_more for g in digest.groups)
    assert listed == digest.numbers.stalled
    # And every paused and handed-off customer is listed
    assert sum(len(g.paused) for g in digest.groups) == digest.numbers.paused == 20
    assert sum(len(g.handed_off) for g in digest.groups) == digest.numbers.handed_off == 20

    # And both parts say how many are listed and where the rest are
    group = digest.groups[0]
    total = len(group.stalled) + group.stalled_more
    text, html = digest_text(digest), digest_html(digest)
    for part in (text, re.sub(r"<[^>]+>", "", html)):
        assert f"Stalled ({STALLED_LISTED} of {total})" in part
        assert f"…and {group.stalled_more} more" in part
        assert "og-triage lists every stalled customer" in " ".join(part.split())
