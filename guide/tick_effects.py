"""A tick's effects carried out: prepared in order, the outside ones sent once each through the
ledger, on a small thread pool when each is a network round trip (``Services.effect_workers``),
then recorded in the original order so the tick's one write is deterministic.

Every outside effect (an email, a Slack post) runs under a ledger key that names the journey and
step, so a tick re-run after a crash, or run twice in a day, finds it done and only writes the
record.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from guide import audit, messages, records
from guide.cells import stamp
from guide.model import Book, Customer, Problem, Step
from guide.ports import AlreadyInProgress, Email, MailerError, NotifierError, SlackMessage
from guide.services import Services
from guide.tick import (
    ESCALATED,
    Effect,
    Enroll,
    Escalate,
    Finish,
    Flag,
    NoticeResume,
    SendStep,
    TickPlan,
)
from guide.workbook import Changes
from sheets.schema import AUDIT

LEDGER_ERRORS = (AlreadyInProgress, MailerError, NotifierError)
Outcome = dict[str, Any]


@dataclass
class _Outside:
    """One outside effect: run once through the ledger, then recorded with its outcome."""

    key: str
    customer_id: str
    run: Callable[[], Outcome]
    record: Callable[[Outcome], None]


@dataclass
class TickReport:
    plan: TickPlan
    emails: list[Email] = field(default_factory=list)
    flags: list[SlackMessage] = field(default_factory=list)
    escalations: list[str] = field(default_factory=list)
    failures: list[Problem] = field(default_factory=list)
    cells_written: int = 0
    dry_run: bool = False

    @property
    def problems(self) -> list[Problem]:
        return self.plan.problems + self.failures

    def counts(self) -> dict[str, int]:
        """What the tick did, or in a dry run what it would do: for metrics and logs."""
        effects = self.plan.effects
        if self.dry_run:
            emails = sum(isinstance(e, SendStep | Finish) for e in effects)
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
        }


class TickEffects:
    """Carries out one tick's effects and collects what they change in the sheet."""

    def __init__(
        self, services: Services, book: Book, now: datetime, local: datetime, report: TickReport
    ):
        self.services = services
        self.book = book
        self.now = now  # aware: tokens expire from it
        self.local = local  # team time: what the sheet shows
        self.report = report
        self.changes = Changes()
        self.states = records.StateUpdates(book.states)
        self.customers = {c.customer_id: c for c in book.customers}
        self.started: dict[str, Customer] = {}

    def customer(self, customer_id: str) -> Customer:
        return self.started.get(customer_id) or self.customers[customer_id]

    def step(self, customer: Customer, step_id: str) -> Step:
        return next(s for s in self.book.plans[customer.plan] if s.step_id == step_id)

    def carry_out(self, effects: list[Effect]) -> None:
        outside: list[_Outside] = []
        for effect in effects:
            prepared = self._prepare(effect)
            if prepared is not None:
                outside.append(prepared)
        workers = self.services.effect_workers
        if workers > 1 and len(outside) > 1:
            with ThreadPoolExecutor(workers, thread_name_prefix="og-effect") as pool:
                results = list(pool.map(self._once, outside))
        else:
            results = [self._once(o) for o in outside]
        for item, (outcome, problem) in zip(outside, results, strict=True):
            if outcome is not None:
                item.record(outcome)
            elif problem is not None:
                self.report.failures.append(problem)

    def _prepare(self, effect: Effect) -> _Outside | None:
        """Record a sheet-only effect now; give an outside one back to be sent."""
        match effect:
            case Enroll():
                self._enroll(effect)
                return None
            case NoticeResume():
                self._notice_resume(effect)
                return None
            case SendStep():
                return self._send_step(effect)
            case Finish():
                return self._finish(effect)
            case Flag():
                return self._flag(effect)
            case Escalate():
                return self._escalate(effect)
        raise TypeError(f"no way to carry out {effect!r}")

    def _once(self, item: _Outside) -> tuple[Outcome | None, Problem | None]:
        """Run an outside effect through the ledger; a failure is reported and skipped."""
        try:
            return self.services.ledger.once(item.key, item.run), None
        except LEDGER_ERRORS as err:
            message = f"{item.key}: {err} (will retry on the next tick)"
            return None, Problem("tick", None, None, message, item.customer_id)

    def _problem(self, column: str, message: str, customer_id: str) -> None:
        self.report.failures.append(Problem("og-config", None, column, message, customer_id))

    def _enroll(self, effect: Enroll) -> None:
        customer = self.customers[effect.customer_id]
        records.enroll(self.changes, customer, effect.started_on, self.local)
        self.started[customer.customer_id] = replace(customer, started_on=effect.started_on)

    def _send_step(self, effect: SendStep) -> _Outside:
        customer = self.customer(effect.customer_id)
        step = self.step(customer, effect.step_id)
        config = self.book.config
        token = self.services.signer.issue(
            customer.customer_id, effect.journey_id, step.step_id, self.now, config.link_ttl_days
        )
        email = messages.step_email(
            customer, step, self.services.done_link(token), config.sender, config.reply_to
        )

        def send() -> Outcome:
            return {"message_id": self.services.mailer.send(email), "at": stamp(self.local)}

        def record(outcome: Outcome) -> None:
            self.report.emails.append(email)
            existing = self.book.journey_sends(effect.journey_id).get(step.step_id)
            sent_at = datetime.strptime(outcome["at"], "%Y-%m-%d %H:%M")
            records.step_sent(
                self.changes,
                customer,
                effect.journey_id,
                step.step_id,
                existing,
                sent_at,
                self.local,
            )

        key = f"mail:step:{effect.journey_id}:{step.step_id}"
        return _Outside(key, customer.customer_id, send, record)

    def _finish(self, effect: Finish) -> _Outside:
        customer = self.customer(effect.customer_id)
        config = self.book.config
        email = messages.wrapup_email(
            customer, self.book.plans[customer.plan], config.sender, config.reply_to
        )

        def send() -> Outcome:
            return {"message_id": self.services.mailer.send(email)}

        def record(outcome: Outcome) -> None:
            self.report.emails.append(email)
            sends = list(self.book.journey_sends(effect.journey_id).values())
            state = self.book.states.get(customer.customer_id)
            records.finish(
                self.changes, customer, effect.journey_id, sends, state, effect.by, self.local
            )

        return _Outside(f"mail:wrapup:{effect.journey_id}", customer.customer_id, send, record)

    def _owner_destination(self, customer: Customer) -> tuple[str, str] | None:
        """(channel, mention) for a customer's owner: their DM if known, else the team channel."""
        member = self.book.config.member(customer.owner)
        if member and member.slack_id:
            return member.slack_id, f"<@{member.slack_id}>"
        if self.book.config.slack_channel:
            return self.book.config.slack_channel, messages.mrkdwn(customer.owner)
        return None

    def _flag(self, effect: Flag) -> _Outside | None:
        customer = self.customer(effect.customer_id)
        step = self.step(customer, effect.step_id)
        destination = self._owner_destination(customer)
        if destination is None:
            self._problem(
                "team",
                f"no Slack user for owner '{customer.owner}' and no slack channel: flag not sent",
                customer.customer_id,
            )
            return None
        channel, mention = destination
        escalated = effect.level == ESCALATED
        text, blocks = messages.flag_blocks(
            customer, step, effect.journey_id, effect.waited_days, mention, escalated
        )
        message = SlackMessage(channel, text, blocks)

        def post() -> Outcome:
            posted = self.services.notifier.post(message)
            return {"channel": posted.channel, "ts": posted.ts, "at": stamp(self.local)}

        def record(outcome: Outcome) -> None:
            self.report.flags.append(message)
            self.states.set(
                customer.customer_id,
                self.local,
                journey_id=effect.journey_id,
                flag_channel=outcome["channel"],
                flag_ts=outcome["ts"],
                flag_step=step.step_id,
                flag_level=effect.level,
                flagged_at=outcome["at"],
            )
            detail = (
                f"{step.title}: {effect.waited_days} business days, expected "
                f"{step.expected_days}; posted to {outcome['channel']}"
            )
            self.changes.append(
                AUDIT.name,
                audit.row(
                    self.local,
                    "guide",
                    "re-flag" if escalated else "flag",
                    customer.customer_id,
                    effect.journey_id,
                    detail=detail,
                ),
            )

        key = f"slack:flag:{effect.journey_id}:{step.step_id}:{effect.level}"
        return _Outside(key, customer.customer_id, post, record)

    def _escalate(self, effect: Escalate) -> _Outside | None:
        customer = self.customer(effect.customer_id)
        step = self.step(customer, effect.step_id)
        config = self.book.config
        manager = config.manager
        if not manager:
            self._problem("manager", "no manager set: escalation not sent", customer.customer_id)
            return None
        destination = self._owner_destination(customer)
        mention = destination[1] if destination else messages.mrkdwn(customer.owner)
        text, blocks = messages.escalation_blocks(customer, step, effect.waited_days, mention)

        def tell() -> Outcome:
            if "@" in manager:
                self.services.mailer.send(
                    Email(
                        to=manager,
                        subject=f"Escalation: {customer.name}",
                        text=text,
                        html=f"<p>{html.escape(text)}</p>",
                        sender=config.sender,
                        tags={"kind": "escalation", "customer": customer.customer_id},
                    )
                )
                return {"to": manager}
            posted = self.services.notifier.post(SlackMessage(manager, text, blocks))
            return {"to": manager, "ts": posted.ts}

        def record(outcome: Outcome) -> None:
            self.report.escalations.append(f"{manager}: {text}")
            detail = f"manager {manager} told: {effect.overdue_days} business days overdue"
            self.changes.append(
                AUDIT.name,
                audit.row(
                    self.local,
                    "guide",
                    "escalate",
                    customer.customer_id,
                    effect.journey_id,
                    detail=detail,
                ),
            )

        key = f"escalate:{effect.journey_id}:{step.step_id}"
        return _Outside(key, customer.customer_id, tell, record)

    def _notice_resume(self, effect: NoticeResume) -> None:
        customer = self.customer(effect.customer_id)
        state = self.book.states[customer.customer_id]
        if effect.what == "pause":
            cleared: dict[str, Any] = {"paused_at": None, "pause_note": "", "paused_by": ""}
            held = self.local - state.paused_at if state.paused_at else timedelta()
            detail = f"paused box cleared in the sheet after {held.days} days"
        else:
            cleared = {"handed_off_to": "", "handed_off_at": None, "handed_off_by": ""}
            detail = f"hand-off to {state.handed_off_to} cleared in the sheet"
        after = replace(state, resumed_at=self.local, **cleared)
        self.states.set(
            customer.customer_id,
            self.local,
            resumed_at=stamp(self.local),
            **{k: v or "" for k, v in cleared.items()},
        )
        self.changes.append(
            AUDIT.name,
            audit.row(
                self.local,
                "sheet",
                "resume",
                customer.customer_id,
                state.journey_id,
                audit.view(customer, state),
                audit.view(customer, after),
                detail,
            ),
        )
