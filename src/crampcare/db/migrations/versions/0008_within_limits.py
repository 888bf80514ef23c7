"""Records stored before today's limits are brought within them, with nothing dropped.

Since the input limits (dates from 1900, at most 20 tags a day, 40 characters a tag, 200 different
tags in a diary) diaries
written before could still hold what is refused now: the export of such a diary would not import
again, and a night dated 0001-01-01 stopped `crampcare report` (the charts cannot draw year 1).

Tags. The day keeps, in order, its first 20 tags of at most 40 characters, written the way the
diary writes every tag now (spaces around stripped, blank and repeated ones left out). A diary with
more than 200 different tags keeps the 200 used on most days (on a tie, the one used first). Every
other tag is moved, whole, to the end of that day's notes, one a line under a line saying why, so the
person still reads it where they wrote about that day and can make it a tag again.

Dates before 1900. Nobody logged a night before 1900: such a date is a slip of the keyboard (a
year "0001" or "26"), and the record itself (cramps, factors, notes) is what the person saved. So
the record is kept whole and moved to the first free date from 1900-01-01 on (the earliest date
the diary accepts, so it lists first, apart from the real nights), and its notes start with the
date it was saved under. A night and a day of the same old date move together and stay paired.
The person sees it at once in `diary list`, and can correct the date or delete it like any other
record. Refusing to migrate instead would leave the diary unopenable with no way to fix it (no
command accepts a date before 1900), and folding the record into another day's notes would turn
its cramps into text the insights no longer count.

The added note lines are data, not interface text: once written they are the person's notes,
exported and imported as they are, and a migration must keep writing what it wrote when it
shipped (a server migrates every user at once, outside any one person's language). They are
written in plain English once and never change.

The rare notes that could not take the moved text within 2000 characters take it all the same:
nothing is dropped, and editing that record asks to shorten them. The change log's saved states
are treated the same way (same date moves, same notes), so an undo cannot bring back a refused
value. The downgrade keeps the result: the moved values are all in the notes.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The limits of crampcare.diary (dates.EARLIEST, records.MAX_TAGS_PER_DAY, MAX_TAG_LENGTH, MAX_DISTINCT_TAGS), copied:
# a migration must keep doing what it did when it shipped.
EARLIEST = dt.date(1900, 1, 1)
MAX_TAGS_PER_DAY = 20
MAX_TAG_LENGTH = 40
MAX_DISTINCT_TAGS = 200
_JSON = sa.JSON().with_variant(JSONB(), "postgresql")

MOVED_TAGS = ("Tags moved here from this day's tags (a day keeps at most 20 tags of at most 40 characters, "
              "a diary at most 200 different ones):")
MOVED_DATE = "Saved under the date {old}, before 1900, which the diary no longer accepts: moved to {new}."


def _as_date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def _join(*parts: str) -> str:
    return "\n\n".join(part for part in parts if part)


def within_limits(tags: Any, notes: str, allowed: set[str] | None = None) -> tuple[list[Any], str]:
    """``tags`` as the diary writes them now, at most 20 of at most 40 characters (and only those in
    ``allowed`` unless it is ``None``), and ``notes`` with every other tag added at their end."""
    if not isinstance(tags, list):
        return tags, notes
    kept: list[Any] = []
    moved: list[str] = []
    for tag in dict.fromkeys(t.strip() if isinstance(t, str) else t for t in tags):
        if tag == "":
            continue
        if isinstance(tag, str) and (len(tag) > MAX_TAG_LENGTH or len(kept) >= MAX_TAGS_PER_DAY
                                     or (allowed is not None and tag not in allowed)):
            moved.append(tag)
        else:
            kept.append(tag)
    if not moved:
        return kept, notes
    return kept, _join(notes, "\n".join([MOVED_TAGS, *moved]))


def _moved_notes(notes: str, old: dt.date, new: dt.date) -> str:
    return _join(MOVED_DATE.format(old=old.isoformat(), new=new.isoformat()), notes)


def _new_dates(old: set[dt.date], taken: set[dt.date]) -> dict[dt.date, dt.date]:
    """Each date before 1900 of one owner, oldest first, on the next date from 1900-01-01 that the
    owner's diary (records and change log) does not use."""
    moves: dict[dt.date, dt.date] = {}
    candidate = EARLIEST
    for date in sorted(old):
        while candidate in taken:
            candidate += dt.timedelta(days=1)
        moves[date] = candidate
        candidate += dt.timedelta(days=1)
    return moves


def _kept_tags(days: list[tuple[dt.date, list[Any]]]) -> set[str] | None:
    """The 200 tags one owner's days keep (``days``: date and tags within the daily limits), or
    ``None`` when they use no more than 200: the ones on most days, then the one used first."""
    used: dict[str, tuple[int, dt.date]] = {}
    for date, tags in days:
        for tag in tags:
            if isinstance(tag, str):
                count, first = used.get(tag, (0, date))
                used[tag] = (count + 1, min(first, date))
    if len(used) <= MAX_DISTINCT_TAGS:
        return None
    return set(sorted(used, key=lambda tag: (-used[tag][0], used[tag][1], tag))[:MAX_DISTINCT_TAGS])


