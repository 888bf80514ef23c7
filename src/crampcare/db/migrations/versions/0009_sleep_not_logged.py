"""A night's ``sleep_disturbed`` can be "not logged" (NULL), beside yes and no.

Until now the column was NOT NULL with ``false`` as its default: a night logged without the sleep
question answered (a quiet night, a one-tap cramp, ``crampcare log night`` without
``--sleep-disturbed``/``--no-sleep-disturbed``, an import whose file did not say) was stored as
"sleep not disturbed", and exported as such (FHIR ``valueBoolean: false``). crampcare's rule is that
nothing answered is not "no", so from now on such a night stores NULL.

Existing rows keep their value. A stored ``false`` cannot be told apart from "not logged": many were
probably never answered (the web checkbox not ticked, the default), but some are real answers (the
CLI's ``--no-sleep-disturbed``, an "n" typed at its prompt, an import saying no), and nothing else in
the row or the change log records which (its saved states hold the same ``false``). Turning every
old ``false`` into NULL would erase real answers; guessing from other columns would invent data. So
old ``false`` stays "no" and ``true`` stays "yes"; only nights saved from now on can be "not
logged", and the person can set an old night to "not logged" in its edit form (or the API's PUT).

SQLite cannot drop a NOT NULL constraint in place: the table is rebuilt (batch mode, foreign keys
off during migrations). The triggers on ``nights`` (clinic week summaries, 0004), which the rebuild
would lose, and those on ``cramps`` that read ``nights`` (which would break its rename), are dropped
first and created again exactly as they were. PostgreSQL alters the column in place.

The downgrade makes the column NOT NULL again; the old schema has no place for "not logged", so a
NULL becomes ``false`` there, which is what the old version stored for such a night anyway.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _set_nullable(nullable: bool) -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        op.alter_column("nights", "sleep_disturbed", existing_type=sa.Boolean(), nullable=nullable)
        return
    # The triggers on nights, and those on other tables that read nights (cramps'), would be lost
    # with the old table or break its rename: dropped first, then created again exactly as they were.
    triggers = bind.execute(sa.text(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND (tbl_name = 'nights' OR sql LIKE '%nights%') "
        "ORDER BY name")).all()
    for name, _sql in triggers:
        bind.exec_driver_sql(f'DROP TRIGGER "{name}"')
    with op.batch_alter_table("nights") as batch:
        batch.alter_column("sleep_disturbed", existing_type=sa.Boolean(), nullable=nullable)
    for _name, sql in triggers:
        bind.exec_driver_sql(sql)


def upgrade() -> None:
    _set_nullable(True)


def downgrade() -> None:
    nights = sa.table("nights", sa.column("sleep_disturbed", sa.Boolean))
    op.get_bind().execute(sa.update(nights).where(nights.c.sleep_disturbed.is_(None)).values(sleep_disturbed=False))
    _set_nullable(False)
