"""The declarative base every table is declared on, and column types shared by diary and accounts."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeEngine

__all__ = ["DEFAULT_OWNER", "OWNER_LENGTH", "Base", "JsonType"]

# Local mode has exactly one owner; server mode uses each user's random ``owner_id``.
DEFAULT_OWNER = "local"
OWNER_LENGTH = 200

# JSONB on PostgreSQL so cohort queries can index into lists; plain JSON text elsewhere.
JsonType: TypeEngine[Any] = JSON().with_variant(JSONB(), "postgresql")


class Base(DeclarativeBase):
    """Declarative base; its ``metadata`` is the migrations' target."""
