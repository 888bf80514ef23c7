"""The diary commands end to end: logging, editing, undo, import/export, and refusals.

Refusals must all look the same to a person: one line on stderr, exit code 2, nothing
stored changed, never a traceback.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import pytest
import typer
from diary_helpers import cli_runner, undo_last
from sqlalchemy import text

from crampcare.cli import diary_commands
from crampcare.diary.records import NightRecord
from crampcare.diary.store import DiaryStore
from test_cli import crampcare

FIXED_NOW = dt.datetime(2026, 11, 21, 8, 0)
CRAMP = ["--time", "03:10", "--duration", "3m", "--leg", "left", "--muscle", "calf", "--severity", "7"]


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI's "now" (defaults for dates and times) is 2026-11-21 08:00 in these tests."""
    monkeypatch.setattr(diary_commands, "_now", lambda: FIXED_NOW)
    monkeypatch.setattr(diary_commands, "_interactive", lambda: False)


def _state(url: str) -> tuple[str, int]:
    """Everything stored, to prove a refused command changed nothing."""
    with DiaryStore(url) as store:
        nights = [n.model_dump(mode="json") for n in store.list_nights()]
        days = [d.model_dump(mode="json") for d in store.list_days()]
        with store.engine.connect() as conn:
            changes = conn.execute(text("SELECT count(*) FROM change_log")).scalar()
    return json.dumps([nights, days], sort_keys=True), int(changes or 0)


def _assert_refused(result, says: str) -> None:
    assert result.exit_code == 2, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    assert says in lines[0], lines[0]
    assert "Traceback" not in result.stderr + result.stdout


# --------------------------------------------------------------------------- logging


def test_log_night_with_flags(run_cli: Callable, migrated_url: str) -> None:
    result = run_cli("log", "night", *CRAMP, "--helped", "stretch", "--relief-minutes", "2", "--sign", "hard_knot",
                     "--muscle", "toes", "--sleep-disturbed", "--notes", "ouch")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    # 03:10 logged at 08:00 belongs to the previous evening's night
    assert "night of 2026-11-20" in result.stdout
    with DiaryStore(migrated_url) as store:
        night = store.get_night(dt.date(2026, 11, 20))
    assert night is not None and night.sleep_disturbed and night.notes == "ouch"
    (cramp,) = night.cramps
    assert (cramp.start, cramp.duration_s, cramp.leg, cramp.severity) == (dt.time(3, 10), 180, "left", 7)
    assert cramp.muscles == ["calf", "toes"] and cramp.helped == ["stretch"] and cramp.signs == ["hard_knot"]
    assert cramp.minutes_to_relief == 2


def test_log_several_cramps_and_quiet_night(run_cli: Callable, migrated_url: str) -> None:
    result = run_cli("log", "night", "--date", "2026-11-18", "--cramp", "23:50,90s,right,foot,4",
                     "--cramp", "03:10,1m30s,both,calf+thigh,8,stretch+walk,3")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert run_cli("log", "night", "--date", "2026-11-19", "--none").exit_code == 0
    with DiaryStore(migrated_url) as store:
        busy, quiet = store.list_nights()
    assert [c.start for c in busy.cramps] == [dt.time(23, 50), dt.time(3, 10)]
    assert busy.cramps[1].muscles == ["calf", "thigh"] and busy.cramps[1].minutes_to_relief == 3
    assert quiet.date == dt.date(2026, 11, 19) and quiet.cramps == []
    # --none without --date at 08:00 is last night
    assert "2026-11-20" in run_cli("log", "night", "--none").stdout


