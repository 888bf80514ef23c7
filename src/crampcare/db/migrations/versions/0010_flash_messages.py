"""One-time messages a page shows once after a form's redirect (``flash_messages``).

Pages used to read what to say after a form ("Imported 3 nights", "Deleted 2027-03-01", "You are
logged out") from the redirect's query string (``/diary?done=imported&counts=csv.3.0.0.0.0.0``), so
anyone could make a page say anything of that kind with a link, an Undo button included. Now the
POST leaves a row here, keyed by the hash of a random token kept in a cookie of that browser, and
the page it redirects to takes it once.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03
"""

from __future__ import annotations

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


def downgrade() -> None:
    op.drop_table("flash_messages")
