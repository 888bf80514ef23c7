"""``crampcare import`` of files as other programs write them: Windows-1251 from a Russian Excel, byte-order
marks, CRLF line ends, empty files, huge lines, duplicate rows, mixed date styles. Each is read correctly, or
refused with one line (exit 2) and nothing stored changes."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
import typer
from diary_helpers import CliResult, cli_runner

from crampcare.diary.store import DiaryStore

# What Excel in a Russian locale saves as "CSV (comma delimited)": `;` between cells, decimal commas, CRLF and
# Windows-1251 (Cyrillic) text.
RUSSIAN_EXCEL = ("date;day_logged;fluids_ml;sitting_hours;day_notes\r\n"
                 "2026-11-20;yes;1500;8,5;Свело икру «ночью» — №2, ёлки…\r\n"
                 "2026-11-21;yes;2000;;\r\n")


@pytest.fixture
def db(new_migrated_sqlite: Callable[[Path], str], tmp_path: Path) -> str:
    return new_migrated_sqlite(tmp_path / "diary.db")


@pytest.fixture
def run(cli_app: typer.Typer, db: str) -> Callable[..., CliResult]:
    return cli_runner(cli_app, db)


def _days(db: str) -> list[dict[str, object]]:
    with DiaryStore(db) as store:
        return [day.model_dump(mode="json") for day in store.list_days()]


def _refused_once(result: CliResult) -> str:
    assert result.exit_code == 2, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    return lines[0]


def test_a_russian_excel_csv_in_windows_1251_imports_as_written(run: Callable[..., CliResult], db: str,
                                                                 tmp_path: Path) -> None:
    path = tmp_path / "дневник.csv"
    path.write_bytes(RUSSIAN_EXCEL.encode("cp1251"))
    result = run("import", str(path))
    assert result.exit_code == 0, result.stderr
    days = _days(db)
    assert [(d["fluids_ml"], d["sitting_hours"]) for d in days] == [(1500, 8.5), (2000, None)]
    assert days[0]["notes"] == "Свело икру «ночью» — №2, ёлки…"
    utf8 = tmp_path / "utf8.csv"
    utf8.write_bytes(b"\xef\xbb\xbf" + RUSSIAN_EXCEL.encode())  # the same file as "CSV UTF-8": the same diary
    assert "Nothing new: 2 already in the diary" in run("import", str(utf8)).stdout


@pytest.mark.parametrize(("name", "content"), [
    ("german.csv", "date;day_logged;day_notes\r\n2026-11-20;yes;Müde nach dem Training\r\n".encode("cp1252")),
    ("utf16.csv", "date,day_logged,day_notes\r\n2026-11-20,yes,Свело\r\n".encode("utf-16")),
    ("diary.json", '{"days": [{"date": "2026-11-20", "notes": "Свело"}]}'.encode("cp1251")),
])
def test_text_in_another_encoding_is_refused_saying_how_to_save_it(run: Callable[..., CliResult], db: str,
                                                                    tmp_path: Path, name: str, content: bytes) -> None:
    assert run("log", "day", "--date", "2026-11-01", "--fluids", "1L").exit_code == 0
    before = _days(db)
    path = tmp_path / name
    path.write_bytes(content)
    line = _refused_once(run("import", str(path)))
    assert "UTF-8" in line and "CSV UTF-8" in line and "nothing was imported" in line, line
    assert _days(db) == before


def test_the_refusal_is_in_russian_too(run: Callable[..., CliResult], tmp_path: Path) -> None:
    from crampcare.i18n.context import use_language

    path = tmp_path / "german.csv"
    path.write_bytes("date;day_notes\r\n2026-11-20;Müde\r\n".encode("cp1252"))
    with use_language("ru"):
        line = _refused_once(run("import", str(path)))
    assert "UTF-8" in line and "ничего не загружено" in line, line


def test_the_api_reads_the_same_files_and_refuses_the_same(db: str) -> None:

    from fastapi.testclient import TestClient

    from crampcare.web.app import create_app
    from crampcare.web.settings import Settings

    application = create_app(Settings(db=db))
    try:
        with TestClient(application) as web:
            csv = {"Content-Type": "text/csv"}
            german = web.post("/api/v1/import", content="date;day_notes\r\n2026-11-20;Müde\r\n".encode("cp1252"),
                              headers=csv)
            assert german.status_code == 422 and "CSV UTF-8" in german.text, german.text
            russian = web.post("/api/v1/import", content=RUSSIAN_EXCEL.encode("cp1251"), headers=csv)
            assert russian.status_code == 200 and russian.json()["days_added"] == 2, russian.text
    finally:
        application.state.engine.dispose()
    assert _days(db)[0]["notes"] == "Свело икру «ночью» — №2, ёлки…"


OTHER_PROGRAMS_FHIR = ('{"resourceType": "Bundle", "type": "collection", "entry": [{"resource": {"resourceType": '
                       '"Observation", "status": "final", "code": {"coding": [{"system": "http://loinc.org", "code": '
                       '"8867-4"}]}, "effectiveDateTime": "2026-11-20T08:00:00Z", "valueQuantity": {"value": 60}}}]}')


@pytest.mark.parametrize(("name", "content", "says"), [
    ("empty.csv", b"", "the file is empty"),
    ("bom-only.csv", b"\xef\xbb\xbf\r\n", "the file is empty"),
    ("settings.json", b"{}", 'expected a JSON object with "nights" and "days" lists'),
    ("diary.xlsx", b"PK\x03\x04\x14\x00\x06\x00" + bytes(range(256)) * 4, "is not a text file"),
    ("huge.csv", b"date,day_logged,day_notes\n2026-11-20,yes," + b"x" * 300_000 + b"\n", "longer than"),
    ("twice.csv", b"date,day_logged,fluids_ml\r\n2026-11-20,yes,1500\r\n2026-11-20,yes,1500\r\n", "appears twice"),
    ("dates.csv", b"date,day_logged,fluids_ml\n2026-11-20,yes,1500\n21.11.2026,yes,1000\n",
     "row 3, column date: date '21.11.2026' not understood; write an existing date as YYYY-MM-DD, e.g. 2026-11-20 "
     "(if a spreadsheet changed the dates: format the date column as YYYY-MM-DD before saving)"),
    ("other.json", OTHER_PROGRAMS_FHIR.encode(), "holds no crampcare diary entries (only Observation)"),
])
def test_an_odd_file_is_refused_in_one_line_and_nothing_changes(run: Callable[..., CliResult], db: str,
                                                                 tmp_path: Path, name: str, content: bytes,
                                                                 says: str) -> None:
    assert run("log", "day", "--date", "2026-11-01", "--fluids", "1L").exit_code == 0
    before = _days(db)
    path = tmp_path / name
    path.write_bytes(content)
    line = _refused_once(run("import", str(path)))
    assert says in line and "nothing was imported" in line, line
    assert _days(db) == before


def test_a_file_too_large_for_a_diary_is_refused_before_it_is_read(run: Callable[..., CliResult],
                                                                   tmp_path: Path) -> None:
    """A 300 MB file (a video picked by mistake) was read whole, several times over in memory."""
    from crampcare.services.transfer import MAX_IMPORT_BYTES

    path = tmp_path / "holiday.mp4"
    with path.open("wb") as sparse:  # no disk or time spent: a sparse file
        sparse.truncate(MAX_IMPORT_BYTES + 1)
    line = _refused_once(run("import", str(path)))
    assert "holiday.mp4: is 256 MB; a diary file is at most 256 MB" in line, line


def test_a_folder_given_as_the_file_is_named_a_folder(run: Callable[..., CliResult], tmp_path: Path) -> None:
    assert "it is a folder, not a file" in _refused_once(run("import", str(tmp_path)))


def test_a_csv_with_a_bom_and_crlf_imports_and_a_note_keeps_its_line_break(run: Callable[..., CliResult], db: str,
                                                                          tmp_path: Path) -> None:
    path = tmp_path / "excel.csv"
    path.write_bytes(b'\xef\xbb\xbfdate,day_logged,fluids_ml,day_notes\r\n2026-11-20,yes,1500,"two\r\nlines"\r\n')
    assert run("import", str(path)).exit_code == 0
    assert [(d["fluids_ml"], d["notes"]) for d in _days(db)] == [(1500, "two\r\nlines")]


@pytest.mark.parametrize(("name", "content"), [
    # Excel keeps a column that was once formatted: empty cells at the end of every row, and rows of them.
    ("formatted.csv", b"date;day_logged;fluids_ml;;\r\n2026-11-20;yes;1500;;\r\n;;;;\r\n"),
    ("sheet.tsv", b"date\tday_logged\tfluids_ml\r\n2026-11-20\tyes\t1500\r\n"),  # a spreadsheet's tab-separated text
])
def test_a_spreadsheets_empty_end_columns_and_tab_separated_text_import(run: Callable[..., CliResult], db: str,
                                                                        tmp_path: Path, name: str,
                                                                        content: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    result = run("import", str(path))
    assert result.exit_code == 0, result.stderr
    assert [d["fluids_ml"] for d in _days(db)] == [1500]


def test_an_exported_csv_file_opens_in_excel_and_imports_back(run: Callable[..., CliResult], tmp_path: Path) -> None:
    """Excel reads a UTF-8 CSV without a byte-order mark in the local code page: a Russian note became mojibake.
    The file starts with one, as the web's download does; the import skips it; JSON and the screen get none."""
    assert run("log", "day", "--date", "2026-11-20", "--fluids", "1L", "--notes", "свело икру").exit_code == 0
    out, again = tmp_path / "diary.csv", tmp_path / "again.csv"
    assert run("export", "--format", "csv", "--out", str(out)).exit_code == 0
    assert out.read_bytes().startswith(b"\xef\xbb\xbfdate,") and "свело икру" in out.read_text(encoding="utf-8-sig")
    assert "Nothing new: 1 already in the diary" in run("import", str(out)).stdout
    assert run("export", "--format", "csv", "--out", str(again)).exit_code == 0
    assert again.read_bytes() == out.read_bytes()
    assert run("export", "--format", "csv").stdout.startswith("date,")
    assert run("export", "--format", "json", "--out", str(tmp_path / "d.json")).exit_code == 0
    assert (tmp_path / "d.json").read_bytes().startswith(b"{")


