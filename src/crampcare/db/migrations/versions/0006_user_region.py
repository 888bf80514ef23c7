"""A user's emergency region (server mode): the numbers shown wherever an emergency is, kept with
the account like its language, wherever no switch cookie says otherwise.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Nullable: no choice until the person picks one; the language's usual region applies meanwhile.
    op.add_column("users", sa.Column("region", sa.String(8), nullable=True))


def downgrade() -> None:
    op.drop_column("users", "region")
