"""Import and export of the diary as JSON and CSV, both lossless.

JSON (``crampcare-diary``, version 1) is the records as they are::

    {"format": "crampcare-diary", "version": 1,
     "nights": [{"date": "2026-11-20", "cramps": [{"start": "03:10:00", ...}], ...}],
     "days": [{"date": "2026-11-20", "fluids_ml": 1500, ...}]}

CSV is **one row per date**, which is what people open in a spreadsheet and what doctors
read. Columns, in this order:

* ``date`` (YYYY-MM-DD);
* the night: ``night_logged`` (yes/no: "no" means no night was logged, which is not the same
  as a quiet night), ``cramp_count`` (checked on import), ``sleep_disturbed`` (empty: not logged),
  ``night_notes``;
* the day: ``day_logged`` (yes/no) and every :class:`DayRecord` field by its name
  (``fluids_ml`` … ``tags``), its notes as ``day_notes``;
* each cramp as a group ``cramp1_start, cramp1_duration_s, cramp1_leg, cramp1_muscles,
  cramp1_severity, cramp1_signs, cramp1_helped, cramp1_minutes_to_relief``, then ``cramp2_…``,
  as many groups as the busiest night needs (at least one).

Cells: a cell that a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``,
a tab or a carriage return) is written after a single quote (``'=1+2``), as OWASP advises, and
the quote is removed on import. Booleans are ``yes``/``no``, empty means "not logged"; lists are ``;``-separated
(``calf;toes``), or a JSON array when an item itself contains ``;``; times are ``HH:MM``
(``HH:MM:SS`` when seconds matter); durations are whole seconds; fluids are millilitres.
On import the friendlier spellings of :mod:`crampcare.diary.units` are accepted too
(``1.5L``, ``3m``, ``3:10``), cells separated by ``;`` with decimal commas (as a spreadsheet in a
Russian locale saves CSV, in Windows-1251 too: :func:`decode_import`) or by tabs, empty columns at the
end (a spreadsheet's ``;;``) are ignored, columns may be omitted, and ``*_logged`` may be left empty to
mean "if anything of it is filled in". Exporting, importing into an empty diary and
exporting again gives the same bytes.

The registry of export formats (CSV, JSON and FHIR) is :data:`crampcare.services.transfer.FORMATS`.

Languages: the header row and the cell values (``yes``/``no``, ``left``, ``calf``…) are the file's
machine names and are the same in every language, on purpose. A file exported in Russian must
import on an English machine and the other way round, older English files must keep importing, and
export → import → export must give the same bytes; translated headers would need every language's
names on import and would still break a file opened by another tool. Nor is a translated comment
line added: CSV has no comments, so a spreadsheet would show it as a data row and older crampcare
versions would refuse the file. The translated explanation (what the columns and dates mean) is
shown where the file is made instead: on the diary page beside the download links, and by
``crampcare export``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ValidationError

from crampcare import jsontext
from crampcare.diary import units
from crampcare.diary.errors import ImportFormatError
from crampcare.diary.records import Cramp, DayRecord, NightRecord
from crampcare.digits import refuse_other_digits
from crampcare.i18n.context import _, ngettext
from crampcare.i18n.validation import validation_text
from crampcare.jsontext import UnreadableJsonError

if TYPE_CHECKING:
    from crampcare.diary.store import DiaryStore

__all__ = [
    "CRAMP_FIELDS",
    "CSV_BASE_COLUMNS",
    "JSON_FORMAT",
    "DiaryExport",
    "Exporter",
    "ImportBatch",
    "ImportProgress",
    "collect",
    "csv_columns",
    "decode_import",
    "detect_format",
    "export_csv",
    "export_json",
    "import_message",
    "parse_csv",
    "parse_import",
    "parse_json",
    "read_import_file",
    "shown_value",
    "writing_stage",
]

ImportProgress = Callable[[str, int, int], None]
"""Hears how far a long import is: ``(stage, done, total)``, the stage in the reader's language."""

JSON_FORMAT = "crampcare-diary"
JSON_VERSION = 1

DAY_FIELDS: tuple[str, ...] = tuple(name for name in DayRecord.model_fields if name not in ("date", "notes"))
CRAMP_FIELDS: tuple[str, ...] = tuple(Cramp.model_fields)
NIGHT_COLUMNS = ("night_logged", "cramp_count", "sleep_disturbed", "night_notes")
DAY_COLUMNS = ("day_logged", *DAY_FIELDS, "day_notes")
CSV_BASE_COLUMNS: tuple[str, ...] = ("date", *NIGHT_COLUMNS, *DAY_COLUMNS)
_CRAMP_COLUMN = re.compile(r"cramp([1-9]\d*)_([a-z_]+)")

