"""The ``Ledger`` port on Powertools idempotency.

Powertools does the protocol (write an in-progress record, run, store the result or delete the
record on failure, answer repeats from the store); a persistence layer says where records live.
In AWS that is Powertools' own ``DynamoDBPersistenceLayer``. Powertools ships no local store, so
``SqlitePersistenceLayer`` below implements its four storage methods on stdlib sqlite3 with the
same conditions the DynamoDB layer puts in its conditional writes.

Longer than most modules on purpose: it holds both the ledger and the SQLite persistence layer
Powertools lacks, which only make sense together.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from aws_lambda_powertools.utilities.idempotency import (
    BasePersistenceLayer,
    IdempotencyConfig,
    idempotent_function,
)
from aws_lambda_powertools.utilities.idempotency.exceptions import (
    IdempotencyAlreadyInProgressError,
    IdempotencyItemAlreadyExistsError,
    IdempotencyItemNotFoundError,
)
from aws_lambda_powertools.utilities.idempotency.persistence.datarecord import (
    STATUS_CONSTANTS,
    DataRecord,
)

from guide.ports import AlreadyInProgress

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.typing import LambdaContext

# Long enough to outlast every retry of a run (EventBridge retries for up to a day).
DEFAULT_EXPIRES_AFTER_SECONDS = 7 * 24 * 3600
# How long an unfinished record blocks others before they may assume its run died.
DEFAULT_IN_PROGRESS_SECONDS = 300.0


class _Lease:
    """Stands in for a Lambda context: Powertools sets an in-progress record's expiry from
    ``get_remaining_time_in_millis()``; without one, a crashed run's key stays blocked until the
    record's full expiry and every call warns."""

    def __init__(self, seconds: float) -> None:
        self._millis = int(seconds * 1000)

    def get_remaining_time_in_millis(self) -> int:
        return self._millis


_AS_STORED = (str, int, bool, type(None))


