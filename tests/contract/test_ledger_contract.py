"""The Ledger contract: Powertools idempotency on sqlite locally, on DynamoDB (moto) in AWS."""

from __future__ import annotations

import multiprocessing
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer

from adapters.ledger import IdempotencyLedger, SqlitePersistenceLayer
from fakes.crashing import Crash
from guide.ports import AlreadyInProgress, Ledger
from tests.contract.conftest import REGION

TABLE = "IdempotencyTable"


@dataclass
class LedgerHarness:
    # Each call is a new ledger on the same store: another process, Lambda or retry.
    new_ledger: Callable[..., Ledger]


def _sqlite(path: Path) -> LedgerHarness:
    return LedgerHarness(lambda **kw: IdempotencyLedger(SqlitePersistenceLayer(path), **kw))


def _dynamodb() -> LedgerHarness:
    client = boto3.client("dynamodb", region_name=REGION)
    # As template.yaml declares IdempotencyTable: key ``id`` (S), TTL on ``expiration``.
    client.create_table(
        TableName=TABLE,
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    client.update_time_to_live(
        TableName=TABLE,
        TimeToLiveSpecification={"Enabled": True, "AttributeName": "expiration"},
    )
    return LedgerHarness(
        lambda **kw: IdempotencyLedger(
            DynamoDBPersistenceLayer(table_name=TABLE, boto3_client=client), **kw
        )
    )


@pytest.fixture(params=["sqlite", "dynamodb"])
def harness(request: pytest.FixtureRequest, tmp_path: Path) -> LedgerHarness:
    if request.param == "sqlite":
        return _sqlite(tmp_path / "ledger.db")
    request.getfixturevalue("aws")
    return _dynamodb()


class Effect:
    """A side effect that counts how often it really ran."""

    def __init__(self, result: dict[str, Any] | None = None, fail: bool = False) -> None:
        self.runs = 0
        self.result = {"message_id": "m-1"} if result is None else result
        self.fail = fail

    def __call__(self) -> dict[str, Any]:
        self.runs += 1
        if self.fail:
            raise RuntimeError("SES is down")
        return self.result


def test_an_effect_runs_once_and_a_repeat_gets_the_stored_result(harness: LedgerHarness) -> None:
    # Given an email that was sent once under a key
    effect = Effect({"message_id": "m-42", "sent": True})
    first = harness.new_ledger().once("tick:2025-11-24:acme:invite", effect)
    # When another run (a new ledger on the same store) does the same key
    again = harness.new_ledger().once("tick:2025-11-24:acme:invite", Effect({"message_id": "x"}))
    # Then the effect ran once and both runs got its result
    assert effect.runs == 1
    assert first == again == {"message_id": "m-42", "sent": True}


def test_different_keys_each_run(harness: LedgerHarness) -> None:
    ledger, effect = harness.new_ledger(), Effect()
    ledger.once("flag:acme", effect)
    ledger.once("flag:globex", effect)
    assert effect.runs == 2


def test_a_failing_effect_leaves_no_record_so_a_retry_runs_it(harness: LedgerHarness) -> None:
    # Given an effect that failed
    with pytest.raises(RuntimeError, match="SES is down"):
        harness.new_ledger().once("mail:acme", Effect(fail=True))
    # When the run is retried
    effect = Effect({"message_id": "m-2"})
    result = harness.new_ledger().once("mail:acme", effect)
    # Then it runs again, and its result is the one recorded
    assert (effect.runs, result) == (1, {"message_id": "m-2"})
    assert harness.new_ledger().once("mail:acme", Effect()) == {"message_id": "m-2"}


def test_a_key_another_run_is_still_doing_raises_already_in_progress(
    harness: LedgerHarness,
) -> None:
    # Given a run that is in the middle of an effect
    seen: list[BaseException] = []

    def effect() -> dict[str, Any]:
        # When another run reaches the same key meanwhile
        with pytest.raises(AlreadyInProgress) as raised:
            harness.new_ledger().once("action:U1:finish:acme", Effect())
        seen.append(raised.value)
        return {"done": True}

    harness.new_ledger().once("action:U1:finish:acme", effect)
    # Then that other run was told, and did not run the effect
    assert len(seen) == 1


def test_a_run_that_died_in_progress_frees_its_key_after_the_in_progress_lease(
    harness: LedgerHarness,
) -> None:
    # Given a run that started an effect and stopped answering (short in-progress lease)
    inner = Effect({"by": "retry"})

    def stuck() -> dict[str, Any]:
        time.sleep(0.6)
        # When the retry comes after the lease ran out, Then it runs the effect
        harness.new_ledger().once("mail:acme", inner)
        return {"by": "stuck"}

    harness.new_ledger(in_progress_seconds=0.3).once("mail:acme", stuck)
    assert inner.runs == 1


def test_a_claim_left_by_a_run_that_died_is_taken_over_only_when_the_caller_reclaims(
    harness: LedgerHarness,
) -> None:
    # Given a run that claimed a key and died inside the effect (its claim still live)
    def dies() -> dict[str, Any]:
        raise Crash("killed mid-send")

    with pytest.raises(Crash):
        harness.new_ledger().once("mail:step:acme:2", dies)
    # When another run asks without reclaiming, Then it is told the key is in progress
    with pytest.raises(AlreadyInProgress):
        harness.new_ledger().once("mail:step:acme:2", Effect())
    # When a run that knows the claimer is dead reclaims it, Then the effect runs, once
    effect = Effect({"message_id": "m-7"})
    assert harness.new_ledger().once("mail:step:acme:2", effect, reclaim=True) == {
        "message_id": "m-7"
    }
    assert effect.runs == 1
    # And its outcome is recorded: a repeat, reclaiming or not, does not run it again
    assert harness.new_ledger().once("mail:step:acme:2", Effect(), reclaim=True) == {
        "message_id": "m-7"
    }


def test_reclaiming_a_key_that_finished_returns_its_result_without_running(
    harness: LedgerHarness,
) -> None:
    harness.new_ledger().once("flag:acme", Effect({"ts": "1.0"}))
    effect = Effect()
    assert harness.new_ledger().once("flag:acme", effect, reclaim=True) == {"ts": "1.0"}
    assert effect.runs == 0


def test_an_expired_record_lets_the_effect_run_again(harness: LedgerHarness) -> None:
    # Given a record that lives one second
    effect = Effect()
    harness.new_ledger(expires_after_seconds=1).once("digest:week-48", effect)
    # When the same key comes back after it expired
    time.sleep(2.1)
    harness.new_ledger(expires_after_seconds=1).once("digest:week-48", effect)
    # Then the effect ran again
    assert effect.runs == 2


def test_an_empty_result_comes_back_as_an_empty_dict(harness: LedgerHarness) -> None:
    harness.new_ledger().once("noop", Effect({}))
    assert harness.new_ledger().once("noop", Effect({"not": "this"})) == {}


def test_the_first_caller_sees_the_result_as_a_repeat_will(harness: LedgerHarness) -> None:
    # A tuple is stored as a JSON list; the first caller gets the list too.
    first = harness.new_ledger().once("shape", Effect({"steps": ("a", "b")}))
    assert first == harness.new_ledger().once("shape", Effect()) == {"steps": ["a", "b"]}


def test_a_result_that_cannot_be_stored_is_an_error_and_leaves_no_record(
    harness: LedgerHarness,
) -> None:
    with pytest.raises(TypeError):
        harness.new_ledger().once("bad", Effect({"when": object()}))
    effect = Effect()
    harness.new_ledger().once("bad", effect)
    assert effect.runs == 1


def test_threads_racing_on_one_key_run_it_once(tmp_path: Path) -> None:
    # Given one sqlite ledger shared by several threads
    ledger = _sqlite(tmp_path / "ledger.db").new_ledger()
    effect, start = Effect(), threading.Barrier(6)
    outcomes: list[str] = []

    def slow_effect() -> dict[str, Any]:
        time.sleep(0.2)
        return effect()

    def race() -> None:
        start.wait()
        try:
            ledger.once("tick:2025-11-24", slow_effect)
            outcomes.append("done")
        except AlreadyInProgress:
            outcomes.append("in progress")

    # When they all reach the same key at once
    threads = [threading.Thread(target=race) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # Then the effect ran once; the others were told it was in progress or got its result
    assert effect.runs == 1
    assert len(outcomes) == 6


def _race(path: str, runs_file: str, start: Any, outcomes: Any) -> None:
    ledger = IdempotencyLedger(SqlitePersistenceLayer(path))

    def effect() -> dict[str, Any]:
        with open(runs_file, "a") as runs:
            runs.write("ran\n")
        time.sleep(0.3)
        return {"ok": True}

    start.wait()
    try:
        ledger.once("tick:2025-11-24", effect)
        outcomes.put("done")
    except AlreadyInProgress:
        outcomes.put("in progress")


def test_two_processes_racing_on_one_key_run_it_once(tmp_path: Path) -> None:
    # Given two processes sharing one sqlite ledger file
    context = multiprocessing.get_context("spawn")
    start, outcomes = context.Barrier(2), context.Queue()
    runs_file = tmp_path / "runs.txt"
    args = (str(tmp_path / "ledger.db"), str(runs_file), start, outcomes)
    workers = [context.Process(target=_race, args=args) for _ in range(2)]
    # When both reach the same key at the same moment
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    # Then the effect ran once, and both processes finished cleanly
    assert runs_file.read_text().splitlines() == ["ran"]
    assert sorted(outcomes.get(timeout=5) for _ in workers) in (
        ["done", "done"],
        ["done", "in progress"],
    )
