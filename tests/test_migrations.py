"""Migrations 0003 (owner cascade), 0004 (clinic), 0005 (user language), 0006 (user region), 0008 (old records
within the limits), 0009 (sleep not logged), 0010 (flash messages, shares of former clinicians), 0011 (open
warning questions) and 0012 (token and assessment ids never reused) up and down on SQLite and PostgreSQL, with data in the tables."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from crampcare.db.engine import make_engine
from crampcare.db.schema import current_revision, downgrade, head_revision, upgrade


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

    upgrade(db_url, "0003")
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


def test_0004_backfills_clinic_summaries_and_goes_down_cleanly(db_url: str) -> None:
    upgrade(db_url, "0003")
    engine = make_engine(db_url)
    now = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO users (id, email, password_hash, owner_id, created_at) "
                          "VALUES (1, 'a@example.org', 'x', 'u-1', :now)"), {"now": now})
        for date in ("2026-11-30", "2026-12-01"):  # one ISO week (Monday 30 November)
            conn.execute(text("INSERT INTO nights (owner, user_id, date, sleep_disturbed, notes) "
                              "VALUES ('u-1', 1, :date, false, '')"), {"date": date})
        night_id = conn.execute(text("SELECT min(id) FROM nights")).scalar_one()
        conn.execute(text("INSERT INTO cramps (owner, user_id, night_id, position, start, duration_s, leg, muscles, "
                          "severity, signs, helped) VALUES ('u-1', 1, :night, 0, '03:10:00', 60, 'left', '[]', 5, "
                          "'[]', '[]')"), {"night": night_id})
    engine.dispose()

    upgrade(db_url, "0004")
    assert current_revision(db_url) == "0004"
    assert [(str(w), n, c, k) for w, n, c, k in _rows(
        db_url, "SELECT week_start, nights_logged, cramp_nights, cramps FROM clinic_week_summaries")] == [
        ("2026-11-30", 2, 1, 1)]

    downgrade(db_url, "0003")  # the clinic tables and their triggers go; the diary stays writable
    engine = make_engine(db_url)
    try:
        assert not [t for t in inspect(engine).get_table_names() if t.startswith("clinic_")]
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO nights (owner, user_id, date, sleep_disturbed, notes) "
                              "VALUES ('u-1', 1, '2026-12-02', false, '')"))
            conn.execute(text("DELETE FROM users WHERE id = 1"))
    finally:
        engine.dispose()
    assert _rows(db_url, "SELECT count(*) FROM nights") == [(0,)]
    upgrade(db_url)
    assert current_revision(db_url) == head_revision()


def _user_triggers(url: str) -> list[tuple]:
    if url.startswith("sqlite"):
        return _rows(url, "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'users' ORDER BY name")
    return _rows(url, "SELECT tgname FROM pg_trigger WHERE tgrelid = 'users'::regclass AND NOT tgisinternal "
                      "ORDER BY tgname")


def test_0005_adds_the_language_column_without_touching_users_triggers(db_url: str) -> None:
    upgrade(db_url, "0004")
    engine = make_engine(db_url)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO users (id, email, password_hash, owner_id, created_at) "
                          "VALUES (1, 'a@example.org', 'x', 'u-1', :now)"), {"now": dt.datetime(2026, 12, 1, tzinfo=dt.UTC)})
    engine.dispose()
    triggers = _user_triggers(db_url)

    upgrade(db_url, "0005")
    assert current_revision(db_url) == "0005"
    assert _rows(db_url, "SELECT email, language FROM users") == [("a@example.org", None)]
    assert _user_triggers(db_url) == triggers  # clinic's trigger on users survives (no table rebuild)

    downgrade(db_url, "0004")
    engine = make_engine(db_url)
    try:
        assert "language" not in {c["name"] for c in inspect(engine).get_columns("users")}
    finally:
        engine.dispose()
    assert _rows(db_url, "SELECT email FROM users") == [("a@example.org",)]
    assert _user_triggers(db_url) == triggers


def test_0006_adds_the_region_column_and_keeps_the_language(db_url: str) -> None:
    upgrade(db_url, "0005")
    engine = make_engine(db_url)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO users (id, email, password_hash, owner_id, created_at, language) "
                          "VALUES (1, 'a@example.org', 'x', 'u-1', :now, 'ru')"), {"now": dt.datetime(2026, 12, 1, tzinfo=dt.UTC)})
    engine.dispose()
    triggers = _user_triggers(db_url)

    upgrade(db_url, "0006")
    assert current_revision(db_url) == "0006"
    assert _rows(db_url, "SELECT email, language, region FROM users") == [("a@example.org", "ru", None)]
    assert _user_triggers(db_url) == triggers

    downgrade(db_url, "0005")
    engine = make_engine(db_url)
    try:
        assert "region" not in {c["name"] for c in inspect(engine).get_columns("users")}
    finally:
        engine.dispose()
    assert _rows(db_url, "SELECT email, language FROM users") == [("a@example.org", "ru")]
    assert _user_triggers(db_url) == triggers


def test_each_migration_file_is_its_revision_one_after_the_other() -> None:
    """``head_revision()`` reads the newest revision from the file names (without loading Alembic): each
    migration file must be named by its revision's four digits and follow the one before, and the
    highest number must be Alembic's own head."""
    from alembic.script import ScriptDirectory

    from crampcare.db.schema import MIGRATIONS_DIR

    script = ScriptDirectory(str(MIGRATIONS_DIR))
    revisions = list(reversed(list(script.walk_revisions())))
    assert [Path(rev.path).name[:4] for rev in revisions] == [rev.revision for rev in revisions]
    assert [rev.down_revision for rev in revisions] == [None, *(rev.revision for rev in revisions[:-1])]
    files = sorted(path.name for path in (MIGRATIONS_DIR / "versions").glob("*.py") if path.name != "__init__.py")
    assert files == [Path(rev.path).name for rev in revisions]
    assert head_revision() == script.get_current_head() == revisions[-1].revision


