"""Database use cases for operators and app start-up: open the database, check or upgrade its schema.

Errors the person can act on come out as :class:`DatabaseUnreachableError` with one line that
names the database (password masked) and the reason, so interfaces need no SQLAlchemy.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy.exc import DataError as ValueNotStorableError
from sqlalchemy.exc import OperationalError as DatabaseUnavailableError

from crampcare.db.engine import NotADiaryFileError, make_engine, resolve_db_url
from crampcare.db.schema import SchemaOutOfDateError, current_revision, head_revision, is_up_to_date, upgrade
from crampcare.db.sqlite_files import write_refusal
from crampcare.i18n.context import _

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

__all__ = [
    "DatabaseUnavailableError",
    "DatabaseUnreachableError",
    "NotADiaryFileError",
    "SchemaOutOfDateError",
    "SchemaStatus",
    "open_engine",
    "resolve_db_url",
    "schema_status",
    "not_a_file_reason",
    "shown_url",
    "upgrade_schema",
    "unsaved_reason",
    "ValueNotStorableError",
]

# What storage raises, under the names interfaces map to answers: a value the database cannot
# store (a NUL character in PostgreSQL text) is bad input; an unreachable database is a 503.


class DatabaseUnreachableError(Exception):
    """The database cannot be opened or reached; the message is one line."""


@dataclass(frozen=True)
class SchemaStatus:
    url: str
    current: str | None
    head: str

    @property
    def up_to_date(self) -> bool:
        return self.current == self.head


def shown_url(url: str) -> str:
    """A database URL fit to print: the password masked (a plain path is printed as is)."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


def not_a_file_reason(exc: NotADiaryFileError) -> str:
    """One line for a diary path that names a device, a folder or a pipe instead of a file."""
    hint = _("give the path of a diary file (a new one is made if none is there)")
    if exc.kind == "device":
        return _("cannot use {path} as the diary: it is a device, not a file; {hint}", path=exc.path, hint=hint)
    if exc.kind == "folder":
        return _("cannot use {path} as the diary: it is a folder, not a file; {hint}", path=exc.path, hint=hint)
    return _("cannot use {path} as the diary: it is not a regular file; {hint}", path=exc.path, hint=hint)


def _diary_engine(url: str, busy_timeout: float | None = None) -> Engine:
    """:func:`make_engine`, with a path that is not a file (``/dev/null``, a folder) said in one line."""
    try:
        return make_engine(url, busy_timeout)
    except NotADiaryFileError as exc:
        raise DatabaseUnreachableError(not_a_file_reason(exc)) from None


def _reason(exc: Exception) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def schema_status(db: str | None) -> SchemaStatus:
    """Where the schema at ``db`` stands; :class:`DatabaseUnreachableError` when it cannot be read."""
    from sqlalchemy.exc import SQLAlchemyError

    url = resolve_db_url(db)
    try:
        engine = _diary_engine(url)
    except DatabaseUnreachableError:
        raise
    except Exception as exc:  # a malformed URL, an unknown driver
        raise DatabaseUnreachableError(_("cannot use the database {url}: {reason}", url=shown_url(url), reason=exc)) from None
    try:
        return SchemaStatus(url, current_revision(engine), head_revision())
    except SQLAlchemyError as exc:
        raise DatabaseUnreachableError(_("cannot reach the database {url}: {reason}", url=shown_url(url),
                                          reason=_reason(exc))) from None
    finally:
        engine.dispose()


def upgrade_schema(db: str | None) -> SchemaStatus:
    """Apply every pending migration (safe to repeat); returns the status from before."""
    from sqlalchemy.exc import SQLAlchemyError

    before = schema_status(db)
    try:
        upgrade(before.url)
    except SQLAlchemyError as exc:
        raise DatabaseUnreachableError(f"cannot upgrade the database {shown_url(before.url)}: {_reason(exc)}") from None
    return before


def open_engine(db: str | None, *, migrate: bool, busy_timeout: float | None = None) -> Engine:
    """The engine of a running app: ``migrate`` (local mode) brings the schema up to date first;
    otherwise (server mode) an out-of-date schema raises :class:`SchemaOutOfDateError`.
    ``busy_timeout``: see :func:`crampcare.db.engine.make_engine`."""
    from crampcare.db.schema import require_up_to_date

    engine = _diary_engine(resolve_db_url(db), busy_timeout)
    try:
        if migrate:
            if not is_up_to_date(engine):
                upgrade(engine)
        else:
            require_up_to_date(engine)
    except BaseException:
        engine.dispose()
        raise
    return engine


def unsaved_reason(error: DatabaseUnavailableError) -> str | None:
    """Why a write failed, in one sentence, when the diary's folder is read-only or its disk is full."""
    return write_refusal(str(error.orig))
