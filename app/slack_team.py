"""og-config's team list, for the hand-off modal."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from guide.config import read_config
from guide.model import TeamMember
from guide.ports import Ports, WorkbookError
from sheets.schema import CONFIG

TEAM_CACHE_SECONDS = 300.0

log = logging.getLogger(__name__)


class TeamDirectory:
    """og-config's team list for the hand-off modal, cached per warm container: the modal must
    open inside the trigger's 3 seconds, and the list changes rarely."""

    def __init__(self, ports: Callable[[], Ports], ttl: float = TEAM_CACHE_SECONDS) -> None:
        self._ports, self._ttl = ports, ttl
        self._team: tuple[TeamMember, ...] = ()
        self._read_at = float("-inf")
        self._lock = threading.Lock()

    def members(self) -> tuple[TeamMember, ...]:
        with self._lock:
            if time.monotonic() - self._read_at < self._ttl:
                return self._team
            try:
                snapshot = self._ports().workbook.read([CONFIG.name])
            except WorkbookError:
                # A free-text modal beats no modal: keep the last list (or none) and go on.
                log.warning("team list unreadable; hand-off modal falls back", exc_info=True)
                return self._team
            self._team = read_config(snapshot.tables.get(CONFIG.name), []).team
            self._read_at = time.monotonic()
            return self._team
