"""Clinics: roles, sharing, the append-only audit log, cohort consent, and summary rows kept up
to date by triggers (per owner and week; per assessment) for the dashboard and cohort figures.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from crampcare.db.base import JsonType

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# --------------------------------------------------------------------------- PostgreSQL

# Recompute the touched (owner, week) rows from the diary itself, so every kind of write (one
# night, a bulk import, an undo, an account deletion) leaves exactly the right summary behind.
# ``{touched}`` is a query of distinct (owner, week_start) pairs over a transition table.
_PG_REFRESH = """
    DELETE FROM clinic_week_summaries s USING ({touched}) AS t
     WHERE s.owner = t.owner AND s.week_start = t.week_start;
    INSERT INTO clinic_week_summaries (owner, week_start, nights_logged, cramp_nights, cramps)
    SELECT n.owner, t.week_start, count(*), count(*) FILTER (WHERE k.cramps > 0), coalesce(sum(k.cramps), 0)
      FROM ({touched}) AS t
      JOIN nights n ON n.owner = t.owner AND n.date >= t.week_start AND n.date < t.week_start + 7
     CROSS JOIN LATERAL (SELECT count(*) AS cramps FROM cramps c WHERE c.night_id = n.id) k
     GROUP BY n.owner, t.week_start;"""

_NIGHT_WEEKS = "SELECT DISTINCT owner, date_trunc('week', date)::date AS week_start FROM {rows}"
# A cramp whose night is already gone (a cascade) needs nothing: the night's own trigger did it.
_CRAMP_WEEKS = ("SELECT DISTINCT n.owner, date_trunc('week', n.date)::date AS week_start "
                "FROM {rows} c JOIN nights n ON n.id = c.night_id")


def _pg_changed(name: str, weeks: str) -> str:
    """A statement-level trigger function (transition tables: a bulk write refreshes each week once)."""
    both = f"{weeks.format(rows='old_rows')} UNION {weeks.format(rows='new_rows')}"
    return f"""
CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN {_PG_REFRESH.format(touched=weeks.format(rows='new_rows'))}
  ELSIF TG_OP = 'DELETE' THEN {_PG_REFRESH.format(touched=weeks.format(rows='old_rows'))}
  ELSE {_PG_REFRESH.format(touched=both)}
  END IF;
  RETURN NULL;
END $$;
"""


PG_NIGHTS_CHANGED = _pg_changed("clinic_nights_changed", _NIGHT_WEEKS)
PG_CRAMPS_CHANGED = _pg_changed("clinic_cramps_changed", _CRAMP_WEEKS)

PG_ASSESSMENT_COLUMNS = """
  {a}.id, {a}.owner, {a}.created_at, {a}.result->>'urgency',
  CASE {a}.result->>'urgency' WHEN 'emergency' THEN 3 WHEN 'urgent' THEN 2 WHEN 'doctor' THEN 1
                              WHEN 'self_care' THEN 0 END,
  CASE jsonb_typeof({a}.result->'warning_signs') WHEN 'array' THEN jsonb_array_length({a}.result->'warning_signs')
       ELSE 0 END,
  CASE jsonb_typeof({a}.result->'warning_signs_asked') WHEN 'object' THEN
       (SELECT count(*) FROM jsonb_each({a}.result->'warning_signs_asked') e WHERE e.value = 'null'::jsonb)
       ELSE 0 END,
  CASE jsonb_typeof({a}.result->'factors') WHEN 'array' THEN
       coalesce((SELECT jsonb_agg(f->>'id') FROM jsonb_array_elements({a}.result->'factors') f), '[]'::jsonb)
       ELSE '[]'::jsonb END
"""
SUMMARY_COLUMNS = ("(assessment_id, owner, created_at, urgency, urgency_rank, warning_signs_found, "
                   "warning_questions_open, factors)")

PG_ASSESSMENT_SAVED = f"""
CREATE FUNCTION clinic_assessment_saved() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO clinic_assessment_summaries {SUMMARY_COLUMNS}
  SELECT {PG_ASSESSMENT_COLUMNS.format(a="a")} FROM new_rows a;
  RETURN NULL;
