"""``insights`` and ``simulate`` through Typer's CliRunner on a temporary SQLite diary."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from crampcare.cli.insights_commands import register
from crampcare.diary.store import open_store


@pytest.fixture
def app() -> typer.Typer:
    app = typer.Typer(pretty_exceptions_enable=False)

    @app.callback()
    def _root() -> None:
        """Test app: the insight commands as subcommands, as in the real app."""

    register(app)
    return app


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.delenv("CRAMPCARE_DB", raising=False)
    return CliRunner()


@pytest.fixture
def db(tmp_path: Path, new_migrated_sqlite: Callable[[Path], str]) -> str:
    """A new, empty diary file (a copy of one migrated once per worker: creating a diary on open is
    tested with the diary commands)."""
    path = tmp_path / "diary.db"
    new_migrated_sqlite(path)
    return str(path)


def _ok(result) -> None:  # type: ignore[no-untyped-def]
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(result.output) from result.exception
    assert result.exit_code == 0, result.output


def test_simulate_then_insights_text(app: typer.Typer, runner: CliRunner, db: str) -> None:
    result = runner.invoke(
        app, ["simulate", "--db", db, "--days", "84", "--trigger", "low_fluids", "--rr", "2.5", "--seed", "1",
              "--end", "2024-06-30"],
    )  # fmt: skip
    _ok(result)
    assert "Added " in result.stdout and "planted trigger low_fluids" in result.stdout
    assert "Simulating days" in result.stderr and "Writing records" in result.stderr  # progress bars
    with open_store(db) as store:
        nights, days = store.list_nights(), store.list_days()
    assert 70 <= len(nights) <= 84 and 70 <= len(days) <= 84

    result = runner.invoke(app, ["insights", "--db", db])
    _ok(result)
    out = result.stdout
    assert "You logged" in out and "Possible triggers" in out and "What helped" in out
    assert "Low fluids seems linked to more cramps" in " ".join(out.split())
    assert "cause" not in out.lower()


def test_simulate_twice_adds_nothing_new(app: typer.Typer, runner: CliRunner, db: str) -> None:
    args = ["simulate", "--db", db, "--days", "30", "--seed", "3", "--end", "2024-06-30"]
    _ok(runner.invoke(app, args))
    again = runner.invoke(app, args)
    _ok(again)
    assert again.stdout.startswith("Added 0 nights and 0 days")


def test_insights_json_and_chart(app: typer.Typer, runner: CliRunner, db: str, tmp_path: Path) -> None:
    _ok(runner.invoke(app, ["simulate", "--db", db, "--days", "60", "--seed", "2", "--end", "2024-06-30"]))
    chart = tmp_path / "chart.svg"
    result = runner.invoke(
        app, ["insights", "--db", db, "--format", "json", "--chart", str(chart), "--from", "2024-05-01",
              "--to", "2024-06-15"],
    )  # fmt: skip
    _ok(result)
    data = json.loads(result.stdout)  # the chart notice goes to stderr, stdout stays JSON
    assert data["period_start"] >= "2024-05-01" and data["period_end"] <= "2024-06-15"
    assert data["nights_logged"] <= 46
    assert isinstance(data["summary"], list) and data["summary"]
    assert {"triggers", "trend", "weekly", "time_of_night", "relief"} <= data.keys()
    assert chart.read_text(encoding="utf-8").lstrip().startswith("<?xml")
    assert "Chart written" in result.stderr
    png = tmp_path / "chart.png"
    _ok(runner.invoke(app, ["insights", "--db", db, "--chart", str(png)]))
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_insights_on_an_empty_diary(app: typer.Typer, runner: CliRunner, db: str) -> None:
    result = runner.invoke(app, ["insights", "--db", db])
    _ok(result)
    assert "No nights logged yet" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["insights", "--from", "2024-13-01"], "--from"),
        (["insights", "--from", "2024-06-10", "--to", "2024-06-01"], "is after --to"),
        (["insights", "--chart", "out.jpg"], ".png or .svg"),
        (["simulate", "--days", "10", "--trigger", "moon_phase"], "unknown factor"),
        (["simulate", "--days", "10", "--end", "2999-01-01"], "--end"),
        (["simulate", "--days", "10", "--factor-persistence", "moon_phase=0.5"], "unknown factor"),
        (["simulate", "--days", "10", "--factor-persistence", "high_stress=lots"], "not a number"),
        (["simulate", "--days", "10", "--factor-persistence", "1.5"], "below 1"),
    ],
)
def test_refused_input_is_one_line_and_exit_2(
    app: typer.Typer, runner: CliRunner, db: str, args: list[str], message: str
) -> None:
    result = runner.invoke(app, [*args, "--db", db])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ") and message in result.stderr
    assert "Traceback" not in result.output


def test_simulate_refuses_to_write_without_an_explicit_db(app: typer.Typer, runner: CliRunner) -> None:
    result = runner.invoke(app, ["simulate", "--days", "5"])
    assert result.exit_code == 2 and "--db" in result.stderr


def test_simulate_without_trigger(app: typer.Typer, runner: CliRunner, db: str) -> None:
    result = runner.invoke(app, ["simulate", "--db", db, "--days", "20", "--trigger", "none", "--seed", "4"])
    _ok(result)
    assert "no planted trigger" in result.stdout
    with open_store(db) as store:
        assert all(n.date <= dt.date.today() for n in store.list_nights())


def test_simulate_ignores_the_diary_environment_variable(
    app: typer.Typer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    db = tmp_path / "diary.db"
    monkeypatch.setenv("CRAMPCARE_DB", str(db))  # e.g. the person's real diary
    result = CliRunner().invoke(app, ["simulate", "--days", "5"])
    assert result.exit_code == 2 and "--db" in result.stderr
    assert not db.exists()


def test_simulate_with_spells_and_seasons(app: typer.Typer, runner: CliRunner, db: str) -> None:
    args = ["simulate", "--db", db, "--days", "120", "--seed", "5", "--end", "2024-06-30", "--cramp-persistence", "0.9",
            "--factor-persistence", "0.5", "--factor-persistence", "high_stress=0.9", "--factor-seasonal", "0.4",
            "--seasonal", "0.4"]
    _ok(runner.invoke(app, args))
    with open_store(db) as store:
        nights = store.list_nights()
    cramp = [bool(n.cramps) for n in nights]
    changes = sum(a != b for a, b in zip(cramp, cramp[1:], strict=False))
    assert changes < len(cramp) * 0.25  # spells: independent nights at ~30 % would change ~42 % of the time


@pytest.mark.parametrize(("value", "russian"), [
    ("moon_phase=0.5", "неизвестный фактор"), ("high_stress=lots", "не число"), ("1.5", "меньше 1"),
])
def test_factor_persistence_refusals_are_russian_too(app: typer.Typer, runner: CliRunner, db: str, value: str,
                                                     russian: str) -> None:
    """The three --factor-persistence refusals were English whatever the language."""
    from crampcare.i18n.context import use_language

    with use_language("ru"):
        result = runner.invoke(app, ["simulate", "--days", "10", "--factor-persistence", value, "--db", db])
    assert result.exit_code == 2 and russian in result.stderr, result.stderr


def test_insights_on_a_phone_sized_terminal_cut_no_figure(app: typer.Typer, runner: CliRunner, db: str) -> None:
    """At 40 columns the "What helped" table cut its ranges ("0.5…") and methods ("stre…")."""
    _ok(runner.invoke(app, ["simulate", "--db", db, "--days", "60", "--seed", "3", "--end", "2024-06-30"]))
    shown = runner.invoke(app, ["insights", "--db", db], env={"COLUMNS": "40"})
    _ok(shown)
    assert "What helped" in shown.stdout and "…" not in shown.stdout, shown.stdout