_BOOL_FIELDS = {"sleep_disturbed", "unusual_activity", "cold_exposure", "uncomfortable_shoes", "caffeine"}
_BOOL_FIELDS |= {"exercises_done"}
_LIST_FIELDS = {"muscles", "signs", "helped", "diet", "medicines", "tags"}
_FLOAT_FIELDS = {"sitting_hours", "temperature_swing_c", "alcohol_units", "minutes_to_relief"}
_INT_FIELDS = {"severity", "pregnancy_week"}


# --------------------------------------------------------------------------- export


@dataclass(frozen=True)
class DiaryExport:
    """Everything an exporter may need; FHIR will also want the assessments."""

    nights: list[NightRecord]
    days: list[DayRecord]
    owner: str = "local"
    assessments: list[Any] = field(default_factory=list)


Exporter = Callable[[DiaryExport], str]


def collect(store: DiaryStore, start: dt.date | None = None, end: dt.date | None = None) -> DiaryExport:
    """Read what to export from ``store`` (dates inclusive)."""
    return DiaryExport(
        nights=store.list_nights(start, end),
        days=store.list_days(start, end),
        owner=store.owner,
        assessments=store.list_assessments(),
    )


def export_json(data: DiaryExport) -> str:
    """The lossless JSON document (no timestamps, so equal diaries give equal files)."""
    document = {
        "format": JSON_FORMAT,
        "version": JSON_VERSION,
        "nights": [n.model_dump(mode="json") for n in sorted(data.nights, key=lambda r: r.date)],
        "days": [d.model_dump(mode="json") for d in sorted(data.days, key=lambda r: r.date)],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def csv_columns(max_cramps: int) -> list[str]:
    """The CSV header for a diary whose busiest night has ``max_cramps`` cramps."""
    cramp_columns = [f"cramp{i}_{name}" for i in range(1, max(1, max_cramps) + 1) for name in CRAMP_FIELDS]
    return [*CSV_BASE_COLUMNS, *cramp_columns]


def export_csv(data: DiaryExport) -> str:
    """One row per date; see the module docstring for the columns."""
    nights = {n.date: n for n in data.nights}
    days = {d.date: d for d in data.days}
    max_cramps = max((len(n.cramps) for n in data.nights), default=0)
    columns = csv_columns(max_cramps)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for date in sorted(nights.keys() | days.keys()):
        row: dict[str, str] = {"date": date.isoformat()}
        night, day = nights.get(date), days.get(date)
        row["night_logged"] = _cell(night is not None)
        if night is not None:
            row["cramp_count"] = str(len(night.cramps))
            row["sleep_disturbed"] = _cell(night.sleep_disturbed)
            row["night_notes"] = night.notes
            for index, cramp in enumerate(night.cramps, start=1):
                for name in CRAMP_FIELDS:
                    row[f"cramp{index}_{name}"] = _cell(getattr(cramp, name))
        row["day_logged"] = _cell(day is not None)
        if day is not None:
            for name in DAY_FIELDS:
                row[name] = _cell(getattr(day, name))
            row["day_notes"] = day.notes
        writer.writerow({name: _neutralise_formula(value) for name, value in row.items()})
    return out.getvalue()


# Spreadsheets run a cell that starts with one of these as a formula (=HYPERLINK(...), +cmd|...):
# the OWASP advice is to prefix such a cell with a single quote, which shows it as text.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _neutralise_formula(cell: str) -> str:
    """``'=1+2`` for ``=1+2``. Leading quotes before a formula start get one more quote, so
    :func:`_restore_formula_cell` gives back exactly the original (``'=x`` stays ``'=x``)."""
    return "'" + cell if cell.lstrip("'").startswith(_FORMULA_STARTS) else cell


def _restore_formula_cell(cell: str) -> str:
    """Undo :func:`_neutralise_formula` (also for files saved by a spreadsheet with the quote)."""
    return cell[1:] if cell.startswith("'") and cell.lstrip("'").startswith(_FORMULA_STARTS) else cell


def _cell(value: object) -> str:
    """One CSV cell, written so that :func:`parse_csv` reads back exactly ``value``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, dt.time):
        if value.second == 0 and value.microsecond == 0:
            return value.strftime("%H:%M")
        return value.isoformat()
    if isinstance(value, list):
        items = [str(item) for item in value]
        joined = ";".join(items)
        if any(";" in item or item != item.strip() or not item for item in items) or joined.startswith("["):
            return json.dumps(items, ensure_ascii=False)
        return joined
    return str(value)


# --------------------------------------------------------------------------- import


@dataclass
class ImportBatch:
    """Validated records ready for :meth:`DiaryStore.add_many`, and where each came from."""

    nights: list[NightRecord] = field(default_factory=list)
    days: list[DayRecord] = field(default_factory=list)
    origins: dict[tuple[str, dt.date], str] = field(default_factory=dict)

    def where(self, kind: str, date: dt.date) -> str:
        """``"row 7"`` / ``"nights[3]"`` for the record of ``kind`` on ``date`` ("" if unknown)."""
        return self.origins.get((kind, date), "")


class _Problems:
    """Collects every problem so the person hears about the first one and how many more."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.items: list[tuple[str, str]] = []

    def add(self, location: str, message: str) -> None:
        self.items.append((location, message))

    def raise_if_any(self) -> None:
        if not self.items:
            return
        location, message = self.items[0]
        more = len(self.items) - 1
        if more:
            message += ngettext(" (and {n} more problem; nothing was imported)",
                                " (and {n} more problems; nothing was imported)", more)
        else:
            message += _(" (nothing was imported)")
        prefix = f"{self.source} {location}" if self.source else location
        raise ImportFormatError(prefix.strip(), message)


def _pydantic_problems(error: ValidationError) -> list[tuple[tuple[str | int, ...], str]]:
    found = []
    for item in error.errors():
        message = validation_text(item)
        if item["type"] not in ("value_error", "missing", "extra_forbidden"):
            message += _(" (got {value})", value=shown_value(item["input"]))
        found.append((tuple(item["loc"]), message))
    return found


def shown_value(value: object) -> str:
    """``repr(value)`` cut to a readable length: a refused 100,000-character cell must not become a
    100,000-character error line."""
    text = repr(value)
    return text if len(text) <= _SHOWN_LENGTH else text[: _SHOWN_LENGTH - 1] + "…"


_SHOWN_LENGTH = 80


def import_message(fmt: str, nights_added: int, days_added: int, unchanged: int, assessments_added: int = 0) -> str:
    """What an import did, in the reader's language (``fmt``: ``fhir`` also counts the assessments)."""
    from crampcare.i18n.context import current_localizer

    loc = current_localizer()
    if unchanged and not nights_added + days_added + assessments_added:
        return _("Nothing new: {count} already in the diary, skipped.", count=unchanged)
    text = _("Imported {nights} and {days}", nights=loc.nights(nights_added), days=loc.days(days_added))
    if fmt == "fhir":
        text = _("Imported {nights}, {days} and {assessments} from FHIR", nights=loc.nights(nights_added),
                 days=loc.days(days_added),
                 assessments=ngettext("{n} assessment", "{n} assessments", assessments_added))
    return text + (_(" ({count} already in the diary, skipped).", count=unchanged) if unchanged else ".")


@contextmanager
def writing_stage(progress: ImportProgress | None, total: int) -> Iterator[None]:
    """Tell ``progress`` that ``total`` records are being written (the store writes them in one
    transaction, so the stage is reported when it starts and when it is done)."""
    if progress is not None:
        progress(_("Writing records"), 0, total)
    yield
    if progress is not None:
        progress(_("Writing records"), total, total)


def detect_format(name: str, text: str) -> str:
    """``"json"`` or ``"csv"``: from the content when it says (a JSON document starts with ``{`` or ``[``, which
    no diary CSV does; a diary CSV's header starts with ``date``), else from the file name's extension, else
    CSV. The content wins because a file saved under the wrong extension (a FHIR Bundle a browser named
    ``.csv``) was refused as a CSV with an "unknown column '{\"resourceType\"…'"."""
    start = text.lstrip("\ufeff \t\r\n")
    if start.startswith(("{", "[")):
        return "json"
    if start[:4].lower() == "date":
        return "csv"
    suffix = Path(name).suffix.lower()
    return suffix[1:] if suffix in (".json", ".csv") else "csv"


def read_import_file(path: Path) -> ImportBatch:
    """Read and validate a CSV or JSON diary file; :class:`ImportFormatError` names the first problem."""
    text = decode_import(path.read_bytes(), path.name)
    return parse_import(text, source=path.name, fmt=detect_format(path.name, text))


# Besides Cyrillic letters, the characters a Russian note holds that Windows-1251 has: typographic quotes and
# dashes, the numero sign, the ellipsis, the degree sign, a bullet and a non-breaking space.
_CYRILLIC = "\u0400-\u045f\u0490\u0491"  # Windows-1251's letters: Russian, Ukrainian (ґ too) and Belarusian
_CYRILLIC_TEXT = re.compile(rf"[\x09\x0a\x0d\x20-\x7e{_CYRILLIC}«»„“”‘’‚—–…№°•\u00a0]*")
_MIXED_WORD = re.compile(rf"[A-Za-z][{_CYRILLIC}]|[{_CYRILLIC}][A-Za-z]")


def decode_import(raw: bytes, name: str = "") -> str:
    """The text of a file to import: UTF-8 (with or without a byte-order mark) if it is valid UTF-8; otherwise,
    for a CSV file, Windows-1251 when the text it gives is plausible Russian; otherwise refused.

    Why read Windows-1251 rather than refuse it: it is what Excel in a Russian locale writes for "CSV
    (comma delimited)" (only "CSV UTF-8" writes UTF-8), so a person who keeps their nights in Excel, or edits an
    export there, saves a file crampcare must read back, and refusing it would ask them to learn about
    encodings. (Excel also turns the dates into 20.11.2026; those are refused with how to format them, since
    dates are YYYY-MM-DD in every file.) Valid UTF-8 always wins: Windows-1251 text with Cyrillic letters is almost never valid UTF-8, and
    a file of plain ASCII is the same in both. A byte string decodes as *something* in any single-byte encoding,
    so the guess is accepted only when the result reads as Russian: every character an ASCII one, a Cyrillic
    letter or common Russian punctuation, at least one Cyrillic letter, and no word mixing Latin and Cyrillic
    letters (what a German or French file in Windows-1252 turns into: "Mьde"). Anything else — another code
    page, UTF-16, JSON (which is UTF-8 by definition) — is refused with one message saying how to save it as
    UTF-8, and a binary file (with NUL bytes: an .xlsx, a photo) as not a text file, before anything is stored. Line ends are kept as written (a note's "\r\n" stays)."""
    if b"\x00" in raw and not raw.startswith((b"\xff\xfe", b"\xfe\xff")):  # (UTF-16 text has NULs too)
        # A photo, a spreadsheet's .xlsx, a database: no text file holds a NUL byte.
        raise ImportFormatError(name, _("is not a text file; crampcare imports CSV, JSON and FHIR (JSON) diary files; "
                                        "nothing was imported"))
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    if not raw.lstrip().startswith((b"{", b"[")):  # JSON is UTF-8 by definition (RFC 8259)
        text = raw.decode("cp1251", errors="replace")
        if (_CYRILLIC_TEXT.fullmatch(text) and re.search(f"[{_CYRILLIC}]", text)
                and not _MIXED_WORD.search(text)):
            return text
    raise ImportFormatError(name, _("is not UTF-8 text (nor Russian text in Windows-1251); save it as UTF-8: in Excel, "
                                    "\"Save as\" and choose \"CSV UTF-8 (comma delimited)\"; nothing was imported"))


def parse_import(text: str, *, source: str = "", fmt: str = "csv") -> ImportBatch:
    """Validate ``text`` in format ``fmt`` (``csv`` or ``json``)."""
    if fmt == "json":
        return parse_json(text, source=source)
    if fmt == "csv":
        return parse_csv(text, source=source)
    raise ImportFormatError(source, _("cannot import format {format}; use csv or json", format=repr(fmt)))


# ----------------------------------------------------------------- JSON


def parse_json(text: str, *, source: str = "") -> ImportBatch:
    """Validate a ``crampcare-diary`` JSON document."""
    problems = _Problems(source)
    try:
        document = jsontext.loads(text)
    except UnreadableJsonError as exc:
        where = "" if exc.line is None else _("line {line}, column {column}", line=exc.line, column=exc.column)
        problems.add(where, _("not valid JSON: {reason}", reason=exc.reason))
        problems.raise_if_any()
    if not isinstance(document, dict) or not {"nights", "days"} & set(document):
        # An object with neither list ({}, or a settings file picked by mistake) is not an empty diary: saying
        # "Imported 0 nights and 0 days" would hide the wrong file. (An export of an empty diary has both lists.)
        problems.add("", _('expected a JSON object with "nights" and "days" lists'))
        problems.raise_if_any()
    unknown = sorted(set(document) - {"format", "version", "nights", "days"})
    if unknown:
        problems.add(unknown[0], _('unknown key; allowed: "format", "version", "nights", "days"'))
    if document.get("format", JSON_FORMAT) != JSON_FORMAT:
        problems.add("format", _("expected {format}", format=repr(JSON_FORMAT)))
    version = document.get("version", JSON_VERSION)
    if isinstance(version, bool) or version != JSON_VERSION:  # true == 1 in Python, not in the format
        problems.add("version", _("version {version} is not supported; this crampcare reads 1",
                                   version=shown_value(document.get("version"))))
    batch = ImportBatch()
    for key, model, target in (("nights", NightRecord, batch.nights), ("days", DayRecord, batch.days)):
        items = document.get(key, [])
        if not isinstance(items, list):
            problems.add(key, _("must be a list"))
            continue
        kind = key[:-1]
        first_seen: dict[dt.date, str] = {}
        for index, item in enumerate(items):
            where = f"{key}[{index}]"
            try:
                record = model.model_validate(item)
            except ValidationError as exc:
                for loc, message in _pydantic_problems(exc):
                    problems.add(where + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc), message)
                continue
            if record.date in first_seen:
                problems.add(f"{where}.date", _("{date} appears twice (also {other})", date=record.date,
                                                       other=first_seen[record.date]))
                continue
            first_seen[record.date] = where
            target.append(record)  # type: ignore[arg-type]
            batch.origins[(kind, record.date)] = where
    problems.raise_if_any()
    return batch


