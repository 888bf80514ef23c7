"""A user's time zone (server mode): the zone of the browser they last logged in with, so a FHIR
export writes each cramp's clock time with the offset of where it was lived, not of the server.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Nullable: not known until the person logs in from a browser that says it; the server's zone applies meanwhile.
    op.add_column("users", sa.Column("time_zone", sa.String(64), nullable=True))


def downgrade() -> None:
    op.drop_column("users", "time_zone")
