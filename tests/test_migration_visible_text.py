"""Migration 0015: direction controls stored before typed text lost them are removed from the stored diary.

A diary written before held an override in a note (the clinician read "00:22" for "22:00"), marks in
tags, and the same in the change log (an undo would bring them back) and in a token's name. Run once per
database: the tags are JSON (JSONB on PostgreSQL).
"""

from __future__ import annotations

import json

from sqlalchemy import text

from crampcare.db.engine import make_engine
from crampcare.db.schema import current_revision, head_revision, upgrade
from crampcare.diary.store import DiaryStore

RLO, PDF, RLM, ZWSP = "\u202e", "\u202c", "\u200f", "\u200b"


def test_0015_removes_direction_controls_from_what_was_stored(db_url: str) -> None:
    upgrade(db_url, "0014")
    engine = make_engine(db_url)
    try:
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO nights (owner, date, sleep_disturbed, notes) VALUES "
                              "('local', '2026-11-20', NULL, :notes), ('local', '2026-11-21', NULL, 'Судорога, שלום')"),
                         {"notes": f"take 1 tablet at {RLO}22:00{PDF}"})
            conn.execute(text("INSERT INTO days (owner, date, diet, medicines, tags, notes) "
                              "VALUES ('local', '2026-11-20', '[]', '[]', :tags, :notes)"),
                         {"tags": json.dumps([f"{RLM}coffee", "coffee", ZWSP, "вино"]), "notes": f"{RLM}tired"})
            old_day = {"date": "2026-11-19", "tags": [f"cof{ZWSP}fee"], "notes": f"{RLO}x"}
            conn.execute(text("INSERT INTO change_log (owner, at, action, kind, date, previous) VALUES ('local', "
                              "'2026-11-21 10:00:00+00', 'edit', 'day', '2026-11-19', :previous)"),
                         {"previous": json.dumps([{"kind": "day", "date": "2026-11-19", "record": old_day}])})
            user = conn.execute(text("INSERT INTO users (email, password_hash, owner_id, created_at) VALUES "
                                     "('ann@example.org', 'x', 'u-1', '2026-11-01 00:00:00+00') RETURNING id")).scalar_one()
            conn.execute(text("INSERT INTO api_tokens (token_hash, user_id, name, created_at) VALUES "
                              "('h1', :user, :name, '2026-11-01 00:00:00+00'), ('h2', :user, :empty, "
                              "'2026-11-01 00:00:00+00')"), {"user": user, "name": f"{RLO}phone", "empty": RLM})
        upgrade(db_url)
        assert current_revision(db_url) == head_revision()
        with DiaryStore(engine) as store:
            assert [n.notes for n in store.list_nights()] == ["take 1 tablet at 22:00", "Судорога, שלום"]
            day = store.list_days()[0]
            assert (day.tags, day.notes) == (["coffee", "вино"], "tired")
        with engine.connect() as conn:
            previous = conn.execute(text("SELECT previous FROM change_log")).scalar_one()
            names = conn.execute(text("SELECT name FROM api_tokens ORDER BY token_hash")).scalars().all()
        record = (json.loads(previous) if isinstance(previous, str) else previous)[0]["record"]
        assert (record["tags"], record["notes"]) == (["coffee"], "x")
        assert names == ["phone", "api"]
    finally:
        engine.dispose()
