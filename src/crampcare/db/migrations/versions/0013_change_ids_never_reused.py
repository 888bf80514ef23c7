"""Change-log ids are never given again on SQLite: an undo names the change it takes back.

An undo now names its change (the web's Undo button, the API's ``X-Change-Id``, the CLI's
``--change``) and is refused unless that change is still the diary's last. SQLite gave a new change
the highest id + 1, so after an undo removed the newest entry the next change (another device's)
got the undone one's id, and an Undo still showing for the first change would have taken back the
second. The table is rebuilt with ``AUTOINCREMENT`` (0010's helper, as 0012 did for tokens and
assessments); PostgreSQL's sequences never reuse an id. The downgrade keeps the rebuilt table.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence

from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SHARES = importlib.import_module("crampcare.db.migrations.versions.0010_flash_and_shares_of_former_clinicians")


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _SHARES.ids_never_reused_on_sqlite("change_log")


def downgrade() -> None:
    """Nothing to undo: a table with ``AUTOINCREMENT`` reads and writes as before."""
