"""Settings of one web app instance (no global state: everything hangs off the app).

What an operator sets comes from :mod:`crampcare.config`; the rest are the app's own limits.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from crampcare.config import Config

MB = 1024 * 1024
# The routes that take a whole diary file. Every other request is small (a night, a form, an answer).
IMPORT_PATHS = frozenset({"/api/v1/import", "/diary/import"})
# A FHIR export is about 13 KB per night and day: 64 MB holds a diary of over 13 years (a 10-year one
# is 44 MB). Imported through the route, a FHIR file costs about 0.17 CPU-s and 7 MB of memory per
# MB (20 MB: 3.2-3.8 CPU-s, 140 MB; 39 MB: 6.3-6.5 CPU-s, 270 MB), so 64 MB stays near 11 CPU-s and
# 450 MB on one person's machine. In server mode, where workers share the machine, 16 MB (over 3
# years of FHIR, decades of JSON or CSV) keeps one import near 3 CPU-s and 120 MB. Bigger files:
# `crampcare import`, or the diary exported in parts.
IMPORT_LIMITS_MB = {"local": 64, "server": 16}


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
    max_import_bytes: int | None = None  # largest body of an import route; None: IMPORT_LIMITS_MB of the mode
    api_token_days: int = 365  # how long a personal API token works after it is made

    @property
    def auto_upgrade(self) -> bool:
        return self.mode == "local"

    @property
    def import_limit(self) -> int:
        """The largest diary file the import routes take."""
        return self.max_import_bytes if self.max_import_bytes is not None else IMPORT_LIMITS_MB[self.mode] * MB

    def body_limit(self, path: str) -> int:
        """The largest request body ``path`` takes: :attr:`import_limit` on an import route, else
        ``max_body_bytes`` (the one place that decides; :class:`~crampcare.web.middleware.BodyLimitMiddleware`
        enforces it)."""
        return self.import_limit if path in IMPORT_PATHS else self.max_body_bytes

    @classmethod
    def from_config(cls, config: Config) -> Settings:
        """The app's settings from the one configuration (:mod:`crampcare.config`)."""
        return cls(db=config.db, mode=config.mode, secure_cookies=config.secure_cookies,
                   signup_limit=config.signup_limit, busy_timeout=config.busy_timeout,
                   max_import_bytes=None if config.import_limit_mb is None else config.import_limit_mb * MB,
                   api_token_days=config.api_token_days)
