"""Initial diary schema: nights, cramps, days, assessments, change_log.

Revision ID: 0001
Revises:
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copies of the column types as they were in this revision: migrations must not change
# when models.py does.
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def _owner() -> sa.Column[str]:
    return sa.Column("owner", sa.String(200), nullable=False, server_default="local")


def upgrade() -> None:
    op.create_table(
        "nights",
        sa.Column("id", sa.Integer(), primary_key=True),
        _owner(),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("sleep_disturbed", sa.Boolean(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.UniqueConstraint("owner", "date", name="uq_nights_owner_date"),
    )
    op.create_index("ix_nights_owner", "nights", ["owner"])

    op.create_table(
        "cramps",
        sa.Column("id", sa.Integer(), primary_key=True),
        _owner(),
        sa.Column(
            "night_id",
            sa.Integer(),
            sa.ForeignKey("nights.id", ondelete="CASCADE", name="fk_cramps_night_id"),
            nullable=False,
        ),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("start", sa.Time(), nullable=False),
        sa.Column("duration_s", sa.Integer(), nullable=False),
        sa.Column("leg", sa.String(10), nullable=False),
        sa.Column("muscles", JSON, nullable=False),
        sa.Column("severity", sa.Integer(), nullable=False),
        sa.Column("signs", JSON, nullable=False),
        sa.Column("helped", JSON, nullable=False),
        sa.Column("minutes_to_relief", sa.Float(), nullable=True),
    )
    op.create_index("ix_cramps_owner", "cramps", ["owner"])
    op.create_index("ix_cramps_night_id", "cramps", ["night_id"])

    op.create_table(
        "days",
        sa.Column("id", sa.Integer(), primary_key=True),
        _owner(),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("fluids_ml", sa.Integer()),
        sa.Column("activity", sa.String(10)),
        sa.Column("unusual_activity", sa.Boolean()),
        sa.Column("sitting_hours", sa.Float()),
        sa.Column("cold_exposure", sa.Boolean()),
        sa.Column("temperature_swing_c", sa.Float()),
        sa.Column("stress", sa.String(10)),
        sa.Column("uncomfortable_shoes", sa.Boolean()),
        sa.Column("diet", JSON, nullable=False),
        sa.Column("alcohol_units", sa.Float()),
        sa.Column("caffeine", sa.Boolean()),
        sa.Column("medicines", JSON, nullable=False),
        sa.Column("pregnancy_week", sa.Integer()),
        sa.Column("exercises_done", sa.Boolean()),
        sa.Column("tags", JSON, nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.UniqueConstraint("owner", "date", name="uq_days_owner_date"),
    )
    op.create_index("ix_days_owner", "days", ["owner"])

    op.create_table(
        "assessments",
        sa.Column("id", sa.Integer(), primary_key=True),
        _owner(),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answers", JSON, nullable=False),
        sa.Column("result", JSON, nullable=False),
    )
    op.create_index("ix_assessments_owner", "assessments", ["owner"])

    op.create_table(
        "change_log",
        sa.Column("id", sa.Integer(), primary_key=True),
        _owner(),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("date", sa.Date(), nullable=True),
        sa.Column("previous", JSON, nullable=False),
    )
    op.create_index("ix_change_log_owner", "change_log", ["owner"])


def downgrade() -> None:
    for table in ("change_log", "assessments", "days", "cramps", "nights"):
        op.drop_index(f"ix_{table}_owner", table_name=table)
        if table == "cramps":
            op.drop_index("ix_cramps_night_id", table_name="cramps")
        op.drop_table(table)
