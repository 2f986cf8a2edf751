"""Admin commands: a command payload in, a result payload out, in the Lambda and the CLI alike.

Payload::

    {"command": "undo" | "history" | "resume" | "reenroll" | "doctor",
     "customer": "C001 or a company name", "force": false, "plan": "standard", "by": "who"}

Result::

    {"ok": true, "exit_code": 0, "text": "for a person", "data": {"...": "for scripts"}}

Exit codes (``ok`` is ``exit_code == 0``):

    0  done
    1  refused or nothing to do: already so, nothing to undo, an unknown plan, a row that
       needs fixing first; or ``doctor`` found problems
    2  not usable: a malformed payload, the workbook unreachable or busy (its lock), a tab or
       required column missing; from the CLI, AWS unreachable or the
       admin function failing (``app.admin_remote``); nothing was written
    3  the customer name names several customers, or is only part of a company name: the
       candidates are listed, name one by id
    4  no customer has that id or company name

A customer is named by id or by company name, case-insensitively (``app.admin_names``).

- ``resume``: the guide carries on with the customer: a pause is lifted, then a hand-off is
  cleared (two units of work, one audit row each); refused when there is neither.
- ``reenroll``: a new journey on ``plan`` from today (``guide.actions.enroll``).
- ``undo`` (``force`` to undo over a person's later edit) and ``history``: ``guide.actions.undo``
  and ``guide.trail``.
- ``doctor``: reads the whole workbook once and lists every problem, by tab. It writes nothing.

``by`` is who the audit names; it is required by the commands that write. Only IAM principals
allowed to invoke the admin function can send one, so the function takes it as given; the CLI
sends ``$USER@cli`` locally and the caller's IAM identity ARN remotely.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app.admin_doctor import doctor
from app.admin_names import Ambiguous, Candidate, NoSuchCustomer, ambiguous, resolve
from app.admin_result import OK, REFUSED, UNKNOWN, UNUSABLE, Result, cannot_run
from guide import trail
from guide.actions import perform
from guide.commands import ActionError, AlreadyDone, ClearHandOff, Reenroll, Resume, Undo
from guide.ports import LockBusy, Ports, WorkbookError
from guide.unit_of_work import WorkbookBroken

__all__ = ["COMMANDS", "BadRequest", "Request", "Result", "execute", "run"]

COMMANDS = ("undo", "history", "resume", "reenroll", "doctor")
WRITES = frozenset({"undo", "resume", "reenroll"})
FIELDS = ("command", "customer", "force", "plan", "by")


class BadRequest(ValueError):
    """A payload the admin function cannot act on; the message says what to send instead."""


@dataclass(frozen=True)
class Request:
    command: str
    customer: str = ""
    force: bool = False
    plan: str = ""
    by: str = ""

    @classmethod
    def from_payload(cls, payload: object) -> Request:
        if not isinstance(payload, dict):
            raise BadRequest("the payload must be a JSON object")
        unknown = sorted(set(payload) - set(FIELDS))
        if unknown:  # a misspelt "force" must not quietly become an undo without it
            raise BadRequest(f"unknown field(s) {', '.join(unknown)}; send {', '.join(FIELDS)}")
        command = payload.get("command")
        if command not in COMMANDS:
            raise BadRequest(f"'command' must be one of {', '.join(COMMANDS)}, not {command!r}")
        texts = {k: payload.get(k) or "" for k in ("customer", "plan", "by")}
        for key, value in texts.items():
            if not isinstance(value, str):
                raise BadRequest(f"'{key}' must be a string")
        force = payload.get("force", False)
        if not isinstance(force, bool):
            raise BadRequest("'force' must be true or false")
        request = cls(command, texts["customer"].strip(), force, texts["plan"], texts["by"])
        if command != "doctor" and not request.customer:
            raise BadRequest(f"{command} needs a customer: an id or a company name")
        if command in WRITES and not request.by.strip():
            raise BadRequest(f"{command} writes to the workbook: say who runs it in 'by'")
        return request


def run(ports: Ports, payload: object, now: datetime) -> dict[str, Any]:
    """The admin function's whole job: the payload carried out at ``now`` (aware)."""
    return execute(ports, payload, now).as_payload()


