"""The suite's database fixtures: ``migrated_db_url`` is a copy of a database migrated once per
worker, and it must be what running the migrations gives — at head, every table, no rows — and
each copy must be independent; ``db_url`` must stay empty for the tests of migrations."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import inspect

from crampcare.db.engine import make_engine
from crampcare.db.schema import all_tables, current_revision, head_revision
from crampcare.diary.records import NightRecord
from crampcare.diary.store import DiaryStore
from crampcare.services.database import schema_status


def _tables(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_a_migrated_copy_is_at_head_with_every_table_and_no_rows(migrated_db_url: str) -> None:
    assert current_revision(migrated_db_url) == head_revision()
    assert schema_status(migrated_db_url).up_to_date
    assert _tables(migrated_db_url) >= set(all_tables().tables)
    with DiaryStore(migrated_db_url) as store:
        assert store.list_nights() == [] and store.list_days() == []


def test_the_empty_fixture_stays_empty(db_url: str) -> None:
    assert current_revision(db_url) is None
    assert _tables(db_url) == set()


def test_each_copy_is_its_own_database(migrated_db_url: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    """What one test writes is not in the template, so not in the next test's copy."""
    with DiaryStore(migrated_db_url) as store:
        store.add_night(NightRecord(date=dt.date(2026, 11, 1), cramps=[]))
    if migrated_db_url.startswith("sqlite"):
        other = request.getfixturevalue("new_migrated_sqlite")(tmp_path / "other.db")
    else:
        other = request.getfixturevalue("new_migrated_postgres")()
    assert other != migrated_db_url
    with DiaryStore(other) as store:
        assert store.list_nights() == []
    with DiaryStore(migrated_db_url) as store:
        assert [n.date for n in store.list_nights()] == [dt.date(2026, 11, 1)]
