"""The diary store: nights, days and assessments of one owner, with undo.

Design choices, and why:

* **One owner per store.** ``DiaryStore(url, owner=...)`` filters every statement on
  ``owner``; there is no method that takes another owner's id, so server code cannot leak
  one person's diary to another by passing the wrong argument.
* **One transaction per call**, on a short-lived connection: a crash or a refused write
  leaves the diary exactly as it was. Writes go through :func:`crampcare.db.writes.run_write`,
  which holds the owner's write lock for the whole read-modify-write, so concurrent clients
  never lose each other's changes, and refuses to write for an account that was deleted.
* **One night policy for every client** (:meth:`DiaryStore.log_night`): a cramp logged for a
  night that already has a record is appended to it; a quiet night never erases stored
  cramps; a write retried with the same idempotency key is stored once.
* **Core statements, not ORM unit-of-work**: a 10-year diary (7,300 records) imports in one
  multi-row ``INSERT`` per table instead of thousands of flushes.
* **Undo via a change log**: every write stores the state it replaced as JSON, so undo works
  the same for add, edit, delete and a bulk import, and survives restarts.
* **Reads do not re-validate.** Records were validated when written; re-validating on read
  would make a diary unreadable if, say, the clock moved back across midnight ("date in the
  future") or the knowledge base renamed a medicine.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, TypeVar, cast

from pydantic import BaseModel
from sqlalchemy import JSON, ColumnElement, Connection, Row, Table, Text, delete, insert, select
from sqlalchemy import cast as sql_cast
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, OperationalError

from crampcare.db.engine import make_engine, resolve_db_url
from crampcare.db.schema import is_up_to_date, upgrade
from crampcare.db.schema import require_up_to_date as _require_up_to_date
from crampcare.db.writes import Owner, run_write
from crampcare.diary.errors import (
    ChangedMeanwhileError,
    ConflictError,
    DiaryError,
    DuplicateRecordError,
    NightFullError,
    NotFoundError,
    TagLimitError,
    UndoStaleError,
)
from crampcare.diary.models import (
    DEFAULT_OWNER,
    AssessmentRow,
    ChangeLogRow,
    CrampRow,
    DayRow,
    IdempotencyKeyRow,
    NightRow,
)
from crampcare.diary.records import (
    MAX_CRAMPS_PER_NIGHT,
    MAX_DISTINCT_TAGS,
    MAX_NOTES_LENGTH,
    Cramp,
    DayRecord,
    NightRecord,
)
from crampcare.i18n.context import N_, _

__all__ = [
    "AddManyResult",
    "Change",
    "LoggedNight",
    "Outcome",
    "ConflictError",
    "DiaryError",
    "DiaryStore",
    "DuplicateRecordError",
    "NotFoundError",
    "StoredAssessment",
    "open_store",
]

T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)
Kind = Literal["night", "day"]
#: Called inside a write's transaction with each record it replaces or deletes as stored then (``None``:
#: not logged); raising refuses the whole write (a version check: nothing saved meanwhile is overwritten).
Check = Callable[[Kind, dt.date, NightRecord | DayRecord | None], None]
# What a write did, as told to the person and in the API's ``X-Crampcare-Outcome`` header.
Outcome = Literal["created", "appended", "unchanged"]

# How many changes undo can walk back through; older entries are pruned on write.
MAX_UNDO = 100

_nights = cast(Table, NightRow.__table__)
_cramps = cast(Table, CrampRow.__table__)
_days = cast(Table, DayRow.__table__)
_assessments = cast(Table, AssessmentRow.__table__)
_log = cast(Table, ChangeLogRow.__table__)
_keys = cast(Table, IdempotencyKeyRow.__table__)
# How long an idempotency key is remembered: far longer than any client's retries.
IDEMPOTENCY_WINDOW = dt.timedelta(days=1)
IDEMPOTENCY_KEY_LENGTH = 200

_NIGHT_FIELDS = ("sleep_disturbed", "notes")
_CRAMP_FIELDS = tuple(Cramp.model_fields)
_DAY_FIELDS = tuple(name for name in DayRecord.model_fields if name != "date")


class StoredAssessment(BaseModel):
    """An assessment as saved: its answers and the engine's result, both opaque JSON objects."""

    id: int
    created_at: dt.datetime
    answers: dict[str, Any]
    result: dict[str, Any]


@dataclass(frozen=True)
class LoggedNight:
    """What :meth:`DiaryStore.log_night` did and the night as stored afterwards.

    ``replayed`` is true when the idempotency key had been seen: nothing was written this time,
    and ``outcome`` is what the first request did.
    """

    outcome: Outcome
    night: NightRecord
    replayed: bool = False


@dataclass(frozen=True)
class Change:
    """A change undo can take back: its id (what an undo names) and what it did, in a sentence."""

    id: int
    description: str


@dataclass(frozen=True)
class AddManyResult:
    """What :meth:`DiaryStore.add_many` did; ``*_unchanged`` were identical to stored records."""

    nights_added: int
    days_added: int
    nights_unchanged: int
    days_unchanged: int
    assessments_added: int = 0
    assessments_unchanged: int = 0


# --------------------------------------------------------------------------- record <-> row


def _as_date(value: dt.date | str) -> dt.date:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def _as_time(value: dt.time | str) -> dt.time:
    return dt.time.fromisoformat(value) if isinstance(value, str) else value