def _saved_state(previous: Any, moves: dict[dt.date, dt.date], allowed: set[str] | None) -> Any:
    """A change log's saved state with the same date moves and tag moves as the diary's rows."""
    if not isinstance(previous, list):
        return previous
    cleaned = []
    for entry in previous:
        if not isinstance(entry, dict):
            cleaned.append(entry)
            continue
        entry = dict(entry)
        old = _as_date(entry["date"]) if isinstance(entry.get("date"), str) else None
        if old is not None and old in moves:
            entry["date"] = moves[old].isoformat()
        record = entry.get("record")
        if isinstance(record, dict):
            record = dict(record)
            notes = record.get("notes") or ""
            if "tags" in record:
                record["tags"], notes = within_limits(record["tags"], notes, allowed)
            if old is not None and old in moves:
                record["date"] = moves[old].isoformat()
                notes = _moved_notes(notes, old, moves[old])
            if notes != (record.get("notes") or ""):
                record["notes"] = notes
            entry["record"] = record
        cleaned.append(entry)
    return cleaned


def _entry_dates(previous: Any) -> set[dt.date]:
    if not isinstance(previous, list):
        return set()
    return {_as_date(entry["date"]) for entry in previous if isinstance(entry, dict) and isinstance(entry.get("date"), str)}


def _log_dates(row: Any) -> set[dt.date]:
    """The dates a change log entry names: its own (none for a bulk import) and its saved states'."""
    return {*_entry_dates(row.previous), *([_as_date(row.date)] if row.date is not None else [])}


def upgrade() -> None:
    bind = op.get_bind()
    nights = sa.table("nights", sa.column("id", sa.Integer), sa.column("owner", sa.String),
                      sa.column("date", sa.Date), sa.column("notes", sa.Text))
    days = sa.table("days", sa.column("id", sa.Integer), sa.column("owner", sa.String), sa.column("date", sa.Date),
                    sa.column("notes", sa.Text), sa.column("tags", _JSON))
    change_log = sa.table("change_log", sa.column("id", sa.Integer), sa.column("owner", sa.String),
                          sa.column("date", sa.Date), sa.column("previous", _JSON))

    # Which owners have a date before 1900 anywhere (few or none): only their dates are read whole.
    log_rows = bind.execute(sa.select(change_log.c.id, change_log.c.owner, change_log.c.date,
                                      change_log.c.previous)).all()
    early_owners = {row.owner for row in bind.execute(
        sa.union(sa.select(nights.c.owner).where(nights.c.date < EARLIEST),
                 sa.select(days.c.owner).where(days.c.date < EARLIEST)))}
    early_owners |= {row.owner for row in log_rows if any(d < EARLIEST for d in _log_dates(row))}
    moves: dict[str, dict[dt.date, dt.date]] = {}
    for owner in sorted(early_owners):
        used = {_as_date(date) for table in (nights, days)
                for (date,) in bind.execute(sa.select(table.c.date).where(table.c.owner == owner))}
        for row in log_rows:
            if row.owner == owner:
                used |= _log_dates(row)
        moves[owner] = _new_dates({d for d in used if d < EARLIEST}, {d for d in used if d >= EARLIEST})

    # Read first, then write: only the rows that change are rewritten.
    night_rows = []
    for night in bind.execute(sa.select(nights.c.id, nights.c.owner, nights.c.date, nights.c.notes)
                              .where(nights.c.date < EARLIEST)):
        old, new = _as_date(night.date), moves[night.owner][_as_date(night.date)]
        night_rows.append((night.id, new, _moved_notes(night.notes or "", old, new)))
    day_read = bind.execute(sa.select(days.c.id, days.c.owner, days.c.date, days.c.notes, days.c.tags)).all()
    per_owner: dict[str, list[tuple[dt.date, list[Any]]]] = {}
    for day in day_read:
        per_owner.setdefault(day.owner, []).append((_as_date(day.date), within_limits(day.tags or [], "")[0]))
    allowed = {owner: _kept_tags(owner_days) for owner, owner_days in per_owner.items()}
    day_rows = []
    for day in day_read:
        date = _as_date(day.date)
        tags, notes = within_limits(day.tags or [], day.notes or "", allowed[day.owner])
        if date < EARLIEST:
            date = moves[day.owner][date]
            notes = _moved_notes(notes, _as_date(day.date), date)
        if tags != day.tags or notes != (day.notes or "") or date != _as_date(day.date):
            day_rows.append((day.id, date, tags, notes))
    log_updates = []
    for row in log_rows:
        owner_moves = moves.get(row.owner, {})
        previous = _saved_state(row.previous, owner_moves, allowed.get(row.owner))
        logged = None if row.date is None else _as_date(row.date)  # a bulk import has no one date
        moved = owner_moves.get(logged, logged) if logged is not None else None
        if previous != row.previous or moved != logged:
            log_updates.append((row.id, moved, previous))

    for night_id, date, notes in night_rows:
        bind.execute(sa.update(nights).where(nights.c.id == night_id).values(date=date, notes=notes))
    for day_id, date, tags, notes in day_rows:
        bind.execute(sa.update(days).where(days.c.id == day_id).values(date=date, tags=tags, notes=notes))
    for log_id, logged_date, previous in log_updates:
        bind.execute(sa.update(change_log).where(change_log.c.id == log_id).values(date=logged_date, previous=previous))


def downgrade() -> None:
    """Nothing to undo: the moved values stay in the notes (module docstring)."""
