"""The outbox folder's writes: each file whole under its number, whatever a crash left behind."""

from __future__ import annotations

import os
from pathlib import Path

from adapters.outbox import OutboxNotifier, read_outbox
from guide.ports import SlackMessage


def test_a_temp_file_a_crash_left_under_the_next_name_does_not_stop_the_write(
    tmp_path: Path,
) -> None:
    # Given an outbox whose sequence was reset after a crash left a half-written temp file
    # under the name this process's next write would take
    notifier = OutboxNotifier(tmp_path)
    leftover = tmp_path / f".tmp-{os.getpid()}-1"
    leftover.write_bytes(b"half")
    # When a message is posted
    notifier.post(SlackMessage("C1", "Acme is stalled"))
    # Then it is written whole under its number, and the leftover is not taken for it
    (entry,) = read_outbox(tmp_path)
    assert (entry.number, entry.payload["text"]) == (1, "Acme is stalled")
    assert leftover.read_bytes() == b"half"
    assert sorted(p.name for p in tmp_path.glob(".tmp-*")) == [leftover.name]