def _trusted(model: type[M], values: dict[str, Any]) -> M:
    """``model.model_construct(**values)`` for trusted, complete ``values`` in field order, at a tenth of its cost.

    ``model_construct`` walks every field for aliases and defaults on each call; a 10-year diary
    builds 8,000 records, and that walk was a third of reading it. Our record models have no
    aliases, private attributes or post-init hook, so the instance is exactly what
    ``model_construct`` makes: ``tests/diary/test_diary_read_speed.py`` compares the two (and
    :meth:`model_validate`) on a diary with every field kind.
    """
    record = model.__new__(model)
    _set_attribute(record, "__dict__", values)
    _set_attribute(record, "__pydantic_fields_set__", set(values))
    _set_attribute(record, "__pydantic_extra__", None)
    _set_attribute(record, "__pydantic_private__", None)
    return record


# Pydantic models refuse plain attribute assignment of these slots; model_construct uses this too.
_set_attribute = object.__setattr__


def _build_cramp(values: Mapping[Any, Any]) -> Cramp:
    return _trusted(Cramp, {**{k: values[k] for k in _CRAMP_FIELDS}, "start": _as_time(values["start"])})


def _build_night(date: dt.date | str, values: Mapping[Any, Any], cramps: Iterable[Mapping[Any, Any]]) -> NightRecord:
    """A NightRecord from trusted stored values (change-log JSON), without re-validation."""
    return _trusted(NightRecord, {"date": _as_date(date), "cramps": [_build_cramp(c) for c in cramps],
                                  "sleep_disturbed": values["sleep_disturbed"], "notes": values["notes"]})


def _either_disturbed(first: bool | None, second: bool | None) -> bool | None:
    """Two answers about one night's sleep together: disturbed if either says so, not logged only
    if neither was logged (``None or False`` would turn a "no" into "not logged")."""
    if first is None or second is None:
        return second if first is None else first
    return first or second


def _build_day(date: dt.date | str, values: Mapping[Any, Any]) -> DayRecord:
    """A DayRecord from trusted stored values, without re-validation."""
    return _trusted(DayRecord, {"date": _as_date(date), **{k: values[k] for k in _DAY_FIELDS}})


class _JsonLists:
    """Decodes the JSON text of list columns, each distinct text once per read.

    A long diary repeats a few values (``[]``, ``["calf"]``) thousands of times; ``json.loads``
    on each was a third of reading it. Every caller gets its own list, so changing one record's
    list never changes another's.
    """

    def __init__(self) -> None:
        self._decoded: dict[str, list[Any]] = {}

    def __call__(self, text: str) -> list[Any]:
        decoded = self._decoded.get(text)
        if decoded is None:
            decoded = self._decoded[text] = json.loads(text)
        return list(decoded)


def _stored_columns(table: Table, names: Sequence[str]) -> tuple[list[ColumnElement[Any]], list[int]]:
    """``table``'s columns ``names`` for a SELECT, JSON ones as their text; and the positions of those."""
    json_positions = [i for i, name in enumerate(names) if isinstance(table.c[name].type, JSON)]
    columns: list[ColumnElement[Any]] = [
        sql_cast(table.c[name], Text) if i in json_positions else table.c[name] for i, name in enumerate(names)
    ]
    return columns, json_positions


# Reads select columns in the records' field order, so a row zips straight into a record.
_CRAMP_COLUMNS, _CRAMP_JSON = _stored_columns(_cramps, _CRAMP_FIELDS)
_DAY_FIELD_ORDER = ("date", *_DAY_FIELDS)
_DAY_COLUMNS, _DAY_JSON = _stored_columns(_days, _DAY_FIELD_ORDER)


def _night_from_json(data: Mapping[str, Any]) -> NightRecord:
    return _build_night(data["date"], data, data["cramps"])


def _day_from_json(data: Mapping[str, Any]) -> DayRecord:
    return _build_day(data["date"], data)


def _dump(record: NightRecord | DayRecord) -> dict[str, Any]:
    return record.model_dump(mode="json")


def _chunks(items: Sequence[Any], size: int = 500) -> Iterator[Sequence[Any]]:
    for index in range(0, len(items), size):
        yield items[index : index + size]


# --------------------------------------------------------------------------- the store


