"""An idempotency key remembers the change its write made, so a retry answers the same ``X-Change-Id``.

A write sent twice with one ``Idempotency-Key`` (a retry after a lost answer, a double tap) is stored
once, and the retry was answered from the key's record: with the first answer's outcome, but without
the change id, which was not kept. A client whose first answer was lost could then not offer Undo, and
the web's double tap showed no Undo. ``change_id`` (no foreign key: the change may be undone or
trimmed later, and the id then names no change, as the first answer's id would) is ``NULL`` for a write
that changed nothing and for keys stored before this revision.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("idempotency_keys", sa.Column("change_id", sa.Integer, nullable=True))


def downgrade() -> None:
    op.drop_column("idempotency_keys", "change_id")
