"""Settings of one web app instance (no global state: everything hangs off the app).

What an operator sets comes from :mod:`crampcare.config`; the rest are the app's own limits.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from crampcare.config import Config

MB = 1024 * 1024


@dataclass(frozen=True)
class Settings:
    """How to run the app.

    ``db``: a SQLAlchemy URL or a file path; ``None`` means ``$CRAMPCARE_DB`` or the local
    default SQLite file. ``mode``: ``"local"`` (one person, owner ``"local"``, schema migrated
    on start) or ``"server"`` (accounts; the schema must already be current: migrations are
    the operators' job). ``secure_cookies``: always mark the session cookie ``Secure`` (it is
    marked so anyway on HTTPS requests, as seen through trusted proxy headers).
    """

    db: str | None = None
    mode: Literal["local", "server"] = "local"
    max_body_bytes: int = MB
    static_max_age: int = 365 * 24 * 3600
    gzip_level: int = 1  # cheap on the CPU; /now stays far under its 14 KB budget
    secure_cookies: bool = False
    signup_limit: int = 10  # sign-ups per client address per 15 minutes; 0 = no limit (load tests)
    busy_timeout: float | None = None  # seconds a SQLite write waits per try; None: the environment, else 10

    @property
    def auto_upgrade(self) -> bool:
        return self.mode == "local"

    @classmethod
    def from_config(cls, config: Config) -> Settings:
        """The app's settings from the one configuration (:mod:`crampcare.config`)."""
        return cls(db=config.db, mode=config.mode, secure_cookies=config.secure_cookies,
                   signup_limit=config.signup_limit, busy_timeout=config.busy_timeout)
