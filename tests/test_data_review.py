"""Inputs an outside reviewer would try, found to fail in an independent review, and fixed.

Each test names the input and what it used to do. The rule they check is the README's: bad input
gets one clear ``error:`` line and exit status 2 (CLI) or a 4xx with a reason (web), never a
traceback or a 500, and a refused import leaves the stored diary exactly as it was.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from crampcare.web.app import create_app
from crampcare.web.settings import Settings
from test_cli import crampcare

DEEP_TAG_CELL = "[" * 5_000 + "]" * 5_000
LONG_NUMBER = "9" * 5_000  # over Python's 4,300-digit limit for reading an integer


@pytest.fixture(scope="module")
def diary_with_one_date(new_migrated_sqlite: Callable[[Path], str], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A diary with one night and one day, logged through the CLI once for the module (each test gets a copy)."""
    path = tmp_path_factory.mktemp("review") / "diary.db"
    url = new_migrated_sqlite(path)
    assert crampcare("log", "night", "--date", "2026-11-01", "--time", "03:10", "--duration", "3m", "--leg", "left",
                     "--muscle", "calf", "--severity", "6", "--db", url).returncode == 0
    assert crampcare("log", "day", "--date", "2026-11-01", "--fluids", "1.5L", "--db", url).returncode == 0
    return path


@pytest.fixture
def diary(diary_with_one_date: Path, tmp_path: Path) -> str:
    """A diary with one night and one day already stored, so a refused import has something to lose: a copy
    of the module's, taken by SQLite itself (whatever its journal holds)."""
    copy = tmp_path / "diary.db"
    with closing(sqlite3.connect(diary_with_one_date)) as source, closing(sqlite3.connect(copy)) as target:
        source.backup(target)
    return f"sqlite:///{copy}"


@pytest.fixture
def client(diary: str) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(db=diary)), raise_server_exceptions=False) as test_client:
        yield test_client


def _exported(url: str) -> str:
    result = crampcare("export", "--format", "json", "--db", url)
    assert result.returncode == 0, result.stderr
    return result.stdout


def _one_error_line(result: object) -> str:
    stderr = result.stderr  # type: ignore[attr-defined]
    assert result.returncode == 2, stderr  # type: ignore[attr-defined]
    assert stderr.startswith("error: ") and len(stderr.splitlines()) == 1, stderr
    assert "Traceback" not in stderr and "Error:" not in stderr, stderr
    return str(stderr)


UNREADABLE_IMPORTS = {
    # A tags cell that looks like a JSON list nested 5,000 deep: RecursionError, exit 1 / 500.
    "deep-tags.csv": f'date,day_logged,tags\n2026-11-02,yes,"{DEEP_TAG_CELL}"\n',
    # A tags cell with a 5,000-digit number in its JSON list: Python's own ValueError text / 500.
    "long-number-tags.csv": f'date,day_logged,tags\n2026-11-02,yes,"[{LONG_NUMBER}]"\n',
    # A JSON diary with a 5,000-digit number: "Exceeds the limit (4300 digits)…" without the file / 500.
    "long-number.json": '{"days": [{"date": "2026-11-02", "fluids_ml": ' + LONG_NUMBER + "}]}",
    # The same in a FHIR Bundle.
    "long-number-fhir.json": '{"resourceType": "Bundle", "type": "collection", "total": ' + LONG_NUMBER + "}",
}


@pytest.mark.parametrize("name", sorted(UNREADABLE_IMPORTS))
def test_an_unreadable_import_is_one_error_line_and_imports_nothing(diary: str, tmp_path: Path, name: str) -> None:
    before = _exported(diary)
    path = tmp_path / name
    path.write_text(UNREADABLE_IMPORTS[name], encoding="utf-8")
    message = _one_error_line(crampcare("import", str(path), "--db", diary))
    assert name in message and "nothing was imported" in message
    assert len(message) < 400, "the refused cell is shown cut short, not in full"
    assert _exported(diary) == before


