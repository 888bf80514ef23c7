"""Storage round trips on SQLite and PostgreSQL (``db_url`` runs each test on both)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from diary_helpers import cramp, day, night
from sqlalchemy import inspect, text

from crampcare.db import engine as db_engine
from crampcare.db import schema
from crampcare.diary.errors import ConflictError, DuplicateRecordError, NotFoundError
from crampcare.diary.store import DiaryStore, open_store

D1 = dt.date(2026, 1, 5)
D2 = dt.date(2026, 1, 6)


def _snapshot(store: DiaryStore) -> tuple[list[dict], list[dict]]:
    return (
        [n.model_dump(mode="json") for n in store.list_nights()],
        [d.model_dump(mode="json") for d in store.list_days()],
    )


# --------------------------------------------------------------------------- schema


def test_migrations_create_the_models_schema(db_url: str) -> None:
    """The hand-written migration and models.py describe the same schema."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    assert schema.current_revision(db_url) is None
    assert not schema.is_up_to_date(db_url)
    with pytest.raises(schema.SchemaOutOfDateError, match="empty database"):
        schema.require_up_to_date(db_url)
    schema.upgrade(db_url)
    schema.upgrade(db_url)  # idempotent
    assert schema.current_revision(db_url) == schema.head_revision()
    assert schema.is_up_to_date(db_url)
    schema.require_up_to_date(db_url)

    engine = db_engine.make_engine(db_url)
    try:
        with engine.connect() as conn:
            metadata = schema.all_tables()  # diary + accounts tables: one history
            diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), metadata)
            tables = set(inspect(conn).get_table_names())
    finally:
        engine.dispose()
    assert diff == []
    for table in ("nights", "cramps", "days", "assessments", "change_log"):
        assert table in tables
        assert "owner" in {c["name"] for c in inspect(engine).get_columns(table)}


def test_sqlite_pragmas(tmp_path) -> None:
    url = db_engine.resolve_db_url(str(tmp_path / "sub" / "diary.db"))
    assert url.startswith("sqlite:///") and url.endswith("sub/diary.db")
    engine = db_engine.make_engine(url)
    try:
        with engine.connect() as conn:
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert conn.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL: a confirmed save is on the disk
    finally:
        engine.dispose()