class DiaryStore:
    """One owner's diary in one database. Every public method is one transaction.

    ``url_or_engine`` is a SQLAlchemy URL (the schema must exist: see :func:`open_store` or
    :func:`crampcare.db.schema.upgrade`) or an engine shared with other stores.
    """

    def __init__(self, url_or_engine: str | Engine, owner: str = DEFAULT_OWNER, *, user_id: int | None = None) -> None:
        self._owner = Owner(owner, user_id)
        self.owner = owner
        self.user_id = user_id
        self._owns_engine = not isinstance(url_or_engine, Engine)
        #: The id of the change this store's latest write recorded (``None``: it recorded none, such as
        #: a quiet night that changed nothing or a retry with a used idempotency key): what an Undo
        #: offered for that write names. Set only once the write's transaction is committed.
        self.last_change: int | None = None
        self._recorded: int | None = None
        self.engine: Engine = make_engine(url_or_engine) if isinstance(url_or_engine, str) else url_or_engine

    def close(self) -> None:
        """Release the connection pool if this store created the engine."""
        if self._owns_engine:
            self.engine.dispose()

    def __enter__(self) -> DiaryStore:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ nights

    def add_night(self, record: NightRecord) -> None:
        """Store a new night; :class:`DuplicateRecordError` if that date already has one."""
        self._add("night", record)

    def log_night(self, record: NightRecord, idempotency_key: str | None = None) -> LoggedNight:
        """Log ``record`` under the one night policy, atomically; see :class:`LoggedNight`.

        No night stored for the date: ``record`` is stored (``created``). A night is stored:
        ``record``'s cramps are appended to it, "sleep disturbed" is kept if either says so and
        a new note is added below the old one (``appended``); a quiet night (no cramps) changes
        nothing (``unchanged``) — it never erases a cramp. Undo takes back exactly this change.
        """

        def work(conn: Connection) -> LoggedNight:
            existing = self._fetch_nights(conn, record.date, record.date).get(record.date)
            if existing is None:
                self._insert_nights(conn, [record])
                self._record_change(conn, "add", "night", record.date, [_entry("night", record.date, None)])
                return LoggedNight("created", record)
            if not record.cramps:
                return LoggedNight("unchanged", existing)
            notes = existing.notes if not record.notes or record.notes in existing.notes else (
                f"{existing.notes}\n{record.notes}".strip()
            )
            if len(existing.cramps) + len(record.cramps) > MAX_CRAMPS_PER_NIGHT:  # the same: no validation error
                raise NightFullError(record.date, len(record.cramps), MAX_CRAMPS_PER_NIGHT)
            if len(notes) > MAX_NOTES_LENGTH:  # a valid request must not end in a validation error
                raise ConflictError("night", record.date, _(
                    "with the new note the night's notes would be longer than {limit} characters; "
                    "shorten them by editing the night", limit=MAX_NOTES_LENGTH))
            combined = NightRecord.model_validate({
                "date": record.date,
                "cramps": [*(c.model_dump() for c in existing.cramps), *(c.model_dump() for c in record.cramps)],
                "sleep_disturbed": _either_disturbed(existing.sleep_disturbed, record.sleep_disturbed),
                "notes": notes,
            })
            self._delete_rows(conn, "night", [record.date])
            self._insert_nights(conn, [combined])
            self._record_change(conn, "edit", "night", record.date, [_entry("night", record.date, existing)])
            return LoggedNight("appended", combined)

        def replay(conn: Connection, outcome: str) -> LoggedNight:
            stored = self._fetch_nights(conn, record.date, record.date).get(record.date)
            return LoggedNight(cast(Outcome, outcome), stored or record, replayed=True)

        # The key is bound to the night's date: reusing it for another night is a conflict, never a
        # replay that would confirm a night that was not stored.
        return self._write_once(f"log_night {record.date.isoformat()}", idempotency_key, work, replay,
                                lambda logged: logged.outcome)

    def put_night(self, record: NightRecord) -> None:
        """Store ``record``, replacing whatever was stored for its date (an edit, undoable)."""
        self._put([("night", record)])

    def get_night(self, date: dt.date) -> NightRecord | None:
        """The night of ``date``, or ``None`` when it was not logged."""
        with self.engine.connect() as conn:
            return self._fetch_nights(conn, date, date).get(date)

    def list_nights(self, start: dt.date | None = None, end: dt.date | None = None) -> list[NightRecord]:
        """Nights from ``start`` to ``end`` inclusive (open-ended when ``None``), oldest first."""
        with self.engine.connect() as conn:
            return list(self._fetch_nights(conn, start, end).values())

    def last_cramp(self) -> Cramp | None:
        """The last cramp of the latest night that has one (``None`` before the first cramp)."""
        query = (
            select(_cramps)
            .join(_nights, _cramps.c.night_id == _nights.c.id)
            .where(_nights.c.owner == self.owner, _cramps.c.owner == self.owner)
            .order_by(_nights.c.date.desc(), _cramps.c.position.desc())
            .limit(1)
        )
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        if row is None:
            return None
        return Cramp.model_construct(**{**{k: row._mapping[k] for k in _CRAMP_FIELDS}, "start": _as_time(row.start)})

    def delete_night(self, date: dt.date, idempotency_key: str | None = None, check: Check | None = None) -> None:
        """Delete the night of ``date`` with its cramps; :class:`NotFoundError` if absent, unless this
        is a retry with the ``idempotency_key`` that deleted it (a double tap). ``check``: see :data:`Check`."""
        self._delete_date(date, ("night",), idempotency_key=idempotency_key, check=check)

    # ------------------------------------------------------------------ days

    def add_day(self, record: DayRecord, idempotency_key: str | None = None) -> None:
        """Store a new day; :class:`DuplicateRecordError` if that date already has one, unless this
        is a retry with the ``idempotency_key`` that stored it (a double tap): then nothing happens."""
        self._add("day", record, idempotency_key)

    def put_day(self, record: DayRecord) -> None:
        """Store ``record``, replacing whatever was stored for its date (an edit, undoable)."""
        self._put([("day", record)])

    def get_day(self, date: dt.date) -> DayRecord | None:
        """The day of ``date``, or ``None`` when it was not logged."""
        with self.engine.connect() as conn:
            return self._fetch_days(conn, date, date).get(date)

    def list_days(self, start: dt.date | None = None, end: dt.date | None = None) -> list[DayRecord]:
        """Days from ``start`` to ``end`` inclusive (open-ended when ``None``), oldest first."""
        with self.engine.connect() as conn:
            return list(self._fetch_days(conn, start, end).values())

    def delete_day(self, date: dt.date, idempotency_key: str | None = None, check: Check | None = None) -> None:
        """Delete the day of ``date``; :class:`NotFoundError` if absent, unless this is a retry with the
        ``idempotency_key`` that deleted it (a double tap). ``check``: see :data:`Check`."""
        self._delete_date(date, ("day",), idempotency_key=idempotency_key, check=check)

    def delete_date(self, date: dt.date) -> list[str]:
        """Delete the night and the day of ``date`` as one undoable change; returns the kinds deleted."""
        return self._delete_date(date, ("night", "day"), require_all=False)

    def put_records(self, nights: Sequence[NightRecord] = (), days: Sequence[DayRecord] = (),
                    read: Mapping[tuple[Kind, dt.date], NightRecord | DayRecord | None] | None = None,
                    check: Check | None = None) -> None:
        """Replace (or add) several records as one transaction and one undoable change.

        Used when one edit touches both the night and the day of a date. ``read``: the records the
        edit was made from, by kind and date (``None``: not logged); when one is no longer stored as
        read (another program changed it meanwhile), :class:`ConflictError` and nothing is written,
        so the edit never overwrites a change that was confirmed saved in between. ``check``: the same
        for a client that kept only a record's version (see :data:`Check`).
        """
        self._put([("night", r) for r in nights] + [("day", r) for r in days], read, check)

    # ------------------------------------------------------------------ bulk

    def add_many(
        self,
        nights: Sequence[NightRecord] = (),
        days: Sequence[DayRecord] = (),
        assessments: Sequence[tuple[dict[str, Any], dict[str, Any], dt.datetime | None]] = (),
    ) -> AddManyResult:
        """Add many records in one transaction (import, simulation).

        Records identical to stored ones are skipped, so importing the same file twice adds
        nothing. A record that differs from the stored one for its date raises
        :class:`ConflictError` naming the date, and nothing is written. ``assessments``
        (answers, result, when it was made: ``None`` for now) are saved in the same transaction
        unless one with the same answers (and, when given, made in the same second) is stored already;
        undoing the import removes them again.
        """
        try:
            return self._add_many(nights, days, assessments)
        except IntegrityError:
            raise DiaryError("another change to the same dates was saved at the same moment; try again") from None

    def _add_many(
        self,
        nights: Sequence[NightRecord],
        days: Sequence[DayRecord],
        assessments: Sequence[tuple[dict[str, Any], dict[str, Any], dt.datetime | None]],
    ) -> AddManyResult:
        def work(conn: Connection) -> AddManyResult:
            new_nights, same_nights = self._partition(conn, "night", nights)
            new_days, same_days = self._partition(conn, "day", days)
            self._check_tag_budget(conn, new_days)
            known = [(row.answers, _second(row.created_at)) for row in conn.execute(
                select(_assessments.c.answers, _assessments.c.created_at).where(_assessments.c.owner == self.owner)
            )] if assessments else []
            saved: list[int] = []
            for answers, result, made in assessments:
                # An imported assessment keeps its own moment (never later than now); the report dates it by that.
                created = min(made.astimezone(dt.UTC), _now()) if made is not None else _now()
                # The same answers at another moment are another assessment (a history keeps both); without
                # a moment, the same answers are the same assessment. Moments compare to the second, as FHIR
                # writes them, so a diary's own export imported back adds nothing.
                if any(answers == stored and (made is None or _second(created) == at) for stored, at in known):
                    continue
                inserted = conn.execute(insert(_assessments).values(
                    owner=self.owner, user_id=self.user_id, created_at=created, answers=dict(answers),
                    result=dict(result)))
                known.append((answers, _second(created)))
                key = inserted.inserted_primary_key
                assert key is not None
                saved.append(int(key[0]))
            self._insert_nights(conn, new_nights)
            self._insert_days(conn, new_days)
            entries = [{"kind": "night", "date": r.date.isoformat(), "record": None} for r in new_nights]
            entries += [{"kind": "day", "date": r.date.isoformat(), "record": None} for r in new_days]
            # Undoing the import takes its assessments away too (they stayed, and the report showed one).
            entries += [{"kind": "assessment", "id": ident, "record": None} for ident in saved]
            # Recorded even when it adds nothing: "undo" right after an import (the web offers it) must undo
            # that import, not the change before it.
            self._record_change(conn, "import", "bulk", None, entries)
            return AddManyResult(len(new_nights), len(new_days), same_nights, same_days, len(saved),
                                 len(assessments) - len(saved))

        return self._write(work)

    # ------------------------------------------------------------------ undo

    def undo(self, idempotency_key: str | None = None, *, change: int | None = None) -> str:
        """Revert the most recent change (add, edit, delete or import); returns what was undone.

        ``change``: the id of the change the undo was offered for (:attr:`last_change` of the write, or
        :meth:`latest_change`); when it is no longer the most recent one (another device or window
        changed the diary since), :class:`UndoStaleError` and nothing is undone, checked in the undo's
        own transaction. Raises :class:`NotFoundError` when there is nothing left to undo. A retry with
        the ``idempotency_key`` of an undo already done (a double tap) reverts nothing more.
        """

        def work(conn: Connection) -> str:
            entry = conn.execute(
                select(_log).where(_log.c.owner == self.owner).order_by(_log.c.id.desc()).limit(1)
            ).first()
            if entry is None:
                raise NotFoundError(_("nothing to undo"))
            if change is not None and entry.id != change:
                raise UndoStaleError()
            for kind in ("night", "day"):
                items = [item for item in entry.previous if item["kind"] == kind]
                self._delete_rows(conn, kind, [_as_date(item["date"]) for item in items])
                kept = [item["record"] for item in items if item["record"] is not None]
                if kind == "night":
                    self._insert_nights(conn, [_night_from_json(data) for data in kept])
                else:
                    self._insert_days(conn, [_day_from_json(data) for data in kept])
            added = [item["id"] for item in entry.previous if item["kind"] == "assessment"]
            if added:
                conn.execute(delete(_assessments).where(_assessments.c.owner == self.owner, _assessments.c.id.in_(added)))
            conn.execute(delete(_log).where(_log.c.id == entry.id, _log.c.owner == self.owner))
            return _describe(entry)

        return self._write_once("undo", idempotency_key, work,
                                lambda conn, outcome: _("nothing more: that undo was already done"),
                                lambda described: "undone")

    def latest_change(self) -> Change | None:
        """The most recent change undo would take back (``None``: nothing to undo)."""
        with self.engine.connect() as conn:
            entry = conn.execute(
                select(_log).where(_log.c.owner == self.owner).order_by(_log.c.id.desc()).limit(1)
            ).first()
        return Change(entry.id, _describe(entry, _DID, _DID_BULK)) if entry is not None else None

    # ------------------------------------------------------------------ assessments

    def save_assessment(self, answers: dict[str, Any], result: dict[str, Any],
                        idempotency_key: str | None = None) -> int:
        """Save a finished assessment (JSON-serialisable dicts); returns its id. A retry with the
        ``idempotency_key`` that saved it (a double tap) saves nothing and returns the same id."""

        def work(conn: Connection) -> int:
            inserted = conn.execute(
                insert(_assessments).values(
                    owner=self.owner, user_id=self.user_id, created_at=_now(), answers=dict(answers),
                    result=dict(result),
                )
            )
            key = inserted.inserted_primary_key
            assert key is not None
            return int(key[0])

        return self._write_once("save_assessment", idempotency_key, work, lambda conn, outcome: int(outcome), str)

    def list_assessments(self) -> list[StoredAssessment]:
        """All saved assessments, oldest first."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(_assessments)
                .where(_assessments.c.owner == self.owner)
                .order_by(_assessments.c.created_at, _assessments.c.id)
            ).all()
        return [_assessment(row) for row in rows]

    def latest_assessment(self) -> StoredAssessment | None:
        """The most recent assessment, or ``None``."""
        with self.engine.connect() as conn:
            row = conn.execute(
                select(_assessments)
                .where(_assessments.c.owner == self.owner)
                .order_by(_assessments.c.created_at.desc(), _assessments.c.id.desc())
                .limit(1)
            ).first()
        return _assessment(row) if row is not None else None

    # ------------------------------------------------------------------ account deletion

    def delete_everything(self) -> dict[str, int]:
        """Erase all of this owner's rows in every table (not undoable); returns rows deleted per table."""
        with self.engine.begin() as conn:
            return self.delete_everything_in(conn)

    def delete_everything_in(self, conn: Connection) -> dict[str, int]:
        """:meth:`delete_everything` inside the caller's transaction (account deletion holds the owner's lock)."""
        return {
            table.name: conn.execute(delete(table).where(table.c.owner == self.owner)).rowcount
            for table in (_cramps, _nights, _days, _assessments, _log, _keys)
        }

    # ------------------------------------------------------------------ internals: writes

    def _write(self, work: Callable[[Connection], T]) -> T:
        """Run ``work`` as one transaction holding this owner's write lock (see :mod:`crampcare.db.writes`)."""
        def tracked(conn: Connection) -> T:
            self._recorded = None  # a retried attempt starts afresh
            return work(conn)

        self.last_change = None
        result = run_write(self.engine, self._owner, tracked)
        self.last_change = self._recorded
        return result

    def _write_once(
        self,
        action: str,
        key: str | None,
        work: Callable[[Connection], T],
        replay: Callable[[Connection, str], T],
        outcome_of: Callable[[T], str],
    ) -> T:
        """``work`` once per idempotency ``key``: a retry with a key already used gets ``replay`` instead."""
        if key is None:
            return self._write(work)
        if not key or len(key) > IDEMPOTENCY_KEY_LENGTH:
            raise DiaryError(_("an idempotency key must be 1-{length} characters", length=IDEMPOTENCY_KEY_LENGTH))

        def once(conn: Connection) -> T:
            now = _now()
            conn.execute(delete(_keys).where(_keys.c.owner == self.owner, _keys.c.at < now - IDEMPOTENCY_WINDOW))
            seen = conn.execute(
                select(_keys.c.action, _keys.c.outcome, _keys.c.change_id)
                .where(_keys.c.owner == self.owner, _keys.c.key == key)
            ).first()
            if seen is not None:
                if seen.action != action:
                    raise DiaryError(_("this idempotency key was already used for another change ({action})",
                                       action=seen.action))
                # The retry answers as the first request did, with the change it made (an Undo names it).
                self._recorded = seen.change_id
                return replay(conn, seen.outcome)
            result = work(conn)
            conn.execute(insert(_keys).values(owner=self.owner, user_id=self.user_id, key=key, action=action,
                                              outcome=outcome_of(result), at=now, change_id=self._recorded))
            return result

        return self._write(once)

    def _add(self, kind: Kind, record: NightRecord | DayRecord, idempotency_key: str | None = None) -> None:
        def work(conn: Connection) -> None:
            if self._fetch(conn, kind, record.date) is not None:
                raise DuplicateRecordError(kind, record.date)
            if isinstance(record, DayRecord):
                self._check_tag_budget(conn, [record])
            self._insert(conn, kind, record)
            self._record_change(conn, "add", kind, record.date, [_entry(kind, record.date, None)])

        try:
            self._write_once(f"add_{kind} {record.date.isoformat()}", idempotency_key, work,
                             lambda conn, outcome: None, lambda done: "created")
        except IntegrityError:
            # Another process added the same date between our check and our insert.
            raise DuplicateRecordError(kind, record.date) from None

    def _put(self, items: Sequence[tuple[Kind, NightRecord | DayRecord]],
             read: Mapping[tuple[Kind, dt.date], NightRecord | DayRecord | None] | None = None,
             check: Check | None = None) -> None:
        if not items:
            return
        keys = [(kind, record.date) for kind, record in items]
        if len(set(keys)) != len(keys):
            raise ValueError("put_records got two records of the same kind for one date")

        def work(conn: Connection) -> None:
            self._check_tag_budget(conn, [record for _kind, record in items if isinstance(record, DayRecord)])
            entries = []
            replaced = False
            for kind, record in items:
                previous = self._fetch(conn, kind, record.date)
                if read is not None and (kind, record.date) in read and _changed(read[kind, record.date], previous):
                    raise ChangedMeanwhileError(kind, record.date)
                if check is not None:
                    check(kind, record.date, previous)
                if previous is not None:
                    replaced = True
                    self._delete_rows(conn, kind, [record.date])
                self._insert(conn, kind, record)
                entries.append(_entry(kind, record.date, previous))
            dates = {record.date for _kind, record in items}
            kinds = {kind for kind, _record in items}
            label: str = next(iter(kinds)) if len(kinds) == 1 else "both"
            date = next(iter(dates)) if len(dates) == 1 else None
            if date is None:
                label = "bulk"
            self._record_change(conn, "edit" if replaced else "add", label, date, entries)

        self._write(work)

    def _check_tag_budget(self, conn: Connection, days: Sequence[DayRecord]) -> None:
        """:class:`TagLimitError` if writing ``days`` (replacing their dates) gives the diary more
        than :data:`MAX_DISTINCT_TAGS` different tags: the insights compare every tag with every night."""
        new = dict.fromkeys(tag for day in days for tag in day.tags)
        if not new:
            return
        replaced = {day.date for day in days}
        rows = conn.execute(select(_days.c.date, sql_cast(_days.c.tags, Text)).where(_days.c.owner == self.owner)).all()
        lists = _JsonLists()
        known = {tag for date, tags in rows if _as_date(date) not in replaced for tag in lists(tags)}
        unseen = [tag for tag in new if tag not in known]
        if len(known) + len(unseen) > MAX_DISTINCT_TAGS:
            raise TagLimitError(len(known) + len(unseen), MAX_DISTINCT_TAGS, unseen[0])

    def _delete_date(self, date: dt.date, kinds: tuple[Kind, ...], require_all: bool = True,
                     idempotency_key: str | None = None, check: Check | None = None) -> list[str]:

        def work(conn: Connection) -> list[str]:
            found = {kind: self._fetch(conn, kind, date) for kind in kinds}
            missing = [kind for kind, record in found.items() if record is None]
            if (require_all and missing) or len(missing) == len(kinds):
                words = {"night": _("night"), "day": _("day")}
                what = _(" or ").join(words[kind] for kind in missing)
                raise NotFoundError(_("no {what} logged for {date}", what=what, date=date.isoformat()))
            deleted: list[Kind] = [kind for kind, record in found.items() if record is not None]
            if check is not None:
                for kind in deleted:
                    check(kind, date, found[kind])
            for kind in deleted:
                self._delete_rows(conn, kind, [date])
            label = deleted[0] if len(deleted) == 1 else "both"
            entries = [_entry(kind, date, found[kind]) for kind in deleted]
            self._record_change(conn, "delete", label, date, entries)
            return list(deleted)

        return self._write_once(f"delete_{'_'.join(kinds)} {date.isoformat()}", idempotency_key, work,
                                lambda conn, outcome: outcome.split(), " ".join)

    def _insert(self, conn: Connection, kind: Kind, record: NightRecord | DayRecord) -> None:
        if kind == "night":
            assert isinstance(record, NightRecord)
            self._insert_nights(conn, [record])
        else:
            assert isinstance(record, DayRecord)
            self._insert_days(conn, [record])

    def _insert_nights(self, conn: Connection, records: Sequence[NightRecord]) -> None:
        if not records:
            return
        rows = [
            {"owner": self.owner, "user_id": self.user_id, "date": r.date, "sleep_disturbed": r.sleep_disturbed,
             "notes": r.notes}
            for r in records
        ]
        ids = conn.execute(insert(_nights).returning(_nights.c.id, sort_by_parameter_order=True), rows).scalars().all()
        cramp_rows = [
            {"owner": self.owner, "user_id": self.user_id, "night_id": night_id, "position": position,
             **cramp.model_dump()}
            for night_id, record in zip(ids, records, strict=True)
            for position, cramp in enumerate(record.cramps)
        ]
        if cramp_rows:
            conn.execute(insert(_cramps), cramp_rows)

    def _insert_days(self, conn: Connection, records: Sequence[DayRecord]) -> None:
        if records:
            conn.execute(insert(_days), [{"owner": self.owner, "user_id": self.user_id, **r.model_dump()} for r in records])

    def _delete_rows(self, conn: Connection, kind: Kind, dates: Sequence[dt.date]) -> None:
        """Delete this owner's rows of ``kind`` on ``dates`` (cramps go by ON DELETE CASCADE)."""
        table = _nights if kind == "night" else _days
        for chunk in _chunks(list(dates)):
            if kind == "night":
                # Do not rely on the cascade alone: a SQLite connection opened without our
                # connect hook would leave orphans behind.
                night_ids = select(_nights.c.id).where(_nights.c.owner == self.owner, _nights.c.date.in_(chunk))
                conn.execute(delete(_cramps).where(_cramps.c.owner == self.owner, _cramps.c.night_id.in_(night_ids)))
            conn.execute(delete(table).where(table.c.owner == self.owner, table.c.date.in_(chunk)))

    def _record_change(
        self, conn: Connection, action: str, kind: str, date: dt.date | None, entries: list[dict[str, Any]]
    ) -> None:
        inserted = conn.execute(
            insert(_log).values(owner=self.owner, user_id=self.user_id, at=_now(), action=action, kind=kind, date=date,
                                previous=entries)
        )
        key = inserted.inserted_primary_key
        assert key is not None
        self._recorded = int(key[0])
        oldest_kept = conn.execute(
            select(_log.c.id).where(_log.c.owner == self.owner).order_by(_log.c.id.desc()).offset(MAX_UNDO - 1).limit(1)
        ).scalar()
        if oldest_kept is not None:
            conn.execute(delete(_log).where(_log.c.owner == self.owner, _log.c.id < oldest_kept))

    def _partition(
        self, conn: Connection, kind: Kind, records: Sequence[NightRecord] | Sequence[DayRecord]
    ) -> tuple[list[Any], int]:
        """Split ``records`` into new ones and a count of those already stored identically."""
        if not records:
            return [], 0
        incoming: dict[dt.date, NightRecord | DayRecord] = {}
        for record in records:
            seen = incoming.get(record.date)
            if seen is not None and _dump(seen) != _dump(record):
                raise ConflictError(kind, record.date, _("it appears twice with different details"))
            incoming[record.date] = record
        dates = sorted(incoming)
        stored = (
            self._fetch_nights(conn, dates[0], dates[-1])
            if kind == "night"
            else self._fetch_days(conn, dates[0], dates[-1])
        )
        new: list[Any] = []
        unchanged = 0
        for date in dates:
            record = incoming[date]
            existing = stored.get(date)
            if existing is None:
                new.append(record)
            elif _dump(existing) == _dump(record):
                unchanged += 1
            else:
                raise ConflictError(kind, date)
        return new, unchanged

    # ------------------------------------------------------------------ internals: reads

    def _fetch(self, conn: Connection, kind: Kind, date: dt.date) -> NightRecord | DayRecord | None:
        found = self._fetch_nights(conn, date, date) if kind == "night" else self._fetch_days(conn, date, date)
        return found.get(date)

    def _fetch_nights(self, conn: Connection, start: dt.date | None, end: dt.date | None) -> dict[dt.date, NightRecord]:
        conditions = [_nights.c.owner == self.owner]
        if start is not None:
            conditions.append(_nights.c.date >= start)
        if end is not None:
            conditions.append(_nights.c.date <= end)
        nights = conn.execute(
            select(_nights.c.id, _nights.c.date, _nights.c.sleep_disturbed, _nights.c.notes)
            .where(*conditions)
            .order_by(_nights.c.date)
        ).all()
        if not nights:
            return {}
        cramp_rows = conn.execute(
            select(_cramps.c.night_id, *_CRAMP_COLUMNS)
            .join(_nights, _cramps.c.night_id == _nights.c.id)
            .where(_cramps.c.owner == self.owner, *conditions)
            .order_by(_cramps.c.night_id, _cramps.c.position)
        ).all()
        lists = _JsonLists()
        cramps_by_night: dict[int, list[Cramp]] = {}
        for night_id, *values in cramp_rows:
            for position in _CRAMP_JSON:
                values[position] = lists(values[position])
            cramp = dict(zip(_CRAMP_FIELDS, values, strict=True))
            cramp["start"] = _as_time(cramp["start"])
            cramps_by_night.setdefault(night_id, []).append(_trusted(Cramp, cramp))
        return {
            date: _trusted(NightRecord, {"date": date, "cramps": cramps_by_night.get(night_id, []),
                                         "sleep_disturbed": sleep_disturbed, "notes": notes})
            for night_id, date, sleep_disturbed, notes in nights
        }

    def _fetch_days(self, conn: Connection, start: dt.date | None, end: dt.date | None) -> dict[dt.date, DayRecord]:
        conditions = [_days.c.owner == self.owner]
        if start is not None:
            conditions.append(_days.c.date >= start)
        if end is not None:
            conditions.append(_days.c.date <= end)
        rows = conn.execute(select(*_DAY_COLUMNS).where(*conditions).order_by(_days.c.date)).all()
        lists = _JsonLists()
        days: dict[dt.date, DayRecord] = {}
        for row in rows:
            values = list(row)
            for position in _DAY_JSON:
                values[position] = lists(values[position])
            days[values[0]] = _trusted(DayRecord, dict(zip(_DAY_FIELD_ORDER, values, strict=True)))
        return days