# ----------------------------------------------------------------- CSV


def parse_csv(text: str, *, source: str = "") -> ImportBatch:
    """Validate a one-row-per-date CSV (see the module docstring)."""
    problems = _Problems(source)
    rows = _csv_rows(text.removeprefix("\ufeff"), problems)
    header = [name.strip() for name in next(rows, [])]
    while len(header) > 1 and not header[-1]:
        header.pop()  # empty columns at the end: a spreadsheet saves a column once formatted as ";;"
    if not header or header == [""]:
        problems.add("", _("the file is empty; expected a header row starting with 'date'"))
        problems.raise_if_any()
    cramp_indexes: set[int] = set()
    for number, name in enumerate(header, start=1):
        match = _CRAMP_COLUMN.fullmatch(name)
        if match and match[2] in CRAMP_FIELDS:
            cramp_indexes.add(int(match[1]))
        elif name not in CSV_BASE_COLUMNS:
            problems.add(_("row {row}, column {column}", row=1, column=number),
                         _("unknown column {name}; expected: {columns}", name=shown_value(name), columns=", ".join(csv_columns(1))))
    if len(set(header)) != len(header):
        duplicate = next(name for name in header if header.count(name) > 1)
        problems.add(_("row {row}", row=1), _("column {name} appears twice", name=shown_value(duplicate)))
    if "date" not in header:
        problems.add(_("row {row}", row=1), _("a 'date' column is required"))
    problems.raise_if_any()

    batch = ImportBatch()
    first_seen: dict[dt.date, int] = {}
    for row_number, values in enumerate(rows, start=2):
        if not any(value.strip() for value in values):
            continue  # blank line
        if len(values) > len(header) and not any(value.strip() for value in values[len(header):]):
            values = values[:len(header)]  # the empty cells of those empty columns
        if len(values) > len(header):
            problems.add(_("row {row}", row=row_number), _("has {cells} cells but the header has {columns} columns",
                                                            cells=len(values), columns=len(header)))
            continue
        row = dict(zip(header, values, strict=False))
        _parse_csv_row(row, row_number, sorted(cramp_indexes), batch, first_seen, problems)
    problems.raise_if_any()
    return batch