END $$;
"""

# The audit log takes only inserts that an active share allows; no update, no delete (except the
# cascade from deleting the patient's account, when the patient's row is already gone), no truncate.
# Inserts and deletes are checked once per statement (a dashboard writes hundreds of rows at once).
PG_AUDIT_GUARD = """
CREATE FUNCTION clinic_audit_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    IF EXISTS (SELECT 1 FROM new_rows r WHERE NOT EXISTS (
                 SELECT 1 FROM clinic_shares s WHERE s.id = r.share_id AND s.patient_id = r.patient_id
                    AND s.clinician_id = r.clinician_id AND s.status = 'active')) THEN
      RAISE EXCEPTION 'clinic_audit_log: only a read through an active share is recorded';
    END IF;
    RETURN NULL;
  ELSIF TG_OP = 'DELETE' THEN
    IF EXISTS (SELECT 1 FROM old_rows r JOIN users u ON u.id = r.patient_id) THEN
      RAISE EXCEPTION 'clinic_audit_log is append-only';
    END IF;
    RETURN NULL;
  END IF;
  RAISE EXCEPTION 'clinic_audit_log is append-only';
END $$;
"""

PG_USER_DELETED = """
CREATE FUNCTION clinic_user_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM clinic_audit_log WHERE patient_id IN (SELECT id FROM old_rows);
  RETURN NULL;
END $$;
"""

PG_TRIGGERS = [
    "CREATE TRIGGER clinic_user_deleted AFTER DELETE ON users REFERENCING OLD TABLE AS old_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION clinic_user_deleted()",
    "CREATE TRIGGER clinic_nights_inserted AFTER INSERT ON nights REFERENCING NEW TABLE AS new_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION clinic_nights_changed()",
    "CREATE TRIGGER clinic_nights_updated AFTER UPDATE ON nights REFERENCING OLD TABLE AS old_rows "
    "NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION clinic_nights_changed()",
    "CREATE TRIGGER clinic_nights_deleted AFTER DELETE ON nights REFERENCING OLD TABLE AS old_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION clinic_nights_changed()",
    "CREATE TRIGGER clinic_cramps_inserted AFTER INSERT ON cramps REFERENCING NEW TABLE AS new_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION clinic_cramps_changed()",
    "CREATE TRIGGER clinic_cramps_updated AFTER UPDATE ON cramps REFERENCING OLD TABLE AS old_rows "
    "NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION clinic_cramps_changed()",
    "CREATE TRIGGER clinic_cramps_deleted AFTER DELETE ON cramps REFERENCING OLD TABLE AS old_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION clinic_cramps_changed()",
    "CREATE TRIGGER clinic_assessment_saved AFTER INSERT ON assessments REFERENCING NEW TABLE AS new_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION clinic_assessment_saved()",
    "CREATE TRIGGER clinic_audit_inserted AFTER INSERT ON clinic_audit_log REFERENCING NEW TABLE AS new_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION clinic_audit_guard()",
    "CREATE TRIGGER clinic_audit_deleted AFTER DELETE ON clinic_audit_log REFERENCING OLD TABLE AS old_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION clinic_audit_guard()",
    "CREATE TRIGGER clinic_audit_no_update BEFORE UPDATE ON clinic_audit_log "
    "FOR EACH ROW EXECUTE FUNCTION clinic_audit_guard()",
    "CREATE TRIGGER clinic_audit_no_truncate BEFORE TRUNCATE ON clinic_audit_log "
    "FOR EACH STATEMENT EXECUTE FUNCTION clinic_audit_guard()",
]

PG_BACKFILL = [
    _PG_REFRESH.format(touched=_NIGHT_WEEKS.format(rows="nights")).split(";")[1],
    f"INSERT INTO clinic_assessment_summaries {SUMMARY_COLUMNS} "
    f"SELECT {PG_ASSESSMENT_COLUMNS.format(a='a')} FROM assessments a",
]

# --------------------------------------------------------------------------- SQLite

_WEEK = "date({date}, 'weekday 0', '-6 days')"  # the Monday of the week holding {date}
_SQLITE_REFRESH = f"""
  DELETE FROM clinic_week_summaries WHERE owner = {{owner}} AND week_start = {_WEEK};
  INSERT INTO clinic_week_summaries (owner, week_start, nights_logged, cramp_nights, cramps)
  SELECT owner, {_WEEK}, count(*), sum(cramps > 0), sum(cramps) FROM (
    SELECT n.owner AS owner, (SELECT count(*) FROM cramps c WHERE c.night_id = n.id) AS cramps FROM nights n
     WHERE n.owner = {{owner}} AND n.date >= {_WEEK} AND n.date < date({_WEEK}, '+7 days')
  ) GROUP BY owner;
