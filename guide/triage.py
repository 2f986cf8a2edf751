"""The triage tab's rows: one per onboarding not finished, the most urgent first.

Pure: (book, today) -> the og-triage rows a tick writes. Days stalled are the tick's own number:
the business days the current step has waited (``business_days_waited``, so a resume restarts
the clock) beyond its expected days, and 0 for a customer who is paused or handed off, whom the
tick does not chase. Days in onboarding are business days since the journey started.

Phase, stall kinds, severity, last activity, last mail event and open tasks come from stall
intelligence (``guide/stalls/``); they stay empty here and are filled once stall intelligence is
wired into the tick. The sort already ranks by severity, so those rows move up by themselves.
"""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from guide.calendar import business_days_between
from guide.model import Book, Customer, GuideState, Step, StepSend
from guide.tick.decide import business_days_waited, current_step
from guide.workbook import CellValue
from sheets.schema import TRIAGE

# Most urgent first; a severity not listed (or none yet) sorts after these.
SEVERITY_ORDER = ("critical", "high", "medium", "low")

# Filled by stall intelligence; empty until it is wired in (see the module docstring).
FROM_STALLS = ("phase", "stall kinds", "severity", "last activity", "last mail event", "open tasks")


def flag_link(channel: str, ts: str) -> str:
    """A link a person can click to the flag's conversation.

    A message permalink needs the workspace's domain (or a ``chat.getPermalink`` call per flag,
    which a tick must not make); Slack's ``app_redirect`` opens the channel in whichever
    workspace the person is signed in to, where the flag is the guide's message at ``ts``."""
    if not channel:
        return ""
    return "https://slack.com/app_redirect?" + urlencode({"channel": channel}) if ts else ""


def triage_rows(book: Book, today: date) -> list[dict[str, CellValue]]:
    """One row per onboarding not finished, sorted by severity, then days stalled (longest
    first), then days in onboarding; the keys are og-triage's columns."""
    rows = [_row(book, c, today) for c in book.customers if not c.finished]
    rows.sort(key=_urgency)
    return rows


def _urgency(row: dict[str, CellValue]) -> tuple[int, int, int, str]:
    severity = str(row["severity"] or "").casefold()
    rank = SEVERITY_ORDER.index(severity) if severity in SEVERITY_ORDER else len(SEVERITY_ORDER)
    return (
        rank,
        -_int(row["days stalled"]),
        -_int(row["days in onboarding"]),
        str(row["customer id"]),
    )


def _int(value: CellValue) -> int:
    return value if isinstance(value, int) else 0


def _row(book: Book, customer: Customer, today: date) -> dict[str, CellValue]:
    holidays = book.config.holidays
    steps = book.plans.get(customer.plan, [])
    state = book.states.get(customer.customer_id)
    sends = book.journey_sends(customer.journey_id()) if customer.started_on else {}
    current = current_step(steps, sends)
    send = sends.get(current.step_id) if current else None
    stalled = _days_stalled(customer, current, send, state, today, holidays)
    row: dict[str, CellValue] = dict.fromkeys(TRIAGE.columns, "")
    row.update(
        {
            "customer id": customer.customer_id,
            "company": customer.company,
            "plan": customer.plan,
            "owner": customer.owner,
            "contact email": customer.email,
            "started": customer.started_on.isoformat() if customer.started_on else "",
            "days in onboarding": (
                business_days_between(customer.started_on, today, holidays)
                if customer.started_on
                else 0
            ),
            "last completed step": _last_done(steps, sends),
            "stuck at step": current.title if current and stalled else "",
            "days stalled": stalled,
            "reminders sent": send.reminders if send else 0,
            "link to the flag": _flag(customer, state),
        }
    )
    return row


def _days_stalled(
    customer: Customer,
    step: Step | None,
    send: StepSend | None,
    state: GuideState | None,
    today: date,
    holidays: frozenset[date],
) -> int:
    if customer.paused or customer.handed_off_to or step is None:
        return 0
    if send is None or send.sent_at is None:
        return 0
    return max(0, business_days_waited(send, state, today, holidays) - step.expected_days)


def _last_done(steps: list[Step], sends: dict[str, StepSend]) -> str:
    done = [s.title for s in steps if (send := sends.get(s.step_id)) and send.done]
    return done[-1] if done else ""


def _flag(customer: Customer, state: GuideState | None) -> str:
    """The flag of this journey only: an old journey's flag is about a stall long gone."""
    if state is None or state.journey_id != customer.journey_id():
        return ""
    return flag_link(state.flag_channel, state.flag_ts)
