"""Control characters stored before they were refused become visible symbols.

Notes and tags refuse control characters since the data review (an escape sequence in a tag cleared
the terminal of `crampcare diary list`; NUL behaved differently on SQLite and PostgreSQL). Diaries
written before still held them: `diary list` still printed them raw, and an export of such a diary
would not import again. Each one becomes its visible picture (U+2400 block: ␛ for ESC, ␀ for NUL, ␡
for DEL; U+FFFD for the C1 controls, which have none). Nothing is silently dropped, every text keeps
its length, and the person sees where the odd character was. Tab and line ends stay (they are
allowed). The change log's saved states are cleaned the same way, so an undo cannot bring one back.
The downgrade keeps the symbols: what they replaced is not worth restoring.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The characters diary records refuse (crampcare.plaintext.CONTROLS), copied: a migration
# must keep doing what it did when it shipped.
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_JSON = sa.JSON().with_variant(JSONB(), "postgresql")


def _picture(match: re.Match[str]) -> str:
    code = ord(match.group())
    return chr(0x2400 + code) if code < 0x20 else "\u2421" if code == 0x7F else "\ufffd"


def visible(value: Any) -> Any:
    """``value`` with every control character in its texts (nested lists and objects too) made visible."""
    if isinstance(value, str):
        return _CONTROLS.sub(_picture, value)
    if isinstance(value, list):
        return [visible(item) for item in value]
    if isinstance(value, dict):
        return {key: visible(item) for key, item in value.items()}
    return value


def _unique(tags: list[Any]) -> list[Any]:
    # Two tags of one day could become equal (a real "␛" beside an ESC); a day lists each tag once.
    return list(dict.fromkeys(tags))


def upgrade() -> None:
    bind = op.get_bind()
    nights = sa.table("nights", sa.column("id", sa.Integer), sa.column("notes", sa.Text))
    days = sa.table("days", sa.column("id", sa.Integer), sa.column("notes", sa.Text), sa.column("tags", _JSON))
    change_log = sa.table("change_log", sa.column("id", sa.Integer), sa.column("previous", _JSON))

    # Read first, then write: only the few rows that hold a control character are rewritten.
    night_notes = [(row.id, visible(row.notes)) for row in bind.execute(
        sa.select(nights.c.id, nights.c.notes).where(nights.c.notes != "")) if _CONTROLS.search(row.notes)]
    day_rows = [(row.id, visible(row.notes or ""), _unique(visible(row.tags or [])))
                for row in bind.execute(sa.select(days.c.id, days.c.notes, days.c.tags))
                if _CONTROLS.search(row.notes or "") or any(_CONTROLS.search(t) for t in row.tags or [] if isinstance(t, str))]
    saved_states = []
    for row in bind.execute(sa.select(change_log.c.id, change_log.c.previous)):
        cleaned = visible(row.previous)
        for entry in cleaned if isinstance(cleaned, list) else []:
            record = entry.get("record") if isinstance(entry, dict) else None
            if isinstance(record, dict) and isinstance(record.get("tags"), list):
                record["tags"] = _unique(record["tags"])
        if cleaned != row.previous:
            saved_states.append((row.id, cleaned))

    for night_id, notes in night_notes:
        bind.execute(sa.update(nights).where(nights.c.id == night_id).values(notes=notes))
    for day_id, notes, tags in day_rows:
        bind.execute(sa.update(days).where(days.c.id == day_id).values(notes=notes, tags=tags))
    for log_id, previous in saved_states:
        bind.execute(sa.update(change_log).where(change_log.c.id == log_id).values(previous=previous))


def downgrade() -> None:
    """Nothing to undo: the symbols stay (module docstring)."""