def test_a_database_with_two_versions_recorded_is_refused(db_url: str) -> None:
    """Alembic refuses a version table with two rows (two heads); so does crampcare's own reading of it."""
    from crampcare.db.schema import SchemaOutOfDateError

    upgrade(db_url)
    engine = make_engine(db_url)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO alembic_version (version_num) VALUES ('0001')"))
    engine.dispose()
    with pytest.raises(SchemaOutOfDateError, match="several schema versions"):
        current_revision(db_url)


def test_upgrading_a_database_already_at_head_does_not_start_alembic(
        migrated_db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing to apply: `upgrade` returns without loading Alembic and its migration scripts (0.1 s of
    CPU), and the database is as it was. One revision behind, Alembic runs and brings it to head."""
    from alembic import command

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("Alembic was started for a database already at head")

    before = _rows(migrated_db_url, "SELECT version_num FROM alembic_version")
    with monkeypatch.context() as patched:
        patched.setattr(command, "upgrade", refuse)
        upgrade(migrated_db_url)
        upgrade(migrated_db_url)  # safe to repeat
    assert _rows(migrated_db_url, "SELECT version_num FROM alembic_version") == before == [(head_revision(),)]
    downgrade(migrated_db_url, f"{int(head_revision()) - 1:04}")
    upgrade(migrated_db_url)
    assert current_revision(migrated_db_url) == head_revision()


# --------------------------------------------------------------------------- 0008: old records within today's limits

LONG_TAG = "a tag written before tags were limited to forty characters"
MANY_TAGS = [f"t{n:02}" for n in range(25)]
# With the twenty tags kept on 2026-11-20 (used twice) and "rain", 201 different tags: one too many.
OCTOBER = {f"2026-10-{day + 1:02}": [f"x{20 * day + n:03}" for n in range(20)] for day in range(9)}


def _old_diary_beyond_the_limits(url: str) -> None:
    """A diary at 0007 holding what was accepted before the limits: a night and a day dated
    0001-01-01 (with a day of 0026-11-20, and a 1900-01-01 night already taken), 25 tags and an
    over-long one on a day, 201 different tags, and a change log entry whose saved state has the same."""
    import json

    upgrade(url, "0007")
    engine = make_engine(url)
    old_day = {"date": "0001-01-01", "fluids_ml": None, "activity": None, "unusual_activity": None,
               "sitting_hours": None, "cold_exposure": None, "temperature_swing_c": None, "stress": None,
               "uncomfortable_shoes": None, "diet": [], "alcohol_units": None, "caffeine": None, "medicines": [],
               "pregnancy_week": None, "exercises_done": None, "tags": [*MANY_TAGS, LONG_TAG], "notes": "before"}
    with engine.begin() as conn:
        for date, notes in (("0001-01-01", "woke twice"), ("1900-01-01", ""), ("2026-11-20", "")):
            conn.execute(text("INSERT INTO nights (owner, date, sleep_disturbed, notes) "
                              "VALUES ('local', :date, false, :notes)"), {"date": date, "notes": notes})
        night_id = conn.execute(text("SELECT id FROM nights WHERE date = '0001-01-01'")).scalar_one()
        conn.execute(text("INSERT INTO cramps (owner, night_id, position, start, duration_s, leg, muscles, "
                          "severity, signs, helped) VALUES ('local', :night, 0, '03:10:00', 90, 'left', "
                          "'[\"calf\"]', 6, '[]', '[]')"), {"night": night_id})
        for date, tags, notes in (("0001-01-01", [" rain ", "rain", LONG_TAG], ""),
                                  ("0026-11-20", [], "typed 26"),
                                  ("2026-11-20", [*MANY_TAGS, LONG_TAG], "long walk"),
                                  ("2026-10-31", MANY_TAGS[:20], ""), *((d, t, "") for d, t in OCTOBER.items())):
            conn.execute(text("INSERT INTO days (owner, date, diet, medicines, tags, notes) "
                              "VALUES ('local', :date, '[]', '[]', :tags, :notes)"),
                         {"date": date, "tags": json.dumps(tags), "notes": notes})
        conn.execute(text("INSERT INTO change_log (owner, at, action, kind, date, previous) VALUES ('local', "
                          "'2026-11-21 09:00:00+00', 'import', 'bulk', NULL, :previous)"),  # no one date
                     {"previous": json.dumps([{"kind": "night", "date": "2026-11-20", "record": None}])})
        conn.execute(text("INSERT INTO change_log (owner, at, action, kind, date, previous) VALUES ('local', "
                          "'2026-11-21 10:00:00+00', 'edit', 'day', '0001-01-01', :previous)"),
                     {"previous": json.dumps([{"kind": "day", "date": "0001-01-01", "record": old_day}])})
    engine.dispose()


def test_0008_brings_old_records_within_the_limits_and_they_export_import_and_report(
        db_url: str, tmp_path: Path, new_migrated_sqlite) -> None:
    """A diary holding values refused since the limits (9b3922d) exported files that `import` refused,
    and a night of 0001-01-01 stopped `report` with a matplotlib error. After 0008 nothing is lost:
    over-limit tags are in the day's notes, early records on the first free dates from 1900, and the
    tag used least (and last) of a diary with 201 different ones in its day's notes."""
    import json

    from crampcare.diary.records import MAX_TAG_LENGTH, MAX_TAGS_PER_DAY
    from crampcare.diary.store import DiaryStore
    from crampcare.services.insights import insights
    from crampcare.services.report import report_html
    from crampcare.services.transfer import export_diary, import_text

    _old_diary_beyond_the_limits(db_url)
    upgrade(db_url)
    assert current_revision(db_url) == head_revision()
    diary = DiaryStore(db_url)
    exported = export_diary(diary, "json").text
    document = json.loads(exported)
    nights = {n["date"]: n for n in document["nights"]}
    days = {d["date"]: d for d in document["days"]}
    assert sorted(nights) == ["1900-01-01", "1900-01-02", "2026-11-20"]
    assert sorted(days)[:2] == ["1900-01-02", "1900-01-03"]  # 0001 → 01-02 (01-01 taken), 0026 → 01-03
    moved_night = nights["1900-01-02"]
    assert moved_night["cramps"][0]["duration_s"] == 90  # the cramp stays a cramp
    assert moved_night["notes"].startswith("Saved under the date 0001-01-01") and moved_night["notes"].endswith(
        "\n\nwoke twice")
    assert days["1900-01-02"]["tags"] == ["rain"] and days["1900-01-02"]["notes"].endswith(f":\n{LONG_TAG}")
    assert "0026-11-20" in days["1900-01-03"]["notes"] and days["1900-01-03"]["notes"].endswith("typed 26")
    walk = days["2026-11-20"]
    assert walk["tags"] == MANY_TAGS[:MAX_TAGS_PER_DAY] and all(len(t) <= MAX_TAG_LENGTH for t in walk["tags"])
    assert walk["notes"].startswith("long walk\n\nTags moved here") and walk["notes"].endswith(
        "\n".join([*MANY_TAGS[MAX_TAGS_PER_DAY:], LONG_TAG]))
    assert days["2026-10-09"]["tags"] == OCTOBER["2026-10-09"][:-1]
    assert days["2026-10-09"]["notes"] == "Tags moved here from this day's tags (a day keeps at most 20 tags of " \
        "at most 40 characters, a diary at most 200 different ones):\nx179"
    assert len({tag for day in document["days"] for tag in day["tags"]}) == 200

    fresh = DiaryStore(new_migrated_sqlite(tmp_path / "fresh.sqlite"))
    summary = import_text(fresh, exported, "diary.json")
    assert (summary.nights_added, summary.days_added) == (3, 13)
    again = json.loads(export_diary(fresh, "json").text)
    assert (again["nights"], again["days"]) == (document["nights"], document["days"])

    assert "1900" in report_html(diary)  # 0001-01-01 stopped the report's charts
    assert insights(diary).nights_logged == 3

    diary.undo()  # the change log's saved state was moved the same way: the undo restores a valid day
    restored = json.loads(export_diary(diary, "json").text)["days"]
    assert [d["date"] for d in restored][:2] == ["1900-01-02", "1900-01-03"] and len(restored) == 13
    assert restored[0]["tags"] == MANY_TAGS[:MAX_TAGS_PER_DAY] and restored[0]["notes"].startswith(
        "Saved under the date 0001-01-01, before")
    diary.engine.dispose()

    downgrade(db_url, "0007")  # the moved values stay where they are; going up again changes nothing
    assert current_revision(db_url) == "0007"
    before = _rows(db_url, "SELECT date, tags, notes FROM days ORDER BY date")
    upgrade(db_url)
    assert _rows(db_url, "SELECT date, tags, notes FROM days ORDER BY date") == before


# --------------------------------------------------------------------------- 0009: sleep can be "not logged"


def _night_triggers(url: str) -> list[tuple]:
    """The triggers on nights and cramps (clinic week summaries, 0004), with their definitions."""
    if url.startswith("sqlite"):
        return _rows(url, "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
                          "AND tbl_name IN ('nights', 'cramps') ORDER BY name")
    return _rows(url, "SELECT tgname, pg_get_triggerdef(oid) FROM pg_trigger "
                      "WHERE tgrelid IN ('nights'::regclass, 'cramps'::regclass) AND NOT tgisinternal ORDER BY tgname")


def _sleep_nullable(url: str) -> bool:
    engine = make_engine(url)
    try:
        return next(c for c in inspect(engine).get_columns("nights") if c["name"] == "sleep_disturbed")["nullable"]
    finally:
        engine.dispose()


def test_0009_lets_sleep_be_not_logged_keeps_old_answers_and_the_triggers(db_url: str) -> None:
    """Old ``true``/``false`` stay as they are (a stored false cannot be told from "not logged"); a
    night can then store NULL; the cramps of a night and the clinic triggers survive SQLite's table
    rebuild; going down turns "not logged" into the old schema's ``false``."""
    upgrade(db_url, "0008")
    engine = make_engine(db_url)
    with engine.begin() as conn:
        for date, disturbed in (("2026-11-20", True), ("2026-11-21", False)):
            conn.execute(text("INSERT INTO nights (owner, date, sleep_disturbed, notes) VALUES ('local', :date, :s, '')"),
                         {"date": date, "s": disturbed})
        night_id = conn.execute(text("SELECT id FROM nights WHERE date = '2026-11-20'")).scalar_one()
        conn.execute(text("INSERT INTO cramps (owner, night_id, position, start, duration_s, leg, muscles, "
                          "severity, signs, helped) VALUES ('local', :night, 0, '03:10:00', 90, 'left', "
                          "'[\"calf\"]', 6, '[]', '[]')"), {"night": night_id})
    engine.dispose()
    triggers = _night_triggers(db_url)
    summaries = "SELECT owner, week_start, nights_logged, cramp_nights, cramps FROM clinic_week_summaries ORDER BY 1, 2"
    before = _rows(db_url, summaries)
    assert not _sleep_nullable(db_url)

    upgrade(db_url, "0009")
    assert current_revision(db_url) == "0009"
    assert _sleep_nullable(db_url)
    nights = "SELECT date, sleep_disturbed FROM nights ORDER BY date"
    assert [(str(d), bool(s)) for d, s in _rows(db_url, nights)] == [("2026-11-20", True), ("2026-11-21", False)]
    assert _rows(db_url, "SELECT night_id, severity FROM cramps") == [(night_id, 6)]
    assert _night_triggers(db_url) == triggers
    assert _rows(db_url, summaries) == before
    engine = make_engine(db_url)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO nights (owner, date, sleep_disturbed, notes) "
                          "VALUES ('local', '2026-11-22', NULL, '')"))
    engine.dispose()
    assert _rows(db_url, "SELECT sleep_disturbed FROM nights WHERE date = '2026-11-22'") == [(None,)]
    after_insert = _rows(db_url, summaries)
    assert sum(row[2] for row in after_insert) == sum(row[2] for row in before) + 1  # the triggers still run

    downgrade(db_url, "0008")
    assert not _sleep_nullable(db_url)
    assert [(str(d), bool(s)) for d, s in _rows(db_url, nights)] == [
        ("2026-11-20", True), ("2026-11-21", False), ("2026-11-22", False)]
    assert _rows(db_url, "SELECT night_id, severity FROM cramps") == [(night_id, 6)]
    assert _night_triggers(db_url) == triggers
    assert _rows(db_url, summaries) == after_insert


