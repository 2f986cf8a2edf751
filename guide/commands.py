"""What a person can ask the guide to do, and what they get back.

A button press, a modal submission, a done-link click or an admin command each become one of
these commands; ``guide.actions.perform`` carries it out as one unit of work.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Finish:
    customer_id: str
    by: str
    # From a Slack button: the presser's Slack user id (who may act: guide.actions.permissions)
    # and the journey of the flag pressed; both empty from the CLI, the admin function or a link.
    actor_id: str = ""
    journey_id: str = ""


@dataclass(frozen=True)
class Pause:
    customer_id: str
    by: str
    note: str = ""
    actor_id: str = ""  # as for Finish
    journey_id: str = ""


@dataclass(frozen=True)
class Resume:
    customer_id: str
    by: str
    # From a digest's Resume link: the pause it was issued for (``links.hold_stamp``), so a
    # link for a pause that has since ended cannot end a later one.
    since: str | None = None
    actor_id: str = ""  # as for Finish
    journey_id: str = ""


@dataclass(frozen=True)
class HandOff:
    customer_id: str
    by: str
    to: str  # a team member's name, Slack id or email, as og-config's team list has them
    actor_id: str = ""  # as for Finish
    journey_id: str = ""


@dataclass(frozen=True)
class ClearHandOff:
    customer_id: str
    by: str
    since: str | None = None  # as for Resume: the hand-off a digest link was issued for
    actor_id: str = ""  # as for Finish
    journey_id: str = ""


@dataclass(frozen=True)
class Nudge:
    customer_id: str
    by: str
    subject: str = ""  # a custom subject; the step's own when empty
    actor_id: str = ""  # as for Finish
    journey_id: str = ""


@dataclass(frozen=True)
class MarkDone:
    """The done link: the customer says a step is done."""

    customer_id: str
    journey_id: str
    step_id: str
    by: str = "customer"


@dataclass(frozen=True)
class Reenroll:
    """Start the customer on a new journey today: a plan again, or another plan."""

    customer_id: str
    by: str
    plan: str


@dataclass(frozen=True)
class Undo:
    """Put back what the customer's last action not yet undone changed (``guide.actions.undo``).

    ``force`` overwrites values a person edited since that action; without it the undo refuses
    and shows them.
    """

    customer_id: str
    by: str
    force: bool = False
    actor_id: str = ""  # as for Finish
    # From a flag's Undo button: the audit id of the action it undoes. The undo is refused when
    # the customer's last action not yet undone is another one (a later press, a sheet edit).
    audit_id: str = ""


@dataclass(frozen=True)
class SendDraft:
    """The flag's Draft email: the re-engagement email as the owner edited it, sent to the
    customer as a reminder of the step in hand."""

    customer_id: str
    by: str
    subject: str
    body: str
    actor_id: str = ""  # as for Finish
    journey_id: str = ""


@dataclass(frozen=True)
class ScheduleCall:
    """The flag's Schedule a call: an invite (or the team's booking link) to the customer and a
    task for the owner."""

    customer_id: str
    by: str
    starts: datetime  # team time, naive: as the owner picked it
    minutes: int
    note: str = ""
    actor_id: str = ""  # as for Finish
    journey_id: str = ""


@dataclass(frozen=True)
class Cancel:
    """The flag's Close as cancelled: the onboarding ends, archived like a finish, with a reason
    (``guide.actions.closing.REASONS``, or what was typed for "other")."""

    customer_id: str
    by: str
    reason: str
    closing_email: bool = False
    actor_id: str = ""  # as for Finish
    journey_id: str = ""


@dataclass(frozen=True)
class TaskDone:
    """The flag's Task done: the customer's open og-tasks rows (the stall's intervention task,
    and a call scheduled from the flag) are marked done by the presser."""

    customer_id: str
    by: str
    actor_id: str = ""  # as for Finish
    journey_id: str = ""


Command = (
    Finish
    | Pause
    | Resume
    | HandOff
    | ClearHandOff
    | Nudge
    | MarkDone
    | Reenroll
    | Undo
    | SendDraft
    | ScheduleCall
    | Cancel
    | TaskDone
)


class ActionError(Exception):
    """A command that cannot be carried out; ``message`` is fit to show the person."""

    def __init__(self, message: str, code: str = "invalid"):
        super().__init__(message)
        self.message = message
        self.code = code


class UnknownCustomer(ActionError):
    def __init__(self, customer_id: str):
        super().__init__(f"There is no customer {customer_id} in the onboarding sheet.", "unknown")


class AlreadyDone(ActionError):
    """The thing asked for is already so: pressing twice is harmless and says so."""

    def __init__(self, message: str, checklist: tuple[tuple[str, str], ...] = ()):
        super().__init__(message, "already")
        self.checklist = checklist  # where the journey stands, for a page that says so


@dataclass(frozen=True)
class Answer:
    """What happened, for the person who asked: shown in Slack, on the page, or printed."""

    command: Command
    message: str
    customer_name: str
    journey_id: str = ""
    # (step title, "done" | "waiting" | "to do") per step: the done page's checklist.
    checklist: tuple[tuple[str, str], ...] = ()
