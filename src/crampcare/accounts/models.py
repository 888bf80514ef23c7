"""Tables for server mode: users, their sessions and API tokens, and login attempts.

They share the diary's metadata (:class:`crampcare.db.base.Base`) so one Alembic history covers the whole database. A user's
diary rows carry ``owner = users.owner_id`` (a random id, never the e-mail), so the diary
never learns who a person is. Session and API tokens are stored only as SHA-256 hashes: a
leaked database does not let anyone log in.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from crampcare.db.base import OWNER_LENGTH, Base


class UserRow(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(320), nullable=False, unique=True)
    password_hash: Mapped[str] = mapped_column(String(200), nullable=False)
    owner_id: Mapped[str] = mapped_column(String(OWNER_LENGTH), nullable=False, unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    language: Mapped[str | None] = mapped_column(String(8), nullable=True)  # preferred language, if chosen
    region: Mapped[str | None] = mapped_column(String(8), nullable=True)  # emergency numbers' region, if chosen
    # The IANA zone of the browser last logged in with (FHIR clock times' offset), if it said one.
    time_zone: Mapped[str | None] = mapped_column(String(64), nullable=True)


class SessionRow(Base):
    __tablename__ = "sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("users.id", ondelete="CASCADE", name="fk_sessions_user_id"), nullable=False, index=True
    )
    csrf_token: Mapped[str] = mapped_column(String(64), nullable=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class ApiTokenRow(Base):
    __tablename__ = "api_tokens"
    # Never an id used before (SQLite would reuse the highest once its row is gone): a revoked token's
    # id never names another token (migration 0012).
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    user_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("users.id", ondelete="CASCADE", name="fk_api_tokens_user_id"), nullable=False, index=True
    )
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class LoginAttemptRow(Base):
    """A failed login, kept briefly: rate limiting must work across worker processes."""

    __tablename__ = "login_attempts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(400), nullable=False, index=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), nullable=False, index=True)