# --------------------------------------------------------------------------- 0010: flash messages; former clinicians


def test_0010_ends_the_shares_of_roles_revoked_before_and_adds_flash_messages(db_url: str) -> None:
    """An older `users revoke` deleted the role and left the shares active: given the role again, the
    account saw its former patients again. 0010 ends them, in each patient's log."""
    upgrade(db_url, "0009")
    engine = make_engine(db_url)
    now = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    with engine.begin() as conn:
        for uid, email in ((1, "pat@example.org"), (2, "former@clinic.example"), (3, "doc@clinic.example")):
            conn.execute(text("INSERT INTO users (id, email, password_hash, owner_id, created_at) "
                              "VALUES (:id, :email, 'x', :owner, :now)"), {"id": uid, "email": email,
                                                                           "owner": f"u-{uid}", "now": now})
        conn.execute(text("INSERT INTO clinic_user_roles (user_id, role, granted_at) VALUES (3, 'clinician', :now)"),
                     {"now": now})
        for sid, clinician, status in ((1, 2, "active"), (2, 2, "pending"), (3, 3, "active"), (4, None, "pending")):
            conn.execute(text(
                "INSERT INTO clinic_shares (id, patient_id, clinician_id, share_diary, share_assessments, share_reports, "
                "status, created_at) VALUES (:id, 1, :clinician, true, true, true, :status, :now)"),
                {"id": sid, "clinician": clinician, "status": status, "now": now})
        if conn.dialect.name == "postgresql":  # as the rows' own inserts would have left the sequence
            conn.execute(text("SELECT setval(pg_get_serial_sequence('clinic_shares', 'id'), 4)"))
    engine.dispose()

    upgrade(db_url, "0010")
    assert _rows(db_url, "SELECT id, status FROM clinic_shares ORDER BY id") == [
        (1, "revoked"), (2, "revoked"), (3, "active"), (4, "pending")]
    assert _rows(db_url, "SELECT patient_id, clinician_email, share_id, what FROM clinic_audit_log") == [
        (1, "former@clinic.example", 1, "role_revoked")]
    assert _rows(db_url, "SELECT count(*) FROM flash_messages") == [(0,)]
    # A share's id is never given again (SQLite reused the highest once its row was gone): a clinician's
    # link to one patient must not open the next one. The audit log's trigger still guards inserts.
    engine = make_engine(db_url)
    try:
        with engine.begin() as conn:
            conn.execute(text("DELETE FROM clinic_shares WHERE id = 4"))
            conn.execute(text(
                "INSERT INTO clinic_shares (patient_id, clinician_id, share_diary, share_assessments, share_reports, "
                "status, created_at) VALUES (1, 3, true, true, true, 'pending', :now)"), {"now": now})
        with pytest.raises(Exception, match="only a read through an active share"), engine.begin() as conn:
            conn.execute(text("INSERT INTO clinic_audit_log (patient_id, clinician_id, clinician_email, share_id, what, "
                              "at) VALUES (1, 2, 'former@clinic.example', 1, 'diary', :now)"), {"now": now})
    finally:
        engine.dispose()
    assert _rows(db_url, "SELECT max(id) FROM clinic_shares") == [(5,)]
    downgrade(db_url, "0009")
    engine = make_engine(db_url)
    try:
        assert "flash_messages" not in inspect(engine).get_table_names()
    finally:
        engine.dispose()
    upgrade(db_url)
    assert current_revision(db_url) == head_revision()


