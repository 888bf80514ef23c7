"""``diary edit --clear NAME`` sets an answer back to "not logged" (``None``), as the web forms and the API can.

Nothing answered is not "no": a person who logged "cold: yes" by mistake must be able to take it back to
"not logged", not only to "no". The result is one undoable change and the very record an API PUT with
``null`` stores. SQLite only: the store's NULL handling on each back end is covered in test_diary_sleep.py.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import typer
from diary_helpers import CliResult, cli_runner, undo_last

from crampcare.cli import diary_commands
from crampcare.cli.diary_commands import CLEAR_NAMES
from crampcare.diary.store import DiaryStore
from crampcare.services import diary as diary_service

DATE = "2026-11-20"
NIGHT = ["log", "night", "--date", DATE, "--cramp", "03:10,2m,left,calf,6,stretch,2", "--sleep-disturbed"]
DAY = ["log", "day", "--date", DATE, "--fluids", "2L", "--activity", "high", "--unusual-activity", "--sitting", "8h",
       "--cold", "--temp-swing", "10", "--stress", "high", "--shoes", "--alcohol", "2", "--caffeine",
       "--pregnancy-week", "20", "--exercises", "--tag", "garden", "--notes", "long day"]  # fmt: skip


@pytest.fixture
def sqlite_url(new_migrated_sqlite: Callable[[Path], str], tmp_path: Path) -> str:
    return new_migrated_sqlite(tmp_path / "diary.db")


@pytest.fixture
def run(cli_app: typer.Typer, sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> Callable[..., CliResult]:
    monkeypatch.setattr(diary_commands, "_interactive", lambda: False)
    runner = cli_runner(cli_app, sqlite_url)
    for command in (NIGHT, DAY):
        logged = runner(*command)
        assert logged.exit_code == 0, logged.stderr
    return runner


def _stored(url: str) -> tuple[dict[str, Any], dict[str, Any]]:
    with DiaryStore(url) as store:
        night, day = diary_service.get_date(store, dt.date.fromisoformat(DATE))
    assert night is not None and day is not None
    return night.model_dump(mode="json"), day.model_dump(mode="json")


def _answers_of(stored: tuple[dict[str, Any], dict[str, Any]], kind: str) -> dict[str, Any]:
    """The record (or, for ``cramp``, the first cramp) that holds an answer of ``kind``."""
    night, day = stored
    return {"night": night, "day": day, "cramp": night["cramps"][0] if night["cramps"] else {}}[kind]


def test_the_clear_names_are_exactly_the_fields_the_service_calls_clearable() -> None:
    for kind in ("night", "day", "cramp"):
        named = {field for named_kind, field in CLEAR_NAMES.values() if named_kind == kind}
        assert named == set(diary_service.clearable_fields(kind))


@pytest.mark.parametrize("name", list(CLEAR_NAMES))
def test_each_answer_can_be_cleared_and_the_rest_is_kept(
    run: Callable[..., CliResult], sqlite_url: str, name: str
) -> None:
    kind, field = CLEAR_NAMES[name]
    before = _stored(sqlite_url)
    assert _answers_of(before, kind)[field] is not None
    result = run("diary", "edit", DATE, "--clear", name)
    assert result.exit_code == 0, result.stderr
    expected = json.loads(json.dumps(before))  # a deep copy
    _answers_of(expected, kind)[field] = None
    assert list(_stored(sqlite_url)) == expected  # only that answer changed; cramps, tags and notes are kept


def test_a_cramps_relief_minutes_are_cleared_for_the_cramp_named(run: Callable[..., CliResult], sqlite_url: str) -> None:
    """A night with two cramps: --clear relief-minutes, like --relief-minutes, says which with --cramp-number,
    and one undo puts the minutes back."""
    assert run("log", "night", "--date", DATE, "--cramp", "04:20,1m,right,foot,4,walk,1").exit_code == 0
    before = _stored(sqlite_url)
    assert [cramp["minutes_to_relief"] for cramp in before[0]["cramps"]] == [2, 1]
    which = run("diary", "edit", DATE, "--clear", "relief-minutes")
    assert which.exit_code == 2 and "--cramp-number 1..2" in which.stderr, which.stderr
    assert _stored(sqlite_url) == before
    result = run("diary", "edit", DATE, "--clear", "relief-minutes", "--cramp-number", "2")
    assert result.exit_code == 0, result.stderr
    night, day = _stored(sqlite_url)
    assert [cramp["minutes_to_relief"] for cramp in night["cramps"]] == [2, None]
    assert {**night, "cramps": []} == {**before[0], "cramps": []} and day == before[1]
    assert undo_last(run).exit_code == 0
    assert _stored(sqlite_url) == before


def test_several_clears_are_one_change_that_undo_restores(run: Callable[..., CliResult], sqlite_url: str) -> None:
    before = _stored(sqlite_url)
    result = run("diary", "edit", DATE, "--clear", "sleep-disturbed", "--clear", "cold", "--clear", "fluids")
    assert result.exit_code == 0, result.stderr
    night, day = _stored(sqlite_url)
    assert (night["sleep_disturbed"], day["cold_exposure"], day["fluids_ml"]) == (None, None, None)
    assert undo_last(run).exit_code == 0
    assert _stored(sqlite_url) == before


@pytest.mark.parametrize(("args", "says"), [
    (["--clear", "notes"], "--clear 'notes' is not known; use one of: sleep-disturbed, fluids"),
    (["--clear", "date"], "--clear 'date' is not known"),
    (["--clear", "cold", "--cold"], "--clear cold: do not give it a value in the same command"),
    (["--clear", "relief-minutes", "--relief-minutes", "3"], "--clear relief-minutes: do not give it a value"),
])
def test_an_unknown_or_contradictory_clear_is_refused_and_nothing_changes(
    run: Callable[..., CliResult], sqlite_url: str, args: list[str], says: str
) -> None:
    before = _stored(sqlite_url)
    result = run("diary", "edit", DATE, *args)
    assert result.exit_code == 2, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and says in lines[0], result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert _stored(sqlite_url) == before


def test_the_help_lists_the_clearable_names(run: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "400")
    shown = " ".join(run("diary", "edit", "--help", db=None).stdout.split())
    assert "--clear" in shown and all(name in shown for name in CLEAR_NAMES), shown


def test_the_stored_result_equals_an_api_put_with_null(
    run: Callable[..., CliResult], sqlite_url: str, new_migrated_sqlite: Callable[[Path], str], tmp_path: Path
) -> None:
    night, day = _stored(sqlite_url)
    assert run("diary", "edit", DATE, *[arg for name in CLEAR_NAMES for arg in ("--clear", name)]).exit_code == 0
    by_cli = _stored(sqlite_url)

    from fastapi.testclient import TestClient

    from crampcare.web.app import create_app
    from crampcare.web.settings import Settings

    api_url = new_migrated_sqlite(tmp_path / "api.db")
    application = create_app(Settings(db=api_url))
    nulls: dict[str, dict[str, None]] = {"night": {}, "day": {}, "cramp": {}}
    for kind, field in CLEAR_NAMES.values():
        nulls[kind][field] = None
    night = {**night, "cramps": [{**cramp, **nulls["cramp"]} for cramp in night["cramps"]]}
    try:
        with TestClient(application) as web:
            for kind, record in (("night", night), ("day", day)):
                posted = web.post(f"/api/v1/{kind}s", json=record)
                assert posted.status_code == 201
                put = web.put(f"/api/v1/{kind}s/{DATE}", json={**record, **nulls[kind]},
                              headers={"If-Match": posted.headers["etag"]})
                assert put.status_code == 200, put.text
    finally:
        application.state.engine.dispose()
    assert _stored(api_url) == by_cli
