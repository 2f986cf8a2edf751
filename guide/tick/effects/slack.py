"""The tick's Slack messages: a flag to the owner for a stall, and the escalation to the manager."""

from __future__ import annotations

import html

from guide import messages
from guide.model import Customer
from guide.ports import Email, SlackMessage
from guide.tick.decide import ESCALATED, Escalate, Flag
from guide.tick.effects.context import Outside, Receipt, TickContext


def owner_destination(tick: TickContext, customer: Customer) -> tuple[str, str] | None:
    """(channel, mention) for a customer's owner: their DM if known, else the team channel."""
    config = tick.work.book.config
    member = config.member(customer.owner)
    if member and member.slack_id:
        return member.slack_id, f"<@{member.slack_id}>"
    if config.slack_channel:
        return config.slack_channel, messages.mrkdwn(customer.owner)
    return None


def flag(tick: TickContext, effect: Flag) -> Outside | None:
    work = tick.work
    customer = tick.customer(effect.customer_id)
    step = tick.step(customer, effect.step_id)
    destination = owner_destination(tick, customer)
    if destination is None:
        tick.problem(
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

    def post() -> Receipt:
        posted = work.ports.notifier.post(message)
        return {"channel": posted.channel, "ts": posted.ts, "at": work.when}

    def record(receipt: Receipt) -> None:
        tick.report.flags.append(message)
        work.states.set(
            customer.customer_id,
            work.local,
            journey_id=effect.journey_id,
            flag_channel=receipt["channel"],
            flag_ts=receipt["ts"],
            flag_step=step.step_id,
            flag_level=effect.level,
            flagged_at=receipt["at"],
        )
        detail = (
            f"{step.title}: {effect.waited_days} business days, expected "
            f"{step.expected_days}; posted to {receipt['channel']}"
        )
        action = "re-flag" if escalated else "flag"
        work.audit("guide", action, customer.customer_id, effect.journey_id, detail=detail)

    key = f"slack:flag:{effect.journey_id}:{step.step_id}:{effect.level}"
    return Outside(key, customer.customer_id, post, record)


def escalate(tick: TickContext, effect: Escalate) -> Outside | None:
    work = tick.work
    customer = tick.customer(effect.customer_id)
    step = tick.step(customer, effect.step_id)
    config = work.book.config
    manager = config.manager
    if not manager:
        tick.problem("manager", "no manager set: escalation not sent", customer.customer_id)
        return None
    destination = owner_destination(tick, customer)
    mention = destination[1] if destination else messages.mrkdwn(customer.owner)
    text, blocks = messages.escalation_blocks(customer, step, effect.waited_days, mention)

    def tell() -> Receipt:
        if "@" in manager:
            work.ports.mailer.send(
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
        posted = work.ports.notifier.post(SlackMessage(manager, text, blocks))
        return {"to": manager, "ts": posted.ts}

    def record(receipt: Receipt) -> None:
        tick.report.escalations.append(f"{manager}: {text}")
        detail = f"manager {manager} told: {effect.overdue_days} business days overdue"
        work.audit("guide", "escalate", customer.customer_id, effect.journey_id, detail=detail)

    key = f"escalate:{effect.journey_id}:{step.step_id}"
    return Outside(key, customer.customer_id, tell, record)