@pytest.mark.parametrize("name", sorted(UNREADABLE_IMPORTS))
def test_an_unreadable_import_through_the_api_is_a_422(client: TestClient, diary: str, name: str) -> None:
    before = _exported(diary)
    content_type = "text/csv" if name.endswith(".csv") else "application/json"
    response = client.post("/api/v1/import", content=UNREADABLE_IMPORTS[name].encode(),
                           headers={"content-type": content_type})
    assert response.status_code == 422, response.text
    assert "nothing was imported" in response.json()["error"]["message"]
    assert _exported(diary) == before


def test_a_refused_long_cell_is_shown_cut_short(diary: str, tmp_path: Path) -> None:
    """A 5,000-character note used to be repeated in full in the one error line."""
    path = tmp_path / "long-note.csv"
    path.write_text("date,night_logged,night_notes\n2026-11-02,yes," + "x" * 5_000 + "\n", encoding="utf-8")
    message = _one_error_line(crampcare("import", str(path), "--db", diary))
    assert "at most 2000 characters" in message and len(message) < 400


@pytest.mark.parametrize("answers", [
    '{"age": ' + LONG_NUMBER + "}",  # used to end in a ValueError traceback, exit 1
    "[" * 100_000,  # used to end in a RecursionError traceback
])
def test_assess_answers_that_json_cannot_read_are_one_error_line(answers: str) -> None:
    message = _one_error_line(crampcare("assess", "--answers", "-", input=answers))
    assert "is not valid JSON" in message


def test_assess_answers_file_that_is_not_utf8_is_one_error_line(tmp_path: Path) -> None:
    """A UTF-16 answers file (as Windows Notepad may save it) used to end in a UnicodeDecodeError traceback."""
    path = tmp_path / "answers.json"
    path.write_bytes('{"age": 45}'.encode("utf-16"))
    assert "is not UTF-8 text" in _one_error_line(crampcare("assess", "--answers", str(path)))
    russian = _one_error_line(crampcare("assess", "--answers", str(path), "--lang", "ru"))
    assert "не текст в UTF-8" in russian


def test_saving_an_assessment_with_unreadable_answers_is_a_422(client: TestClient) -> None:
    """The assessment page's hidden answers field nested 50,000 deep used to answer 500."""
    for answers in ("[" * 50_000, '{"age": ' + LONG_NUMBER + "}"):
        response = client.post("/assess/save", data={"answers": answers})
        assert response.status_code == 422, response.text[:300]


def test_import_refusals_speak_russian(diary: str, tmp_path: Path) -> None:
    """Three refusals of the import service were English whatever the language."""
    latin1 = tmp_path / "latin1.csv"
    latin1.write_bytes("date,night_logged,night_notes\n2026-11-02,yes,été\n".encode("latin-1"))
    assert "не текст в UTF-8" in _one_error_line(crampcare("import", str(latin1), "--db", diary, "--lang", "ru"))
    broken_fhir = tmp_path / "broken.json"
    broken_fhir.write_text('{"resourceType": "Bundle", ', encoding="utf-8")
    assert "некорректный JSON" in _one_error_line(crampcare("import", str(broken_fhir), "--db", diary, "--lang", "ru"))
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000, encoding="utf-8")
    assert "слишком глубокая вложенность" in _one_error_line(crampcare("import", str(deep), "--db", diary,
                                                                        "--lang", "ru"))


