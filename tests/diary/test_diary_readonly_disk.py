"""A diary on a read-only folder, on a full disk, or kept busy by another program (issue 10):
listing and exporting still work where the file can be read, and a write says in one line why
nothing was saved. The disk tests use their own small tmpfs, which needs root; elsewhere they are
skipped with the reason."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import typer
from diary_helpers import CliResult, cli_runner


@pytest.fixture
def run_cli(cli_app: typer.Typer) -> Callable[..., CliResult]:
    """The diary CLI on each test's own SQLite file: these are SQLite files on a troubled disk, so
    the PostgreSQL variant of the shared fixture would only repeat them."""
    return cli_runner(cli_app, None)


def _mount(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["mount", *args], capture_output=True, text=True, check=False)


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 2 MB tmpfs of its own (root only: mounting needs it)."""
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = _mount("-t", "tmpfs", "-o", "size=2m", "tmpfs", str(disk))
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        yield disk
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)


def _fill(folder: Path) -> None:
    # Unbuffered: a buffered file keeps the bytes a full disk refused and raises again when it closes,
    # depending on how much room the diary happened to leave.
    with (folder / "filler").open("wb", buffering=0) as out:
        try:
            while True:
                out.write(b"\0" * 65536)
        except OSError:
            pass


def _diary_with_one_date(run_cli: Callable, db: str) -> None:
    assert run_cli("log", "night", "--date", "2026-11-01", "--none", db=db).exit_code == 0
    assert run_cli("log", "day", "--date", "2026-11-01", "--fluids", "1.5L", db=db).exit_code == 0


def _reads_and_exports_work(run_cli: Callable, db: str, out: Path) -> None:
    listing = run_cli("diary", "list", "--format", "json", db=db)
    assert listing.exit_code == 0, listing.stderr
    assert "2026-11-01" in listing.stdout
    exported = run_cli("export", "--format", "csv", "--out", str(out), db=db)
    assert exported.exit_code == 0, exported.stderr
    assert "2026-11-01,yes,0" in out.read_text(encoding="utf-8")


def _write_is_refused_in_one_line(run_cli: Callable, db: str, says: str) -> None:
    result = run_cli("log", "night", "--date", "2026-11-02", "--none", db=db)
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: nothing was saved:") and says in lines[0], result.stderr


def test_a_diary_in_a_read_only_folder_can_be_read_and_exported(
        run_cli: Callable, small_disk: Path, tmp_path: Path) -> None:
    db = str(small_disk / "diary.db")
    _diary_with_one_date(run_cli, db)
    assert _mount("-o", "remount,ro", str(small_disk)).returncode == 0
    _reads_and_exports_work(run_cli, db, tmp_path / "export.csv")
    _write_is_refused_in_one_line(run_cli, db, "can only be read here")


def test_a_diary_on_a_full_disk_can_be_read_and_exported_and_keeps_what_was_saved(
        run_cli: Callable, small_disk: Path, tmp_path: Path) -> None:
    db = str(small_disk / "diary.db")
    _diary_with_one_date(run_cli, db)
    _fill(small_disk)
    _reads_and_exports_work(run_cli, db, tmp_path / "export.csv")
    _write_is_refused_in_one_line(run_cli, db, "")
    (small_disk / "filler").unlink()
    assert run_cli("log", "night", "--date", "2026-11-02", "--none", db=db).exit_code == 0
    listing = run_cli("diary", "list", "--format", "json", db=db).stdout
    assert "2026-11-01" in listing and "2026-11-02" in listing


def test_a_writer_kept_waiting_by_another_program_says_so_in_one_line(
        run_cli: Callable, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sqlite3

    monkeypatch.setenv("CRAMPCARE_BUSY_TIMEOUT", "0.2")  # 5 tries of 0.2 s instead of 5 of 10 s
    db = str(tmp_path / "busy.db")
    _diary_with_one_date(run_cli, db)
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another program's long import holds the write lock
    try:
        result = run_cli("log", "night", "--date", "2026-11-02", "--none", db=db)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "the diary is busy: another crampcare process" in lines[0], lines
    assert run_cli("log", "night", "--date", "2026-11-02", "--none", db=db).exit_code == 0