"""


def _sqlite_refresh(row: str, via_night: bool) -> str:
    if via_night:
        owner = f"(SELECT owner FROM nights WHERE id = {row}.night_id)"
        date = f"(SELECT date FROM nights WHERE id = {row}.night_id)"
    else:
        owner, date = f"{row}.owner", f"{row}.date"
    return _SQLITE_REFRESH.format(owner=owner, date=date)


def _sqlite_week_triggers() -> list[str]:
    statements = []
    for table, via_night in (("nights", False), ("cramps", True)):
        statements.append(f"CREATE TRIGGER clinic_{table}_inserted AFTER INSERT ON {table} BEGIN"
                          f"{_sqlite_refresh('NEW', via_night)}END")
        statements.append(f"CREATE TRIGGER clinic_{table}_deleted AFTER DELETE ON {table} BEGIN"
                          f"{_sqlite_refresh('OLD', via_night)}END")
        statements.append(f"CREATE TRIGGER clinic_{table}_updated AFTER UPDATE ON {table} BEGIN"
                          f"{_sqlite_refresh('OLD', via_night)}{_sqlite_refresh('NEW', via_night)}END")
    return statements


SQLITE_ASSESSMENT_COLUMNS = """
  {a}.id, {a}.owner, {a}.created_at, json_extract({a}.result, '$.urgency'),
  CASE json_extract({a}.result, '$.urgency') WHEN 'emergency' THEN 3 WHEN 'urgent' THEN 2 WHEN 'doctor' THEN 1
                                             WHEN 'self_care' THEN 0 END,
  CASE json_type({a}.result, '$.warning_signs') WHEN 'array' THEN json_array_length({a}.result, '$.warning_signs')
       ELSE 0 END,
  CASE json_type({a}.result, '$.warning_signs_asked') WHEN 'object' THEN
       (SELECT count(*) FROM json_each({a}.result, '$.warning_signs_asked') WHERE type = 'null') ELSE 0 END,
  CASE json_type({a}.result, '$.factors') WHEN 'array' THEN
       (SELECT json_group_array(json_extract(value, '$.id')) FROM json_each({a}.result, '$.factors'))
       ELSE '[]' END