def test_csv_round_trip_keeps_a_note_with_windows_line_ends(new_migrated_sqlite: Callable[[Path], str],
                                                            tmp_path: Path) -> None:
    """A note with "\\r\\n" (typed on Windows, or from the API) came back as "\\n" after export → import:
    the CLI read the file with newline translation, so the diary changed and the bytes differed."""
    original, copy = new_migrated_sqlite(tmp_path / "a.db"), new_migrated_sqlite(tmp_path / "b.db")
    source = tmp_path / "source.json"
    source.write_text('{"nights": [{"date": "2026-11-01", "notes": "first line\\r\\nsecond, \\"quoted\\"\\rthird"}]}',
                      encoding="utf-8")
    assert crampcare("import", str(source), "--db", original).returncode == 0
    exported = tmp_path / "diary.csv"
    assert crampcare("export", "--format", "csv", "--out", str(exported), "--db", original).returncode == 0
    assert crampcare("import", str(exported), "--db", copy).returncode == 0
    assert _exported(copy) == _exported(original)
    again = tmp_path / "again.csv"
    assert crampcare("export", "--format", "csv", "--out", str(again), "--db", copy).returncode == 0
    assert again.read_bytes() == exported.read_bytes()


def test_a_csv_with_old_mac_line_ends_imports_the_same_everywhere(diary: str, client: TestClient,
                                                                  tmp_path: Path) -> None:
    """Lines ended by a lone "\\r" imported on the command line but were refused by the API (422
    "new-line character seen in unquoted field")."""
    text = "date,night_logged,night_notes\r2026-11-05,yes,quiet\r2026-11-06,yes,\r"
    response = client.post("/api/v1/import", content=text.encode(), headers={"content-type": "text/csv"})
    assert response.status_code == 200, response.text
    assert response.json()["nights_added"] == 2
    assert client.post("/api/v1/undo", params={"change": response.headers["X-Change-Id"]}).status_code == 200
    path = tmp_path / "mac.csv"
    path.write_bytes(text.encode())
    result = crampcare("import", str(path), "--db", diary)
    assert result.returncode == 0 and "Imported 2 nights" in result.stdout, result.stderr


@pytest.fixture
def berlin_clock() -> Iterator[None]:
    """The machine's time zone set to Europe/Berlin (clocks go forward at 02:00 on 29 March 2026)."""
    import os
    import time

    saved = os.environ.get("TZ")
    os.environ["TZ"] = "Europe/Berlin"
    time.tzset()
    try:
        yield
    finally:
        if saved is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = saved
        time.tzset()


def test_fhir_round_trip_keeps_cramp_times_on_the_night_clocks_change(
        berlin_clock: None, new_migrated_sqlite: Callable[[Path], str], tmp_path: Path) -> None:
    """A 02:30 cramp on the night clocks go forward (a wall time that does not exist that night)
    was exported as 01:30+01:00 and came back as 01:30; a start with fractions of a second lost them."""
    original, copy = new_migrated_sqlite(tmp_path / "a.db"), new_migrated_sqlite(tmp_path / "b.db")
    source = tmp_path / "source.json"
    cramp = '{"start": "%s", "duration_s": 60, "leg": "left", "muscles": ["calf"], "severity": 4}'
    source.write_text('{"nights": ['
                      '{"date": "2026-03-28", "cramps": [' + cramp % "02:30" + "]},"
                      '{"date": "2025-10-25", "cramps": [' + cramp % "02:30" + "]},"  # clocks go back: 02:30 twice
                      '{"date": "2026-11-01", "cramps": [' + cramp % "03:10:05.250000" + "]}]}", encoding="utf-8")
    assert crampcare("import", str(source), "--db", original).returncode == 0
    bundle = tmp_path / "history.json"
    assert crampcare("export", "--format", "fhir", "--out", str(bundle), "--db", original).returncode == 0
    assert '"2026-03-29T02:30:00+01:00"' in bundle.read_text(encoding="utf-8")
    assert crampcare("import", str(bundle), "--db", copy).returncode == 0
    assert _exported(copy) == _exported(original)