def test_second_cramp_is_appended_and_quiet_night_erases_nothing(run_cli: Callable, migrated_url: str) -> None:
    """The one night policy, as the CLI tells it (the API and the web form follow the same one)."""
    assert run_cli("log", "night", "--date", "2026-11-18", "--cramp", "23:50,90s,right,foot,4").exit_code == 0
    second = run_cli("log", "night", "--date", "2026-11-18", "--cramp", "03:10,3m,left,calf,7", "--notes", "again")
    assert second.exit_code == 0, second.stderr
    assert "Added to the night of 2026-11-18, now: 2 cramps" in second.stdout
    quiet = run_cli("log", "night", "--date", "2026-11-18", "--none")
    assert quiet.exit_code == 0 and "a quiet night does not erase cramps" in quiet.stdout
    with DiaryStore(migrated_url) as store:
        night = store.get_night(dt.date(2026, 11, 18))
    assert night is not None and [c.severity for c in night.cramps] == [4, 7] and night.notes == "again"
    assert undo_last(run_cli).exit_code == 0
    with DiaryStore(migrated_url) as store:
        assert [c.severity for c in store.get_night(dt.date(2026, 11, 18)).cramps] == [4]  # type: ignore[union-attr]


def test_log_day_with_every_flag(run_cli: Callable, migrated_url: str) -> None:
    result = run_cli(
        "log", "day", "--date", "yesterday", "--fluids", "1,5 l", "--activity", "High", "--unusual-activity",
        "--sitting", "9", "--cold", "--temp-swing", "12", "--stress", "high", "--shoes", "--diet", "protein_diet",
        "--alcohol", "2", "--no-caffeine", "--medicine", "statin", "--medicine", "diuretic", "--pregnancy-week", "20",
        "--exercises", "--tag", "trip", "--notes", "long walk",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    with DiaryStore(migrated_url) as store:
        (day,) = store.list_days()
    assert day.date == dt.date.today() - dt.timedelta(days=1)
    assert day.model_dump(exclude={"date"}) == {
        "fluids_ml": 1500, "activity": "high", "unusual_activity": True, "sitting_hours": 9.0, "cold_exposure": True,
        "temperature_swing_c": 12.0, "stress": "high", "uncomfortable_shoes": True, "diet": ["protein_diet"],
        "alcohol_units": 2.0, "caffeine": False, "medicines": ["statin", "diuretic"], "pregnancy_week": 20,
        "exercises_done": True, "tags": ["trip"], "notes": "long walk",
    }  # fmt: skip


def test_interactive_night_form(run_cli: Callable, migrated_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(diary_commands, "_interactive", lambda: True)
    # Enter everywhere except a refused severity (12) that is asked again, and "no" to another cramp.
    answers = ["", "03:10", "2m", "", "calf+toes", "12", "6", "stretch", "n", "", ""]
    result = run_cli("log", "night", input="\n".join(answers) + "\n")
    assert result.exit_code == 0, result.stderr + result.stdout
    with DiaryStore(migrated_url) as store:
        night = store.get_night(dt.date(2026, 11, 20))
    assert night is not None and night.sleep_disturbed is None  # Enter on the sleep question: not logged
    (cramp,) = night.cramps
    assert (cramp.start, cramp.duration_s, cramp.leg, cramp.muscles, cramp.severity, cramp.helped) == (
        dt.time(3, 10), 120, "left", ["calf", "toes"], 6, ["stretch"],
    )  # fmt: skip


def test_interactive_quiet_night_and_day(run_cli: Callable, migrated_url: str, monkeypatch) -> None:
    monkeypatch.setattr(diary_commands, "_interactive", lambda: True)
    assert run_cli("log", "night", input="n\n\n\n").exit_code == 0
    day_answers = ["2L", "normal", "-", "8", "", "n", "0", "y", "-"]
    result = run_cli("log", "day", "--date", "2026-11-20", input="\n".join(day_answers) + "\n")
    assert result.exit_code == 0, result.stderr
    with DiaryStore(migrated_url) as store:
        assert store.get_night(dt.date(2026, 11, 20)).cramps == []  # type: ignore[union-attr]
        day = store.get_day(dt.date(2026, 11, 20))
    assert day is not None
    assert (day.fluids_ml, day.activity, day.unusual_activity, day.sitting_hours) == (2000, "normal", None, 8.0)
    assert (day.stress, day.cold_exposure, day.alcohol_units, day.caffeine) == (None, False, 0.0, True)


def test_log_a_month(run_cli: Callable, migrated_url: str) -> None:
    start = dt.date(2026, 10, 1)
    for offset in range(31):
        date = (start + dt.timedelta(days=offset)).isoformat()
        if offset % 3 == 0:
            night = run_cli(
                "log",
                "night",
                "--date",
                date,
                "--cramp",
                f"0{offset % 5 + 1}:15,{offset % 4 + 1}m,left,calf,{offset % 11}",
            )
        else:
            night = run_cli("log", "night", "--date", date, "--none")
        day = run_cli("log", "day", "--date", date, "--fluids", f"{1000 + offset * 20}ml", "--stress", "some")
        assert night.exit_code == 0 and day.exit_code == 0, night.stderr + day.stderr
    listing = run_cli("diary", "list", "--from", "2026-10-01", "--to", "2026-10-31", "--format", "json")
    document = json.loads(listing.stdout)
    assert len(document["nights"]) == 31 and len(document["days"]) == 31
    assert sum(1 for n in document["nights"] if n["cramps"]) == 11
    table = run_cli("diary", "list", "--from", "2026-10-01")
    assert table.exit_code == 0 and "31 nights (11 with cramps), 31 days." in table.stdout


# --------------------------------------------------------------------------- edit, delete, undo


def test_edit_changes_only_given_fields(run_cli: Callable, migrated_url: str) -> None:
    run_cli("log", "night", "--date", "2026-11-10", *CRAMP, "--helped", "stretch", "--notes", "first")
    run_cli("log", "day", "--date", "2026-11-10", "--fluids", "1L", "--caffeine", "--medicine", "statin")
    result = run_cli("diary", "edit", "2026-11-10", "--severity", "4", "--fluids", "2L", "--medicine", "none")
    assert result.exit_code == 0, result.stderr
    with DiaryStore(migrated_url) as store:
        night, day = store.get_night(dt.date(2026, 11, 10)), store.get_day(dt.date(2026, 11, 10))
    assert night is not None and day is not None
    assert night.cramps[0].severity == 4 and night.cramps[0].helped == ["stretch"] and night.notes == "first"
    assert (day.fluids_ml, day.caffeine, day.medicines) == (2000, True, [])
    # one edit = one undo step, for night and day together
    assert undo_last(run_cli).stdout.strip() == "Undid editing the night and day of 2026-11-10."
    with DiaryStore(migrated_url) as store:
        assert store.get_night(dt.date(2026, 11, 10)).cramps[0].severity == 7  # type: ignore[union-attr]
        assert store.get_day(dt.date(2026, 11, 10)).medicines == ["statin"]  # type: ignore[union-attr]
    # notes: which record is meant must be clear
    _assert_refused(run_cli("diary", "edit", "2026-11-10", "--notes", "x"), "--kind night or --kind day")
    assert run_cli("diary", "edit", "2026-11-10", "--notes", "x", "--kind", "day").exit_code == 0
    # with several cramps, say which one the cramp flags change
    assert (
        run_cli(
            "diary", "edit", "2026-11-10", "--cramp", "02:00,1m,right,foot,2", "--cramp", "04:00,2m,left,calf,3"
        ).exit_code
        == 0
    )
    _assert_refused(run_cli("diary", "edit", "2026-11-10", "--severity", "9"), "say which with --cramp-number 1..2")
    assert run_cli("diary", "edit", "2026-11-10", "--severity", "9", "--cramp-number", "2").exit_code == 0
    with DiaryStore(migrated_url) as store:
        assert [c.severity for c in store.get_night(dt.date(2026, 11, 10)).cramps] == [2, 9]  # type: ignore[union-attr]
    # replacing all cramps, then removing them
    assert run_cli("diary", "edit", "2026-11-10", "--cramp", "02:00,1m,right,foot,2").exit_code == 0
    assert run_cli("diary", "edit", "2026-11-10", "--none").exit_code == 0
    with DiaryStore(migrated_url) as store:
        assert store.get_night(dt.date(2026, 11, 10)).cramps == []  # type: ignore[union-attr]


def test_delete_and_undo_through_cli(run_cli: Callable, migrated_url: str) -> None:
    run_cli("log", "night", "--date", "2026-11-10", "--none")
    run_cli("log", "day", "--date", "2026-11-10", "--fluids", "1L")
    assert run_cli("diary", "delete", "2026-11-10", "--kind", "day").exit_code == 0
    shown = run_cli("diary", "show", "2026-11-10")
    assert "Day: not logged" in shown.stdout and "quiet night" in shown.stdout
    assert undo_last(run_cli).stdout.strip() == "Undid deleting the day of 2026-11-10."
    assert run_cli("diary", "delete", "2026-11-10").exit_code == 0
    _assert_refused(run_cli("diary", "show", "2026-11-10"), "nothing is logged for 2026-11-10")
    undo_last(run_cli)
    assert json.loads(run_cli("diary", "show", "2026-11-10", "--format", "json").stdout)["day"]["fluids_ml"] == 1000
    assert undo_last(run_cli).stdout.strip() == "Undid adding the day of 2026-11-10."
    assert undo_last(run_cli).stdout.strip() == "Undid adding the night of 2026-11-10."
    _assert_refused(run_cli("diary", "undo"), "nothing to undo")


def test_an_undo_never_takes_back_a_change_made_after_the_one_it_names(
    run_cli: Callable, migrated_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The laptop deletes a day and is told how to undo it; the phone then logs a cramp (confirmed saved).
    Undoing the delete by its number is refused and the cramp stays; plain ``diary undo`` says what the
    last change is and, at a keyboard, undoes it only when the person says yes."""
    run_cli("log", "day", "--date", "2026-11-10", "--fluids", "1L")
    deleted = run_cli("diary", "delete", "2026-11-10", "--kind", "day")
    assert deleted.exit_code == 0, deleted.stderr
    change = deleted.stdout.split("--change ")[1].split("'")[0]
    with DiaryStore(migrated_url) as phone:
        phone.log_night(NightRecord.model_validate({"date": "2026-11-10", "cramps": [
            {"start": "03:10", "duration_s": 60, "leg": "left", "muscles": ["calf"], "severity": 6}]}))
    _assert_refused(run_cli("diary", "undo", "--change", change), "the diary changed since that change")
    with DiaryStore(migrated_url) as store:
        assert store.get_night(dt.date(2026, 11, 10)) is not None and store.get_day(dt.date(2026, 11, 10)) is None
    # No keyboard: it says which change is the last and how to undo it, and undoes nothing.
    shown = run_cli("diary", "undo")
    assert "Added the night of 2026-11-10." in shown.stdout and "--change" in shown.stderr
    _assert_refused(shown, "nothing was undone")
    monkeypatch.setattr(diary_commands, "_interactive", lambda: True)
    _assert_refused(run_cli("diary", "undo", input="n\n"), "nothing was undone")
    with DiaryStore(migrated_url) as store:
        assert store.get_night(dt.date(2026, 11, 10)) is not None
    said_yes = run_cli("diary", "undo", input="y\n")
    assert said_yes.exit_code == 0 and "Undid adding the night of 2026-11-10." in said_yes.stdout, said_yes.stdout
    with DiaryStore(migrated_url) as store:
        assert store.get_night(dt.date(2026, 11, 10)) is None and store.get_day(dt.date(2026, 11, 10)) is None


# --------------------------------------------------------------------------- import / export


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_export_import_round_trip(run_cli: Callable, fmt: str, tmp_path: Path) -> None:
    run_cli(
        "log", "night", "--date", "2026-11-10", "--cramp", "03:10,3m,left,calf+toes,7,stretch,2", "--notes", 'a, "b"'
    )
    run_cli("log", "night", "--date", "2026-11-11", "--none")
    run_cli("log", "day", "--date", "2026-11-11", "--fluids", "1L", "--tag", "x;y")
    exported = tmp_path / f"out.{fmt}"
    result = run_cli("export", "--format", fmt, "--out", str(exported))
    assert result.exit_code == 0 and "Exported 2 nights and 1 day" in result.stderr
    assert run_cli("export", "--format", fmt).stdout == exported.read_text(encoding="utf-8-sig")  # (a CSV file: after a BOM)

    other = f"sqlite:///{tmp_path / 'other.db'}"  # a brand-new diary, created on open
    imported = run_cli("import", str(exported), db=other)
    assert imported.exit_code == 0, imported.stderr
    assert imported.stdout.splitlines()[0] == "Imported 2 nights and 1 day."
    assert "Undo with 'crampcare diary undo --change " in imported.stdout
    again = run_cli("import", str(exported), db=other)
    assert again.stdout.splitlines()[0] == "Nothing new: 3 already in the diary, skipped."
    assert run_cli("export", "--format", fmt, db=other).stdout == exported.read_text(encoding="utf-8-sig")


def test_import_refuses_bad_file_and_imports_nothing(run_cli: Callable, tmp_path: Path, migrated_url: str) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "date,cramp1_start,cramp1_duration_s,cramp1_leg,cramp1_muscles,cramp1_severity\n"
        "2026-11-01,03:10,180,left,calf,5\n"
        "2026-11-02,03:10,180,left,calf,15\n"
    )
    before = _state(migrated_url)
    result = run_cli("import", str(bad))
    _assert_refused(result, "bad.csv row 3, column cramp1_severity: Input should be less than or equal to 10")
    assert _state(migrated_url) == before

    # a different record for a stored date: a conflict naming the row, nothing imported
    run_cli("log", "night", "--date", "2026-11-02", "--none")
    before = _state(migrated_url)
    clash = tmp_path / "clash.csv"
    clash.write_text("date,night_logged,sleep_disturbed\n2026-11-01,yes,no\n2026-11-02,yes,yes\n")
    _assert_refused(run_cli("import", str(clash)), "clash.csv row 3: the night of 2026-11-02 differs")
    assert _state(migrated_url) == before
    _assert_refused(run_cli("import", str(tmp_path / "missing.csv")), "no such file")


# --------------------------------------------------------------------------- refusals


BAD_INPUTS: list[tuple[list[str], str]] = [
    (["log", "night", "--time", "25:00", *CRAMP[2:]], "--time: time '25:00' is impossible"),
    (["log", "night", "--time", "3:99", *CRAMP[2:]], "--time:"),
    (["log", "night", "--date", "2026-02-30", "--none"], "--date: date '2026-02-30' does not exist"),
    (["log", "night", "--date", "30/11/2026", "--none"], "--date: date '30/11/2026' not understood"),
    (["log", "night", "--date", "2099-01-01", "--none"], "in the future"),
    (["log", "day", "--date", "2099-01-01", "--fluids", "1L"], "in the future"),
    (["log", "night", "--date", "2026-11-21", *CRAMP], "has not happened yet"),
    (["log", "night", "--duration=-3m", *CRAMP[:2], *CRAMP[4:]], "--duration: duration '-3m' must be longer than zero"),
    (["log", "night", "--duration", "0s", *CRAMP[:2], *CRAMP[4:]], "must be longer than zero"),
    (["log", "night", "--duration", "5h", *CRAMP[:2], *CRAMP[4:]], "over 2 h;"),
    (["log", "night", "--duration", "3", *CRAMP[:2], *CRAMP[4:]], "needs a unit"),
    (["log", "night", *CRAMP[:-1], "11"], "--severity: severity '11' must be a whole number from 0"),
    (["log", "night", *CRAMP[:-1], "-1"], "--severity: severity '-1'"),
    (["log", "night", *CRAMP[:-1], "bad"], "--severity"),
    (
        ["log", "night", *CRAMP, "--muscle", "arm"],
        "--muscle: Input should be 'calf', 'foot', 'toes', 'thigh' or 'other'",
    ),
    (["log", "night", *CRAMP[:5], "middle", *CRAMP[6:]], "--leg: Input should be 'left', 'right' or 'both'"),
    (["log", "night", *CRAMP, "--helped", "prayer"], "--helped:"),
    (["log", "night", *CRAMP, "--relief-minutes", "-2"], "--relief-minutes"),
    (["log", "night", *CRAMP, "--relief-minutes", "500"], "--relief-minutes"),
    (["log", "night", "--duration", "3m", "--leg", "left"], "a cramp also needs --muscle, --severity"),
    (["log", "night", "--none", *CRAMP], "--none records a night without cramps"),
    (["log", "night"], "--none for a quiet night"),
    (["log", "night", "--cramp", "03:10,3m"], "--cramp: cramp '03:10,3m' not understood"),
    (["log", "night", "--cramp", "03:10,3m,left,knee,3"], "--cramp '03:10,3m,left,knee,3': Input should be"),
    (["log", "day", "--medicine", "aspirin_x"], "--medicine: unknown medicine 'aspirin_x'"),
    (["log", "day", "--fluids", "1.5"], "--fluids: volume '1.5' is ambiguous"),
    (["log", "day", "--fluids", "99L"], "--fluids: must be at most 15 L (got 99 L)"),
    (["log", "day", "--pregnancy-week", "50"], "--pregnancy-week: pregnancy week '50' must be a whole number"),
    (["log", "day", "--activity", "extreme"], "--activity: Input should be 'low', 'normal' or 'high'"),
    (["log", "day", "--stress", "lots"], "--stress:"),
    (["log", "day", "--sitting", "30"], "--sitting: must be at most 24 h (got 30 h)"),
    (["log", "day", "--diet", "keto"], "--diet:"),
    (["log", "day"], "give at least one factor"),
    (["log", "day", "--tag", "x" * 50], "at most 40 characters"),
    (["log", "day", *[arg for i in range(21) for arg in ("--tag", f"t{i}")]], "--tag: List should have at most 20 items"),
    (["log", "night", "--date", "0001-01-01", "--none"], "--date: 0001-01-01 is before 1900-01-01"),
    (["diary", "list", "--from", "1899-12-31"], "--from: 1899-12-31 is before 1900-01-01"),
    (["log", "day", "--date", "2026-11-01", "--fluids", "1L"], "the day of 2026-11-01 is already logged"),
    (["diary", "edit", "2026-11-05", "--severity", "3"], "no night is logged for 2026-11-05"),
    (["diary", "edit", "2026-11-01"], "nothing to change"),
    (["diary", "edit", "2026-11-01", "--severity", "3"], "this night has no cramp to change"),
    (["diary", "edit", "2026-11-01", "--fluids", "1.5"], "ambiguous"),
    (["diary", "edit", "2026-11-01", "--severity", "3", "--cramp-number", "x"], "--cramp-number: cramp number 'x'"),
    (["diary", "edit", "2099-11-01", "--fluids", "1L"], "in the future"),
    (["diary", "delete", "2026-11-05"], "no night or day logged for 2026-11-05"),
    (["diary", "delete", "2026-11-01", "--kind", "week"], "--kind 'week' is not known"),
    (["diary", "show", "yesterday-ish"], "DATE: date 'yesterday-ish' not understood"),
    (["diary", "list", "--format", "xml"], "--format 'xml' is not known"),
    (["export", "--format", "xml"], "--format 'xml' is not known; use csv or fhir or json"),
]


@pytest.fixture(scope="module")
def diary_with_one_date(cli_app: typer.Typer, new_migrated_sqlite: Callable[[Path], str],
                        tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite diary with the night and the day of 2026-11-01, logged through the CLI once for all the
    refusals below (each gets its own copy)."""
    path = tmp_path_factory.mktemp("refusals") / "diary.db"
    run_cli = cli_runner(cli_app, new_migrated_sqlite(path))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(diary_commands, "_now", lambda: FIXED_NOW)
        patch.setattr(diary_commands, "_interactive", lambda: False)
        assert run_cli("log", "night", "--date", "2026-11-01", "--none").exit_code == 0
        assert run_cli("log", "day", "--date", "2026-11-01", "--fluids", "1L").exit_code == 0
    return path


@pytest.fixture
def sqlite_diary(diary_with_one_date: Path, tmp_path: Path) -> str:
    """A copy of the diary with one date, taken by SQLite itself (whatever its journal holds)."""
    copy = tmp_path / "diary.db"
    with closing(sqlite3.connect(diary_with_one_date)) as source, closing(sqlite3.connect(copy)) as target:
        source.backup(target)
    return f"sqlite:///{copy}"


@pytest.mark.parametrize(("args", "says"), BAD_INPUTS, ids=[" ".join(a)[:60] for a, _ in BAD_INPUTS])
def test_bad_input_is_refused_cleanly(cli_app: typer.Typer, sqlite_diary: str, args: list[str], says: str) -> None:
    """On SQLite only: the options are refused before storage is reached, and the refusals that look
    at the diary (already logged, nothing to edit) are the store's, tested on both databases in
    test_diary_store.py; a PostgreSQL database per bad option cost more than all the rest of this file."""
    run_cli = cli_runner(cli_app, sqlite_diary)
    before = _state(sqlite_diary)
    assert json.loads(before[0]) != [[], []]  # the night and the day of 2026-11-01 are there to be refused
    _assert_refused(run_cli(*args), says)
    assert _state(sqlite_diary) == before


# --------------------------------------------------------------------------- the real command


def test_real_script_end_to_end(tmp_path: Path) -> None:
    """The installed script as a real process where a process matters (creating the diary named by the
    environment, a refusal's exit code and one line, the CSV on stdout); the rest by ``main()`` here."""
    script = Path(sys.executable).with_name("crampcare")
    if not script.exists():
        pytest.skip("the crampcare script is not installed")
    env = {"CRAMPCARE_DB": str(tmp_path / "nested" / "diary.db")}

    def process(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(script), *args], capture_output=True, text=True, env={**os.environ, **env},
                              timeout=120)

    logged = process("log", "night", "--date", "2026-11-01", "--cramp", "03:10,3m,left,calf,7,stretch")
    assert logged.returncode == 0, logged.stderr
    assert (tmp_path / "nested" / "diary.db").exists()  # created, migrated, from the environment variable
    assert crampcare("log", "day", "--date", "2026-11-01", "--fluids", "1.5L", env=env).returncode == 0
    listed = json.loads(crampcare("diary", "list", "--format", "json", env=env).stdout)
    assert listed["nights"][0]["cramps"][0]["severity"] == 7 and listed["days"][0]["fluids_ml"] == 1500
    refused = process("log", "night", "--date", "2026-11-01", "--severity", "12", "--duration", "3m", "--leg", "left",
                      "--muscle", "calf")  # fmt: skip
    assert refused.returncode == 2
    assert refused.stderr.strip().count("\n") == 0 and "severity" in refused.stderr
    assert "Traceback" not in refused.stderr
    csv_text = process("export", "--format", "csv").stdout
    assert csv_text.startswith("date,night_logged,")
    other = tmp_path / "copy.db"
    (tmp_path / "d.csv").write_text(csv_text)
    imported = crampcare("import", str(tmp_path / "d.csv"), "--db", str(other), env=env)
    assert imported.returncode == 0 and "Imported 1 night and 1 day" in imported.stdout
