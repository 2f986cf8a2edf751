"""The tick's emails: the next step with its done link, and the wrap-up when every step is done."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from guide import messages, writes
from guide.cells import stamp
from guide.tick.decide import FinishJourney, SendStep
from guide.tick.effects.context import Outside, Receipt, TickContext


def send_step(tick: TickContext, effect: SendStep) -> Outside:
    work = tick.work
    customer = tick.customer(effect.customer_id)
    step = tick.step(customer, effect.step_id)
    config = work.book.config
    token = work.ports.signer.issue(
        customer.customer_id, effect.journey_id, step.step_id, work.now, config.link_ttl_days
    )
    email = messages.step_email(
        customer, step, work.ports.done_link(token), config.sender, config.reply_to
    )

    def send() -> Receipt:
        return {"message_id": work.ports.mailer.send(email), "at": stamp(work.local)}

    def record(receipt: Receipt) -> None:
        tick.report.emails.append(email)
        existing = work.book.journey_sends(effect.journey_id).get(step.step_id)
        sent_at = datetime.strptime(receipt["at"], "%Y-%m-%d %H:%M")
        writes.step_sent(
            work.changes, customer, effect.journey_id, step.step_id, existing, sent_at, work.local
        )

    key = f"mail:step:{effect.journey_id}:{step.step_id}"
    return Outside(key, customer.customer_id, send, record)


def finish_journey(tick: TickContext, effect: FinishJourney) -> Outside:
    work = tick.work
    customer = tick.customer(effect.customer_id)
    config = work.book.config
    email = messages.wrapup_email(
        customer, work.book.plans[customer.plan], config.sender, config.reply_to
    )

    def send() -> Receipt:
        return {"message_id": work.ports.mailer.send(email)}

    def record(receipt: Receipt) -> None:
        tick.report.emails.append(email)
        sends = list(work.book.journey_sends(effect.journey_id).values())
        state = work.book.states.get(customer.customer_id)
        writes.finish(
            work.changes,
            customer,
            effect.journey_id,
            sends,
            state,
            effect.by,
            work.local,
            finished_by=effect.finished_by,
            # Ticked in the sheet: the row before the person's tick, so an undo clears it.
            was=replace(customer, finished=False, finished_on=None, finished_by="")
            if customer.finished
            else None,
        )

    return Outside(f"mail:wrapup:{effect.journey_id}", customer.customer_id, send, record)