CONTROL_CHARACTER_BODIES = {
    "night note with an escape sequence": ("/api/v1/nights", {"date": "2026-11-03", "notes": "\x1b]0;x\x07\x1b[31mred"}),
    "night note with NUL": ("/api/v1/nights", {"date": "2026-11-03", "notes": "a\x00b"}),
    "day tag that clears the screen": ("/api/v1/days", {"date": "2026-11-03", "tags": ["\x1b[2J"]}),
    "day note with a C1 control": ("/api/v1/days", {"date": "2026-11-03", "notes": "a\x9bb"}),
}


@pytest.mark.parametrize("case", sorted(CONTROL_CHARACTER_BODIES))
def test_control_characters_in_notes_and_tags_are_refused(client: TestClient, diary: str, case: str) -> None:
    """A tag "\\x1b[2J" was stored and `crampcare diary list` then cleared the reader's terminal; a NUL
    was stored on SQLite but refused by PostgreSQL. Now every way in refuses them with a reason."""
    before = _exported(diary)
    url, body = CONTROL_CHARACTER_BODIES[case]
    response = client.post(url, json=body)
    assert response.status_code == 422, response.text
    assert "control character U+00" in response.json()["error"]["message"]
    assert _exported(diary) == before


def test_control_characters_in_an_import_are_refused_and_line_ends_are_kept(diary: str, tmp_path: Path) -> None:
    before = _exported(diary)
    hostile = tmp_path / "hostile.json"
    hostile.write_text('{"days": [{"date": "2026-11-03", "tags": ["\\u001b[2J"]}]}', encoding="utf-8")
    message = _one_error_line(crampcare("import", str(hostile), "--db", diary))
    assert "days[0].tags[0]" in message and "U+001B" in message
    assert _exported(diary) == before
    russian = _one_error_line(crampcare("import", str(hostile), "--db", diary, "--lang", "ru"))
    assert "управляющий символ U+001B" in russian
    fine = tmp_path / "fine.json"
    fine.write_text('{"nights": [{"date": "2026-11-03", "notes": "tab\\there\\r\\nnext line"}]}', encoding="utf-8")
    assert crampcare("import", str(fine), "--db", diary).returncode == 0


def test_a_json_diary_whose_version_is_true_is_refused(diary: str, tmp_path: Path) -> None:
    """``"version": true`` was taken for version 1 (Python's ``True == 1``)."""
    path = tmp_path / "odd.json"
    path.write_text('{"format": "crampcare-diary", "version": true, "nights": [{"date": "2026-11-04"}]}',
                    encoding="utf-8")
    assert "version True is not supported" in _one_error_line(crampcare("import", str(path), "--db", diary))


HUGE = "9" * 400  # a float reads it as infinity
HUGER = "9" * 5_000  # int() refuses it with Python's own words


@pytest.mark.parametrize("option", [["log", "day", "--fluids", HUGE], ["log", "day", "--sitting", HUGE],
                                    ["log", "night", "--time", "03:10", "--duration", HUGE + "s", "--leg", "left",
                                     "--muscle", "calf", "--severity", "5"],
                                    ["log", "night", "--time", "03:10", "--duration", "1m", "--leg", "left",
                                     "--muscle", "calf", "--severity", HUGER],
                                    ["log", "day", "--pregnancy-week", HUGER]],
                         ids=["fluids", "sitting", "duration", "severity", "pregnancy-week"])
def test_numbers_too_large_for_python_are_one_error_line(diary: str, option: list[str]) -> None:
    """--fluids with 400 nines ended in "OverflowError: cannot convert float infinity to integer",
    exit 1; 5,000 digits of severity printed Python's "Exceeds the limit (4300 digits)…"."""
    before = _exported(diary)
    message = _one_error_line(crampcare(*option, "--db", diary))
    assert "Overflow" not in message and "set_int_max_str_digits" not in message and len(message) < 300
    assert _exported(diary) == before


