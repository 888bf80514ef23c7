"""The `report` and `reminders` commands through the real entry point (``main()``) in this process, one
real process for the PDF, and Typer's CliRunner; bad input is one line, exit 2."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import typer
from icalendar import Calendar
from report_helpers import ROOT, case_answers, flat, pdf_pages, save_assessment, simulated_diary
from typer.testing import CliRunner

from crampcare.cli.report_commands import register
from crampcare.diary.store import DiaryStore
from test_cli import crampcare, crampcare_process


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., subprocess.CompletedProcess[str]]:
    """``run(ARGS)``: ``crampcare ARGS`` by its real entry point in this process, in the test's folder
    (where a file named without a folder goes), without ``CRAMPCARE_DEBUG`` (its tracebacks)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CRAMPCARE_DEBUG", raising=False)
    return crampcare


@pytest.fixture(scope="module")
def diary_url(tmp_path_factory: pytest.TempPathFactory, new_migrated_sqlite: Callable[[Path], str]) -> str:
    path = tmp_path_factory.mktemp("cli") / "diary.db"
    store = DiaryStore(new_migrated_sqlite(path))
    nights, days = simulated_diary()
    store.add_many(nights, days)
    save_assessment(store, case_answers("P1"))
    store.close()
    return f"sqlite:///{path}"


def test_report_pdf_from_the_command_line(diary_url: str, tmp_path: Path) -> None:
    """A real process: the PDF from the installed entry point, with a fresh interpreter's imports."""
    out = tmp_path / "report.pdf"
    result = crampcare_process("report", "--out", str(out), "--db", diary_url)
    assert result.returncode == 0, result.stderr
    assert f"Wrote the report to {out}" in result.stdout
    assert "Traceback" not in result.stderr
    pages = pdf_pages(out.read_bytes())
    assert 1 <= len(pages) <= 2
    assert "Age 68, female" in flat(" ".join(pages))
    mask = os.umask(0)
    os.umask(mask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~mask  # a normal file (the umask's mode), not a private temp file


def test_report_html_for_a_range(run: Callable[..., subprocess.CompletedProcess[str]], diary_url: str,
                                 tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    result = run("report", "--out", str(out), "--from", "2026-03-01", "--to", "2026-03-31", "--db", diary_url)
    assert result.returncode == 0, result.stderr
    html = out.read_text(encoding="utf-8")
    assert "Mar 1, 2026 to Mar 31, 2026 (31 days)" in html and "<svg" in html


def test_report_for_a_period_without_data(run: Callable[..., subprocess.CompletedProcess[str]], diary_url: str,
                                         tmp_path: Path) -> None:
    out = tmp_path / "empty.pdf"
    result = run("report", "-o", str(out), "--from", "2019-01-01", "--to", "2019-02-01", "--db", diary_url)
    assert result.returncode == 0, result.stderr
    assert "No nights or days were logged in this period" in flat(" ".join(pdf_pages(out.read_bytes())))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--out", "{tmp}/r.pdf", "--from", "2026-02-30"], "--from: date '2026-02-30' does not exist"),
        (["--out", "{tmp}/r.pdf", "--to", "last week"], "--to: date 'last week' not understood"),
        (["--out", "{tmp}/r.pdf", "--from", "2026-03-02", "--to", "2026-03-01"], "--from 2026-03-02 is after --to"),
        (["--out", "{tmp}/r.docx"], "'.docx' is not a report type; use a .pdf or .html"),
        (["--out", "{tmp}/report"], "the file name has no extension; use a .pdf or .html file name"),
        (["--out", "{tmp}/missing/r.pdf"], "does not exist"),
        (["--out", "{tmp}"], "is a folder"),
    ],
)
def test_report_bad_input_is_one_line_exit_2(run: Callable[..., subprocess.CompletedProcess[str]], diary_url: str,
                                             tmp_path: Path, args: list[str], message: str) -> None:
    argv = [a.replace("{tmp}", str(tmp_path)) for a in args]
    result = run("report", *argv, "--db", diary_url)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert message in lines[0]
    assert "Traceback" not in result.stderr
    assert not list(tmp_path.glob("r.*")) and not list(tmp_path.glob(".r.*"))


def test_report_refuses_a_read_only_folder(run: Callable[..., subprocess.CompletedProcess[str]], diary_url: str,
                                           tmp_path: Path) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        if os.access(folder, os.W_OK):
            pytest.skip("running as a user who can write anywhere (root)")
        result = run("report", "--out", str(folder / "r.pdf"), "--db", diary_url)
        assert result.returncode == 2
        assert result.stderr.startswith("error: ") and "permission denied" in result.stderr
    finally:
        folder.chmod(0o700)


def test_reminders_from_the_command_line(run: Callable[..., subprocess.CompletedProcess[str]], tmp_path: Path) -> None:
    result = run("reminders", "--exercises", "21:00", "--diary", "22:00")
    assert result.returncode == 0, result.stderr
    calendar = Calendar.from_ical((tmp_path / "crampcare.ics").read_bytes())
    starts = sorted(e["DTSTART"].dt.time().isoformat() for e in calendar.walk("VEVENT"))
    assert starts == ["21:00:00", "22:00:00"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--exercises", "24:30"], "--exercises: time '24:30' is impossible"),
        (["--diary", "later"], "--diary: time 'later' not understood"),
        (["--exercises", "off", "--diary", "off"], "nothing to remind"),
        (["--out", "{tmp}/reminders.txt"], "'.txt' is not a calendar file"),
        (["--out", "{tmp}/reminders"], "the file name has no extension; use a name ending in .ics"),
        (["--start", "2026-02-31"], "--start: date '2026-02-31' does not exist"),
    ],
)
def test_reminders_bad_input_is_one_line_exit_2(run: Callable[..., subprocess.CompletedProcess[str]], tmp_path: Path,
                                                args: list[str], message: str) -> None:
    result = run("reminders", *[a.replace("{tmp}", str(tmp_path)) for a in args])
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0], result.stderr
    assert not list(tmp_path.iterdir())


# --------------------------------------------------------------------------- CliRunner


@pytest.fixture
def app() -> typer.Typer:
    test_app = typer.Typer(pretty_exceptions_enable=False)

    @test_app.callback()
    def _root() -> None:
        """Test app: the report commands as subcommands, as in the real app."""

    register(test_app)
    return test_app


def test_runner_report_and_reminders(app: typer.Typer, diary_url: str, tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "r.html"
    result = runner.invoke(app, ["report", "--out", str(out), "--db", diary_url])
    assert result.exit_code == 0, result.output
    assert "Night leg cramps: report for the doctor" in out.read_text(encoding="utf-8")
    ics = tmp_path / "c.ics"
    result = runner.invoke(app, ["reminders", "--out", str(ics), "--diary", "off"])
    assert result.exit_code == 0, result.output
    assert "bedtime exercises at 21:30" in result.stdout
    assert len(Calendar.from_ical(ics.read_bytes()).walk("VEVENT")) == 1


def test_runner_bad_input(app: typer.Typer, diary_url: str, tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["report", "--out", str(tmp_path / "r.odt"), "--db", diary_url])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: --out") and "'.odt' is not a report type" in result.stderr


def test_start_up_stays_light() -> None:
    """Registering the commands imports none of the heavy libraries."""
    code = (
        "import sys, crampcare.cli; "
        "heavy = [m for m in ('weasyprint', 'matplotlib', 'fhir.resources', 'icalendar', 'jinja2') if m in sys.modules]; "
        "print(heavy)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
