"""Migration 0003 up and down on SQLite and PostgreSQL, with data in the tables."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import inspect, text

from crampcare.db.engine import make_engine
from crampcare.db.schema import current_revision, downgrade, upgrade


def _rows(url: str, query: str) -> list[tuple]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return [tuple(row) for row in conn.execute(text(query)).all()]
    finally:
        engine.dispose()


def test_0003_links_diary_rows_to_users_and_cascades(db_url: str) -> None:
    upgrade(db_url, "0002")
    engine = make_engine(db_url)
    now = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO users (id, email, password_hash, owner_id, created_at) "
                          "VALUES (1, 'a@example.org', 'x', 'u-1', :now)"), {"now": now})
        for owner in ("u-1", "local"):
            conn.execute(text("INSERT INTO nights (owner, date, sleep_disturbed, notes) "
                              "VALUES (:owner, '2026-11-30', false, '')"), {"owner": owner})
            night_id = conn.execute(text("SELECT id FROM nights WHERE owner = :owner"), {"owner": owner}).scalar_one()
            conn.execute(text("INSERT INTO cramps (owner, night_id, position, start, duration_s, leg, muscles, "
                              "severity, signs, helped) VALUES (:owner, :night, 0, '03:10:00', 60, 'left', '[]', 5, "
                              "'[]', '[]')"), {"owner": owner, "night": night_id})
    engine.dispose()

    upgrade(db_url)
    assert current_revision(db_url) == "0003"
    assert sorted(_rows(db_url, "SELECT owner, user_id FROM nights")) == [("local", None), ("u-1", 1)]
    assert sorted(_rows(db_url, "SELECT owner, user_id FROM cramps")) == [("local", None), ("u-1", 1)]

    downgrade(db_url, "0002")  # back down: data kept, the column and the keys table gone
    engine = make_engine(db_url)
    try:
        assert "user_id" not in {c["name"] for c in inspect(engine).get_columns("nights")}
        assert "idempotency_keys" not in inspect(engine).get_table_names()
    finally:
        engine.dispose()
    assert len(_rows(db_url, "SELECT id FROM cramps")) == 2

    upgrade(db_url)
    engine = make_engine(db_url)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM users WHERE id = 1"))
    engine.dispose()
    assert _rows(db_url, "SELECT owner FROM nights") == [("local",)]  # the user's diary went with them
    assert _rows(db_url, "SELECT owner FROM cramps") == [("local",)]
