"""Direction controls and invisible characters stored before they were removed on the way in are removed.

Typed text keeps no direction controls or zero-width characters since ``crampcare.plaintext`` (a
right-to-left override in a note made a clinician, the report, the CSV and the FHIR file read "00:22"
for "22:00"). Diaries written before still held them in notes and tags, the change log's saved states
(an undo would bring one back) and personal API tokens' names. They are removed the same way: nothing
a reader sees changes, except that the letters show in the order they were typed. A tag left empty is
dropped, two tags of a day that became equal are listed once, and a token's name left empty is "api",
as for a new one. The downgrade keeps the cleaned texts: the characters carried nothing to restore.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The characters typed text loses (crampcare.plaintext.INVISIBLE_FORMATTING), copied: a migration
# must keep doing what it did when it shipped.
_INVISIBLE = re.compile("[\u061c\u200b\u200e\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]")
_JSON = sa.JSON().with_variant(JSONB(), "postgresql")


def cleaned(value: Any) -> Any:
    """``value`` without those characters in its texts (nested lists and objects too)."""
    if isinstance(value, str):
        return _INVISIBLE.sub("", value)
    if isinstance(value, list):
        return [cleaned(item) for item in value]
    if isinstance(value, dict):
        return {key: cleaned(item) for key, item in value.items()}
    return value


def _tags(tags: list[Any]) -> list[Any]:
    """Each tag once, none empty: as a day's tags are kept (crampcare.diary.records)."""
    return list(dict.fromkeys(t.strip() if isinstance(t, str) else t for t in cleaned(tags)
                              if not isinstance(t, str) or cleaned(t).strip()))


def _holds(value: Any) -> bool:
    return bool(cleaned(value) != value)


def upgrade() -> None:
    bind = op.get_bind()
    nights = sa.table("nights", sa.column("id", sa.Integer), sa.column("notes", sa.Text))
    days = sa.table("days", sa.column("id", sa.Integer), sa.column("notes", sa.Text), sa.column("tags", _JSON))
    change_log = sa.table("change_log", sa.column("id", sa.Integer), sa.column("previous", _JSON))
    tokens = sa.table("api_tokens", sa.column("id", sa.Integer), sa.column("name", sa.String))

    # Read first, then write: only the few rows that hold such a character are rewritten.
    night_notes = [(row.id, cleaned(row.notes)) for row in bind.execute(
        sa.select(nights.c.id, nights.c.notes).where(nights.c.notes != "")) if _holds(row.notes)]
    day_rows = [(row.id, cleaned(row.notes or ""), _tags(row.tags or []))
                for row in bind.execute(sa.select(days.c.id, days.c.notes, days.c.tags))
                if _holds(row.notes or "") or _holds(row.tags or [])]
    saved_states = []
    for row in bind.execute(sa.select(change_log.c.id, change_log.c.previous)):
        if not _holds(row.previous):
            continue
        previous = cleaned(row.previous)
        for entry in previous if isinstance(previous, list) else []:
            record = entry.get("record") if isinstance(entry, dict) else None
            if isinstance(record, dict) and isinstance(record.get("tags"), list):
                record["tags"] = _tags(record["tags"])
        saved_states.append((row.id, previous))
    token_names = [(row.id, cleaned(row.name).strip() or "api")
                   for row in bind.execute(sa.select(tokens.c.id, tokens.c.name)) if _holds(row.name)]

    for night_id, notes in night_notes:
        bind.execute(sa.update(nights).where(nights.c.id == night_id).values(notes=notes))
    for day_id, notes, tags in day_rows:
        bind.execute(sa.update(days).where(days.c.id == day_id).values(notes=notes, tags=tags))
    for log_id, previous in saved_states:
        bind.execute(sa.update(change_log).where(change_log.c.id == log_id).values(previous=previous))
    for token_id, name in token_names:
        bind.execute(sa.update(tokens).where(tokens.c.id == token_id).values(name=name))


def downgrade() -> None:
    """Nothing to undo: the cleaned texts stay (module docstring)."""
