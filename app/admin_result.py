"""What an admin command gives back: an exit code, text for a person, JSON for scripts.

The codes are documented in ``app.admin``; the CLI exits with them and the admin function
returns them in its result payload.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

OK, REFUSED, UNUSABLE, AMBIGUOUS, UNKNOWN = 0, 1, 2, 3, 4


@dataclass(frozen=True)
class Result:
    exit_code: int
    text: str
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.exit_code == OK

    def as_payload(self) -> dict[str, Any]:
        return {"ok": self.ok, "exit_code": self.exit_code, "text": self.text, "data": self.data}


def cannot_run(error: str, text: str, problems: list[str] | None = None) -> Result:
    """Exit 2: the request or the environment is not usable, and nothing was done."""
    data: dict[str, Any] = {"error": error, "message": text}
    if problems is not None:
        data["problems"] = problems
    return Result(UNUSABLE, text, data)
