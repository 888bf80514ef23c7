"""run_write: a busy SQLite diary is waited for, then refused with a reason; a deleted owner gets nothing."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from crampcare.db.writes import DatabaseBusyError, OwnerGoneError
from crampcare.diary.records import NightRecord
from crampcare.diary.store import DiaryStore

NIGHT = NightRecord(date=dt.date(2026, 11, 1))


def test_a_held_sqlite_write_lock_is_waited_for_then_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                           new_migrated_sqlite: Callable[[Path], str]) -> None:
    path = tmp_path / "busy.db"
    new_migrated_sqlite(path)
    monkeypatch.setenv("CRAMPCARE_BUSY_TIMEOUT", "0.02")
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another process in the middle of a long import
    try:
        with DiaryStore(f"sqlite:///{path}") as store, pytest.raises(DatabaseBusyError, match="another crampcare"):
            store.log_night(NIGHT)
    finally:
        other.execute("ROLLBACK")
        other.close()
    with DiaryStore(f"sqlite:///{path}") as store:
        assert store.log_night(NIGHT).outcome == "created"  # and once the lock is free, it works


def test_a_write_for_a_deleted_account_stores_nothing(migrated_db_url: str) -> None:
    with DiaryStore(migrated_db_url, "u-gone", user_id=4242) as store:
        with pytest.raises(OwnerGoneError):
            store.log_night(NIGHT)
        with pytest.raises(OwnerGoneError):
            store.add_many([NIGHT])
        assert store.list_nights() == []
