"""QA of "what the program confirmed as saved is never lost" in the local diary (SQLite, CLI)."""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from test_cli import crampcare


@pytest.fixture
def newer_diary(new_migrated_sqlite: Callable[[Path], str], tmp_path: Path) -> Path:
    """A diary with one night, whose schema was then moved on by a newer crampcare (revision 9999)."""
    path = tmp_path / "diary.db"
    new_migrated_sqlite(path)
    assert crampcare("log", "night", "--date", "2026-01-10", "--none", "--db", str(path)).returncode == 0
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999'")
    connection.close()
    return path


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("command", [
    ("diary", "list"), ("log", "night", "--date", "2026-01-11", "--none"), ("diary", "undo"), ("db", "upgrade"),
])
def test_a_diary_from_a_newer_version_is_refused_clearly_and_left_untouched(
    newer_diary: Path, command: tuple[str, ...]
) -> None:
    before = _digest(newer_diary)
    result = crampcare(*command, "--db", str(newer_diary))
    assert result.returncode != 0
    assert "newer version of crampcare" in result.stderr and "9999" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr and "CommandError" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert _digest(newer_diary) == before
    with sqlite3.connect(newer_diary) as connection:
        assert connection.execute("SELECT count(*) FROM nights").fetchone() == (1,)
    connection.close()


def test_the_newer_version_refusal_is_in_russian_too(newer_diary: Path) -> None:
    result = crampcare("diary", "list", "--lang", "ru", "--db", str(newer_diary))
    assert result.returncode != 0 and "9999" in result.stderr
    assert "newer" not in result.stderr and "crampcare" in result.stderr, result.stderr


