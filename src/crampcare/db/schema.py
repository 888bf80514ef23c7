"""Which schema version a database has, and bringing it up (or down) to another one.

The schema is created and evolved only by the Alembic migrations shipped in
``crampcare/db/migrations`` (no ``alembic.ini`` needed: the config is built here), so a
database created by any version can be brought up to date. The CLI upgrades on open; a
server calls :func:`require_up_to_date` and refuses to start on an old schema instead of
migrating a shared database behind the operators' backs.
"""

from __future__ import annotations

import functools
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import MetaData
from sqlalchemy.engine import Engine

from crampcare.db.engine import make_engine

if TYPE_CHECKING:
    from alembic.config import Config

__all__ = [
    "SchemaOutOfDateError",
    "all_tables",
    "current_revision",
    "downgrade",
    "head_revision",
    "is_up_to_date",
    "require_up_to_date",
    "upgrade",
]

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


class SchemaOutOfDateError(RuntimeError):
    """The database schema is older (or newer) than this version of crampcare expects."""


def all_tables() -> MetaData:
    """The metadata of every table (diary, accounts, clinic and flash messages: one history), for migrations and schema checks."""
    from crampcare.accounts.models import UserRow
    from crampcare.clinic.models import ShareRow
    from crampcare.db.flash import FlashRow
    from crampcare.diary.models import NightRow

    assert UserRow.metadata is NightRow.metadata is ShareRow.metadata is FlashRow.metadata
    return NightRow.metadata


def _alembic_config(url: str) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    # Percent signs in passwords would be read as interpolation by configparser.
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


# A migration's file is its revision's four digits and a name (0006_user_region.py is revision
# "0006", whose down_revision is "0005"): tests/test_migrations.py holds every file to that.
_MIGRATION_FILE = re.compile(r"(\d{4})_\w+\.py")
_VERSION_TABLE = "alembic_version"


@functools.cache
def _shipped_revisions() -> frozenset[str]:
    """The revisions of the migrations shipped with this version, read from the file names."""
    return frozenset(found.group(1) for name in os.listdir(MIGRATIONS_DIR / "versions")
                     if (found := _MIGRATION_FILE.fullmatch(name)))


@functools.cache
def head_revision() -> str:
    """The newest migration shipped with this version: the highest-numbered migration file.

    Read from the file names, so a command whose diary is up to date never loads Alembic (0.1 s of
    CPU, a tenth of a diary command); Alembic reads the migrations only to apply them."""
    numbers = _shipped_revisions()
    assert numbers, "no migrations shipped"
    return max(numbers)


def upgrade(url: str | Engine, revision: str = "head") -> None:
    """Bring the schema at ``url`` up to ``revision`` (default: newest). Safe to repeat.

    A database at a revision this version does not ship (written by a newer crampcare) raises
    :class:`SchemaOutOfDateError` in one sentence, and is left untouched."""
    current = current_revision(url)
    if current is not None and current not in _shipped_revisions():
        from crampcare.i18n.context import _

        raise SchemaOutOfDateError(_(
            "this diary was saved by a newer version of crampcare (schema {current}; this version knows up to "
            "{head}); it was left untouched: update crampcare to open it", current=current, head=head_revision()))
    if revision == "head" and current == head_revision():
        # Already up to date: nothing to apply, so Alembic (loading it, its environment and every
        # migration script: 0.1 s of CPU) is not started; `crampcare db upgrade` on a current
        # database, and a server's operator scripts that upgrade before each start, return at once.
        return
    _migrate(url, revision, up=True)


def downgrade(url: str | Engine, revision: str) -> None:
    """Take the schema at ``url`` back to ``revision`` (for operators rolling back a release)."""
    _migrate(url, revision, up=False)


def _migrate(url: str | Engine, revision: str, *, up: bool) -> None:
    from alembic import command

    engine = url if isinstance(url, Engine) else make_engine(url)
    sqlite = engine.dialect.name == "sqlite"
    try:
        with engine.connect() as connection:
            if sqlite:
                # SQLite rebuilds a table to change its constraints; with foreign keys on, dropping
                # the old copy would cascade-delete its children. The pragma only works outside a
                # transaction, hence on the raw connection before ours begins.
                connection.connection.dbapi_connection.execute("PRAGMA foreign_keys=OFF")  # type: ignore[union-attr]
            try:
                with connection.begin():
                    config = _alembic_config(engine.url.render_as_string(hide_password=False))
                    config.attributes["connection"] = connection
                    if up:
                        command.upgrade(config, revision)
                    else:
                        command.downgrade(config, revision)
                    if sqlite:
                        broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                        if broken:
                            raise RuntimeError(f"the migration left rows pointing at nothing: {broken[:5]}")
            finally:
                if sqlite:
                    connection.connection.dbapi_connection.execute("PRAGMA foreign_keys=ON")  # type: ignore[union-attr]
    finally:
        if not isinstance(url, Engine):
            engine.dispose()


def current_revision(url: str | Engine) -> str | None:
    """The schema revision stored in the database, ``None`` for an empty database.

    Read as Alembic reads it (its version table, none for a database never migrated), without
    loading Alembic."""
    from sqlalchemy import inspect, text

    engine = url if isinstance(url, Engine) else make_engine(url)
    try:
        with engine.connect() as connection:
            if not inspect(connection).has_table(_VERSION_TABLE):
                return None
            versions = list(connection.execute(text(f"SELECT version_num FROM {_VERSION_TABLE}")).scalars())
    finally:
        if not isinstance(url, Engine):
            engine.dispose()
    if len(versions) > 1:  # Alembic refuses the same; crampcare's history has one line
        raise SchemaOutOfDateError(f"the database records several schema versions ({', '.join(versions)})")
    return versions[0] if versions else None


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