def test_a_file_under_the_wrong_extension_imports_by_its_content(run: Callable[..., CliResult], db: str,
                                                                 tmp_path: Path) -> None:
    """A FHIR Bundle saved as .csv was refused with "unknown column '{"resourceType": …'", and a CSV saved as
    .json with "not valid JSON"."""
    from crampcare.diary.records import DayRecord
    from crampcare.report.fhir import bundle_from_records
    from crampcare.services.transfer import export_diary

    fhir = tmp_path / "history.csv"
    fhir.write_text(json.dumps(bundle_from_records([], [DayRecord(date="2026-11-20", fluids_ml=1500)])),
                    encoding="utf-8")
    result = run("import", str(fhir))
    assert result.exit_code == 0 and "from FHIR" in result.stdout, result.stderr
    with DiaryStore(db) as store:
        text = export_diary(store, "csv").text
    csv_named_json = tmp_path / "diary.json"
    csv_named_json.write_text(text.replace("1500", "2000"), encoding="utf-8")
    refused = _refused_once(run("import", str(csv_named_json)))  # read as CSV: a real difference, not "not JSON"
    assert "the day of 2026-11-20 differs from the one already stored" in refused, refused


def test_a_fhir_entry_marked_entered_in_error_is_not_imported_as_a_record(run: Callable[..., CliResult], db: str,
                                                                         tmp_path: Path) -> None:
    """FHIR's "entered-in-error" (or "cancelled") voids a record; R4B checks only that a status is a code, so such
    an entry was imported as if it were so."""
    from crampcare.diary.records import DayRecord
    from crampcare.report.fhir import bundle_from_records

    bundle = bundle_from_records([], [DayRecord(date="2026-11-20", fluids_ml=1500)])
    factor = next(e["resource"] for e in bundle["entry"] if "valueQuantity" in e["resource"])
    factor["status"] = "entered-in-error"
    path = tmp_path / "history.json"
    path.write_text(json.dumps(bundle), encoding="utf-8")
    line = _refused_once(run("import", str(path)))
    assert "status: 'entered-in-error': only final diary entries are imported" in line, line
    assert _days(db) == []


def test_diary_list_on_a_phone_sized_terminal_cuts_no_word(run: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch,
                                                          tmp_path: Path) -> None:
    """At 40 columns the four-column table cut most words ("activ…", "caffe…"): a date a block instead."""
    assert run("log", "night", "--date", "2026-11-20", "--cramp", "03:10,2m,left,calf+toes,6,stretch,2").exit_code == 0
    assert run("log", "day", "--date", "2026-11-20", "--fluids", "2L", "--activity", "high", "--caffeine",
               "--no-unusual-activity", "--stress", "some").exit_code == 0
    monkeypatch.setenv("COLUMNS", "40")
    shown = run("diary", "list").stdout
    assert "…" not in shown, shown
    assert "activity high" in shown and "caffeine" in shown and "no unusual activity" in shown, shown
    monkeypatch.setenv("COLUMNS", "100")
    assert "┃ Date" in run("diary", "list").stdout  # a wide terminal keeps the table
