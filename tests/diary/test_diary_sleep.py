"""A night's sleep answer is yes, no or not logged (``None``), never "no" for a question nobody answered.

Covered end to end: the record and its JSON schema, the store (merging a second cramp into a logged
night), the CLI (options, interactive form, ``diary list``), the web forms and the JSON API (the same
stored night from each), and the CSV, JSON and FHIR files (an empty cell, ``null``, no component),
which import back to the same night and export again to the same text. The migration that lets the
column hold NULL is tested in tests/test_migrations.py.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from diary_helpers import CliResult, cramp, night

from crampcare.diary.records import NightRecord
from crampcare.diary.store import DiaryStore
from fhir_compare import normalised

D1, D2, D3 = dt.date(2026, 11, 20), dt.date(2026, 11, 21), dt.date(2026, 11, 22)


@pytest.fixture
def sqlite_url(new_migrated_sqlite: Callable[[Path], str], tmp_path: Path) -> str:
    return new_migrated_sqlite(tmp_path / "diary.db")


# --------------------------------------------------------------------------- the record and the store


def test_a_night_without_the_sleep_answer_is_not_logged_and_the_schema_says_so() -> None:
    assert NightRecord(date=D1).sleep_disturbed is None
    assert NightRecord.model_validate({"date": "2026-11-20", "sleep_disturbed": None}).sleep_disturbed is None
    schema = NightRecord.model_json_schema()["properties"]["sleep_disturbed"]
    assert schema["default"] is None
    assert sorted(choice["type"] for choice in schema["anyOf"]) == ["boolean", "null"]


@pytest.mark.parametrize(("stored", "added", "kept"), [
    (False, None, False),  # "no" is kept: a second cramp logged without the question does not erase it
    (None, False, False),
    (None, None, None),
    (None, True, True),
    (False, True, True),
])
def test_a_second_cramp_keeps_the_sleep_answer_that_was_given(
    sqlite_url: str, stored: bool | None, added: bool | None, kept: bool | None
) -> None:
    with DiaryStore(sqlite_url) as store:
        store.log_night(night(D1, cramp(), sleep_disturbed=stored))
        store.log_night(night(D1, cramp(start=dt.time(4, 30)), sleep_disturbed=added))
        logged = store.get_night(D1)
    assert logged is not None and len(logged.cramps) == 2
    assert logged.sleep_disturbed is kept


def test_not_logged_is_stored_as_null_on_each_back_end(store: DiaryStore) -> None:
    store.add_many([night(D1), night(D2, sleep_disturbed=False), night(D3, sleep_disturbed=True)], [])
    assert [n.sleep_disturbed for n in store.list_nights()] == [None, False, True]


# --------------------------------------------------------------------------- CLI


def test_the_cli_stores_not_logged_unless_told_and_lists_each_answer(
    run_cli: Callable[..., CliResult], migrated_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from crampcare.cli import diary_commands

    monkeypatch.setenv("COLUMNS", "200")  # the table's lines unwrapped
    assert run_cli("log", "night", "--date", D1.isoformat(), "--none").exit_code == 0
    assert run_cli("log", "night", "--date", D2.isoformat(), "--none", "--no-sleep-disturbed").exit_code == 0
    assert run_cli("log", "night", "--date", D3.isoformat(), "--cramp", "03:10,2m,left,calf,6",
                   "--sleep-disturbed").exit_code == 0
    with DiaryStore(migrated_url) as store:
        assert [n.sleep_disturbed for n in store.list_nights()] == [None, False, True]
    listed = run_cli("diary", "list", "--from", D1.isoformat(), "--to", D3.isoformat())
    assert listed.exit_code == 0, listed.stderr
    lines = {date: next(line for line in listed.stdout.splitlines() if date.isoformat() in line) for date in (D1, D2, D3)}
    assert "sleep" not in lines[D1]  # not logged: nothing said about sleep
    assert "sleep not disturbed" in lines[D2]
    assert "sleep disturbed" in lines[D3] and "not disturbed" not in lines[D3]

    # The interactive form: Enter on the sleep question leaves it not logged, "n" is a real "no".
    monkeypatch.setattr(diary_commands, "_interactive", lambda: True)
    for date, answer, expected in ((dt.date(2026, 11, 10), "", None), (dt.date(2026, 11, 11), "n", False)):
        result = run_cli("log", "night", "--date", date.isoformat(), input=f"n\n{answer}\n")
        assert result.exit_code == 0, result.stderr
        with DiaryStore(migrated_url) as store:
            assert store.get_night(date).sleep_disturbed is expected  # type: ignore[union-attr]


def test_the_russian_list_says_sleep_was_not_disturbed(
    run_cli: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    from crampcare.i18n.context import use_language

    monkeypatch.setenv("COLUMNS", "200")
    assert run_cli("log", "night", "--date", D2.isoformat(), "--none", "--no-sleep-disturbed").exit_code == 0
    with use_language("ru"):
        listed = run_cli("diary", "list", "--from", D2.isoformat(), "--to", D2.isoformat())
    assert ", сон не нарушен" in listed.stdout, listed.stdout


# --------------------------------------------------------------------------- web forms and JSON API: one stored night each


@pytest.fixture
def web(sqlite_url: str) -> Iterator[Any]:
    from fastapi.testclient import TestClient

    from crampcare.web.app import create_app
    from crampcare.web.settings import Settings

    application = create_app(Settings(db=sqlite_url))
    with TestClient(application) as client:
        yield client
    application.state.engine.dispose()


def _cramp_form(date: dt.date, **extra: str) -> dict[str, Any]:
    return {"date": date.isoformat(), "start": "03:10", "duration": "120", "leg": "left", "muscles": ["calf"],
            "severity": "6", **extra}


def test_web_forms_and_api_store_yes_no_and_not_logged(web: Any, sqlite_url: str) -> None:
    assert web.post("/diary/quiet", data={"date": "2026-11-01"}, follow_redirects=False).status_code == 303
    for date, extra in ((dt.date(2026, 11, 2), {}), (dt.date(2026, 11, 3), {"sleep_disturbed": ""}),
                        (dt.date(2026, 11, 4), {"sleep_disturbed": "no"}),
                        (dt.date(2026, 11, 5), {"sleep_disturbed": "yes"})):
        sent = web.post("/diary/night", data=_cramp_form(date, **extra), follow_redirects=False)
        assert sent.status_code == 303, sent.text
    refused = web.post("/diary/night", data=_cramp_form(dt.date(2026, 11, 6), sleep_disturbed="maybe"))
    assert refused.status_code == 422 and "choose yes or no" in refused.text

    api = {"cramps": [{"start": "03:10", "duration_s": 120, "leg": "left", "muscles": ["calf"], "severity": 6}]}
    created = web.post("/api/v1/nights", json={"date": "2026-11-07", **api})
    assert created.status_code == 201 and created.json()["sleep_disturbed"] is None
    logged = web.post("/api/v1/nights", json={"date": "2026-11-08", "sleep_disturbed": False, **api})
    assert logged.status_code == 201
    assert web.put("/api/v1/nights/2026-11-08", json={"date": "2026-11-08", "sleep_disturbed": None, **api},
                   headers={"If-Match": logged.headers["etag"]}).json()["sleep_disturbed"] is None
    with DiaryStore(sqlite_url) as store:
        stored = {n.date.day: n.sleep_disturbed for n in store.list_nights()}
    assert stored == {1: None, 2: None, 3: None, 4: False, 5: True, 7: None, 8: None}

    schema = web.get("/openapi.json").json()["components"]["schemas"]["NightRecord"]["properties"]["sleep_disturbed"]
    assert sorted(choice["type"] for choice in schema["anyOf"]) == ["boolean", "null"]


def test_the_web_edit_form_offers_not_logged_and_keeps_each_answer(web: Any, sqlite_url: str) -> None:
    with DiaryStore(sqlite_url) as store:
        store.add_many([night(D1, cramp()), night(D2, cramp(), sleep_disturbed=False)], [])
    page = web.get(f"/diary/night/{D1.isoformat()}").text
    assert 'name="sleep_disturbed" value="" checked' in page  # not logged, not a cleared "no"
    assert 'name="sleep_disturbed" value="no" checked' in web.get(f"/diary/night/{D2.isoformat()}").text

    row = {"count": "2", "c0_start": "03:10", "c0_duration": "180", "c0_leg": "left", "c0_muscles": "calf",
           "c0_severity": "7"}
    for date, answer, expected in ((D1, "no", False), (D2, "", None), (D1, "yes", True)):
        sent = web.post(f"/diary/night/{date.isoformat()}", data={**row, "sleep_disturbed": answer},
                        follow_redirects=False)
        assert sent.status_code == 303, sent.text
        with DiaryStore(sqlite_url) as store:
            assert store.get_night(date).sleep_disturbed is expected  # type: ignore[union-attr]
    again = web.post(f"/diary/night/{D1.isoformat()}", data={**row, "c0_severity": "12", "sleep_disturbed": "no"})
    assert again.status_code == 422 and 'name="sleep_disturbed" value="no" checked' in again.text  # kept on error


# --------------------------------------------------------------------------- export and import


NIGHTS = [night(D1), night(D2, cramp(), sleep_disturbed=False), night(D3, cramp(), sleep_disturbed=True)]


def test_exports_leave_not_logged_out_and_say_each_answer(sqlite_url: str) -> None:
    import csv
    import io

    from crampcare.report.fhir import bundle_from_records
    from crampcare.services.transfer import export_diary

    with DiaryStore(sqlite_url) as store:
        store.add_many(NIGHTS, [])
        rows = list(csv.DictReader(io.StringIO(export_diary(store, "csv").text)))
        document = json.loads(export_diary(store, "json").text)
    assert [row["sleep_disturbed"] for row in rows] == ["", "no", "yes"]  # an empty cell: not logged
    assert [n["sleep_disturbed"] for n in document["nights"]] == [None, False, True]
    bundle = bundle_from_records(NIGHTS, [], [])
    components = {e["resource"]["effectiveDateTime"]: e["resource"].get("component") for e in bundle["entry"]
                  if e["resource"].get("code", {}).get("coding", [{}])[0].get("code") == "night"}
    assert components["2026-11-20"] is None  # no sleep component at all, never valueBoolean false
    assert [c[0]["valueBoolean"] for d, c in sorted(components.items()) if c] == [False, True]


@pytest.mark.parametrize("fmt", ["csv", "json", "fhir"])
def test_each_export_imports_back_to_the_same_answers_and_exports_the_same(
    fmt: str, new_migrated_sqlite: Callable[[Path], str], tmp_path: Path
) -> None:
    from crampcare.services.transfer import export_diary, import_text

    with DiaryStore(new_migrated_sqlite(tmp_path / "a.db")) as first:
        first.add_many(NIGHTS, [])
        exported = export_diary(first, fmt, assessments=False).text
    with DiaryStore(new_migrated_sqlite(tmp_path / "b.db")) as second:
        import_text(second, exported, f"diary.{'json' if fmt == 'fhir' else fmt}", fmt)
        assert [n.sleep_disturbed for n in second.list_nights()] == [None, False, True]
        again = export_diary(second, fmt, assessments=False).text
    assert _without_ids(again, fmt) == _without_ids(exported, fmt)


def _without_ids(text: str, fmt: str) -> str:
    """A FHIR Bundle's ids are the diary's own (each diary differs); CSV and JSON must be the very same text."""
    return json.dumps(normalised(json.loads(text)), sort_keys=True) if fmt == "fhir" else text


def test_files_that_do_not_say_import_as_not_logged(sqlite_url: str) -> None:
    from crampcare.services.transfer import import_text

    with DiaryStore(sqlite_url) as store:
        import_text(store, f"date,night_logged,cramp_count\n{D1},yes,0\n", "a.csv")
        import_text(store, json.dumps({"format": "crampcare-diary", "version": 1,
                                       "nights": [{"date": D2.isoformat()}], "days": []}), "b.json")
        assert [n.sleep_disturbed for n in store.list_nights()] == [None, None]


def test_a_fhir_night_with_a_null_sleep_value_is_refused(sqlite_url: str) -> None:
    from crampcare.report.errors import FhirImportError
    from crampcare.report.fhir import bundle_from_records, import_fhir

    bundle = bundle_from_records([night(D2, sleep_disturbed=False)], [], [])
    for entry in bundle["entry"]:
        for component in entry["resource"].get("component", []):
            if "valueBoolean" in component:
                component["valueBoolean"] = None
    with DiaryStore(sqlite_url) as store, pytest.raises(FhirImportError, match="sleep-disturbed true/false"):
        import_fhir(store, bundle)
