"""Who may act on a customer from Slack, whether a flag's button still fits the journey, and
who may press the Undo a flag offers after an action.

Who may act, for a command that comes from Slack (it carries the presser's Slack user id):

- the customer's **owner**, the people in og-config's **team** list, and the **manager**. The
  owner and the manager are written as the sheet writes them: a Slack user id, or a name or email
  that the team list maps to a Slack id.
- With an **empty team list** (a team that has not set one up yet, as on a first install)
  anyone in the workspace may act: the flags then go to the shared slack channel, and buttons
  nobody may press would leave a new team with no way to answer its first flags. The endpoint
  still serves only its one workspace (``SLACK_TEAM_ID``). ``open_to_everyone`` is the sentence
  that says so, for a report.

A command with no Slack id (the CLI, the admin function, a done or resume link) is allowed: each
has its own gate (IAM, a signed link).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from guide import slack_limits as fit
from guide.commands import ActionError
from guide.model import Config, Customer

# A Slack user id as Slack writes it: U or W, then capitals and digits.
_SLACK_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")
UNDO_WINDOW = timedelta(minutes=15)


def _slack_ids(config: Config, who: str) -> set[str]:
    """The Slack ids a name in the sheet stands for: itself if it is one, and the Slack id of the
    team member it names (by name, Slack id or email)."""
    who = who.strip()
    ids = {who.upper()} if _SLACK_ID.match(who.upper()) else set()
    member = config.member(who) if who else None
    if member is not None and member.slack_id:
        ids.add(member.slack_id.strip().upper())
    return ids


def allowed_ids(config: Config, customer: Customer) -> frozenset[str]:
    """The Slack ids of everyone who may act on ``customer`` (owner, team, manager)."""
    ids = {m.slack_id.strip().upper() for m in config.team if m.slack_id.strip()}
    ids |= _slack_ids(config, customer.owner)
    ids |= _slack_ids(config, config.manager)
    return frozenset(ids)


def may_act(config: Config, customer: Customer, actor_id: str) -> bool:
    if not actor_id or not config.team:
        return True
    return actor_id.strip().upper() in allowed_ids(config, customer)


def _named(config: Config, who: str) -> str:
    """A person as the sheet names them, for a message: a mention when we know their Slack id."""
    member = config.member(who)
    if member is not None and member.slack_id:
        return f"<@{member.slack_id}>"
    if _SLACK_ID.match(who.strip().upper()):
        return f"<@{who.strip().upper()}>"
    return fit.typed(who)


def who_may_act(config: Config, customer: Customer) -> str:
    """Who may act on ``customer``, in words."""
    people = []
    if customer.owner.strip():
        people.append(f"the owner ({_named(config, customer.owner)})")
    team = ", ".join(_named(config, m.name) for m in config.team[:10])
    more = f" and {len(config.team) - 10} more" if len(config.team) > 10 else ""
    people.append(f"the team in og-config ({team}{more})")
    if config.manager.strip():
        people.append(f"the manager ({_named(config, config.manager)})")
    return ", ".join(people[:-1]) + f" or {people[-1]}" if len(people) > 1 else people[0]


def open_to_everyone(config: Config) -> str | None:
    """A sentence for a report when anyone in the workspace may press the buttons."""
    if config.team:
        return None
    return (
        "og-config has no team list, so anyone in the Slack workspace may press the flags' "
        "buttons; add the team ('team' rows: name | Slack user id | email) to limit them to the "
        "owner, the team and the manager."
    )


def check(config: Config, customer: Customer, actor_id: str, flag_journey: str) -> None:
    """Refuse a press by someone who may not act, or from a flag of an earlier journey."""
    if not may_act(config, customer, actor_id):
        raise ActionError(
            f"Only {who_may_act(config, customer)} can act on {fit.typed(customer.name)}'s "
            "onboarding; nothing was done.",
            "not_allowed",
        )
    if flag_journey and flag_journey != customer.journey_id():
        raise ActionError(
            f"This flag is from an earlier onboarding of {fit.typed(customer.name)}; "
            "nothing was done.",
            "stale_flag",
        )


@dataclass(frozen=True)
class UndoGrant:
    """What a flag's Undo button carries: the action it undoes (its audit id), the one person who
    may press it, and until when. Slack hands the value back as it was posted, so a presser
    cannot alter it; the request itself is signed."""

    customer_id: str
    audit_id: str
    presser_id: str
    expires: datetime  # aware

    def value(self) -> str:
        data = {
            "c": self.customer_id,
            "a": self.audit_id,
            "u": self.presser_id,
            "x": int(self.expires.timestamp()),
        }
        return json.dumps(data, separators=(",", ":"))

    @classmethod
    def from_value(cls, text: str) -> UndoGrant | None:
        try:
            data = json.loads(text or "")
            grant = cls(
                str(data["c"]),
                str(data["a"]),
                str(data["u"]),
                datetime.fromtimestamp(int(data["x"]), UTC),
            )
        except (ValueError, TypeError, KeyError, OverflowError, OSError):
            return None
        return grant if grant.customer_id and grant.audit_id and grant.presser_id else None


def undo_grant(customer_id: str, audit_id: str, presser_id: str, now: datetime) -> UndoGrant:
    return UndoGrant(customer_id, audit_id, presser_id, now + UNDO_WINDOW)


def undo_refusal(grant: UndoGrant, actor_id: str, now: datetime) -> str | None:
    """Why this press of a flag's Undo may not run, or None when it may."""
    admin = f"`admin undo {grant.customer_id}`"
    if actor_id != grant.presser_id:
        return (
            f"Only <@{grant.presser_id}>, who pressed the button, can undo it here; "
            f"nothing was done. They or an operator can run the admin command: {admin}."
        )
    if now > grant.expires:
        minutes = int(UNDO_WINDOW.total_seconds() // 60)
        return (
            f"The {minutes} minutes to undo this from Slack are up; nothing was done. "
            f"Use the admin command instead: {admin}."
        )
    return None