def test_a_cramp_logged_while_an_edit_runs_is_not_overwritten_by_the_edit(
    new_migrated_sqlite: Callable[[Path], str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`diary edit` reads the night, changes it and writes it back: a cramp another program (the web form,
    a second terminal) logged in between was confirmed saved, and must not vanish under the edit."""
    from crampcare.services import diary as diary_service

    url = new_migrated_sqlite(tmp_path / "diary.db")
    assert crampcare("log", "night", "--date", "2026-01-10", "--cramp", "03:10,3m,left,calf,7", "--db", url).returncode == 0
    read = diary_service.get_date

    def read_then_another_program_logs(diary: diary_service.Diary, date: Any) -> Any:
        found = read(diary, date)
        other = crampcare("log", "night", "--date", "2026-01-10", "--cramp", "04:20,1m,right,foot,4", "--db", url)
        assert other.returncode == 0 and other.stdout.startswith("Added to the night"), other
        return found

    monkeypatch.setattr(diary_service, "get_date", read_then_another_program_logs)
    edit = crampcare("diary", "edit", "2026-01-10", "--sleep-disturbed", "--db", url)
    monkeypatch.undo()
    assert edit.returncode != 0 and "changed meanwhile" in edit.stderr and "not saved" in edit.stderr, edit
    with diary_service.open_diary(url) as diary:
        stored = diary_service.night(diary, dt.date(2026, 1, 10))
    assert stored is not None and [c.start for c in stored.cramps] == [dt.time(3, 10), dt.time(4, 20)]
    assert stored.sleep_disturbed is None


def test_an_edit_made_from_a_record_changed_meanwhile_is_refused_in_russian_too(
    new_migrated_sqlite: Callable[[Path], str], tmp_path: Path
) -> None:
    from crampcare.diary.errors import ConflictError
    from crampcare.i18n.context import use_language
    from crampcare.services import diary as diary_service

    url = new_migrated_sqlite(tmp_path / "diary.db")
    assert crampcare("log", "day", "--date", "2026-01-10", "--fluids", "1L", "--db", url).returncode == 0
    with diary_service.open_diary(url) as diary, use_language("ru"):
        read = diary_service.Records([], diary_service.days(diary))
        diary_service.put_day(diary, read.days[0].model_copy(update={"fluids_ml": 2000}))
        with pytest.raises(ConflictError, match="изменила другая программа"):
            diary_service.edit(diary, [], [read.days[0].model_copy(update={"stress": "high"})], read)
        assert diary_service.day(diary, dt.date(2026, 1, 10)).fluids_ml == 2000  # type: ignore[union-attr]


@pytest.mark.parametrize("kind", ["night", "day"])
def test_the_web_edit_form_does_not_overwrite_a_change_saved_after_it_was_shown(
    new_migrated_sqlite: Callable[[Path], str], tmp_path: Path, kind: str
) -> None:
    """The edit page is open for minutes: a cramp logged meanwhile from the CLI (confirmed "Added to the
    night") must not vanish when the page's form, showing the older night, is saved."""
    import re

    from crampcare.web.app import create_app
    from crampcare.web.settings import Settings
    from one_trip_client import OneTripClient

    url = new_migrated_sqlite(tmp_path / "diary.db")
    assert crampcare("log", "night", "--date", "2026-01-10", "--cramp", "03:10,3m,left,calf,7", "--db", url).returncode == 0
    assert crampcare("log", "day", "--date", "2026-01-10", "--fluids", "1L", "--db", url).returncode == 0
    with OneTripClient(create_app(Settings(db=url))) as client:
        page = client.get(f"/diary/{kind}/2026-01-10").text
        version = re.search(r'name="version" value="(\w+)"', page)
        assert version, "the edit form carries the version it shows"
        meanwhile = (("log", "night", "--date", "2026-01-10", "--cramp", "04:20,1m,right,foot,4") if kind == "night"
                     else ("diary", "edit", "2026-01-10", "--stress", "high"))
        assert crampcare(*meanwhile, "--db", url).returncode == 0
        form = ({"count": "1", "c0_start": "03:10", "c0_duration": "180", "c0_leg": "left", "c0_muscles": "calf",
                 "c0_severity": "7", "sleep_disturbed": "yes"} if kind == "night" else {"fluids": "2L"})
        saved = client.post(f"/diary/{kind}/2026-01-10", data={**form, "version": version.group(1)},
                            headers={"accept": "text/html"}, follow_redirects=False)
        assert saved.status_code == 409 and "changed meanwhile" in saved.text, saved.text
        stored = client.get(f"/api/v1/{kind}s/2026-01-10").json()
        if kind == "night":
            assert [c["start"][:5] for c in stored["cramps"]] == ["03:10", "04:20"] and stored["sleep_disturbed"] is None
        else:
            assert stored["stress"] == "high" and stored["fluids_ml"] == 1000
        # Shown again, the form saves.
        page = client.get(f"/diary/{kind}/2026-01-10").text
        version = re.search(r'name="version" value="(\w+)"', page)
        assert version
        again = client.post(f"/diary/{kind}/2026-01-10", data={**form, "version": version.group(1)},
                            follow_redirects=False)
        assert again.status_code == 303, again.text


# The CLI, killed at the moment it would confirm: the change had been committed before it said so.
_KILLED_AT_THE_MESSAGE = """
import os, signal, sys, typer
typer.echo = lambda *args, **kwargs: os.kill(os.getpid(), signal.SIGKILL)
sys.argv = ["crampcare", *sys.argv[1:]]
from crampcare.cli import main
main()
"""


def test_a_change_committed_before_a_crash_is_kept_and_can_be_undone(
    new_migrated_sqlite: Callable[[Path], str], tmp_path: Path
) -> None:
    import os
    import signal
    import subprocess
    import sys

    from crampcare.services import diary as diary_service

    url = new_migrated_sqlite(tmp_path / "diary.db")
    env = {k: v for k, v in os.environ.items() if k != "CRAMPCARE_DEBUG"}
    killed = subprocess.run(
        [sys.executable, "-c", _KILLED_AT_THE_MESSAGE, "log", "night", "--date", "2026-01-10",
         "--cramp", "03:10,3m,left,calf,7", "--db", url], capture_output=True, text=True, timeout=120, env=env)
    assert killed.returncode == -signal.SIGKILL and killed.stdout == "", killed
    with diary_service.open_diary(url) as diary:
        stored = diary_service.night(diary, dt.date(2026, 1, 10))
        assert stored is not None and [c.start for c in stored.cramps] == [dt.time(3, 10)]
    # The person asks what the last change is (no keyboard here: nothing undone yet), then undoes it by number.
    shown = crampcare("diary", "undo", "--db", url)
    assert shown.returncode == 2 and "Added the night of 2026-01-10." in shown.stdout, shown
    change = shown.stdout.split("(number ")[1].split(")")[0]
    undone = crampcare("diary", "undo", "--change", change, "--db", url)
    assert undone.returncode == 0 and "night of 2026-01-10" in undone.stdout