def execute(ports: Ports, payload: object, now: datetime) -> Result:
    try:
        request = Request.from_payload(payload)
    except BadRequest as err:
        return cannot_run("bad_request", str(err))
    who: Candidate | None = None
    try:
        if request.command == "doctor":
            return doctor(ports)
        who = resolve(ports, request.customer)
        return _RUN[request.command](ports, request, who, now)
    except Ambiguous as err:
        return ambiguous(err)
    except NoSuchCustomer as err:
        text = f"No customer has the id or company name {str(err)!r}."
        return Result(UNKNOWN, text, {"error": "unknown_customer", "customer": str(err)})
    except ActionError as err:  # UnknownCustomer too: a row deleted since the name was found
        code = UNKNOWN if err.code == "unknown" else REFUSED
        data = {"error": err.code, "message": err.message, **(_who(who) if who else {})}
        return Result(code, err.message, data)
    except WorkbookBroken as err:
        problems = "\n".join(f"  {p}" for p in err.problems)
        text = f"The workbook cannot be used; nothing was done:\n{problems}\nRun doctor."
        return cannot_run("workbook_broken", text, [str(p) for p in err.problems])
    except (WorkbookError, LockBusy) as err:
        error = next(e for kind, e in _ERRORS.items() if isinstance(err, kind))
        return cannot_run(error, f"Nothing was done: {err}")


_ERRORS: dict[type, str] = {
    WorkbookError: "workbook_error",
    LockBusy: "workbook_busy",
}


def _resume(ports: Ports, request: Request, who: Candidate, now: datetime) -> Result:
    done: list[str] = []
    messages: list[str] = []
    journey = ""
    for command in (Resume(who.customer_id, request.by), ClearHandOff(who.customer_id, request.by)):
        try:
            answer = perform(ports, command, now)
        except AlreadyDone:
            continue
        except (ActionError, WorkbookError, LockBusy, WorkbookBroken) as err:
            if not done:
                raise
            # The pause is lifted and stays so: say that, and why the hand-off is not cleared.
            said = err.message if isinstance(err, ActionError) else str(err)
            text = " ".join([*messages, f"The hand-off was not cleared: {said}"])
            data = {**_who(who), "journey_id": journey, "done": done, "error": "partly_done"}
            return Result(REFUSED if isinstance(err, ActionError) else UNUSABLE, text, data)
        done.append("resume" if isinstance(command, Resume) else "clear hand-off")
        messages.append(answer.message)
        journey = answer.journey_id
    if not done:
        text = (
            f"{who.company or who.customer_id} is neither paused nor handed off: nothing to resume."
        )
        return Result(REFUSED, text, {"error": "not_held", **_who(who)})
    return Result(OK, " ".join(messages), {**_who(who), "journey_id": journey, "done": done})


def _reenroll(ports: Ports, request: Request, who: Candidate, now: datetime) -> Result:
    answer = perform(ports, Reenroll(who.customer_id, request.by, request.plan), now)
    return Result(OK, answer.message, {**_who(who), "plan": request.plan.strip()})


def _undo(ports: Ports, request: Request, who: Candidate, now: datetime) -> Result:
    answer = perform(ports, Undo(who.customer_id, request.by, force=request.force), now)
    data = {**_who(who), "journey_id": answer.journey_id, "force": request.force}
    return Result(OK, answer.message, data)


def _history(ports: Ports, request: Request, who: Candidate, now: datetime) -> Result:
    entries = trail.history(ports, who.customer_id)
    text = f"{who.company or who.customer_id} ({who.customer_id})\n{trail.render(entries)}"
    return Result(OK, text, {**_who(who), "entries": [e.as_json() for e in entries]})


def _who(who: Candidate) -> dict[str, str]:
    return {"customer_id": who.customer_id, "customer": who.company or who.customer_id}


_RUN: dict[str, Callable[[Ports, Request, Candidate, datetime], Result]] = {
    "resume": _resume,
    "reenroll": _reenroll,
    "undo": _undo,
    "history": _history,
}
