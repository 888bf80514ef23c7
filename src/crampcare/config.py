"""The one configuration of crampcare: every setting, where it comes from, and its checks.

Strongest first: command-line flags, ``CRAMPCARE_*`` environment variables, a TOML file
(``--config``; a ``[server]`` table or top-level keys), then the defaults below. ``crampcare
serve``, the app factory (including each worker process, which reads the environment) and the
CLI's ``--db`` all read it from here; the README's settings table is checked against
:class:`Config` by ``tests/test_readme.py``.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationError
from pydantic_settings import BaseSettings, InitSettingsSource, PydanticBaseSettingsSource, SettingsConfigDict

__all__ = ["ENV_PREFIX", "Config", "ConfigError", "environment_setting", "load_config"]

ENV_PREFIX = "CRAMPCARE_"


class ConfigError(ValueError):
    """A setting that cannot be used; the message is one line naming where it came from."""


class Config(BaseSettings):
    """Every setting, with its default."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, env_ignore_empty=True, extra="forbid", frozen=True)

    mode: Literal["local", "server"] = Field(
        "local", description="`local`: one person, no log-in; `server`: accounts, many people, one shared database.")
    db: str | None = Field(
        None, description="Database: a SQLite file path or a PostgreSQL URL; default: `crampcare.db` in your user "
        "data folder.")
    host: str = Field("127.0.0.1", description="Address `serve` listens on.")
    port: int = Field(8000, ge=0, le=65535, description="Port `serve` listens on.")
    workers: int = Field(1, ge=1, le=64, description="Worker processes of `serve`.")
    secure_cookies: bool = Field(False, description="Always mark the session cookie Secure (behind an HTTPS proxy).")
    forwarded_allow_ips: str | None = Field(
        None, description="Proxies whose X-Forwarded-For/-Proto `serve` trusts (comma-separated); default 127.0.0.1.")
    signup_limit: int = Field(10, ge=0, description="Sign-ups per client address per 15 minutes (0: no limit).")
    busy_timeout: float = Field(
        10, gt=0, le=3600, description="Seconds a write to a SQLite diary waits, on each of its tries, for another "
        "program's write to end before it is refused (nothing is saved).")
    api_token_days: int = Field(
        365, ge=1, le=3650, description="Days a personal API token works after it is made; after that it is refused "
        "(a leaked one stops working even if nobody revokes it) and its owner makes a new one.")
    import_limit_mb: int | None = Field(
        None, ge=1, le=1024, description="Largest diary file (MB) the web app and API import; default 64 in local "
        "mode, 16 in server mode. Every other request stays limited to 1 MB.")


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read the config file {path}: {exc.strerror or exc}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"the config file {path} is not valid TOML: {exc}") from None
    table = document.get("server", document)
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [server] must be a table")
    return table


def load_config(flags: Mapping[str, Any] | None = None, file: Path | None = None) -> Config:
    """The configuration from ``flags`` (``None`` values: not given), the environment, ``file`` and defaults."""
    given = {key: value for key, value in (flags or {}).items() if value is not None}
    from_file = _read_toml(file) if file is not None else {}

    class _Layered(Config):
        @classmethod
        def settings_customise_sources(
            cls,
            settings_cls: type[BaseSettings],
            init_settings: PydanticBaseSettingsSource,
            env_settings: PydanticBaseSettingsSource,
            dotenv_settings: PydanticBaseSettingsSource,
            file_secret_settings: PydanticBaseSettingsSource,
        ) -> tuple[PydanticBaseSettingsSource, ...]:
            return init_settings, env_settings, InitSettingsSource(settings_cls, from_file)

    try:
        layered = _Layered(**given)
    except ValidationError as exc:
        raise ConfigError(_one_line(exc, given, file)) from None
    config: Config = Config.model_construct(**layered.model_dump())
    return config


def environment_setting(name: str) -> Any:
    """One setting from the environment, else its default, for code that runs without a loaded
    configuration (a CLI command opening the diary); other settings are not read, so a bad value
    elsewhere cannot stop it. A bad value is a :class:`ConfigError` naming the variable."""
    from typing import Annotated, cast

    from pydantic import TypeAdapter

    field = Config.model_fields[name]
    variable = ENV_PREFIX + name.upper()
    raw = os.environ.get(variable, "").strip()
    if not raw:
        return field.default
    try:
        return TypeAdapter(cast(Any, Annotated[field.annotation, field])).validate_python(raw)
    except ValidationError as exc:
        raise ConfigError(f"{variable}: {exc.errors()[0]['msg']} (got {raw!r})") from None


def _one_line(error: ValidationError, flags: Mapping[str, Any], file: Path | None) -> str:
    first = error.errors()[0]
    name = str(first["loc"][0]) if first["loc"] else "settings"
    if name in flags:
        where = f"--{name.replace('_', '-')}"
    elif os.environ.get(ENV_PREFIX + name.upper()):
        where = ENV_PREFIX + name.upper()
    else:
        where = f"{file}: {name}" if file is not None else name
    if first["type"] == "extra_forbidden":
        return f"{where}: unknown setting; known: {', '.join(Config.model_fields)}"
    return f"{where}: {first['msg']} (got {first['input']!r})"


def to_env(config: Config) -> dict[str, str]:
    """The environment that carries ``config`` to worker processes (``serve --workers N``)."""
    env = {}
    for name, value in config.model_dump().items():
        if value is not None:
            env[ENV_PREFIX + name.upper()] = str(int(value)) if isinstance(value, bool) else str(value)
    return env