# --------------------------------------------------------------------------- helpers


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _second(moment: dt.datetime) -> dt.datetime:
    """A stored moment in UTC, to the second (SQLite gives it back without its offset: it was UTC)."""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)
    return aware.astimezone(dt.UTC).replace(microsecond=0)


def _changed(read: NightRecord | DayRecord | None, stored: NightRecord | DayRecord | None) -> bool:
    """Whether ``stored`` is no longer the record that was ``read`` (either may be "not logged")."""
    if read is None or stored is None:
        return read is not stored
    return _dump(read) != _dump(stored)


def _entry(kind: str, date: dt.date, previous: NightRecord | DayRecord | None) -> dict[str, Any]:
    return {"kind": kind, "date": date.isoformat(), "record": _dump(previous) if previous is not None else None}


def _assessment(row: Row[Any]) -> StoredAssessment:
    created = row.created_at
    if created.tzinfo is None:  # SQLite drops the offset; we always write UTC
        created = created.replace(tzinfo=dt.UTC)
    return StoredAssessment(id=row.id, created_at=created, answers=row.answers, result=row.result)


# One sentence per action, so each language can build it its own way.
_UNDID = {
    "add": N_("Undid adding the {what} of {date}."),
    "edit": N_("Undid editing the {what} of {date}."),
    "delete": N_("Undid deleting the {what} of {date}."),
    "import": N_("Undid importing the {what} of {date}."),
}
_UNDID_BULK = {
    "add": N_("Undid adding {nights} and {days}."),
    "edit": N_("Undid editing {nights} and {days}."),
    "delete": N_("Undid deleting {nights} and {days}."),
    "import": N_("Undid importing {nights} and {days}."),
}