def _csv_rows(text: str, problems: _Problems) -> Iterator[list[str]]:
    """The CSV's rows with spreadsheet-formula protection undone; a cell over the csv module's
    limit (131,072 characters) or malformed quoting is one problem naming the row."""
    # newline="": lines end at "\n", "\r\n" or a lone "\r" (old Mac files), and a note's own
    # "\r\n" inside quotes comes back as written (the csv module's documented way to read).
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    while True:
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            detail = str(exc)
            if "field larger than field limit" in detail:
                limit = format(csv.field_size_limit(), ",")
                detail = _("a cell is longer than {limit} characters; no diary cell is that long", limit=limit)
            problems.add(_("row {row}", row=reader.line_num), _("cannot be read as CSV: {reason}", reason=detail))
            problems.raise_if_any()
            return
        yield [_restore_formula_cell(value) for value in values]


def _delimiter(text: str) -> str:
    """``;`` for a file whose header row has semicolons and no commas (Excel and LibreOffice save CSV so in a
    Russian or German locale, with a decimal comma, which the number cells accept), a tab for one with tabs
    only (a spreadsheet's "tab-separated" text), else ``,``. No column name holds any of them, so the header
    row decides."""
    header = text.lstrip("\r\n").partition("\n")[0]
    if "," in header:
        return ","
    return ";" if ";" in header else "\t" if "\t" in header else ","


