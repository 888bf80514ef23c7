"""QA of "what the program confirmed as saved is never lost" in the local diary (SQLite, CLI)."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable
from pathlib import Path

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