# --------------------------------------------------------------------------- 0011: open warning questions


def _insert_assessment(url: str, result: dict) -> None:
    import json

    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO assessments (owner, created_at, answers, result) "
                              "VALUES ('local', :now, '{}', :result)"),
                         {"now": dt.datetime(2026, 12, 1, tzinfo=dt.UTC), "result": json.dumps(result)})
    finally:
        engine.dispose()


def test_0011_counts_the_assessments_own_open_warning_questions(db_url: str) -> None:
    """Every first-page warning question answered "no", the cramp's length and stretching left open: not
    complete (the prolonged cramp is not ruled out), so two open questions, not 0 (0004 counted only the
    first page's). A result stored without the list (an older version) keeps the old count."""
    from crampcare.assess import assess
    from crampcare.assess.interview import drop_hidden
    from crampcare.knowledge import load_knowledge

    no_to_all = {q: False for q in assess({}).warning_signs_asked}
    # A man who takes no medicines: neither "Are you pregnant?" nor quinine's side effects is left open.
    unfinished = assess(drop_hidden(load_knowledge(), {"age": 40, "sex": "male", "weight_kg": 70, "medicines": ["none"],
                                                       **no_to_all})).model_dump(mode="json")
    assert unfinished["unanswered_warning_questions"] == ["duration_minutes", "eased_by_stretching"]
    assert None not in unfinished["warning_signs_asked"].values()
    older = {"urgency": "doctor", "warning_signs_asked": {"seizure_signs": None, "stroke_signs": False}}
    counts = "SELECT warning_questions_open FROM clinic_assessment_summaries ORDER BY assessment_id"
    upgrade(db_url, "0010")
    _insert_assessment(db_url, unfinished)
    _insert_assessment(db_url, older)
    assert _rows(db_url, counts) == [(0,), (1,)]  # the defect

    upgrade(db_url, "0011")
    assert current_revision(db_url) == "0011"
    assert _rows(db_url, counts) == [(2,), (1,)]  # recomputed
    _insert_assessment(db_url, unfinished)
    assert _rows(db_url, counts) == [(2,), (1,), (2,)]  # and the trigger counts so from now on

    downgrade(db_url, "0010")
    assert _rows(db_url, counts) == [(0,), (1,), (0,)]
    _insert_assessment(db_url, unfinished)
    assert _rows(db_url, counts) == [(0,), (1,), (0,), (0,)]
    upgrade(db_url)
    assert _rows(db_url, counts) == [(2,), (1,), (2,), (2,)]