# What a change did, before it is undone (``diary undo`` without ``--change`` shows it).
_DID = {
    "add": N_("Added the {what} of {date}."),
    "edit": N_("Edited the {what} of {date}."),
    "delete": N_("Deleted the {what} of {date}."),
    "import": N_("Imported the {what} of {date}."),
}
_DID_BULK = {
    "add": N_("Added {nights} and {days}."),
    "edit": N_("Edited {nights} and {days}."),
    "delete": N_("Deleted {nights} and {days}."),
    "import": N_("Imported {nights} and {days}."),
}


def _describe(entry: Row[Any], single: Mapping[str, str] = _UNDID, bulk: Mapping[str, str] = _UNDID_BULK) -> str:
    """A sentence for the person, in the current language: what the undone change had done (or, with
    :data:`_DID`, what the change does)."""
    from crampcare.i18n.context import current_localizer

    if entry.kind == "bulk":
        nights = sum(1 for item in entry.previous if item["kind"] == "night")
        days = sum(1 for item in entry.previous if item["kind"] == "day")
        loc = current_localizer()
        return _(bulk[entry.action], nights=loc.nights(nights), days=loc.days(days))
    what = {"both": _("night and day"), "night": _("night"), "day": _("day")}.get(entry.kind, entry.kind)
    return _(single[entry.action], what=what, date=entry.date.isoformat())


