"""One write transaction per use case, serialised per owner, retried when the database asks.

Every write to a person's data goes through :func:`run_write`:

* **SQLite** begins with ``BEGIN IMMEDIATE``: the write lock is taken before anything is
  read, so read-then-write (append a cramp to a night, undo the last change) cannot
  interleave with another writer. Another process's long write is waited for (busy
  timeout), then retried a few times, then refused with a message that says what holds it.
* **PostgreSQL** locks the owner first: ``SELECT … FOR UPDATE`` on the user's row in server
  mode, a transaction-scoped advisory lock on the owner key otherwise. Writes of one owner
  run one after another; different owners never wait for each other. Deadlocks and
  serialisation failures are retried a bounded number of times.
* **The owner is checked inside the transaction**: when the user row is gone (the account was
  deleted while this request ran), :class:`OwnerGoneError` is raised and nothing is written,
  so no rows can be committed for a deleted owner.

``work`` may run more than once (on retry), so it must not have effects outside the database.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import Connection, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, OperationalError

from crampcare.db.base import DEFAULT_OWNER, OWNER_LENGTH
from crampcare.db.engine import IMMEDIATE

__all__ = ["MAX_ATTEMPTS", "DatabaseBusyError", "Owner", "OwnerGoneError", "run_write"]

T = TypeVar("T")

MAX_ATTEMPTS = 5
# PostgreSQL SQLSTATEs that mean "nothing happened, run the transaction again".
_RETRYABLE_PG = {"40001", "40P01", "55P03"}


@dataclass(frozen=True)
class Owner:
    """Whose data a write touches: the owner key stored on every row, and in server mode the user's id."""

    key: str = DEFAULT_OWNER
    user_id: int | None = None

    def __post_init__(self) -> None:
        if not self.key or len(self.key) > OWNER_LENGTH:
            raise ValueError(f"owner must be 1-{OWNER_LENGTH} characters")


class OwnerGoneError(Exception):
    """The account this write belongs to was deleted; nothing was written."""

    def __init__(self) -> None:
        super().__init__("this account no longer exists; nothing was saved")


class DatabaseBusyError(Exception):
    """Another writer held the database for too long; nothing was written."""


def run_write(engine: Engine, owner: Owner, work: Callable[[Connection], T]) -> T:
    """Run ``work`` in one transaction that holds ``owner``'s write lock; return its result."""
    sqlite = engine.dialect.name == "sqlite"
    for attempt in range(1, MAX_ATTEMPTS + 1):
        try:
            connection_options = {IMMEDIATE: True} if sqlite else {}
            with engine.connect().execution_options(**connection_options) as connection, connection.begin():
                _lock_owner(connection, owner, sqlite)
                return work(connection)
        except OperationalError as exc:
            if not _retryable(exc, sqlite):
                raise
            if attempt == MAX_ATTEMPTS:
                raise DatabaseBusyError(_busy_message(sqlite)) from None
        except DBAPIError as exc:
            if sqlite or not _retryable(exc, sqlite) or attempt == MAX_ATTEMPTS:
                raise
        time.sleep(0.02 * attempt)
    raise AssertionError("unreachable")


def _lock_owner(connection: Connection, owner: Owner, sqlite: bool) -> None:
    if owner.user_id is not None:
        from crampcare.accounts.models import UserRow

        query = select(UserRow.id).where(UserRow.id == owner.user_id, UserRow.owner_id == owner.key)
        if not sqlite:
            query = query.with_for_update()
        if connection.execute(query).first() is None:
            raise OwnerGoneError()
    elif not sqlite:
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _advisory_key(owner.key)})


def _advisory_key(key: str) -> int:
    """A stable signed 64-bit number for an owner key (PostgreSQL's advisory locks take a bigint)."""
    return int.from_bytes(hashlib.sha256(f"crampcare-owner:{key}".encode()).digest()[:8], "big", signed=True)


def _retryable(exc: DBAPIError, sqlite: bool) -> bool:
    if sqlite:
        message = str(exc.orig).lower()
        return "database is locked" in message or "database is busy" in message
    return getattr(exc.orig, "sqlstate", None) in _RETRYABLE_PG


def _busy_message(sqlite: bool) -> str:
    if sqlite:
        return (
            "the diary is busy: another crampcare process (an import, or the local server) is writing to it; "
            "nothing was saved, try again when it has finished"
        )
    return "the database was too busy to save this change; nothing was saved, try again"
