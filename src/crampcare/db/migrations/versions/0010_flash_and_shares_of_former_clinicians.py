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

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03
"""

from __future__ import annotations

import datetime as dt
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


def downgrade() -> None:
    op.drop_table("flash_messages")
