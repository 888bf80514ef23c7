"""Small record builders and the CLI runner shared by the diary tests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import typer
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
    """Run a diary command against ``db`` (default ``default_db``); ``input`` feeds prompts."""
    runner = CliRunner()

    def run(*args: str, input: str | None = None, db: str | None = default_db) -> CliResult:
        argv = [*args, "--db", db] if db is not None else list(args)
        result = runner.invoke(cli_app, argv, input=input)
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise AssertionError(f"crashed: {argv}") from result.exception
        return CliResult(result.exit_code, result.stdout, result.stderr, result.exception)

    return run
