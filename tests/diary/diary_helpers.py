"""Small record builders and the CLI runner shared by the diary tests."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from dataclasses import dataclass

import typer
import typer.main
from typer.testing import CliRunner

from crampcare.diary.records import Cramp, DayRecord, NightRecord


def cramp(**changes: object) -> Cramp:
    values: dict[str, object] = {
        "start": dt.time(3, 10),
        "duration_s": 180,
        "leg": "left",
        "muscles": ["calf"],
        "severity": 7,
    }
    values.update(changes)
    return Cramp.model_validate(values)


def night(date: dt.date, *cramps: Cramp, **changes: object) -> NightRecord:
    return NightRecord.model_validate({"date": date, "cramps": list(cramps), **changes})


def day(date: dt.date, **changes: object) -> DayRecord:
    return DayRecord.model_validate({"date": date, **changes})


@dataclass
class CliResult:
    exit_code: int
    stdout: str
    stderr: str
    exception: BaseException | None


def cli_runner(cli_app: typer.Typer, default_db: str | None) -> Callable[..., CliResult]:
    """Run a diary command against ``db`` (default ``default_db``); ``input`` feeds prompts.

    The Click command is built from ``cli_app`` once, here: Typer's ``CliRunner.invoke`` builds it again
    for every run (9 ms, more than most diary commands take). The test app has no ``LanguageGroup``, so
    nothing changes a built command between runs; the rest is what ``CliRunner.invoke`` does."""
    command = typer.main.get_command(cli_app)
    runner = CliRunner()

    def run(*args: str, input: str | None = None, db: str | None = default_db) -> CliResult:
        argv = [*args, "--db", db] if db is not None else list(args)
        code, exception = 0, None
        with runner.isolation(input=input) as (stdout, stderr, _output):
            try:
                command.main(args=argv, prog_name="crampcare")
            except SystemExit as exit_:
                assert isinstance(exit_.code, int | None), exit_.code
                code = exit_.code or 0
                exception = exit_ if code else None
            except Exception as crash:
                raise AssertionError(f"crashed: {argv}") from crash
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
            return CliResult(code, _text(stdout.getvalue()), _text(stderr.getvalue()), exception)

    return run


def _text(output: bytes) -> str:
    return output.decode("utf-8", "replace").replace("\r\n", "\n")


def undo_last(run: Callable[..., CliResult]) -> CliResult:
    """``diary undo`` as a person at a terminal does it: ask which change is the last (no keyboard here,
    so nothing is undone yet), then undo that change by its number."""
    import re

    shown = run("diary", "undo")
    found = re.search(r"\(number (\d+)\)", shown.stdout)
    assert shown.exit_code == 2 and found is not None, (shown.stdout, shown.stderr)
    return run("diary", "undo", "--change", found.group(1))