def open_store(db: str | None = None, owner: str = DEFAULT_OWNER, *, auto_upgrade: bool = True) -> DiaryStore:
    """Open the diary at ``db`` (URL, path, ``$CRAMPCARE_DB`` or the local default).

    With ``auto_upgrade`` (the local CLI) the schema is migrated to the newest version first;
    without it (server mode) an out-of-date schema raises
    :class:`~crampcare.db.schema.SchemaOutOfDateError`.
    """
    engine = make_engine(resolve_db_url(db))
    try:
        if auto_upgrade:
            _upgrade_once(engine)
        else:
            _require_up_to_date(engine)
    except BaseException:
        engine.dispose()
        raise
    store = DiaryStore(engine, owner)
    store._owns_engine = True
    return store


def _upgrade_once(engine: Engine, attempts: int = 20) -> None:
    """Migrate to the newest schema, even when several processes open a new diary at once.

    Alembic reads the version, then writes: two processes creating one SQLite file together
    collide there ("database is locked" at once, not after the busy timeout, since waiting could
    deadlock). The loser waits and looks again; by then the winner has migrated it.
    """
    for attempt in range(1, attempts + 1):
        try:
            if not is_up_to_date(engine):
                upgrade(engine)
            return
        except OperationalError as exc:
            if "locked" not in str(exc.orig).lower() or attempt == attempts:
                raise
            time.sleep(0.1 * attempt)