def _parse_csv_row(
    row: Mapping[str, str],
    row_number: int,
    cramp_indexes: list[int],
    batch: ImportBatch,
    first_seen: dict[dt.date, int],
    problems: _Problems,
) -> None:
    where = _("row {row}", row=row_number)

    def cell(name: str) -> str:
        return row.get(name, "").strip()

    def fail(column: str, message: str) -> None:
        problems.add(_("{row}, column {column}", row=where, column=column), message)

    try:
        date = _parse_iso_date(cell("date"))
    except ValueError as exc:  # a digit of another script
        fail("date", str(exc))
        return
    if date is None:
        message = _("date {value} not understood; write an existing date as YYYY-MM-DD, e.g. 2026-11-20",
                    value=shown_value(cell("date")))
        if _SPREADSHEET_DATE.fullmatch(cell("date").strip()):
            # Excel turns the file's 2026-11-20 into its locale's 20.11.2026 when it opens a CSV, and saves that.
            message += _(" (if a spreadsheet changed the dates: format the date column as YYYY-MM-DD before saving)")
        fail("date", message)
        return
    if date in first_seen:
        fail("date", _("{date} appears twice (also row {row}); one row per date", date=date, row=first_seen[date]))
        return
    first_seen[date] = row_number
    before = len(problems.items)

    # ---- the night
    cramps: list[Cramp] = []
    filled = 0  # cramp groups with anything in them, valid or not (so one error is reported once)
    for index in cramp_indexes:
        prefix = f"cramp{index}_"
        raw = {name: cell(prefix + name) for name in CRAMP_FIELDS}
        if not any(raw.values()):
            continue
        filled += 1
        values: dict[str, Any] = {}
        for name, text in raw.items():
            if text:
                try:
                    values[name] = _parse_cell(name, text)
                except ValueError as exc:
                    fail(prefix + name, str(exc))
        cramp = _validated(
            Cramp, values, _columns({name: prefix + name for name in CRAMP_FIELDS}, prefix + "start"), fail
        )
        if cramp is not None:
            cramps.append(cramp)
    night_cells = [cell(name) for name in ("cramp_count", "sleep_disturbed", "night_notes")]
    night_logged = _logged(cell("night_logged"), bool(filled) or any(night_cells), "night_logged", fail)
    if night_logged is False and (filled or any(night_cells)):
        fail("night_logged", _("says no, but night or cramp cells are filled in"))
    count = cell("cramp_count")
    if night_logged and count and count != str(filled):
        fail("cramp_count", ngettext("says {count} but {n} cramp is filled in", "says {count} but {n} cramps are filled in",
                                     filled, count=count))
    if night_logged:
        night_values: dict[str, Any] = {"date": date, "cramps": cramps, "notes": row.get("night_notes", "")}
        if cell("sleep_disturbed"):
            try:
                night_values["sleep_disturbed"] = _parse_cell("sleep_disturbed", cell("sleep_disturbed"))
            except ValueError as exc:
                fail("sleep_disturbed", str(exc))
        night = _validated(NightRecord, night_values, _columns({"notes": "night_notes"}, "date"), fail)
        if night is not None and len(problems.items) == before:
            batch.nights.append(night)
            batch.origins[("night", date)] = where

    # ---- the day
    day_cells = {name: cell(name) for name in DAY_FIELDS}
    day_logged = _logged(cell("day_logged"), any(day_cells.values()) or bool(cell("day_notes")), "day_logged", fail)
    if day_logged is False and (any(day_cells.values()) or cell("day_notes")):
        fail("day_logged", _("says no, but day cells are filled in"))
    if day_logged:
        day_values: dict[str, Any] = {"date": date, "notes": row.get("day_notes", "")}
        for name, text in day_cells.items():
            if text:
                try:
                    day_values[name] = _parse_cell(name, text)
                except ValueError as exc:
                    fail(name, str(exc))
        day = _validated(DayRecord, day_values, _columns({"notes": "day_notes"}, "tags"), fail)
        if day is not None and len(problems.items) == before:
            batch.days.append(day)
            batch.origins[("day", date)] = where
    if not night_logged and not day_logged and len(problems.items) == before:
        problems.add(where, _("neither a night nor a day is filled in"))