# --------------------------------------------------------------------------- 0012: token and assessment ids


def _reused_ids(url: str, user: int = 2) -> tuple[int, int]:
    """Delete the newest API token and assessment, add one of each for ``user``: the ids they got."""
    import secrets

    now = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(text("DELETE FROM api_tokens WHERE id = (SELECT max(id) FROM api_tokens)"))
            conn.execute(text("DELETE FROM assessments WHERE id = (SELECT max(id) FROM assessments)"))
            token = conn.execute(text("INSERT INTO api_tokens (token_hash, user_id, name, created_at) "
                                      "VALUES (:hash, :user, 'new', :now) RETURNING id"),
                                 {"hash": secrets.token_hex(8), "user": user, "now": now}).scalar_one()
            assessment = conn.execute(text("INSERT INTO assessments (owner, user_id, created_at, answers, result) "
                                           "VALUES (:owner, :user, :now, '{}', '{\"urgency\": \"doctor\"}') RETURNING id"),
                                      {"owner": f"u-{user}", "user": user, "now": now}).scalar_one()
    finally:
        engine.dispose()
    return token, assessment


def test_0012_never_gives_a_deleted_tokens_or_assessments_id_again(db_url: str) -> None:
    """Ann's token 2 revoked, then Bob's new token got id 2 on SQLite (and an assessment deleted, the next
    one saved got its id): a page or log naming the old one then named another person's. 0012 rebuilds
    both tables with AUTOINCREMENT; rows, indexes and the summary trigger stay as they were."""
    upgrade(db_url, "0011")
    engine = make_engine(db_url)
    now = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    with engine.begin() as conn:
        for uid, email in ((1, "ann@example.org"), (2, "bob@example.org")):
            conn.execute(text("INSERT INTO users (id, email, password_hash, owner_id, created_at) "
                              "VALUES (:id, :email, 'x', :owner, :now)"), {"id": uid, "email": email,
                                                                           "owner": f"u-{uid}", "now": now})
        for tid in (1, 2):
            conn.execute(text("INSERT INTO api_tokens (token_hash, user_id, name, created_at) "
                              "VALUES (:hash, 1, 'ann', :now)"), {"hash": f"ann-{tid}", "now": now})
        for _ in range(3):
            conn.execute(text("INSERT INTO assessments (owner, user_id, created_at, answers, result) "
                              "VALUES ('u-1', 1, :now, '{}', '{\"urgency\": \"urgent\"}')"), {"now": now})
    engine.dispose()
    sqlite = db_url.startswith("sqlite")
    assert _reused_ids(db_url) == ((2, 3) if sqlite else (3, 4))  # the defect, on SQLite only

    upgrade(db_url, "0012")
    assert current_revision(db_url) == "0012"
    assert _reused_ids(db_url) == ((3, 4) if sqlite else (4, 5))  # never again
    assert _rows(db_url, "SELECT id, user_id, name FROM api_tokens ORDER BY id") == [(1, 1, "ann"), (3 if sqlite else 4, 2, "new")]
    assert _rows(db_url, "SELECT assessment_id, owner, urgency FROM clinic_assessment_summaries ORDER BY 1") == [
        (1, "u-1", "urgent"), (2, "u-1", "urgent"), ((4 if sqlite else 5), "u-2", "doctor")]  # the trigger, as before
    engine = make_engine(db_url)
    try:
        indexes = {table: {i["name"] for i in inspect(engine).get_indexes(table) if i["name"].startswith("ix_")}
                   for table in ("api_tokens", "assessments")}
        unique = [c["column_names"] for c in inspect(engine).get_unique_constraints("api_tokens")]
        with engine.begin() as conn:  # a user deleted takes their tokens and assessments along (the foreign keys)
            conn.execute(text("DELETE FROM users WHERE id = 2"))
    finally:
        engine.dispose()
    assert indexes == {"api_tokens": {"ix_api_tokens_user_id"},
                       "assessments": {"ix_assessments_owner", "ix_assessments_user_id"}}
    assert unique == [["token_hash"]]
    assert _rows(db_url, "SELECT count(*) FROM api_tokens WHERE user_id = 2") == [(0,)]
    assert _rows(db_url, "SELECT count(*) FROM clinic_assessment_summaries WHERE owner = 'u-2'") == [(0,)]

    downgrade(db_url, "0011")
    assert current_revision(db_url) == "0011"
    assert _rows(db_url, "SELECT id FROM api_tokens ORDER BY id") == [(1,)]
    assert _reused_ids(db_url, user=1) == ((4, 5) if sqlite else (5, 6))  # the rebuilt tables stay
    upgrade(db_url)
    assert current_revision(db_url) == head_revision()


