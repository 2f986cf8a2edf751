"""The ``Lock`` port: a lease lock around every unit of work that writes the workbook.

Locally a file lock (the OS drops it when the holder's process dies, which is the lease); in AWS a
DynamoDB item written with a condition and an expiry.
"""

from __future__ import annotations

import hashlib
import logging
import math
import os
import random
import re
import socket
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from boto3.dynamodb.types import TypeSerializer
from botocore.exceptions import ClientError

from guide.ports import LeaseLost, LockBusy

log = logging.getLogger(__name__)
_SERIALIZER = TypeSerializer()


def _file_name(name: str) -> str:
    # Readable where it can be, and a short hash so two names that clean up alike stay apart.
    readable = re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-.")[:60]
    digest = hashlib.sha256(name.encode()).hexdigest()[:10]
    return f"{readable}-{digest}.lock"


class _FileLease:
    """A file lock is held until its process lets go or dies, so it is always still held."""

    def confirm(self) -> None:
        return None


class LocalFileLock:
    """One lock file per name in ``folder``. ``lease_seconds`` is not needed here: the OS
    releases the lock the moment the holding process exits, however it exits. Not re-entrant:
    holding the same name twice in one thread waits for itself and raises ``LockBusy``."""

    def __init__(self, folder: str | os.PathLike[str]) -> None:
        self._folder = Path(folder)
        self._folder.mkdir(parents=True, exist_ok=True)

    @contextmanager
    def hold(self, name: str, *, lease_seconds: float, wait_seconds: float) -> Iterator[_FileLease]:
        # Imported here: filelock is a local-only package, left out of the Lambda layer, and
        # this module is also the home of the DynamoDB lock that Lambda uses.
        from filelock import FileLock, Timeout

        # A fresh FileLock per hold gives each holder its own descriptor, and flock excludes
        # descriptors from one another, so threads of one process exclude each other too.
        lock = FileLock(self._folder / _file_name(name), timeout=max(wait_seconds, 0))
        try:
            lock.acquire()
        except Timeout as exc:
            raise LockBusy(f"lock {name!r} still held after {wait_seconds:g}s") from exc
        try:
            yield _FileLease()
        finally:
            lock.release()


def _default_owner() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


class DynamoDBLock:
    """A lease lock on a DynamoDB table keyed by ``id`` (string), with TTL on ``expires_at``.

    ``table`` is a boto3 ``Table`` resource, or a low-level client together with ``table_name``.
    ``owner`` names this process in the item (for a person looking at the table); each hold adds
    a random token to it so a holder can only ever release its own lease.

    Leases are whole epoch seconds so the table's TTL can read them; a lease therefore runs
    between ``lease_seconds`` and ``lease_seconds + 2`` before another holder may take it.
    """

    def __init__(
        self,
        table: Any,
        owner: str | None = None,
        *,
        table_name: str | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        # A Table resource serializes plain values itself (its client carries hooks that do it);
        # a low-level client needs typed ones, so keep whichever was given and adapt per call.
        self._table = table if table_name is None else None
        self._client = table if table_name is not None else None
        self._table_name = table_name or str(table.name)
        self.owner = owner or _default_owner()
        self._clock = clock

    def _call(self, operation: str, **request: Any) -> None:
        if self._table is not None:
            getattr(self._table, operation)(**request)
            return
        for field in ("Item", "Key", "ExpressionAttributeValues"):
            if field in request:
                request[field] = {k: _SERIALIZER.serialize(v) for k, v in request[field].items()}
        getattr(self._client, operation)(TableName=self._table_name, **request)

    @contextmanager
    def hold(
        self, name: str, *, lease_seconds: float, wait_seconds: float
    ) -> Iterator[_DynamoDBLease]:
        token = f"{self.owner}#{uuid.uuid4().hex}"
        self._acquire(name, token, lease_seconds, wait_seconds)
        try:
            yield _DynamoDBLease(self, name, token, lease_seconds)
        finally:
            self._release(name, token)

    def _renew(self, name: str, token: str, lease_seconds: float) -> None:
        """A fresh lease, only while the item is still ours (a put, like the acquire, so the
        functions need no permission beyond the two they have)."""
        now = self._clock()
        try:
            self._call(
                "put_item",
                Item={"id": name, "owner": token, "expires_at": math.ceil(now + lease_seconds)},
                # Still ours: a lease that ran out unclaimed is safe to renew, since any other
                # holder (or the table's TTL) would have replaced or removed the item.
                ConditionExpression="#owner = :token",
                ExpressionAttributeNames={"#owner": "owner"},
                ExpressionAttributeValues={":token": token},
            )
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                raise LeaseLost(
                    f"the {name!r} lock's lease ran out before the write; nothing was written"
                ) from exc
            raise

    def _try_put(self, name: str, token: str, lease_seconds: float) -> bool:
        now = self._clock()
        try:
            self._call(
                "put_item",
                Item={"id": name, "owner": token, "expires_at": math.ceil(now + lease_seconds)},
                # Free, or the last holder's lease ran out (it died or overran).
                ConditionExpression="attribute_not_exists(#id) OR #expires_at < :now",
                ExpressionAttributeNames={"#id": "id", "#expires_at": "expires_at"},
                ExpressionAttributeValues={":now": math.floor(now)},
            )
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def _acquire(self, name: str, token: str, lease_seconds: float, wait_seconds: float) -> None:
        deadline = time.monotonic() + max(wait_seconds, 0)
        pause = 0.05
        while not self._try_put(name, token, lease_seconds):
            left = deadline - time.monotonic()
            if left <= 0:
                raise LockBusy(f"lock {name!r} still held after {wait_seconds:g}s")
            # Jittered, growing pauses: waiters do not poll in step, nor hammer the table.
            time.sleep(min(left, pause * random.uniform(0.5, 1.0)))
            pause = min(pause * 2, 0.5)

    def _release(self, name: str, token: str) -> None:
        try:
            self._call(
                "delete_item",
                Key={"id": name},
                ConditionExpression="#owner = :token",
                ExpressionAttributeNames={"#owner": "owner"},
                ExpressionAttributeValues={":token": token},
            )
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") != "ConditionalCheckFailedException":
                raise
            # Our lease ran out and somebody else holds the lock now: deleting would break
            # their hold. Not raised, because the work is done and raising here would hide
            # the block's own outcome; logged, because it means the lease was too short.
            log.warning("lock %r lease expired before release; lease_seconds is too short", name)


class _DynamoDBLease:
    def __init__(self, lock: DynamoDBLock, name: str, token: str, lease_seconds: float) -> None:
        self._lock, self._name, self._token = lock, name, token
        self._lease_seconds = lease_seconds

    def confirm(self) -> None:
        self._lock._renew(self._name, self._token, self._lease_seconds)
