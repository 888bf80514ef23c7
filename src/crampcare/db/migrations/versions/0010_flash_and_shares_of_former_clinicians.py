"""One-time messages a page shows once after a form's redirect (``flash_messages``); the shares of
former clinicians ended.

Pages used to read what to say after a form ("Imported 3 nights", "Deleted 2027-03-01", "You are
logged out") from the redirect's query string (``/diary?done=imported&counts=csv.3.0.0.0.0.0``), so
anyone could make a page say anything of that kind with a link, an Undo button included. Now the
POST leaves a row here, keyed by the hash of a random token kept in a cookie of that browser, and
the page it redirects to takes it once.

``crampcare users revoke`` used to delete the role and leave every share with that account active:
its pages answered 404, but the shares came back to life if the role was given again (and the
patients' sharing pages kept saying the person had access). Revoking now ends them (see
``clinic.roles.revoke_role``); this migration does the same for accounts revoked before: each share
still active or waiting with an account that has no clinician or admin role ends, recorded in the
patient's log (while still active, as the log's trigger requires). The downgrade leaves them ended.

On SQLite a share's id could be given again once its row was gone (a patient who deleted their
account takes their shares along; SQLite reuses the highest rowid): a clinician's open tab or
bookmark of ``/clinic/patients/7`` then showed the next patient to share, at the same address. The
table is rebuilt with ``AUTOINCREMENT`` (ids never reused; the counter starts above every id the
table or the audit log has seen); its indexes and the audit log's trigger that reads it are
dropped first and created again exactly as they were. PostgreSQL's sequences never reuse an id.
The downgrade keeps the rebuilt table (the older version reads it the same).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "flash_messages",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("user_id", sa.Integer(),
                  sa.ForeignKey("users.id", ondelete="CASCADE", name="fk_flash_messages_user_id"), nullable=True),
        sa.Column("page", sa.String(100), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("params", sa.JSON().with_variant(JSONB(), "postgresql"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_flash_messages_user_id", "flash_messages", ["user_id"])
    op.create_index("ix_flash_messages_created_at", "flash_messages", ["created_at"])
    _end_shares_of_former_clinicians()
    if op.get_bind().dialect.name == "sqlite":
        _share_ids_never_reused_on_sqlite()


# Shares whose clinician has no role any more (the role revoked by an older version).
_FORMER = ("s.clinician_id IS NOT NULL AND s.status IN ('pending', 'active') "
           "AND NOT EXISTS (SELECT 1 FROM clinic_user_roles r WHERE r.user_id = s.clinician_id)")


def _end_shares_of_former_clinicians() -> None:
    bind = op.get_bind()
    moment = dt.datetime.now(dt.UTC)
    bind.execute(sa.text(
        "INSERT INTO clinic_audit_log (patient_id, clinician_id, clinician_email, share_id, what, at) "
        "SELECT s.patient_id, s.clinician_id, u.email, s.id, 'role_revoked', :now FROM clinic_shares s "
        f"JOIN users u ON u.id = s.clinician_id WHERE s.status = 'active' AND {_FORMER}"
    ).bindparams(sa.bindparam("now", moment, type_=sa.DateTime(timezone=True))))
    bind.execute(sa.text(
        f"UPDATE clinic_shares SET status = 'revoked', revoked_at = :now, code_hash = NULL WHERE id IN "
        f"(SELECT s.id FROM clinic_shares s WHERE {_FORMER})"
    ).bindparams(sa.bindparam("now", moment, type_=sa.DateTime(timezone=True))))


def _share_ids_never_reused_on_sqlite() -> None:
    # Above every id used before, including those of shares already gone (their reads are in the log).
    ids_never_reused_on_sqlite("clinic_shares", "SELECT max(share_id) FROM clinic_audit_log")


def ids_never_reused_on_sqlite(table: str, used_elsewhere: str | None = None) -> None:
    """Rebuild the SQLite ``table`` (``id INTEGER`` primary key, as 0001-0004 create them) with
    ``AUTOINCREMENT``, its rows, indexes and the triggers that name it kept as they were; the counter
    starts above its highest id and above ``used_elsewhere`` (a query for the highest id other tables
    remember). Nothing to do when the table already has it (also used by 0012)."""
    bind = op.get_bind()
    sql = bind.execute(sa.text("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = :name"),
                       {"name": table}).scalar_one()
    if "AUTOINCREMENT" in sql:
        return
    # "id INTEGER NOT NULL, ..., PRIMARY KEY (id), ...": AUTOINCREMENT is a column constraint. The table's
    # name may be quoted (a batch rebuild of an earlier migration leaves it so).
    head = re.match(rf'CREATE TABLE ("?){table}\1 \(\s*id INTEGER NOT NULL, ', sql)
    assert head is not None and "PRIMARY KEY (id), " in sql, sql
    rebuilt_name = f"{table}_rebuilt"
    rebuilt = (f"CREATE TABLE {rebuilt_name} (id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, "
               + sql[head.end():].replace("PRIMARY KEY (id), ", "", 1))
    indexes = bind.execute(sa.text("SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = :name "
                                   "AND sql IS NOT NULL ORDER BY name"), {"name": table}).scalars().all()
    triggers = bind.execute(sa.text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
                                    "AND sql LIKE :like ORDER BY name"), {"like": f"%{table}%"}).all()
    for name, _sql in triggers:
        bind.exec_driver_sql(f'DROP TRIGGER "{name}"')
    bind.exec_driver_sql(rebuilt)
    bind.exec_driver_sql(f"INSERT INTO {rebuilt_name} SELECT * FROM {table}")
    elsewhere = f"coalesce(({used_elsewhere}), 0)" if used_elsewhere else "0"
    highest = bind.execute(sa.text(f"SELECT max(coalesce((SELECT max(id) FROM {table}), 0), {elsewhere})")).scalar_one()
    bind.execute(sa.text("DELETE FROM sqlite_sequence WHERE name = :name"), {"name": rebuilt_name})
    bind.execute(sa.text("INSERT INTO sqlite_sequence (name, seq) VALUES (:name, :seq)"),
                 {"name": rebuilt_name, "seq": highest})
    bind.exec_driver_sql(f"DROP TABLE {table}")
    bind.exec_driver_sql(f"ALTER TABLE {rebuilt_name} RENAME TO {table}")
    for statement in [*indexes, *(sql for _name, sql in triggers)]:
        bind.exec_driver_sql(statement)


def downgrade() -> None:
    op.drop_table("flash_messages")