def test_0013_never_gives_an_undone_changes_id_again(db_url: str) -> None:
    """An undo names its change (X-Change-Id, the web's Undo, ``--change``). On SQLite the change after an
    undo got the undone one's id, so an Undo still offered for it would take back another device's change.
    0013 rebuilds change_log with AUTOINCREMENT; its rows and index stay."""
    upgrade(db_url, "0012")
    now = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    engine = make_engine(db_url)

    def next_after_undo() -> int:
        with engine.begin() as conn:
            conn.execute(text("DELETE FROM change_log WHERE id = (SELECT max(id) FROM change_log)"))  # an undo
            return int(conn.execute(text(
                "INSERT INTO change_log (owner, at, action, kind, date, previous) "
                "VALUES ('local', :now, 'add', 'night', '2026-11-30', '[]') RETURNING id"), {"now": now}).scalar_one())

    try:
        with engine.begin() as conn:
            for _ in range(3):
                conn.execute(text("INSERT INTO change_log (owner, at, action, kind, date, previous) "
                                  "VALUES ('local', :now, 'add', 'night', '2026-11-30', '[]')"), {"now": now})
        sqlite = db_url.startswith("sqlite")
        assert next_after_undo() == (3 if sqlite else 4)  # the defect, on SQLite only
        engine.dispose()
        upgrade(db_url, "0013")
        assert next_after_undo() == (4 if sqlite else 5)  # never again
        assert _rows(db_url, "SELECT id FROM change_log ORDER BY id") == [(1,), (2,), (4,) if sqlite else (5,)]
        assert "ix_change_log_owner" in {i["name"] for i in inspect(engine).get_indexes("change_log")}
    finally:
        engine.dispose()
