"""SQLAlchemy tables for the diary.

The schema is owned by the Alembic migrations in ``crampcare/db/migrations``; these
classes must match them (a test compares the two). Conversions to and from the pydantic
records live in :mod:`crampcare.diary.store`, so this module stays a plain schema.

Every table carries an ``owner`` column: local mode has one owner (``"local"``), server
mode many, and every query in the store filters on it. In server mode rows also carry
``user_id``, a foreign key to ``users`` with ``ON DELETE CASCADE``: deleting an account
deletes its diary in the same statement, and a row can never be written for a user who is
gone (``NULL`` in local mode, where there are no users).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from crampcare.db.base import DEFAULT_OWNER, OWNER_LENGTH, Base, JsonType

__all__ = [
    "DEFAULT_OWNER",
    "OWNER_LENGTH",
    "AssessmentRow",
    "ChangeLogRow",
    "CrampRow",
    "DayRow",
    "IdempotencyKeyRow",
    "NightRow",
]


def _owner_column() -> Mapped[str]:
    return mapped_column(
        String(OWNER_LENGTH), nullable=False, index=True, default=DEFAULT_OWNER, server_default=DEFAULT_OWNER
    )


def _user_column(table: str) -> Mapped[int | None]:
    return mapped_column(
        Integer, ForeignKey("users.id", ondelete="CASCADE", name=f"fk_{table}_user_id"), nullable=True, index=True
    )


class NightRow(Base):
    """One night (keyed by its evening's date); no cramps means a quiet night."""

    __tablename__ = "nights"
    __table_args__ = (UniqueConstraint("owner", "date", name="uq_nights_owner_date"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner: Mapped[str] = _owner_column()
    user_id: Mapped[int | None] = _user_column("nights")
    date: Mapped[dt.date] = mapped_column(Date, nullable=False)
    sleep_disturbed: Mapped[bool | None] = mapped_column(Boolean, nullable=True)  # None: not logged
    notes: Mapped[str] = mapped_column(Text, nullable=False, default="")


class CrampRow(Base):
    """One cramp; ``position`` keeps the order the person logged them in."""

    __tablename__ = "cramps"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner: Mapped[str] = _owner_column()
    user_id: Mapped[int | None] = _user_column("cramps")
    night_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("nights.id", ondelete="CASCADE", name="fk_cramps_night_id"), nullable=False, index=True
    )
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    start: Mapped[dt.time] = mapped_column(Time, nullable=False)
    duration_s: Mapped[int] = mapped_column(Integer, nullable=False)
    leg: Mapped[str] = mapped_column(String(10), nullable=False)
    muscles: Mapped[list[str]] = mapped_column(JsonType, nullable=False)
    severity: Mapped[int] = mapped_column(Integer, nullable=False)
    signs: Mapped[list[str]] = mapped_column(JsonType, nullable=False)
    helped: Mapped[list[str]] = mapped_column(JsonType, nullable=False)
    minutes_to_relief: Mapped[float | None] = mapped_column(Float, nullable=True)


class DayRow(Base):
    """One day's factors; ``NULL`` means "not logged", never "no"."""

    __tablename__ = "days"
    __table_args__ = (UniqueConstraint("owner", "date", name="uq_days_owner_date"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner: Mapped[str] = _owner_column()
    user_id: Mapped[int | None] = _user_column("days")
    date: Mapped[dt.date] = mapped_column(Date, nullable=False)
    fluids_ml: Mapped[int | None] = mapped_column(Integer)
    activity: Mapped[str | None] = mapped_column(String(10))
    unusual_activity: Mapped[bool | None] = mapped_column(Boolean)
    sitting_hours: Mapped[float | None] = mapped_column(Float)
    cold_exposure: Mapped[bool | None] = mapped_column(Boolean)
    temperature_swing_c: Mapped[float | None] = mapped_column(Float)
    stress: Mapped[str | None] = mapped_column(String(10))
    uncomfortable_shoes: Mapped[bool | None] = mapped_column(Boolean)
    diet: Mapped[list[str]] = mapped_column(JsonType, nullable=False)
    alcohol_units: Mapped[float | None] = mapped_column(Float)
    caffeine: Mapped[bool | None] = mapped_column(Boolean)
    medicines: Mapped[list[str]] = mapped_column(JsonType, nullable=False)
    pregnancy_week: Mapped[int | None] = mapped_column(Integer)
    exercises_done: Mapped[bool | None] = mapped_column(Boolean)
    tags: Mapped[list[str]] = mapped_column(JsonType, nullable=False)
    notes: Mapped[str] = mapped_column(Text, nullable=False, default="")


class AssessmentRow(Base):
    """A finished assessment; answers and result are stored as given (opaque to the diary)."""

    __tablename__ = "assessments"
    # Never an id used before (SQLite would reuse the highest once its row is gone): an open page or a
    # bookmark of one assessment must never show another (migration 0012).
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner: Mapped[str] = _owner_column()
    user_id: Mapped[int | None] = _user_column("assessments")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    answers: Mapped[dict[str, Any]] = mapped_column(JsonType, nullable=False)
    result: Mapped[dict[str, Any]] = mapped_column(JsonType, nullable=False)


class ChangeLogRow(Base):
    """One undoable diary change and the state it replaced.

    ``previous`` is a list of ``{"kind": "night"|"day", "date": ISO, "record": dict|None}``:
    undo puts each (kind, date) back to ``record`` (``None`` = absent). The same shape covers a
    single add, edit or delete and a bulk import. ``id`` names the change: an undo says which change
    it takes back, and is refused when that is no longer the last one.
    """

    __tablename__ = "change_log"
    # Never an id used before (SQLite would reuse the highest once an undo removed it): an Undo offered
    # for one change must never take back a later one that got its id (migration 0013).
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner: Mapped[str] = _owner_column()
    user_id: Mapped[int | None] = _user_column("change_log")
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    action: Mapped[str] = mapped_column(String(20), nullable=False)
    kind: Mapped[str] = mapped_column(String(10), nullable=False)
    date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    previous: Mapped[list[dict[str, Any]]] = mapped_column(JsonType, nullable=False)


class IdempotencyKeyRow(Base):
    """A write that came with an ``Idempotency-Key``: a retry with the same key is not stored again.

    ``outcome`` is what the first request did (created, appended, unchanged, …), and ``change_id`` the
    change it made (``None``: none), both answered again to the retry. Keys are kept for a day, long
    enough for any client's retries.
    """

    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("owner", "key", name="uq_idempotency_keys_owner_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner: Mapped[str] = mapped_column(String(OWNER_LENGTH), nullable=False)
    user_id: Mapped[int | None] = _user_column("idempotency_keys")
    key: Mapped[str] = mapped_column(String(200), nullable=False)
    action: Mapped[str] = mapped_column(String(40), nullable=False)
    outcome: Mapped[str] = mapped_column(String(20), nullable=False)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), nullable=False, index=True)
    change_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
