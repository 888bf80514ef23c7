"""Settings of one web app instance (no global state: everything hangs off the app)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

MB = 1024 * 1024

# The environment that carries settings to worker processes (``crampcare serve --workers N``)
# and lets an operator configure a server without flags.
MODE_ENV = "CRAMPCARE_MODE"
DB_ENV = "CRAMPCARE_DB"
SECURE_COOKIES_ENV = "CRAMPCARE_SECURE_COOKIES"
SIGNUP_LIMIT_ENV = "CRAMPCARE_SIGNUP_LIMIT"

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"", "0", "false", "no", "off"}


class SettingsError(ValueError):
    """A setting with a value that cannot be used (one line, for the command line)."""


def parse_bool(name: str, value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise SettingsError(f"{name} must be true or false, not {value!r}")


def parse_mode(name: str, value: str) -> Literal["local", "server"]:
    lowered = value.strip().lower()
    if lowered in ("", "local"):
        return "local"
    if lowered == "server":
        return "server"
    raise SettingsError(f"{name} must be 'local' or 'server', not {value!r}")


def parse_limit(name: str, value: str) -> int:
    try:
        number = int(value.strip() or "0")
    except ValueError:
        raise SettingsError(f"{name} must be a whole number, not {value!r}") from None
    if number < 0:
        raise SettingsError(f"{name} must not be negative")
    return number


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

    @property
    def auto_upgrade(self) -> bool:
        return self.mode == "local"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Settings from ``CRAMPCARE_MODE``, ``CRAMPCARE_DB`` and ``CRAMPCARE_SECURE_COOKIES``."""
        env = os.environ if environ is None else environ
        return cls(
            db=env.get(DB_ENV) or None,
            mode=parse_mode(MODE_ENV, env.get(MODE_ENV, "")),
            secure_cookies=parse_bool(SECURE_COOKIES_ENV, env.get(SECURE_COOKIES_ENV, "")),
            signup_limit=parse_limit(SIGNUP_LIMIT_ENV, env.get(SIGNUP_LIMIT_ENV, "10")),
        )

    def to_env(self) -> dict[str, str]:
        """The environment variables :meth:`from_env` reads back into these settings."""
        env = {MODE_ENV: self.mode, SECURE_COOKIES_ENV: "1" if self.secure_cookies else "0",
               SIGNUP_LIMIT_ENV: str(self.signup_limit)}
        if self.db:
            env[DB_ENV] = self.db
        return env
