"""E-mails are keyed by Unicode case folding: the addresses stored with ``lower()`` are re-keyed.

``lower()`` kept "straße" and "strasse", "νίκος" and "νίκοσ" (final and medial sigma) apart, though
each pair is one address in capitals ("STRASSE", "ΝΊΚΟΣ"): a second account could differ from another
only in case, and an invitation typed in capitals went to the other one; so was "ivan@xn--e1afmkfd.xn--p1ai"
beside "ivan@пример.рф". ``email_key`` now folds case (NFKC_Casefold) and reads such domain labels as
their letters, so accounts stored before are given the folded key, or they could no longer log in
or be invited (an invitation names the account's id, not its address). Where two accounts already
fold to one address, the one stored under it (or else the oldest) keeps it and the other is left as
stored, reachable only once an operator renames it; nothing is deleted. The downgrade keeps
the folded keys: the old spelling is not kept anywhere.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-04
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def folded(email: str) -> str:
    """``crampcare.accounts.service.email_key`` as it shipped with this revision (copied: a migration
    must keep doing what it did)."""
    folded_ = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", email).strip().casefold())
    local, at, domain = folded_.rpartition("@")
    if not at or "xn--" not in domain:
        return folded_
    return local + at + ".".join(_label_letters(label) for label in domain.split("."))


def _label_letters(label: str) -> str:
    if not label.startswith("xn--"):
        return label
    try:
        letters = label.encode("ascii").decode("idna")
    except UnicodeError:
        return label
    return unicodedata.normalize("NFKC", letters.casefold())


def upgrade() -> None:
    conn = op.get_bind()
    users = sa.table("users", sa.column("id", sa.Integer), sa.column("email", sa.String))
    rows = conn.execute(sa.select(users.c.id, users.c.email).order_by(users.c.id)).all()
    taken = {email for _id, email in rows}
    for user_id, email in rows:
        key = folded(email)
        if key != email and key not in taken:
            conn.execute(sa.update(users).where(users.c.id == user_id).values(email=key))
            taken.discard(email)
            taken.add(key)


def downgrade() -> None:
    pass
