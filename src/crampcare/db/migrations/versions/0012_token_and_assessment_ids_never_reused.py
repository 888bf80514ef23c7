"""API-token and assessment ids are never given again on SQLite (as share ids are since 0010).

SQLite gives a new row the highest id + 1, so once the highest row is gone its id comes back: a
personal API token revoked, then another person's token created, got the revoked one's id (a list or
a log naming "token 7" then names someone else's); an assessment deleted with an undone import or an
account got the next saved assessment's id, so an open ``/api/v1/assessments/7`` or a bookmark
showed a different assessment, and ``clinic_assessment_summaries`` rows keyed by it could be read as
the old one's. Both tables are rebuilt with ``AUTOINCREMENT`` (ids never reused; the counter starts
above every id the table holds), their indexes and the triggers that name them created again exactly
as they were (0010's helper). PostgreSQL's sequences never reuse an id: nothing to do there.
The downgrade keeps the rebuilt tables (the older version reads them the same).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence

from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SHARES = importlib.import_module("crampcare.db.migrations.versions.0010_flash_and_shares_of_former_clinicians")


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _SHARES.ids_never_reused_on_sqlite("api_tokens")
        # Above the ids the summary table still names, should one have outlived its assessment.
        _SHARES.ids_never_reused_on_sqlite("assessments", "SELECT max(assessment_id) FROM clinic_assessment_summaries")


def downgrade() -> None:
    """Nothing to undo: a table with ``AUTOINCREMENT`` reads and writes as before."""
