"""Diary use cases: open a diary, log, read, edit, delete and undo — the same for every client.

**The night policy** (CLI, web form and API alike): logging a cramp for a night that already
has a record appends the cramp; a quiet night ("no cramp") never erases stored cramps; a
retry that carries the same idempotency key (API ``Idempotency-Key`` header, the web form's
hidden field) is stored once. :class:`LoggedNight.outcome` says what happened (``created``,
``appended`` or ``unchanged``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from crampcare.db.writes import DatabaseBusyError, Owner, OwnerGoneError
from crampcare.diary.records import Cramp, DayRecord, NightRecord
from crampcare.diary.store import Change, DiaryStore, LoggedNight, Outcome, StoredAssessment, open_store

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from crampcare.assess.model import Assessment

__all__ = [
    "ANY_VERSION",
    "Change",
    "DatabaseBusyError",
    "Diary",
    "Expected",
    "LoggedNight",
    "Outcome",
    "Owner",
    "OwnerGoneError",
    "Records",
    "StoredAssessment",
    "assess_and_save",
    "assessments",
    "change_made",
    "check_happened",
    "clearable_fields",
    "day",
    "days",
    "delete",
    "diary_for",
    "edit",
    "edit_seen",
    "get_date",
    "last_cramp",
    "latest_change",
    "latest_assessment",
    "list_records",
    "log_day",
    "log_night",
    "names",
    "night",
    "nights",
    "open_diary",
    "put_day",
    "put_night",
    "record_version",
    "save_assessment",
    "suggested_answers",
    "undo",
]

# The diary of one owner; interfaces hold it but only pass it back to these functions.
Diary = DiaryStore
Kind = Literal["night", "day"]
AnswerKind = Literal["night", "day", "cramp"]


@dataclass(frozen=True)
class Records:
    """Nights and days of a date range, oldest first."""

    nights: list[NightRecord]
    days: list[DayRecord]


def open_diary(db: str | None = None) -> Diary:
    """The local diary at ``db`` (path, URL, ``$CRAMPCARE_DB`` or the default file), migrated if old (CLI).

    A database that cannot be used (``mysql://…``: no driver; a folder) or reached (PostgreSQL down)
    raises :class:`~crampcare.services.database.DatabaseUnreachableError` with one line naming it,
    instead of the driver's exception; a read-only folder or a full disk keep their own answer."""
    from sqlalchemy.exc import ArgumentError, DatabaseError, OperationalError

    from crampcare.i18n.context import _
    from crampcare.services.database import (
        DatabaseUnreachableError,
        NotADiaryFileError,
        not_a_file_reason,
        resolve_db_url,
        shown_url,
        unsaved_reason,
    )

    try:
        return open_store(db, auto_upgrade=True)
    except NotADiaryFileError as exc:
        raise DatabaseUnreachableError(not_a_file_reason(exc)) from None
    except (ArgumentError, ImportError) as exc:
        raise DatabaseUnreachableError(_("cannot use the database {url}: {reason}",
                                         url=shown_url(resolve_db_url(db)), reason=exc)) from None
    except OperationalError as exc:
        if unsaved_reason(exc):
            raise
        reason = str(exc.orig).strip().splitlines()
        raise DatabaseUnreachableError(_("cannot reach the database {url}: {reason}", url=shown_url(resolve_db_url(db)),
                                         reason=reason[0] if reason else type(exc).__name__)) from None
    except DatabaseError as exc:
        if "file is not a database" not in str(exc.orig):
            raise
        # Any other file given as the diary (a text file, a photo): SQLite reads its header as garbage.
        raise DatabaseUnreachableError(_("cannot use {url}: the file is not a crampcare diary (not an SQLite "
                                         "database)", url=shown_url(resolve_db_url(db)))) from None


def diary_for(engine: Engine, owner: Owner) -> Diary:
    """``owner``'s diary on a shared engine (the server: one per request, no I/O until used)."""
    return DiaryStore(engine, owner.key, user_id=owner.user_id)


#: How far a cramp may lie ahead of this machine's clock: a phone's clock may run a few minutes ahead
#: (the offline form takes the phone's time).
CLOCK_TOLERANCE = dt.timedelta(minutes=15)


def check_happened(record: NightRecord, now: dt.datetime | None = None) -> None:
    """:class:`~crampcare.diary.errors.CrampNotYetError` when a cramp of ``record`` is still to come
    (later than ``now``, the machine's local time, by more than :data:`CLOCK_TOLERANCE`). Every way
    a night is logged or replaced checks it here: the JSON API stored a cramp in tomorrow's night,
    which the CLI and the web form refused."""
    from crampcare.diary import units
    from crampcare.diary.errors import CrampNotYetError

    latest = (now or dt.datetime.now()) + CLOCK_TOLERANCE
    for cramp in record.cramps:
        try:
            units.check_happened(record.date, cramp.start, latest)
        except ValueError as exc:
            raise CrampNotYetError(str(exc)) from None


def log_night(diary: Diary, record: NightRecord, idempotency_key: str | None = None) -> LoggedNight:
    """Log a night under the night policy (module docstring); one transaction, undoable."""
    check_happened(record)
    return diary.log_night(record, idempotency_key)


def log_day(diary: Diary, record: DayRecord, idempotency_key: str | None = None) -> None:
    """Log a new day; :class:`~crampcare.diary.errors.DuplicateRecordError` if that date is logged
    (a retry with the same idempotency key, a double tap, is not: it was stored once)."""
    diary.add_day(record, idempotency_key)


#: In :attr:`Expected.versions`: any stored record (HTTP's ``If-Match: *``).
ANY_VERSION = "*"


def names(versions: frozenset[str], stored: NightRecord | DayRecord | None) -> bool:
    """Whether ``versions`` (:func:`record_version` strings, or :data:`ANY_VERSION`) name ``stored``, the record
    as stored now: the check of :class:`Expected`, and of a read that answers "not modified" (HTTP's
    ``If-None-Match`` on a GET: the client holds the stored version already)."""
    return record_version(stored) in versions or (stored is not None and ANY_VERSION in versions)


@dataclass(frozen=True)
class Expected:
    """Which stored record a replace or a delete of one record may overwrite, checked inside its one
    write transaction, so that a change saved after the client read the record is never overwritten.

    Versions are :func:`record_version` strings (``""``: not logged; :data:`ANY_VERSION`: any stored
    record). ``versions``: one of them must be stored (a web edit form's version, HTTP's ``If-Match``);
    ``not_versions``: none of them may be (HTTP's ``If-None-Match``; ``{"*"}``: create only);
    ``required``: a stored record is replaced or deleted only when ``versions`` names it (an API
    client must say what it overwrites). A failed check raises
    :class:`~crampcare.diary.errors.ChangedMeanwhileError` (with the version stored now), a missing one
    :class:`~crampcare.diary.errors.VersionRequiredError`; nothing is written either way."""

    versions: frozenset[str] | None = None
    not_versions: frozenset[str] | None = None
    required: bool = False

    def check(self, kind: Kind, date: dt.date, stored: NightRecord | DayRecord | None) -> None:
        """Raise unless ``stored`` (the record of ``kind`` and ``date`` as stored now) may be overwritten."""
        from crampcare.diary.errors import ChangedMeanwhileError, VersionRequiredError

        version = record_version(stored)
        if self.versions is not None:
            if not names(self.versions, stored):
                raise ChangedMeanwhileError(kind, date, version)
        elif self.not_versions is not None and names(self.not_versions, stored):
            raise ChangedMeanwhileError(kind, date, version)
        if self.required and self.versions is None and stored is not None:
            raise VersionRequiredError(kind, date)


def put_night(diary: Diary, record: NightRecord, expected: Expected | None = None) -> None:
    """Replace (or create) the night of ``record.date``; undoable. ``expected``: see :class:`Expected`."""
    check_happened(record)
    diary.put_records([record], [], check=expected.check if expected is not None else None)


def put_day(diary: Diary, record: DayRecord, expected: Expected | None = None) -> None:
    """Replace (or create) the day of ``record.date``; undoable. ``expected``: see :class:`Expected`."""
    diary.put_records([], [record], check=expected.check if expected is not None else None)


def clearable_fields(kind: AnswerKind) -> tuple[str, ...]:
    """The optional answers of a night, a day or one cramp that can be set back to "not logged"
    (``None``): every field whose default is ``None``, so a field added to a record is clearable
    everywhere (a cramp's ``minutes_to_relief`` as much as a day's ``cold_exposure``)."""
    models: dict[str, type[NightRecord | DayRecord | Cramp]] = {"night": NightRecord, "day": DayRecord, "cramp": Cramp}
    model = models[kind]
    return tuple(name for name, field in model.model_fields.items() if not field.is_required() and field.default is None)


def edit(diary: Diary, nights: list[NightRecord], days: list[DayRecord], read: Records | None = None) -> None:
    """Replace the given records as one transaction and one undoable change.

    ``read``: the records the edit was made from (as :func:`get_date` gave them); when a record being
    replaced is no longer stored as read, :class:`~crampcare.diary.errors.ConflictError` and nothing
    changes, so an edit never overwrites what another program saved in the meantime."""
    for night in nights:
        check_happened(night)
    was: dict[tuple[Kind, dt.date], NightRecord | DayRecord | None] | None = None
    if read is not None:
        stored_nights = {record.date: record for record in read.nights}
        stored_days = {record.date: record for record in read.days}
        was = {("night", record.date): stored_nights.get(record.date) for record in nights}
        was |= {("day", record.date): stored_days.get(record.date) for record in days}
    diary.put_records(nights, days, was)


def record_version(record: NightRecord | DayRecord | None) -> str:
    """A short fingerprint of a record as stored (``""``: not logged), for an edit form to send back."""
    import hashlib
    import json

    if record is None:
        return ""
    text = json.dumps(record.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def edit_seen(diary: Diary, record: NightRecord | DayRecord, version: str | None) -> None:
    """Replace the night or day of ``record.date`` with ``record``, an edit of the one whose
    :func:`record_version` was ``version`` (an edit form's); when it changed since (a cramp logged
    from elsewhere meanwhile), :class:`~crampcare.diary.errors.ChangedMeanwhileError` and nothing
    changes. Without ``version`` (a client that does not send it) the record is replaced as it is."""
    expected = Expected(versions=frozenset({version})) if version is not None else None
    if isinstance(record, NightRecord):
        put_night(diary, record, expected)
    else:
        put_day(diary, record, expected)


def list_records(diary: Diary, start: dt.date | None = None, end: dt.date | None = None) -> Records:
    """Nights and days from ``start`` to ``end`` inclusive (open-ended when ``None``)."""
    return Records(diary.list_nights(start, end), diary.list_days(start, end))


def get_date(diary: Diary, date: dt.date) -> tuple[NightRecord | None, DayRecord | None]:
    """The night and the day of ``date`` (``None`` where not logged)."""
    return diary.get_night(date), diary.get_day(date)


def delete(diary: Diary, date: dt.date, kind: Kind | None = None, idempotency_key: str | None = None,
           expected: Expected | None = None) -> list[str]:
    """Delete the night, the day, or (``kind=None``) both of ``date``; returns the kinds deleted. Undoable.
    A retry with the same idempotency key (a double tap) is not refused as "nothing logged": it was done.
    ``expected`` (one kind only): the version the deleted record must have, see :class:`Expected`."""
    check = expected.check if expected is not None else None
    if kind == "night":
        diary.delete_night(date, idempotency_key, check)
        return ["night"]
    if kind == "day":
        diary.delete_day(date, idempotency_key, check)
        return ["day"]
    return diary.delete_date(date)


def undo(diary: Diary, change: int, idempotency_key: str | None = None) -> str:
    """Revert ``change``, the change the undo was offered for (:func:`change_made` after a write, or
    :func:`latest_change`); returns what was undone. When it is no longer the diary's last change
    (another device or window changed the diary since, or it was undone already),
    :class:`~crampcare.diary.errors.UndoStaleError` and nothing is undone — checked inside the undo's
    transaction, so an Undo never takes back someone else's confirmed change. ``NotFoundError`` when
    there is nothing to undo. A retry with the same idempotency key (a double tap) reverts nothing more."""
    return diary.undo(idempotency_key, change=change)


def change_made(diary: Diary) -> int | None:
    """The id of the change the latest write through ``diary`` made (``None``: it changed nothing): what an
    Undo offered for that write names. A retry with an idempotency key already used made none itself and
    gives the first request's, so its answer is the first one's (API ``X-Change-Id``, the web's Undo)."""
    return diary.last_change


def latest_change(diary: Diary) -> Change | None:
    """The diary's most recent change (id and what it did), which an undo naming it takes back."""
    return diary.latest_change()


def nights(diary: Diary, start: dt.date | None = None, end: dt.date | None = None) -> list[NightRecord]:
    """Nights from ``start`` to ``end`` inclusive, oldest first."""
    return diary.list_nights(start, end)


def days(diary: Diary, start: dt.date | None = None, end: dt.date | None = None) -> list[DayRecord]:
    """Days from ``start`` to ``end`` inclusive, oldest first."""
    return diary.list_days(start, end)


def last_cramp(diary: Diary) -> Cramp | None:
    """The last cramp of the latest night with one: what "a cramp like last time" offers to log again."""
    return diary.last_cramp()


def night(diary: Diary, date: dt.date) -> NightRecord | None:
    """The night of ``date``, or ``None``."""
    return diary.get_night(date)


def day(diary: Diary, date: dt.date) -> DayRecord | None:
    """The day of ``date``, or ``None``."""
    return diary.get_day(date)


# --------------------------------------------------------------------------- assessments


def save_assessment(diary: Diary, answers: dict[str, Any], result: dict[str, Any],
                    idempotency_key: str | None = None) -> int:
    """Keep a finished assessment (answers and the engine's result, with its trace); returns its id.
    A retry with the same idempotency key (a double tap, a reload) is kept once."""
    return diary.save_assessment(answers, result, idempotency_key)


def assess_and_save(diary: Diary, answers: dict[str, Any]) -> tuple[Assessment, int]:
    """Assess ``answers`` and keep the result (``AnswerError`` for a bad answer, nothing saved)."""
    from crampcare.assess import assess

    result = assess(answers)
    return result, diary.save_assessment(result.answers, result.model_dump(mode="json"))


def assessments(diary: Diary) -> list[StoredAssessment]:
    """Every saved assessment, oldest first."""
    return diary.list_assessments()


def latest_assessment(diary: Diary) -> StoredAssessment | None:
    """The most recent saved assessment, or ``None``."""
    return diary.latest_assessment()


def suggested_answers(diary: Diary) -> dict[str, Any]:
    """Interview answers the diary's last weeks suggest (the person confirms or changes them)."""
    from crampcare.diary.prefill import prefill_answers

    return prefill_answers(diary.list_nights(), diary.list_days())
