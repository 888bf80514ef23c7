"""Import and export, the same for every client.

**Import**: any format — crampcare CSV, crampcare JSON, or a FHIR R4 Bundle — detected once,
here: a JSON object with ``resourceType`` is FHIR, other JSON is the diary's own format, the
rest is CSV (an explicit format wins; then what the content says, then the file's extension). Everything is
checked first; any problem imports nothing; records equal to stored ones are skipped, so
importing the same file twice adds nothing; one import is one undoable change.

**Export**: one static registry, :data:`FORMATS`, of every format with its media type.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from crampcare import jsontext
from crampcare.diary.errors import ConflictError, ImportFormatError
from crampcare.diary.store import DiaryStore
from crampcare.diary.transfer import (
    DiaryExport,
    ImportProgress,
    collect,
    decode_import,
    detect_format,
    export_csv,
    export_json,
    import_message,
    parse_import,
    writing_stage,
)
from crampcare.i18n.context import _
from crampcare.jsontext import UnreadableJsonError

__all__ = [
    "EXCEL_BOM",
    "FORMATS",
    "MAX_IMPORT_BYTES",
    "ExportFormat",
    "Exported",
    "ImportConflictError",
    "ImportProgress",
    "ImportSummary",
    "decode_import",
    "export_diary",
    "import_file",
    "import_text",
]


def _export_fhir(data: DiaryExport, progress: ImportProgress | None = None, zone: dt.tzinfo | None = None) -> str:
    from crampcare.report.fhir import export_fhir

    return export_fhir(data, progress, zone)


@dataclass(frozen=True)
class ExportFormat:
    render: Callable[[DiaryExport], str]
    media_type: str
    suffix: str


FORMATS: Mapping[str, ExportFormat] = {
    "csv": ExportFormat(export_csv, "text/csv; charset=utf-8", "csv"),
    "json": ExportFormat(export_json, "application/json", "json"),
    "fhir": ExportFormat(_export_fhir, "application/fhir+json", "json"),
}


MB = 1024 * 1024
# The largest file import_file reads: a FHIR export takes about 4 MB a year of diary, a CSV a tenth of that.
MAX_IMPORT_BYTES = 256 * MB

# A UTF-8 CSV opens in Excel with its letters right only after a byte-order mark (without one Excel reads it in
# the local code page: Windows-1251 in Russia), so CSV files saved for a person start with one; imports skip it.
EXCEL_BOM = "\ufeff"


@dataclass(frozen=True)
class Exported:
    text: str
    media_type: str
    file_name: str
    nights: int
    days: int

    @property
    def file_bytes(self) -> bytes:
        """The bytes of the file to save: UTF-8, after :data:`EXCEL_BOM` for a CSV."""
        return ((EXCEL_BOM if self.media_type.startswith("text/csv") else "") + self.text).encode("utf-8")


def export_diary(diary: DiaryStore, fmt: str, start: dt.date | None = None, end: dt.date | None = None, *,
                 records: bool = True, assessments: bool = True, progress: ImportProgress | None = None) -> Exported:
    """The diary (dates inclusive) in format ``fmt`` (a key of :data:`FORMATS`; ``ValueError`` otherwise);
    without its nights and days (``records=False``) or its saved assessments (``assessments=False``). ``progress``
    hears how far a FHIR Bundle is (the one export that takes seconds: 3 CPU-s for ten years)."""
    from crampcare.diary.dates import check_range
    from crampcare.report.errors import ReportError

    chosen = FORMATS.get(fmt.lower())
    if chosen is None:
        raise ValueError(_("--format {value!r} is not known; use {choices}", value=fmt, choices=_(" or ").join(sorted(FORMATS))))
    try:
        # Every client's range, checked once here: a reversed one exported an empty file (the web's CSV download).
        check_range(start, end)
    except ValueError as exc:
        raise ReportError(str(exc)) from None
    data = collect(diary, start, end)
    if not records:
        data = replace(data, nights=[], days=[])
    if not assessments:
        data = replace(data, assessments=[])
    name = f"crampcare-{'fhir' if fmt == 'fhir' else 'diary'}-{dt.date.today().isoformat()}.{chosen.suffix}"
    text = _export_fhir(data, progress, _zone_of(diary)) if chosen.render is _export_fhir else chosen.render(data)
    return Exported(text, chosen.media_type, name, len(data.nights), len(data.days))


def _zone_of(diary: DiaryStore) -> dt.tzinfo | None:
    """Where the diary's clock times were lived: on a server, the zone of its owner's browser at their last
    log-in (the server may run in another zone, or in UTC); else, and when not known, the zone crampcare runs in."""
    import zoneinfo

    from crampcare.accounts.service import owner_time_zone

    name = owner_time_zone(diary.engine, diary.owner)
    return zoneinfo.ZoneInfo(name) if name else None


@dataclass(frozen=True)
class ImportSummary:
    format: str
    nights_added: int
    days_added: int
    nights_unchanged: int
    days_unchanged: int
    assessments_added: int = 0
    assessments_unchanged: int = 0

    @property
    def message(self) -> str:
        unchanged = self.nights_unchanged + self.days_unchanged + self.assessments_unchanged
        return import_message(self.format, self.nights_added, self.days_added, unchanged, self.assessments_added)


class ImportConflictError(ConflictError):
    """A record in the file differs from the stored one for its date; names the row and says what to do."""

    def __init__(self, source: str, where: str, conflict: ConflictError) -> None:
        super().__init__(conflict.kind, conflict.date)
        place = " ".join(part for part in (source, where) if part)
        prefix = f"{place}: " if place else ""
        from crampcare.i18n.context import _

        first = (_("edit or delete the stored night first") if conflict.kind == "night"
                 else _("edit or delete the stored day first"))
        self.args = (_("{where}{conflict}; nothing was imported ({first})", where=prefix, conflict=conflict, first=first),)


def import_text(diary: DiaryStore, text: str, name: str = "", fmt: str | None = None,
                progress: ImportProgress | None = None) -> ImportSummary:
    """Check and add a diary file's ``text`` (``name``: its file name, for detection and messages);
    ``progress`` hears how far a long import is (``(stage, done, total)``: a FHIR Bundle's entries
    checked, then the records written)."""
    source = Path(name).name if name else ""
    fmt = (fmt or detect_format(name or "upload", text)).lower()
    if fmt in ("json", "fhir"):
        document = _json_document(text, source)
        if isinstance(document, dict) and "resourceType" in document:
            fmt = "fhir"
        if fmt == "fhir":
            return _import_fhir(diary, document, source, progress)
    batch = parse_import(text, source=source, fmt=fmt)
    try:
        with writing_stage(progress, len(batch.nights) + len(batch.days)):
            added = diary.add_many(batch.nights, batch.days)
    except ConflictError as exc:
        raise ImportConflictError(source, batch.where(exc.kind, exc.date), exc) from None
    return ImportSummary(fmt, added.nights_added, added.days_added, added.nights_unchanged, added.days_unchanged)


def import_file(diary: DiaryStore, path: Path, progress: ImportProgress | None = None) -> ImportSummary:
    """:func:`import_text` of a file: UTF-8, or a Russian CSV in Windows-1251 (:func:`decode_import`); a file over
    :data:`MAX_IMPORT_BYTES` is refused before it is read (a video picked by mistake would fill the memory)."""
    size = path.stat().st_size
    if size > MAX_IMPORT_BYTES:
        raise ImportFormatError(path.name, _("is {size} MB; a diary file is at most {limit} MB (a FHIR export of about 60 "
                                             "years); nothing was imported", size=format(size // MB, ","),
                                             limit=MAX_IMPORT_BYTES // MB))
    text = decode_import(path.read_bytes(), path.name)
    return import_text(diary, text, path.name, progress=progress)


def _json_document(text: str, source: str) -> Any:
    """The parsed JSON, or ``None`` when it is not JSON (the diary's JSON reader then names line and column)."""
    try:
        return jsontext.loads(text)
    except UnreadableJsonError as exc:
        if exc.line is None:  # nested too deeply or a number too long: no reader could take it
            raise ImportFormatError(source, _("is not valid JSON: {reason}; nothing was imported", reason=exc.reason)) from None
        if '"resourceType"' in text:
            raise ImportFormatError(source, _("is not valid JSON; nothing was imported")) from None
        return None


def _import_fhir(diary: DiaryStore, document: Any, source: str, progress: ImportProgress | None) -> ImportSummary:
    from crampcare.report.errors import FhirImportError
    from crampcare.report.fhir import import_fhir

    if not isinstance(document, dict):
        raise ImportFormatError(source, _("expected a FHIR Bundle object; nothing was imported"))
    try:
        result = import_fhir(diary, document, progress)
    except FhirImportError as exc:
        if source:
            raise FhirImportError(f"{source}: {exc.location}", exc.message) from None
        raise
    except RecursionError:
        raise ImportFormatError(source, _("the FHIR resources are nested too deeply; nothing was imported")) from None
    return ImportSummary("fhir", result.nights_added, result.days_added, result.nights_unchanged,
                         result.days_unchanged, result.assessments_added, result.assessments_unchanged)

