"""``crampcare import`` of FHIR Bundles through the real command: progress while a large Bundle is checked,
and the refusals in the reader's language."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from crampcare.diary.records import Cramp, DayRecord, NightRecord
from crampcare.diary.store import DiaryStore
from crampcare.report.fhir import bundle_from_records
from crampcare.services.transfer import import_text
from test_cli import crampcare

FIRST = dt.date(2026, 9, 1)
NIGHTS = 40  # a night entry and a cramp each, a day entry and a factor each: 162 entries with the Patient…


def _bundle() -> dict[str, Any]:
    dates = [FIRST + dt.timedelta(days=i) for i in range(NIGHTS)]
    cramp = Cramp(start=dt.time(3, 10), duration_s=120, leg="left", muscles=["calf"], severity=5)
    return bundle_from_records([NightRecord(date=d, cramps=[cramp]) for d in dates],
                               [DayRecord(date=d, fluids_ml=1500) for d in dates])


@pytest.fixture(scope="module")
def bundle() -> dict[str, Any]:
    return _bundle()


@pytest.fixture
def bundle_file(bundle: dict[str, Any], tmp_path: Path) -> Path:
    path = tmp_path / "history.json"
    path.write_text(json.dumps(bundle), encoding="utf-8")
    return path


@pytest.fixture
def db(tmp_path: Path, new_migrated_sqlite: Callable[[Path], str]) -> str:
    return new_migrated_sqlite(tmp_path / "diary.db")


def test_the_service_reports_the_entries_checked_then_the_records_written(bundle: dict[str, Any], db: str) -> None:
    heard: list[tuple[str, int, int]] = []
    with DiaryStore(db) as store:
        summary = import_text(store, json.dumps(bundle), "history.json",
                              progress=lambda stage, done, total: heard.append((stage, done, total)))
    assert (summary.nights_added, summary.days_added) == (NIGHTS, NIGHTS)
    entries = len(bundle["entry"])
    checked = [(done, total) for stage, done, total in heard if stage == "Checking the FHIR entries"]
    assert checked[0] == (0, entries) and checked[-1] == (entries, entries) and len(checked) > 2
    assert [done for done, _total in checked] == sorted(done for done, _total in checked)
    assert heard[-2:] == [("Writing records", 0, 2 * NIGHTS), ("Writing records", 2 * NIGHTS, 2 * NIGHTS)]


@pytest.mark.parametrize(("lang", "checking", "imported"), [
    ("en", "Checking the FHIR entries", "Imported 40 nights, 40 days"),
    ("ru", "Проверка записей FHIR", "Загружено из FHIR: 40 ночей, 40 дней"),
])
def test_a_terminal_sees_the_progress_of_a_fhir_import(
    bundle_file: Path, db: str, lang: str, checking: str, imported: str
) -> None:
    result = crampcare("import", str(bundle_file), "--db", db, "--lang", lang,
                       env={"TTY_COMPATIBLE": "1", "TTY_INTERACTIVE": "1", "COLUMNS": "100"})
    assert result.returncode == 0, result.stderr
    assert checking in result.stderr and f"{len(json.loads(bundle_file.read_text())['entry'])}/" in result.stderr
    assert imported in result.stdout


def test_a_script_gets_no_progress_bars(bundle_file: Path, db: str) -> None:
    result = crampcare("import", str(bundle_file), "--db", db, env={"TTY_COMPATIBLE": "0"})
    assert result.returncode == 0 and result.stderr == "", result.stderr
    assert result.stdout.startswith("Imported 40 nights")


def test_a_long_fhir_export_reports_its_progress(bundle: dict[str, Any], db: str, tmp_path: Path) -> None:
    """A ten-year Bundle takes seconds to build and write (3 CPU-s): the export reports how far it is, as the
    import does, and only for FHIR (the CSV and JSON exports take a fraction of that)."""
    from crampcare.services.transfer import export_diary

    heard: list[tuple[str, int, int]] = []
    with DiaryStore(db) as store:
        import_text(store, json.dumps(bundle), "history.json")
        export_diary(store, "fhir", progress=lambda stage, done, total: heard.append((stage, done, total)))
        export_diary(store, "csv", progress=lambda *report: heard.append(("csv", 0, 0)))
    built = [(done, total) for stage, done, total in heard if stage == "Building the FHIR entries"]
    assert built[0] == (0, 2 * NIGHTS) and built[-1] == (2 * NIGHTS, 2 * NIGHTS) and len(built) > 2
    assert heard[-2:] == [("Writing the file", 0, 1), ("Writing the file", 1, 1)]
    out = tmp_path / "history.json"
    result = crampcare("export", "--format", "fhir", "--out", str(out), "--db", db, "--lang", "ru",
                       env={"TTY_COMPATIBLE": "1", "TTY_INTERACTIVE": "1", "COLUMNS": "100"})
    assert result.returncode == 0 and "Сборка записей FHIR" in result.stderr, result.stderr
    assert json.loads(out.read_text(encoding="utf-8"))["language"] == "ru"
