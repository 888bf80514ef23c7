"""Diary rows reference their user (ON DELETE CASCADE); idempotency keys for retried writes.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03

In server mode every diary row gets ``user_id`` → ``users.id`` with ``ON DELETE CASCADE``,
filled in from the existing ``owner`` = ``users.owner_id`` link; local rows keep ``NULL``.
Deleting a user then removes their diary in the same statement, and the database refuses a
row for a user who no longer exists.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DIARY_TABLES = ("nights", "cramps", "days", "assessments", "change_log")


def _user_fk(table: str) -> sa.ForeignKey:
    return sa.ForeignKey("users.id", ondelete="CASCADE", name=f"fk_{table}_user_id")


def upgrade() -> None:
    for table in DIARY_TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("user_id", sa.Integer(), nullable=True))
            batch.create_foreign_key(f"fk_{table}_user_id", "users", ["user_id"], ["id"], ondelete="CASCADE")
            batch.create_index(f"ix_{table}_user_id", ["user_id"])
        op.execute(
            f"UPDATE {table} SET user_id = (SELECT users.id FROM users WHERE users.owner_id = {table}.owner) "
            f"WHERE owner <> 'local'"
        )
    op.create_table(
        "idempotency_keys",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("owner", sa.String(200), nullable=False),
        sa.Column("user_id", sa.Integer(), _user_fk("idempotency_keys"), nullable=True),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("outcome", sa.String(20), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("owner", "key", name="uq_idempotency_keys_owner_key"),
    )
    op.create_index("ix_idempotency_keys_user_id", "idempotency_keys", ["user_id"])
    op.create_index("ix_idempotency_keys_at", "idempotency_keys", ["at"])


def downgrade() -> None:
    op.drop_table("idempotency_keys")
    for table in reversed(DIARY_TABLES):
        with op.batch_alter_table(table) as batch:
            batch.drop_index(f"ix_{table}_user_id")
            batch.drop_constraint(f"fk_{table}_user_id", type_="foreignkey")
            batch.drop_column("user_id")