def test_numbers_too_large_for_python_in_an_import_are_refused(client: TestClient, diary: str) -> None:
    before = _exported(diary)
    for column, value in (("fluids_ml", HUGE), ("pregnancy_week", HUGER), ("sitting_hours", HUGE)):
        text = f"date,day_logged,{column}\n2026-11-05,yes,{value}\n"
        response = client.post("/api/v1/import", content=text.encode(), headers={"content-type": "text/csv"})
        assert response.status_code == 422, (column, response.text[:300])
        message = response.json()["error"]["message"]
        assert "set_int_max_str_digits" not in message and len(message) < 300, message
    assert _exported(diary) == before


@pytest.mark.parametrize("url", ["mysql://someone@localhost/diary", "postgresql+psycopg://someone:secret@127.0.0.1:1/diary",
                                 "folder"], ids=["no-driver", "postgresql-down", "a-folder"])
def test_a_database_that_cannot_be_used_is_named_in_one_line(tmp_path: Path, url: str) -> None:
    """These ended in "ModuleNotFoundError: No module named 'MySQLdb'" or "OperationalError:
    (psycopg.OperationalError) …" with "set CRAMPCARE_DEBUG=1": the driver's words, not crampcare's."""
    if url == "folder":
        url = str(tmp_path)
    result = crampcare("log", "night", "--none", "--db", url)
    assert result.returncode == 1, result.stderr
    assert result.stderr.startswith("error: cannot ") and len(result.stderr.splitlines()) == 1, result.stderr
    assert "Error:" not in result.stderr and "CRAMPCARE_DEBUG" not in result.stderr and "secret" not in result.stderr


@pytest.mark.parametrize("command", [["diary", "list"], ["export", "--format", "csv"]])
def test_a_reversed_date_range_is_refused_by_list_and_export(diary: str, command: list[str]) -> None:
    """`diary list --from 2026-12-01 --to 2026-11-01` said "Nothing logged yet" (exit 0) on a diary
    with nights, and export wrote an empty file; insights, report and the API refuse the range."""
    message = _one_error_line(crampcare(*command, "--from", "2026-12-01", "--to", "2026-11-01", "--db", diary))
    assert "--from 2026-12-01 is after --to 2026-11-01" in message


@pytest.mark.parametrize("document", [
    '{"nights": [{"date": "2026-11-06"}], "nights": []}',  # said "Imported 0 nights" and dropped the first list
    '{"nights": [{"date": "2026-11-06", "date": "2026-11-07"}]}',  # stored the night of the 7th only
])
def test_a_json_key_given_twice_is_refused_not_silently_dropped(diary: str, client: TestClient, tmp_path: Path,
                                                                document: str) -> None:
    before = _exported(diary)
    path = tmp_path / "twice.json"
    path.write_text(document, encoding="utf-8")
    assert "appears twice in one object" in _one_error_line(crampcare("import", str(path), "--db", diary))
    response = client.post("/api/v1/import", content=document.encode(), headers={"content-type": "application/json"})
    assert response.status_code == 422, response.text
    assert _exported(diary) == before


def test_tabs_and_line_ends_in_tags_and_notes_still_round_trip(new_migrated_sqlite: Callable[[Path], str],
                                                               tmp_path: Path) -> None:
    """Refusing control characters must not refuse what older diaries hold: tab and line ends."""
    original, copy = new_migrated_sqlite(tmp_path / "a.db"), new_migrated_sqlite(tmp_path / "b.db")
    source = tmp_path / "source.json"
    source.write_text('{"days": [{"date": "2026-11-01", "tags": ["tab\\there", "a;b"], "notes": "x\\r\\ny\\tz"}]}',
                      encoding="utf-8")
    assert crampcare("import", str(source), "--db", original).returncode == 0
    for fmt in ("csv", "json", "fhir"):
        exported = tmp_path / f"diary-{fmt}.{'csv' if fmt == 'csv' else 'json'}"
        assert crampcare("export", "--format", fmt, "--out", str(exported), "--db", original).returncode == 0
        result = crampcare("import", str(exported), "--db", copy)
        assert result.returncode == 0, result.stderr
        assert _exported(copy) == _exported(original)
