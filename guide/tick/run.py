"""The daily tick as one unit of work: lock, one read, a pure decision, the effects, one write.

The whole tick holds the workbook lock, so button presses wait for it rather than racing it, and
its write touches only the cells it changes. The same write rewrites og-triage from the decision.
After the write, ``Ports.after_tick`` (the App Home refresh, wired by ``app.bootstrap``) sees the
book and the plan; its failure is a warning in the report, never a failed tick.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from guide import triage, triage_write
from guide.mail_health import mail_health
from guide.model import Book, GuideState, Problem
from guide.ports import Ports
from guide.stalls import read_stall_inputs
from guide.tick.decide import TickPlan, decide
from guide.tick.effects import carry_out
from guide.tick.report import TickReport
from guide.unit_of_work import (
    TICK_LEASE_SECONDS,
    AfterCommit,
    Clock,
    Work,
    at,
    no_collection_pauses,
    unit_of_work,
)
from sheets.schema import ACTIVITY, TRIAGE

Flags = dict[str, tuple[str, str, str]]  # customer id -> (step id, channel, ts), as posted
TICK_HOUR = time(9, 0)  # when the schedule runs the tick, in the team's time zone


def scheduled_on(day: date) -> Clock:
    """The schedule's moment on ``day``: 09:00 in the team's time zone, known from og-config."""
    return lambda config: datetime.combine(day, TICK_HOUR, ZoneInfo(config.timezone))


def run_tick(
    ports: Ports,
    now: datetime,
    dry_run: bool = False,
    wait: float = 60,
    on: date | None = None,
) -> TickReport:
    """Run the daily tick at ``now`` (aware), or, given ``on``, as the schedule would on that
    day. With ``dry_run`` decide only: nothing is sent or written, and the report lists what
    would happen."""
    clock = scheduled_on(on) if on is not None else at(now)
    with (
        no_collection_pauses(),
        unit_of_work(ports, clock, lease_seconds=TICK_LEASE_SECONDS, wait_seconds=wait) as work,
    ):
        extra = read_stall_inputs(work.snapshot, work.book)
        zone = ZoneInfo(work.book.config.timezone)
        mail = mail_health(work.snapshot.tables.get(ACTIVITY.name), zone)
        plan = decide(work.book, work.local.date(), extra, mail)
        report = TickReport(plan=plan, dry_run=dry_run)
        work.discard = dry_run
        if not dry_run:
            flags = carry_out(work, plan.effects, report)
            rows = triage.triage_rows(work.book, plan.today, plan, extra, flags)
            triage_write.rewrite(work.changes, work.snapshot.tables.get(TRIAGE.name), rows)
            work.after_commit.append(_after_tick(work, plan, flags))
    if not dry_run:
        report.cells_written, report.sheet_writes = len(work.changes), work.writes
        # What went wrong after the write (a flag update, a new owner's message) is reported.
        report.failures.extend(Problem("tick", None, None, w) for w in work.warnings)
    return report


def _after_tick(work: Work, plan: TickPlan, flags: Flags) -> AfterCommit:
    """The ports' after-tick hook as an after-commit effect: anything it raises is a warning.
    It sees the book with the flags this tick posted, so a Home drawn now links to them and
    the next tick finds nothing changed."""

    def run() -> str | None:
        hook = work.ports.after_tick
        if hook is None:
            return None
        try:
            hook(_with_flags(work.book, flags), plan)
        except Exception as error:  # a stale Home tab never fails a tick
            return f"after the tick: {type(error).__name__}: {error}"
        return None

    return run


def _with_flags(book: Book, flags: Flags) -> Book:
    if not flags:
        return book
    states = dict(book.states)
    for customer_id, (step_id, channel, ts) in flags.items():
        customer = book.customer(customer_id)
        was = states.get(customer_id) or GuideState(0, customer_id)
        journey_id = customer.journey_id() if customer else was.journey_id
        states[customer_id] = replace(
            was, journey_id=journey_id, flag_channel=channel, flag_ts=ts, flag_step=step_id
        )
    return replace(book, states=states)
