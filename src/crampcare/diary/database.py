"""Where the diary lives and which schema version it has.

Local mode keeps one SQLite file in the user's data folder; server mode points at
PostgreSQL. The schema is created and evolved only by the Alembic migrations shipped in
``crampcare/diary/migrations`` (no ``alembic.ini`` needed: the config is built here), so a
diary created by any version can be brought up to date. The CLI upgrades on open; a server
should call :func:`require_up_to_date` and refuse to start on an old schema instead of
migrating a shared database behind the operators' backs.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url

from crampcare.diary import sqlite_files

if TYPE_CHECKING:
    from alembic.config import Config

__all__ = [
    "DB_ENV",
    "SchemaOutOfDateError",
    "current_revision",
    "default_db_path",
    "head_revision",
    "is_up_to_date",
    "load_all_models",
    "make_engine",
    "require_up_to_date",
    "resolve_db_url",
    "upgrade",
]

DB_ENV = "CRAMPCARE_DB"
MIGRATIONS_DIR = Path(__file__).with_name("migrations")


# Modules whose tables share ``crampcare.diary.models.Base.metadata`` and so one Alembic history.
MODEL_MODULES: tuple[str, ...] = ("crampcare.diary.models", "crampcare.accounts.models")


def load_all_models() -> Any:
    """Import every module that declares tables and return the shared metadata (for migrations)."""
    import importlib

    for name in MODEL_MODULES:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name is None or not name.startswith(exc.name):
                raise
    from crampcare.diary.models import Base

    return Base.metadata


class SchemaOutOfDateError(RuntimeError):
    """The database schema is older (or newer) than this version of crampcare expects."""


def default_db_path() -> Path:
    """``<user data dir>/crampcare.db`` (e.g. ``~/.local/share/crampcare/crampcare.db``)."""
    from platformdirs import user_data_dir

    return Path(user_data_dir("crampcare")) / "crampcare.db"


def resolve_db_url(db: str | None) -> str:
    """The SQLAlchemy URL to use: ``db``, else ``$CRAMPCARE_DB``, else the local default file.

    A value without ``://`` is a file path and becomes a SQLite URL; ``postgres://`` and
    ``postgresql://`` get the psycopg 3 driver, the only PostgreSQL driver we install.
    """
    value = (db or os.environ.get(DB_ENV) or "").strip()
    if not value:
        return _sqlite_url(default_db_path())
    if "://" not in value:
        return _sqlite_url(Path(value).expanduser())
    for prefix in ("postgres://", "postgresql://"):
        if value.startswith(prefix):
            return "postgresql+psycopg://" + value[len(prefix) :]
    return value


def _sqlite_url(path: Path) -> str:
    return f"sqlite:///{path.resolve()}"


def _on_sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    """Foreign keys are off by default in SQLite (cramps must cascade); WAL lets readers run during a write."""
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys=ON")
        if sqlite_files.is_read_only(dbapi_connection):
            return  # a read-only file (folder or disk refuses writes): no WAL, no side files
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=5000")
    finally:
        cursor.close()


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite gets foreign keys and WAL, its folder is created if needed."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:" and not database.startswith("file:"):
            folder = Path(database).expanduser().parent
            if not folder.is_dir():
                folder.mkdir(parents=True)
            path = str(Path(database).expanduser())
            engine = create_engine(url, creator=lambda: sqlite_files.connect(path))
        else:
            engine = create_engine(url)
        event.listen(engine, "connect", _on_sqlite_connect)
        return engine
    return create_engine(url, pool_pre_ping=True)


def _alembic_config(url: str) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    # Percent signs in passwords would be read as interpolation by configparser.
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


@functools.cache
def head_revision() -> str:
    """The newest migration shipped with this version."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_alembic_config("sqlite://")).get_current_head()
    assert head is not None, "no migrations shipped"
    return head


def upgrade(url: str | Engine, revision: str = "head") -> None:
    """Bring the schema at ``url`` up to ``revision`` (default: newest). Safe to repeat."""
    from alembic import command

    engine = url if isinstance(url, Engine) else make_engine(url)
    try:
        with engine.begin() as connection:
            config = _alembic_config(engine.url.render_as_string(hide_password=False))
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
    finally:
        if not isinstance(url, Engine):
            engine.dispose()


def current_revision(url: str | Engine) -> str | None:
    """The schema revision stored in the database, ``None`` for an empty database."""
    from alembic.runtime.migration import MigrationContext

    engine = url if isinstance(url, Engine) else make_engine(url)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        if not isinstance(url, Engine):
            engine.dispose()


def is_up_to_date(url: str | Engine) -> bool:
    """True when the database is at the newest shipped migration."""
    return current_revision(url) == head_revision()


def require_up_to_date(url: str | Engine) -> None:
    """Raise :class:`SchemaOutOfDateError` unless the schema is current (for server mode)."""
    current, head = current_revision(url), head_revision()
    if current != head:
        raise SchemaOutOfDateError(
            f"database schema is at {current or 'nothing (empty database)'}, this crampcare needs {head}; "
            "run the migrations first"
        )
