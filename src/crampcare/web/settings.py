"""Settings of one web app instance (no global state: everything hangs off the app)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

MB = 1024 * 1024


@dataclass(frozen=True)
class Settings:
    """How to run the app.

    ``db``: a SQLAlchemy URL or a file path; ``None`` means ``$CRAMPCARE_DB`` or the local
    default SQLite file. ``mode``: ``"local"`` (one person, owner ``"local"``, schema migrated
    on start) or ``"server"`` (accounts; the schema must already be current: migrations are
    the operators' job).
    """

    db: str | None = None
    mode: Literal["local", "server"] = "local"
    max_body_bytes: int = MB
    static_max_age: int = 365 * 24 * 3600
    gzip_level: int = 1  # cheap on the CPU; /now stays far under its 14 KB budget

    @property
    def auto_upgrade(self) -> bool:
        return self.mode == "local"