def _run_effect(key: str, effect: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    result = effect()
    if not isinstance(result, dict):
        raise TypeError(f"ledger effect for {key!r} returned {type(result).__name__}, not a dict")
    # Round-trip now, so the first caller sees exactly what a repeat will read from the store,
    # and an unstorable result fails here (record removed) rather than leaving it in progress.
    # A flat record of text, whole numbers, booleans and None (every receipt a tick stores)
    # reads back as it is: a copy is the same guarantee without the round trip.
    if all(type(k) is str and type(v) in _AS_STORED for k, v in result.items()):
        stored = dict(result)
    else:
        stored = json.loads(json.dumps(result))
    # Wrapped, because Powertools hands back None instead of a stored empty dict.
    return {"result": stored}


class IdempotencyLedger:
    """``once(key, effect)`` runs ``effect`` at most once per key while the record lives.
    ``reclaim=True`` takes over a key left in progress by a run the caller knows is dead.

    Two ledgers on the same store (another process, another Lambda) share keys. An effect that
    raises leaves no record, so a retry runs it again. A persistence store object takes its
    settings from the first ledger that uses it.
    """

    def __init__(
        self,
        persistence_store: BasePersistenceLayer,
        expires_after_seconds: int = DEFAULT_EXPIRES_AFTER_SECONDS,
        in_progress_seconds: float = DEFAULT_IN_PROGRESS_SECONDS,
        key_prefix: str = "guide",
    ) -> None:
        config = IdempotencyConfig(
            expires_after_seconds=expires_after_seconds, raise_on_no_idempotency_key=True
        )
        config.register_lambda_context(cast("LambdaContext", _Lease(in_progress_seconds)))
        self._store = persistence_store
        # A fixed prefix, not Powertools' default (function and module name), so the tick and
        # the button handler, or a renamed module, still find each other's records.
        self._run = idempotent_function(
            _run_effect,
            data_keyword_argument="key",
            persistence_store=persistence_store,
            config=config,
            key_prefix=key_prefix,
        )

    def once(
        self, key: str, effect: Callable[[], dict[str, Any]], *, reclaim: bool = False
    ) -> dict[str, Any]:
        if not key:
            raise ValueError("a ledger key must not be empty")
        try:
            stored = self._run(key=key, effect=effect)
        except IdempotencyAlreadyInProgressError as exc:
            if not reclaim:
                raise AlreadyInProgress(
                    f"{key!r} was started by another run, not finished"
                ) from exc
            # The caller knows the run that claimed it is dead: drop its claim (the same record
            # Powertools removes when an effect raises) and run the effect as this run's own.
            self._store.delete_record(data=key, exception=exc)  # type: ignore[arg-type]
            stored = self._run(key=key, effect=effect)
        return cast("dict[str, Any]", stored["result"])


_SCHEMA = """
CREATE TABLE IF NOT EXISTS idempotency (
    id TEXT PRIMARY KEY,
    status TEXT NOT NULL,
    expiration INTEGER NOT NULL,
    in_progress_expiration INTEGER,
    data TEXT,
    validation TEXT
) WITHOUT ROWID
"""
_COLUMNS = "id, status, expiration, in_progress_expiration, data, validation"


class SqlitePersistenceLayer(BasePersistenceLayer):
    """Powertools idempotency records in a sqlite file: the local ``DynamoDBPersistenceLayer``.

    Safe across threads (one connection per thread) and processes (WAL, busy timeout, and every
    conditional write is one atomic statement). ``path`` must be a file, not ``:memory:``.
    """

    def __init__(self, path: str | os.PathLike[str], busy_timeout_seconds: float = 30.0) -> None:
        super().__init__()
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._busy_timeout = busy_timeout_seconds
        self._local = threading.local()
        self._opened: list[sqlite3.Connection] = []
        self._opened_lock = threading.Lock()
        self._pid = os.getpid()

    def _db(self) -> sqlite3.Connection:
        local = self._local
        # After a fork the child must not share its parent's connection: open its own.
        if getattr(local, "pid", None) != os.getpid():
            db = sqlite3.connect(
                self.path,
                timeout=self._busy_timeout,
                isolation_level=None,  # autocommit: each statement is its own transaction
                check_same_thread=False,  # only so close() can close it; used by one thread
            )
            self._set_up(db)
            local.db, local.pid = db, os.getpid()
            with self._opened_lock:
                if self._pid != local.pid:  # forked: the parent's connections are not ours
                    self._opened, self._pid = [], local.pid
                self._opened.append(db)
        return cast(sqlite3.Connection, local.db)

    def _set_up(self, db: sqlite3.Connection) -> None:
        deadline = time.monotonic() + self._busy_timeout
        while True:
            try:
                db.execute("PRAGMA journal_mode=WAL")  # readers never wait for the writer
                db.execute("PRAGMA synchronous=NORMAL")  # durable across a crash of the process
                db.execute(_SCHEMA)
                return
            except sqlite3.OperationalError as exc:
                # Switching a new file to WAL fails at once, without the busy handler, while
                # another process is doing the same; wait for it like any other busy lock.
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(0.02)

    def close(self) -> None:
        """Close this process's connections (other threads reopen on their next call)."""
        with self._opened_lock:
            opened, self._opened = self._opened, []
        for db in opened:
            db.close()
        self._local = threading.local()

    @staticmethod
    def _record(row: tuple[Any, ...]) -> DataRecord:
        key, status, expiration, in_progress_expiration, data, validation = row
        return DataRecord(
            idempotency_key=key,
            status=status,
            expiry_timestamp=expiration,
            in_progress_expiry_timestamp=in_progress_expiration,
            response_data=data or "",
            payload_hash=validation or "",
        )

    def _select(self, idempotency_key: str) -> DataRecord | None:
        row = (
            self._db()
            .execute(f"SELECT {_COLUMNS} FROM idempotency WHERE id = ?", (idempotency_key,))
            .fetchone()
        )
        return self._record(row) if row else None

    def _get_record(self, idempotency_key: str) -> DataRecord:
        record = self._select(idempotency_key)
        if record is None:
            raise IdempotencyItemNotFoundError
        return record

    def _put_record(self, data_record: DataRecord) -> None:
        now = time.time()
        validation = data_record.payload_hash if self.payload_validation_enabled else None
        # The same three ways in as DynamoDBPersistenceLayer's condition: no record yet, the
        # record expired, or it is in progress past its in-progress expiry (that run died).
        cursor = self._db().execute(
            f"""
            INSERT INTO idempotency ({_COLUMNS})
            VALUES (:id, :status, :expiration, :in_progress_expiration, NULL, :validation)
            ON CONFLICT(id) DO UPDATE SET
                status = excluded.status,
                expiration = excluded.expiration,
                in_progress_expiration = excluded.in_progress_expiration,
                data = NULL,
                validation = excluded.validation
            WHERE idempotency.expiration < :now
               OR (idempotency.status = :in_progress
                   AND idempotency.in_progress_expiration IS NOT NULL
                   AND idempotency.in_progress_expiration < :now_ms)
            """,
            {
                "id": data_record.idempotency_key,
                "status": data_record.status,
                "expiration": data_record.expiry_timestamp,
                "in_progress_expiration": data_record.in_progress_expiry_timestamp,
                "validation": validation,
                "now": int(now),
                "now_ms": int(now * 1000),
                "in_progress": STATUS_CONSTANTS["INPROGRESS"],
            },
        )
        if cursor.rowcount == 1:
            return
        # Like DynamoDB's ReturnValuesOnConditionCheckFailure: hand Powertools the record that
        # blocked us. If it vanished meanwhile, Powertools reads again and retries.
        old = self._select(data_record.idempotency_key)
        if old is None:
            raise IdempotencyItemAlreadyExistsError()
        self._validate_payload(data_payload=data_record, stored_data_record=old)
        self._save_to_cache(data_record=old)
        raise IdempotencyItemAlreadyExistsError(old_data_record=old)

    def _update_record(self, data_record: DataRecord) -> None:
        # An upsert, as DynamoDB's update_item is: the result is stored even if the in-progress
        # record was removed in the meantime.
        validation = ", validation = excluded.validation" if self.payload_validation_enabled else ""
        self._db().execute(
            f"""
            INSERT INTO idempotency (id, status, expiration, data, validation)
            VALUES (?, ?, ?, ?, ?)
            ON CONFLICT(id) DO UPDATE SET
                status = excluded.status, expiration = excluded.expiration,
                data = excluded.data{validation}
            """,
            (
                data_record.idempotency_key,
                data_record.status,
                data_record.expiry_timestamp,
                data_record.response_data,
                data_record.payload_hash or None,
            ),
        )

    def _delete_record(self, data_record: DataRecord) -> None:
        self._db().execute("DELETE FROM idempotency WHERE id = ?", (data_record.idempotency_key,))