"""

SQLITE_TRIGGERS = [
    *_sqlite_week_triggers(),
    f"CREATE TRIGGER clinic_assessment_saved AFTER INSERT ON assessments BEGIN "
    f"INSERT INTO clinic_assessment_summaries {SUMMARY_COLUMNS} "
    f"SELECT {SQLITE_ASSESSMENT_COLUMNS.format(a='NEW')}; END",
    "CREATE TRIGGER clinic_audit_insert BEFORE INSERT ON clinic_audit_log WHEN NOT EXISTS ("
    "SELECT 1 FROM clinic_shares s WHERE s.id = NEW.share_id AND s.patient_id = NEW.patient_id "
    "AND s.clinician_id = NEW.clinician_id AND s.status = 'active') "
    "BEGIN SELECT RAISE(ABORT, 'clinic_audit_log: only a read through an active share is recorded'); END",
    "CREATE TRIGGER clinic_audit_no_update BEFORE UPDATE ON clinic_audit_log "
    "BEGIN SELECT RAISE(ABORT, 'clinic_audit_log is append-only'); END",
    "CREATE TRIGGER clinic_user_deleted AFTER DELETE ON users "
    "BEGIN DELETE FROM clinic_audit_log WHERE patient_id = OLD.id; END",
    "CREATE TRIGGER clinic_audit_no_delete BEFORE DELETE ON clinic_audit_log "
    "WHEN EXISTS (SELECT 1 FROM users u WHERE u.id = OLD.patient_id) "
    "BEGIN SELECT RAISE(ABORT, 'clinic_audit_log is append-only'); END",
]

SQLITE_BACKFILL = [
    "INSERT INTO clinic_week_summaries (owner, week_start, nights_logged, cramp_nights, cramps) "
    "SELECT owner, week_start, count(*), sum(cramps > 0), sum(cramps) FROM ("
    "SELECT n.owner AS owner, date(n.date, 'weekday 0', '-6 days') AS week_start, "
    "(SELECT count(*) FROM cramps c WHERE c.night_id = n.id) AS cramps FROM nights n) GROUP BY owner, week_start",
    f"INSERT INTO clinic_assessment_summaries {SUMMARY_COLUMNS} "
    f"SELECT {SQLITE_ASSESSMENT_COLUMNS.format(a='a')} FROM assessments a",
]

TRIGGERS = {
    "postgresql": [("clinic_nights_inserted", "nights"), ("clinic_nights_updated", "nights"),
                   ("clinic_nights_deleted", "nights"), ("clinic_cramps_inserted", "cramps"),
                   ("clinic_cramps_updated", "cramps"), ("clinic_cramps_deleted", "cramps"),
                   ("clinic_assessment_saved", "assessments"), ("clinic_user_deleted", "users")],
}
PG_FUNCTIONS = ["clinic_user_deleted", "clinic_nights_changed", "clinic_cramps_changed", "clinic_assessment_saved", "clinic_audit_guard"]


def _users_fk(name: str) -> sa.ForeignKey:
    return sa.ForeignKey("users.id", ondelete="CASCADE", name=name)


def upgrade() -> None:
    op.create_table(
        "clinic_user_roles",
        sa.Column("user_id", sa.Integer(), _users_fk("fk_clinic_user_roles_user_id"), primary_key=True),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("granted_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "clinic_shares",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("patient_id", sa.Integer(), _users_fk("fk_clinic_shares_patient_id"), nullable=False),
        sa.Column("clinician_id", sa.Integer(), _users_fk("fk_clinic_shares_clinician_id"), nullable=True),
        sa.Column("code_hash", sa.String(64), nullable=True, unique=True),
        sa.Column("code_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("share_diary", sa.Boolean(), nullable=False),
        sa.Column("share_assessments", sa.Boolean(), nullable=False),
        sa.Column("share_reports", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_clinic_shares_patient_id", "clinic_shares", ["patient_id"])
    op.create_index("ix_clinic_shares_clinician_status", "clinic_shares", ["clinician_id", "status"])
    op.create_index("uq_clinic_shares_active_pair", "clinic_shares", ["patient_id", "clinician_id"], unique=True,
                    postgresql_where=sa.text("status = 'active'"), sqlite_where=sa.text("status = 'active'"))
    op.create_table(
        "clinic_audit_log",
        sa.Column("id", sa.Integer(), primary_key=True),
        # No foreign key: a check per inserted row would double the cost of a dashboard's audit
        # rows; the insert trigger already requires an active share, and a trigger on users
        # removes the rows with the account.
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("clinician_id", sa.Integer(), nullable=False),
        sa.Column("clinician_email", sa.String(320), nullable=False),
        sa.Column("share_id", sa.Integer(), nullable=False),
        sa.Column("what", sa.String(40), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_clinic_audit_log_patient_at", "clinic_audit_log", ["patient_id", "at"])
    op.create_table(
        "clinic_cohort_consents",
        sa.Column("user_id", sa.Integer(), _users_fk("fk_clinic_cohort_consents_user_id"), primary_key=True),
        sa.Column("consented_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "clinic_week_summaries",
        sa.Column("owner", sa.String(200), nullable=False),
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.Column("nights_logged", sa.Integer(), nullable=False),
        sa.Column("cramp_nights", sa.Integer(), nullable=False),
        sa.Column("cramps", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("owner", "week_start", name="pk_clinic_week_summaries"),
    )
    op.create_index("ix_clinic_week_summaries_week_owner", "clinic_week_summaries", ["week_start", "owner"])
    op.create_table(
        "clinic_assessment_summaries",
        sa.Column("assessment_id", sa.Integer(),
                  sa.ForeignKey("assessments.id", ondelete="CASCADE", name="fk_clinic_assessment_summaries_id"),
                  primary_key=True),
        sa.Column("owner", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("urgency", sa.String(20), nullable=True),
        sa.Column("urgency_rank", sa.SmallInteger(), nullable=True),
        sa.Column("warning_signs_found", sa.Integer(), nullable=False),
        sa.Column("warning_questions_open", sa.Integer(), nullable=False),
        sa.Column("factors", JsonType, nullable=False),
    )
    op.create_index("ix_clinic_assessment_summaries_owner_created", "clinic_assessment_summaries",
                    ["owner", "created_at"])
    if op.get_bind().dialect.name == "postgresql":
        for statement in [PG_USER_DELETED, PG_NIGHTS_CHANGED, PG_CRAMPS_CHANGED, PG_ASSESSMENT_SAVED, PG_AUDIT_GUARD,
                          *PG_TRIGGERS, *PG_BACKFILL]:
            op.execute(statement)
    else:
        for statement in [*SQLITE_TRIGGERS, *SQLITE_BACKFILL]:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for trigger, table in TRIGGERS["postgresql"]:
            op.execute(f"DROP TRIGGER IF EXISTS {trigger} ON {table}")
    else:
        for statement in SQLITE_TRIGGERS:
            name = statement.split()[2]
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    for table in ("clinic_assessment_summaries", "clinic_week_summaries", "clinic_cohort_consents",
                  "clinic_audit_log", "clinic_shares", "clinic_user_roles"):
        op.drop_table(table)
    if op.get_bind().dialect.name == "postgresql":
        for function in PG_FUNCTIONS:
            op.execute(f"DROP FUNCTION IF EXISTS {function}()")