def test_resolve_db_url(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.delenv(db_engine.DB_ENV, raising=False)
    monkeypatch.setattr(db_engine, "default_db_path", lambda: tmp_path / "default.db")
    assert db_engine.resolve_db_url(None) == f"sqlite:///{tmp_path / 'default.db'}"
    monkeypatch.setenv(db_engine.DB_ENV, str(tmp_path / "env.db"))
    assert db_engine.resolve_db_url(None) == f"sqlite:///{tmp_path / 'env.db'}"
    assert db_engine.resolve_db_url("sqlite:///x.db") == "sqlite:///x.db"
    assert db_engine.resolve_db_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert db_engine.resolve_db_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert db_engine.resolve_db_url("postgresql+psycopg://u@h/db") == "postgresql+psycopg://u@h/db"


def test_default_path_is_in_user_data_dir() -> None:
    from platformdirs import user_data_dir

    assert db_engine.default_db_path() == db_engine.Path(user_data_dir("crampcare")) / "crampcare.db"


def test_open_store_upgrades_or_refuses(db_url: str) -> None:
    with pytest.raises(schema.SchemaOutOfDateError):
        open_store(db_url, auto_upgrade=False)
    with open_store(db_url) as store:
        assert store.list_nights() == []
    assert schema.is_up_to_date(db_url)
    with open_store(db_url, auto_upgrade=False) as store:
        assert store.list_days() == []


# --------------------------------------------------------------------------- nights and days


def test_quiet_night_is_stored(store: DiaryStore) -> None:
    quiet = night(D1)
    store.add_night(quiet)
    stored = store.get_night(D1)
    assert stored is not None and stored.cramps == [] and not stored.had_cramp
    assert stored.model_dump() == quiet.model_dump()
    assert store.get_night(D2) is None


def test_full_round_trip(store: DiaryStore) -> None:
    busy = night(
        D1,
        cramp(start=dt.time(23, 40, 15), signs=["hard_knot"], helped=["stretch", "walk"], minutes_to_relief=1.5),
        cramp(start=dt.time(3, 10), leg="both", muscles=["toes", "foot"], severity=0, duration_s=7200),
        sleep_disturbed=True,
        notes="woke twice, «ноги» \n second line",
    )
    full_day = day(
        D1, fluids_ml=1500, activity="high", unusual_activity=True, sitting_hours=9.5, cold_exposure=False,
        temperature_swing_c=12.25, stress="high", uncomfortable_shoes=True, diet=["protein_diet"], alcohol_units=2,
        caffeine=True, medicines=["statin", "diuretic"], pregnancy_week=20, exercises_done=False, tags=["trip", "a;b"],
        notes="hike",
    )  # fmt: skip
    store.add_night(busy)
    store.add_day(full_day)
    assert store.get_night(D1).model_dump() == busy.model_dump()  # type: ignore[union-attr]
    assert store.get_day(D1).model_dump() == full_day.model_dump()  # type: ignore[union-attr]
    # cramp order is the order logged, not clock order
    assert [c.start for c in store.get_night(D1).cramps] == [dt.time(23, 40, 15), dt.time(3, 10)]  # type: ignore[union-attr]
    # missing factors stay missing (None), not "no"
    store.add_day(day(D2, fluids_ml=800))
    sparse = store.get_day(D2)
    assert sparse is not None and sparse.caffeine is None and sparse.activity is None and sparse.medicines == []


def test_duplicate_night_refused_and_nothing_changes(store: DiaryStore) -> None:
    store.add_night(night(D1, cramp()))
    before = _snapshot(store)
    with pytest.raises(DuplicateRecordError, match="2026-01-05"):
        store.add_night(night(D1))
    store.add_day(day(D1, fluids_ml=1000))
    with pytest.raises(DuplicateRecordError):
        store.add_day(day(D1, fluids_ml=2000))
    assert _snapshot(store)[0] == before[0]
    assert store.get_day(D1).fluids_ml == 1000  # type: ignore[union-attr]
    # the refused writes left nothing to undo but the day that was added
    assert store.undo() == "Undid adding the day of 2026-01-05."
    assert store.undo() == "Undid adding the night of 2026-01-05."
    with pytest.raises(NotFoundError, match="nothing to undo"):
        store.undo()


def test_edit_replaces_and_undo_restores(store: DiaryStore) -> None:
    original = night(D1, cramp(severity=7))
    store.add_night(original)
    edited = night(D1, cramp(severity=4), cramp(start=dt.time(4, 0)), sleep_disturbed=True)
    store.put_night(edited)
    assert store.get_night(D1).model_dump() == edited.model_dump()  # type: ignore[union-attr]
    assert store.undo() == "Undid editing the night of 2026-01-05."
    assert store.get_night(D1).model_dump() == original.model_dump()  # type: ignore[union-attr]

    store.add_day(day(D1, stress="some"))
    store.put_day(day(D1, stress="high", caffeine=True))
    assert store.get_day(D1).stress == "high"  # type: ignore[union-attr]
    store.undo()
    assert store.get_day(D1).model_dump() == day(D1, stress="some").model_dump()  # type: ignore[union-attr]


def test_put_records_is_one_change(store: DiaryStore) -> None:
    store.add_night(night(D1))
    store.add_day(day(D1, fluids_ml=1000))
    store.put_records([night(D1, cramp())], [day(D1, fluids_ml=2000)])
    assert store.undo() == "Undid editing the night and day of 2026-01-05."
    assert store.get_night(D1).cramps == []  # type: ignore[union-attr]
    assert store.get_day(D1).fluids_ml == 1000  # type: ignore[union-attr]


def test_delete_and_undo(store: DiaryStore, migrated_url: str) -> None:
    store.add_night(night(D1, cramp(), cramp(start=dt.time(4, 0))))
    store.add_day(day(D1, fluids_ml=1000))
    store.delete_night(D1)
    assert store.get_night(D1) is None
    # cramps went with their night (no orphans)
    with store.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM cramps")).scalar() == 0
    with pytest.raises(NotFoundError, match="no night logged for 2026-01-05"):
        store.delete_night(D1)
    assert store.undo() == "Undid deleting the night of 2026-01-05."
    assert len(store.get_night(D1).cramps) == 2  # type: ignore[union-attr]

    store.delete_day(D1)
    assert store.get_day(D1) is None
    store.undo()
    assert store.get_day(D1).fluids_ml == 1000  # type: ignore[union-attr]

    assert store.delete_date(D1) == ["night", "day"]
    assert store.get_night(D1) is None and store.get_day(D1) is None
    assert store.undo() == "Undid deleting the night and day of 2026-01-05."
    assert store.get_night(D1) is not None and store.get_day(D1) is not None
    with pytest.raises(NotFoundError):
        store.delete_date(D2)


def test_list_filters_by_date(store: DiaryStore) -> None:
    for offset in range(10):
        store.add_night(night(D1 + dt.timedelta(days=offset), cramp()))
        store.add_day(day(D1 + dt.timedelta(days=offset), fluids_ml=1000 + offset))
    assert [n.date for n in store.list_nights(D2, D2 + dt.timedelta(days=2))] == [
        D2, D2 + dt.timedelta(days=1), D2 + dt.timedelta(days=2)
    ]  # fmt: skip
    assert len(store.list_nights(start=D2)) == 9
    assert len(store.list_days(end=D2)) == 2
    assert all(len(n.cramps) == 1 for n in store.list_nights())


# --------------------------------------------------------------------------- bulk


def test_add_many_skips_identical_and_refuses_conflicts(store: DiaryStore) -> None:
    nights = [night(D1 + dt.timedelta(days=i), *([cramp()] if i % 2 else [])) for i in range(20)]
    days = [day(D1 + dt.timedelta(days=i), fluids_ml=1500) for i in range(20)]
    first = store.add_many(nights, days)
    assert (first.nights_added, first.days_added, first.nights_unchanged) == (20, 20, 0)
    again = store.add_many(nights, days)
    assert (again.nights_added, again.days_added, again.nights_unchanged, again.days_unchanged) == (0, 0, 20, 20)
    before = _snapshot(store)
    new_date = D1 + dt.timedelta(days=30)
    with pytest.raises(ConflictError, match="2026-01-07") as info:
        store.add_many([night(new_date), night(D1 + dt.timedelta(days=2), cramp(severity=1))])
    assert info.value.kind == "night" and info.value.date == D1 + dt.timedelta(days=2)
    assert _snapshot(store) == before  # nothing written, not even the new date
    with pytest.raises(ConflictError, match="twice"):
        store.add_many([night(new_date), night(new_date, cramp())])
    assert _snapshot(store) == before


def test_undo_bulk_import(store: DiaryStore) -> None:
    store.add_night(night(D1))
    store.add_many([night(D1), night(D2, cramp())], [day(D1, fluids_ml=900)])
    assert store.undo() == "Undid importing 1 night and 1 day."
    assert store.get_night(D2) is None and store.get_day(D1) is None
    assert store.get_night(D1) is not None  # added before the import: kept


def test_ten_year_diary_imports_quickly(store: DiaryStore) -> None:
    import time

    start = dt.date(2010, 1, 1)
    nights = [night(start + dt.timedelta(days=i), *([cramp()] if i % 3 == 0 else [])) for i in range(3650)]
    days = [day(start + dt.timedelta(days=i), fluids_ml=1500, stress="some") for i in range(3650)]
    began = time.perf_counter()
    result = store.add_many(nights, days)
    elapsed = time.perf_counter() - began
    assert (result.nights_added, result.days_added) == (3650, 3650)
    assert len(store.list_nights()) == 3650
    # Generous bound (shared 2-core machine); typical is well under a second on SQLite.
    assert elapsed < 15, f"10-year import took {elapsed:.1f}s"


# --------------------------------------------------------------------------- owners


def test_owner_isolation(migrated_url: str) -> None:
    with DiaryStore(migrated_url, owner="alice") as alice, DiaryStore(migrated_url, owner="bob") as bob:
        alice.add_night(night(D1, cramp()))
        alice.add_day(day(D1, fluids_ml=1000))
        alice.save_assessment({"age": 60}, {"urgency": "self_care"})
        # Bob sees nothing of Alice's
        assert bob.get_night(D1) is None and bob.get_day(D1) is None
        assert bob.list_nights() == [] and bob.list_days() == [] and bob.list_assessments() == []
        assert bob.latest_assessment() is None
        with pytest.raises(NotFoundError):
            bob.delete_night(D1)
        with pytest.raises(NotFoundError):
            bob.delete_day(D1)
        with pytest.raises(NotFoundError, match="nothing to undo"):
            bob.undo()
        # Bob may log the same date: his own row, Alice's untouched
        bob.add_night(night(D1))
        bob.put_night(night(D1, sleep_disturbed=True))
        bob.add_many([night(D2)], [day(D1, fluids_ml=5)])
        assert len(alice.get_night(D1).cramps) == 1  # type: ignore[union-attr]
        assert alice.get_day(D1).fluids_ml == 1000  # type: ignore[union-attr]
        assert alice.get_night(D2) is None
        # undo and delete_everything stay within the owner
        bob.undo()
        bob.undo()
        assert bob.get_night(D1).sleep_disturbed is None  # type: ignore[union-attr]  # sleep not asked
        assert alice.undo() == "Undid adding the day of 2026-01-05."
        counts = bob.delete_everything()
        assert counts["nights"] == 1
        assert bob.list_nights() == []
        assert alice.get_night(D1) is not None and len(alice.list_assessments()) == 1


# --------------------------------------------------------------------------- assessments and deletion


def test_assessments(store: DiaryStore) -> None:
    assert store.latest_assessment() is None
    first = store.save_assessment({"age": 68, "pregnant": False}, {"urgency": "self_care", "factors": [{"id": "age"}]})
    second = store.save_assessment({"age": 68}, {"urgency": "doctor"})
    assert second > first
    listed = store.list_assessments()
    assert [a.id for a in listed] == [first, second]
    assert listed[0].answers == {"age": 68, "pregnant": False}
    assert listed[0].result["factors"] == [{"id": "age"}]
    assert listed[0].created_at.tzinfo is not None
    latest = store.latest_assessment()
    assert latest is not None and latest.id == second and latest.result == {"urgency": "doctor"}


def test_delete_everything(store: DiaryStore) -> None:
    store.add_night(night(D1, cramp()))
    store.add_day(day(D1))
    store.save_assessment({}, {})
    counts = store.delete_everything()
    assert counts == {"cramps": 1, "nights": 1, "days": 1, "assessments": 1, "change_log": 2, "idempotency_keys": 0}
    assert _snapshot(store) == ([], []) and store.list_assessments() == []
    with pytest.raises(NotFoundError):
        store.undo()


def test_undo_history_is_bounded(store: DiaryStore) -> None:
    from crampcare.diary import store as store_module

    for offset in range(store_module.MAX_UNDO + 5):
        store.add_night(night(D1 - dt.timedelta(days=offset)))
    with store.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM change_log")).scalar() == store_module.MAX_UNDO


def test_racing_writers_get_a_duplicate_error(store: DiaryStore, monkeypatch: pytest.MonkeyPatch) -> None:
    """If another process adds the date between our check and insert, the unique constraint still says no."""
    store.add_night(night(D1))
    monkeypatch.setattr(DiaryStore, "_fetch", lambda self, conn, kind, date: None)
    with pytest.raises(DuplicateRecordError):
        store.add_night(night(D1, cramp()))
    assert store.get_night(D1).cramps == []  # type: ignore[union-attr]


def test_migrations_ship_inside_the_package() -> None:
    assert (schema.MIGRATIONS_DIR / "env.py").is_file()
    assert (schema.MIGRATIONS_DIR / "script.py.mako").is_file()
    from alembic.script import ScriptDirectory

    script = ScriptDirectory(str(schema.MIGRATIONS_DIR))
    assert script.get_current_head() == schema.head_revision()
    assert "0001" in {rev.revision for rev in script.walk_revisions()}


def test_processes_creating_one_new_diary_at_once_all_succeed(tmp_path: Path) -> None:
    """Several CLI processes opening a diary that does not exist yet: one migrates, none fails."""
    import multiprocessing

    from diary_processes import open_and_log

    url = f"sqlite:///{tmp_path / 'new.db'}"
    # Fresh processes (not forks of this one), each opening the file on its own connection. A fork server
    # that has imported the store once starts them: four spawned ones each imported it, and this test module.
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["diary_processes", "crampcare.diary.store"])
    with context.Pool(4) as pool:
        assert pool.starmap(open_and_log, [(url, day) for day in range(1, 9)]) == ["ok"] * 8
    with DiaryStore(url) as diary:
        assert len(diary.list_nights()) == 8
