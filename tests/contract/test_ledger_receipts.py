"""What the first caller of ``once`` gets back is what a repeat reads from the store, for the
flat receipts the ledger hands back without a JSON round trip as for any other."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Any

import pytest

from adapters.ledger import IdempotencyLedger, SqlitePersistenceLayer


class Level(StrEnum):
    FLAG = "flag"


RECEIPTS = {
    "flat, every plain kind": {"ts": "1.2", "n": 3, "updated": True, "link": None},
    "a key that is not text": {1: "one"},
    "an enum value": {"level": Level.FLAG},
    "a float": {"score": 0.1},
}


@pytest.mark.parametrize("receipt", RECEIPTS.values(), ids=RECEIPTS.keys())
def test_the_first_caller_gets_the_receipt_a_repeat_reads_back(
    receipt: dict[Any, Any], tmp_path: Path
) -> None:
    # Given an effect whose receipt is kept in the ledger
    store = tmp_path / "ledger.db"
    kept: list[dict[Any, Any]] = []

    def effect() -> dict[Any, Any]:
        kept.append(receipt)
        return receipt

    # When it runs, and another ledger on the store repeats the key
    first = IdempotencyLedger(SqlitePersistenceLayer(store)).once("k", effect)
    again = IdempotencyLedger(SqlitePersistenceLayer(store)).once("k", dict)
    # Then both got the same receipt, of the same types, and not the effect's own dict
    assert first == again
    assert {k: type(v) for k, v in first.items()} == {k: type(v) for k, v in again.items()}
    assert first is not kept[0]
