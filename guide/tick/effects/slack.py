"""The tick's Slack messages: a flag to the owner for a stall, and the escalation to the manager."""

from __future__ import annotations

import html
import logging

from guide import messages
from guide.model import Customer
from guide.ports import Email, NotifierError, SlackMessage
from guide.tick.decide import ESCALATED, Escalate, Flag
from guide.tick.effects.context import Outside, Receipt, TickContext

log = logging.getLogger("guide.tick")


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
    """Post the owner's flag; on escalation, update the live flag for the step instead (its
    buttons kept, saying it is escalated), so nobody has two flags to press for one stall."""
    work = tick.work
    customer = tick.customer(effect.customer_id)
    step = tick.step(customer, effect.step_id)
    escalated = effect.level == ESCALATED
    live = tick.live_flag(customer.customer_id, effect.journey_id, step.step_id)
    update = live if escalated else None
    destination = owner_destination(tick, customer)
    if destination is None and update is None:
        tick.problem(
            "team",
            f"no Slack user for owner '{customer.owner}' and no slack channel: flag not sent",
            customer.customer_id,
        )
        return None
    mention = destination[1] if destination else messages.mrkdwn(customer.owner)
    channel = update[0] if update else destination[0] if destination else ""
    text, blocks = messages.flag_blocks(
        customer,
        step,
        effect.journey_id,
        effect.waited_days,
        mention,
        escalated,
        effect.assessment,
        plan_url=work.ports.plan_link(customer.customer_id, work.now),
        mail_cause=effect.mail_cause,
        mail_hint=effect.mail_hint,
        task_open=effect.task_open,
    )
    message = SlackMessage(channel, text, blocks)
    state = work.book.states.get(customer.customer_id)
    same_step = state is not None and (state.journey_id, state.flag_step) == (
        effect.journey_id,
        step.step_id,
    )

    def post() -> Receipt:
        if update is not None:
            try:
                work.ports.notifier.update(update[0], update[1], message)
                return {"channel": update[0], "ts": update[1], "at": work.when, "updated": True}
            except NotifierError as err:
                if err.code != "message_not_found" or destination is None:
                    raise
                # Somebody deleted the flag: the owner still needs one to act on.
        if destination is None:
            raise NotifierError("no Slack user for the owner and no slack channel")
        message_now = SlackMessage(destination[0], text, blocks)
        posted = work.ports.notifier.post(message_now)
        return {"channel": posted.channel, "ts": posted.ts, "at": work.when}

    def record(receipt: Receipt) -> None:
        tick.report.flags.append(message)
        tick.flags[customer.customer_id] = (step.step_id, receipt["channel"], receipt["ts"])
        # A flag for another step than the one og-state remembers starts a new stall: the old
        # one's escalation says nothing about it.
        fresh = {} if same_step else {"escalated_at": ""}
        work.states.set(
            customer.customer_id,
            work.local,
            journey_id=effect.journey_id,
            flag_channel=receipt["channel"],
            flag_ts=receipt["ts"],
            flag_step=step.step_id,
            flag_level=effect.level,
            flagged_at=receipt["at"],
            **fresh,
        )
        how = "updated in" if receipt.get("updated") else "posted to"
        detail = (
            f"{step.title}: {effect.waited_days} business days, "
            f"{effect.overdue_days} overdue, {effect.severity}; {how} {receipt['channel']}"
        )
        action = "escalate" if receipt.get("updated") else "flag"
        work.audit("guide", action, customer.customer_id, effect.journey_id, detail=detail)

    key = f"slack:flag:{effect.journey_id}:{step.step_id}:{effect.level}"
    return Outside(key, customer.customer_id, post, record)


def _flag_link(tick: TickContext, effect: Escalate) -> str:
    """The owner's flag for the stall, for the manager to open; empty if there is none."""
    live = tick.live_flag(effect.customer_id, effect.journey_id, effect.step_id)
    if live is None:
        return ""
    try:
        return tick.work.ports.notifier.permalink(*live)
    except NotifierError as err:
        # The manager still hears of the stall; the link is a convenience.
        log.warning("no permalink for %s's flag: %s", effect.customer_id, err)
        return ""


def escalate(tick: TickContext, effect: Escalate) -> Outside | None:
    work = tick.work
    customer = tick.customer(effect.customer_id)
    step = tick.step(customer, effect.step_id)
    config = work.book.config
    manager = config.manager_of(customer.owner)
    if not manager:
        tick.problem("manager", "no manager set: escalation not sent", customer.customer_id)
        return None
    destination = owner_destination(tick, customer)
    mention = destination[1] if destination else messages.mrkdwn(customer.owner)
    said: list[str] = []

    def tell() -> Receipt:
        link = _flag_link(tick, effect)
        text, blocks = messages.escalation_blocks(customer, step, effect.waited_days, mention, link)
        said.append(text)
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
            return {"to": manager, "link": link}
        posted = work.ports.notifier.post(SlackMessage(manager, text, blocks))
        return {"to": manager, "ts": posted.ts, "link": link}

    def record(receipt: Receipt) -> None:
        text = said[0] if said else f"{customer.name}: escalated"
        tick.report.escalations.append(f"{manager}: {text}")
        values: dict[str, str | int] = {"escalated_at": work.when}
        if tick.live_flag(customer.customer_id, effect.journey_id, step.step_id) is None:
            # No flag for this step (the owner's failed or had nowhere to go): remember which
            # stall the manager heard of, and that its flag is still to be posted.
            values.update(
                journey_id=effect.journey_id,
                flag_step=step.step_id,
                flag_level=0,
                flag_channel="",
                flag_ts="",
            )
        work.states.set(customer.customer_id, work.local, **values)
        detail = f"manager {manager} told: {effect.overdue_days} business days overdue"
        work.audit("guide", "tell manager", customer.customer_id, effect.journey_id, detail=detail)

    key = f"escalate:{effect.journey_id}:{step.step_id}"
    return Outside(key, customer.customer_id, tell, record)
