"""Opening the SQLite diary file, also where it cannot be written.

A diary on a read-only folder (a backup disk, a locked-down machine) or on a full disk must
still be listed, reported and exported. SQLite needs to create its ``-wal``/``-shm`` files for a
WAL database, which fails there ("unable to open database file", "disk I/O error"); then the
file is opened read-only and immutable, which needs no side files. Writes on such a connection
fail with "attempt to write a readonly database", which :func:`write_refusal` turns into one
sentence saying why nothing was saved (as it does for a full disk; a diary kept locked by another
writer is :class:`crampcare.db.writes.DatabaseBusyError`).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from urllib.parse import quote

__all__ = ["ReadOnlyConnection", "connect", "is_read_only", "write_refusal"]


class ReadOnlyConnection(sqlite3.Connection):
    """A connection opened read-only because the diary's folder or disk refuses writes."""

    read_only = True


def connect(path: str) -> sqlite3.Connection:
    """A connection to the diary at ``path``: read-write if possible, else read-only."""
    connection = sqlite3.connect(path, check_same_thread=False)
    try:
        # The first statement makes SQLite open the file (and, for WAL, its side files).
        connection.execute("PRAGMA journal_mode").fetchone()
        return connection
    except sqlite3.OperationalError:
        connection.close()
        if not Path(path).is_file():
            raise
    return sqlite3.connect(f"file:{quote(path)}?mode=ro&immutable=1", uri=True, check_same_thread=False,
                           factory=ReadOnlyConnection)


def is_read_only(connection: object) -> bool:
    return bool(getattr(connection, "read_only", False))


def write_refusal(message: str) -> str | None:
    """One sentence for a SQLite write error caused by the file's surroundings, else ``None``."""
    lowered = message.lower()
    if "readonly database" in lowered:
        return ("nothing was saved: the diary can only be read here (its folder is read-only or its disk is full); "
                "reading and exporting still work")
    if "database or disk is full" in lowered or "disk i/o error" in lowered:
        return "nothing was saved: the disk holding the diary is full; free some space and try again"
    return None
