"""A tick's effects carried out: prepared in order, the outside ones sent once each through the
ledger, on a small thread pool when each is a network round trip (``Ports.effect_workers``), then
recorded in the original order so the tick's one write is deterministic.

Every outside effect (an email, a Slack post) runs under a ledger key that names the journey and
step, so a tick re-run after a crash, or run twice in a day, finds it done and only writes the
record. Each kind of effect lives in its own module: ``mail`` (step and wrap-up emails),
``slack`` (flags and escalations), ``sheet`` (what the sheet alone records).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from guide.model import Problem
from guide.ports import AlreadyInProgress, MailerError, NotifierError
from guide.tick.decide import (
    DoneByEvent,
    Effect,
    Enroll,
    Escalate,
    FinishJourney,
    Flag,
    NoticeHandOff,
    NoticePause,
    NoticeResume,
    OpenTask,
    SendStep,
)
from guide.tick.effects import mail, sheet, slack, stalls
from guide.tick.effects.context import Outside, Receipt, TickContext
from guide.tick.report import TickReport
from guide.unit_of_work import Work

__all__ = ["carry_out"]

LEDGER_ERRORS = (AlreadyInProgress, MailerError, NotifierError)


def carry_out(
    work: Work, effects: list[Effect], report: TickReport
) -> dict[str, tuple[str, str, str]]:
    """Carry ``effects`` out within ``work``: sheet-only ones recorded at once, outside ones sent
    once each and recorded in order. A failed send is a problem in the report; the next tick
    tries it again. Returns the flags posted: customer id -> (step id, channel, ts)."""
    tick = TickContext(work, report)
    prepared = [(e, _prepare(tick, e)) for e in effects]
    # Escalations go second: the manager's message links to the flag, which may be posted in
    # the first wave of this very tick.
    for wave in (False, True):
        outside = [o for e, o in prepared if o is not None and isinstance(e, Escalate) == wave]
        _run(tick, outside)
    return tick.flags


def _run(tick: TickContext, outside: list[Outside]) -> None:
    workers = tick.work.ports.effect_workers
    if workers > 1 and len(outside) > 1:
        with ThreadPoolExecutor(workers, thread_name_prefix="og-effect") as pool:
            results = list(pool.map(lambda o: _once(tick, o), outside))
    else:
        results = [_once(tick, o) for o in outside]
    for item, (receipt, problem) in zip(outside, results, strict=True):
        if receipt is not None:
            item.record(receipt)
        elif problem is not None:
            tick.report.failures.append(problem)


def _prepare(tick: TickContext, effect: Effect) -> Outside | None:
    """Record a sheet-only effect now; give an outside one back to be sent."""
    match effect:
        case Enroll():
            sheet.enroll(tick, effect)
            return None
        case NoticeResume():
            sheet.notice_resume(tick, effect)
            return None
        case NoticePause():
            sheet.notice_pause(tick, effect)
            return None
        case NoticeHandOff():
            sheet.notice_hand_off(tick, effect)
            return None
        case DoneByEvent():
            stalls.done_by_event(tick, effect)
            return None
        case OpenTask():
            stalls.open_task(tick, effect)
            return None
        case SendStep():
            return mail.send_step(tick, effect)
        case FinishJourney():
            return mail.finish_journey(tick, effect)
        case Flag():
            return slack.flag(tick, effect)
        case Escalate():
            return slack.escalate(tick, effect)
    raise TypeError(f"no way to carry out {effect!r}")


def _once(tick: TickContext, item: Outside) -> tuple[Receipt | None, Problem | None]:
    """Run an outside effect through the ledger; a failure is reported and skipped.

    The tick holds the workbook lock, which is exclusive, so a claim still in progress on one of
    its keys was left by a run that died: taking it over completes that effect today rather than
    on the next business day once the claim has lapsed."""
    try:
        return tick.work.ports.ledger.once(item.key, item.run, reclaim=True), None
    except LEDGER_ERRORS as err:
        message = f"{item.key}: {err} (will retry on the next tick)"
        return None, Problem("tick", None, None, message, item.customer_id)
