"""Where the database lives and how to connect to it.

Local mode keeps one SQLite file in the user's data folder; server mode points at
PostgreSQL. SQLite connections get foreign keys (cramps and user data must cascade), WAL
(readers run during a write), ``synchronous=FULL`` (a save crampcare confirmed is on the disk, not
only in the operating system's cache: with WAL's usual ``NORMAL`` a power cut or a system crash can
take back the last saves; the price is one flush per save, about 4 ms), a busy timeout, and transactions that begin explicitly so a
write can take the database's write lock up front (``BEGIN IMMEDIATE``, see
:mod:`crampcare.db.writes`) instead of failing half-way when another writer got there first.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import Connection, create_engine, event
from sqlalchemy.engine import Engine, make_url

from crampcare.db import sqlite_files

__all__ = ["DB_ENV", "IMMEDIATE", "NotADiaryFileError", "default_db_path", "make_engine", "resolve_db_url"]

DB_ENV = "CRAMPCARE_DB"
# Execution option: a transaction begun on a connection carrying it takes the write lock at once.
IMMEDIATE = "crampcare_immediate"


class NotADiaryFileError(Exception):
    """The SQLite path names something that is not a file: a device (``/dev/null``), a folder, a pipe.

    SQLite opens ``/dev/null`` without complaint and then fails every write with "disk I/O error",
    which read as a full disk; a folder failed as "unable to open database file".
    """

    def __init__(self, path: Path, kind: Literal["device", "folder", "other"]) -> None:
        super().__init__(f"{path} is not a file ({kind})")
        self.path = path
        self.kind = kind


def _refuse_non_file(path: Path) -> None:
    if not path.exists() or path.is_file():  # a new diary is created; an existing file is opened
        return
    kind: Literal["device", "folder", "other"] = (
        "folder" if path.is_dir() else "device" if path.is_char_device() or path.is_block_device() else "other")
    raise NotADiaryFileError(path, kind)


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


def _on_sqlite_connect(dbapi_connection: Any, busy_timeout_ms: int) -> None:
    # pysqlite would otherwise open transactions itself, lazily and always DEFERRED; we emit BEGIN.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={busy_timeout_ms}")
        if sqlite_files.is_read_only(dbapi_connection):
            return  # a read-only file (its folder or disk refuses writes): no WAL, no side files
        if cursor.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")  # confirmed saves survive a power cut (see above)
    finally:
        cursor.close()


def _on_sqlite_begin(connection: Connection) -> None:
    immediate = connection.get_execution_options().get(IMMEDIATE, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def make_engine(url: str, busy_timeout: float | None = None) -> Engine:
    """An engine for ``url``; SQLite gets foreign keys, WAL and explicit BEGIN; its folder is created if needed.

    ``busy_timeout``: seconds a SQLite writer waits for another process's write (a large CLI
    import, say) before :func:`crampcare.db.writes.run_write` retries and finally gives up;
    ``None``: the ``busy_timeout`` setting from the environment, else its default.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if busy_timeout is None:
            from crampcare.config import environment_setting

            busy_timeout = float(environment_setting("busy_timeout"))
        busy_timeout_ms = max(1, round(busy_timeout * 1000))
        database = parsed.database
        if database and database != ":memory:" and not database.startswith("file:"):
            _refuse_non_file(Path(database).expanduser())
            folder = Path(database).expanduser().parent
            if not folder.is_dir():  # mkdir(exist_ok=True) still fails on a read-only file system
                folder.mkdir(parents=True)
            path = str(Path(database).expanduser())
            engine = create_engine(url, creator=lambda: sqlite_files.connect(path))
        else:
            engine = create_engine(url)
        event.listen(engine, "connect", lambda connection, _record: _on_sqlite_connect(connection, busy_timeout_ms))
        event.listen(engine, "begin", _on_sqlite_begin)
        return engine
    return create_engine(url, pool_pre_ping=True)