def _columns(renamed: Mapping[str, str], fallback: str) -> Callable[[tuple[str | int, ...]], str]:
    """Map a pydantic error location to the CSV column the person should look at."""

    def column_for(loc: tuple[str | int, ...]) -> str:
        return renamed.get(str(loc[0]), str(loc[0])) if loc else fallback

    return column_for


def _logged(text: str, inferred: bool, column: str, fail: Callable[[str, str], None]) -> bool | None:
    if not text:
        return inferred
    try:
        return _parse_bool(text)
    except ValueError as exc:
        fail(column, str(exc))
        return None


def _validated(
    model: type[BaseModel],
    values: dict[str, Any],
    column_for: Callable[[tuple[str | int, ...]], str],
    fail: Callable[[str, str], None],
) -> Any:
    try:
        return model.model_validate(values)
    except ValidationError as exc:
        for loc, message in _pydantic_problems(exc):
            fail(column_for(loc), message)
        return None


def _parse_bool(text: str) -> bool:
    lowered = text.strip().lower()
    if lowered in ("yes", "y", "true", "1"):
        return True
    if lowered in ("no", "n", "false", "0"):
        return False
    raise ValueError(_("{value} is not yes or no (leave the cell empty if not logged)", value=shown_value(text)))


def _parse_list(text: str) -> list[str]:
    if text.startswith("["):
        try:
            items = jsontext.loads(text)
        except UnreadableJsonError:
            raise ValueError(_("{value} looks like a JSON list but is not valid JSON", value=shown_value(text))) from None
        if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
            raise ValueError(_("{value} must be a list of texts", value=shown_value(text)))
        return items
    return [item.strip() for item in text.split(";") if item.strip()]


