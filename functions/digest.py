"""PLACEHOLDER (the stack's template names this handler): the lead replaces it with the weekly
digest. Until then it does nothing and says so."""

from __future__ import annotations

from typing import Any


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return {"ok": False, "error": "not built yet"}