def _parse_float(text: str) -> float:
    try:
        value = float(refuse_other_digits(text).replace(",", "."))
    except ValueError:
        value = units.parse_decimal(text)
    if not math.isfinite(value):
        raise ValueError(_("{value} is not a finite number", value=shown_value(text)))
    return value


def _parse_int(text: str) -> int:
    if not re.fullmatch(r"-?[0-9]+", refuse_other_digits(text)):
        raise ValueError(_("{value} is not a whole number", value=shown_value(text)))
    if len(text) > 18:  # no diary number is that long; int() of 4,300+ digits fails with Python's own words
        raise ValueError(_("{text} is too large a number", text=shown_value(text)))
    return int(text)


def _parse_cell(name: str, text: str) -> Any:
    """Turn one non-empty cell into the Python value for field ``name``."""
    if name in _BOOL_FIELDS:
        return _parse_bool(text)
    if name in _LIST_FIELDS:
        return _parse_list(text)
    if name in _FLOAT_FIELDS:
        return _parse_float(text)
    if name in _INT_FIELDS:
        return _parse_int(text)
    if name == "start":
        if re.fullmatch(r"[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{1,6}", text):  # exported with sub-second precision
            return dt.time.fromisoformat(text)
        return units.parse_time(text)
    if name == "duration_s":
        return _parse_int(text) if text.isdigit() else units.parse_duration_s(text)
    if name == "fluids_ml":
        return units.parse_volume_ml(text)
    return text.lower() if name in ("leg", "activity", "stress") else text


_SPREADSHEET_DATE = re.compile(r"[0-9]{1,2}[./][0-9]{1,2}[./][0-9]{2,4}")


def _parse_iso_date(text: str) -> dt.date | None:
    """Only YYYY-MM-DD in files: "today" would change meaning with the day of the import."""
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", refuse_other_digits(text)):
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None
