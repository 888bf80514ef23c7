"""The `crampcare` command end to end: in this process through its real entry point (``main()``:
the fast first-aid path, one-line usage errors, exit codes), and a few runs as a real process."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.main import get_command as typer_command
from typer.testing import CliRunner

from crampcare.assess import visible_questions
from crampcare.cli import main
from crampcare.knowledge import load_knowledge

CASES = Path(__file__).parent.parent / "examples" / "cases"
SRC = Path(__file__).parent.parent / "src"
EXPECTED_URGENCY = {"P1": "self_care", "P2": "doctor", "P3": "urgent", "P4": "self_care", "P5": "doctor",
                    "P6": "self_care", "P7": "self_care", "P8": "doctor", "P9": "emergency", "P10": "self_care",
                    "P11": "doctor", "P12": "doctor"}


def crampcare(*args: str, input: str | None = None,
              env: Mapping[str, str | None] | None = None) -> subprocess.CompletedProcess[str]:
    """``crampcare ARGS`` run by ``main()`` in this process, with its own stdin, stdout, stderr and
    environment (``env``: variables to set, or with ``None`` to unset, for this run)."""
    with CliRunner().isolation(input=input, env={"COLUMNS": "120", **(env or {})}) as (stdout, stderr, _output):
        saved_argv = sys.argv
        sys.argv = ["crampcare", *args]
        try:
            main()
            code = 0
        except SystemExit as exit_:
            code = exit_.code if isinstance(exit_.code, int) else int(exit_.code is not None)
        finally:
            sys.argv = saved_argv
            sys.stdout.flush()
            sys.stderr.flush()
        return subprocess.CompletedProcess(list(args), code, stdout.getvalue().decode(), stderr.getvalue().decode())


def crampcare_process(*args: str, input: str | None = None) -> subprocess.CompletedProcess[str]:
    """``crampcare ARGS`` as a real process (``python -m crampcare``) of this checkout's code, without
    ``CRAMPCARE_DEBUG`` (its tracebacks)."""
    env = {k: v for k, v in os.environ.items() if k != "CRAMPCARE_DEBUG"}
    env.update(PYTHONPATH=str(SRC), COLUMNS="120")
    return subprocess.run([sys.executable, "-m", "crampcare", *args], input=input, capture_output=True, text=True,
                          timeout=300, env=env)


def test_the_command_runs_as_a_real_process() -> None:
    """Smoke tests of the installed entry point; everything else runs in this process."""
    assert crampcare_process("--version").stdout.startswith("crampcare ")
    emergency = crampcare_process("assess", "--answers", str(CASES / "P9.json"), "--format", "json")
    assert emergency.returncode == 0 and json.loads(emergency.stdout)["urgency"] == "emergency", emergency.stderr
    first_aid = crampcare_process("now", "--plain")  # the fast path, without Typer
    assert first_aid.returncode == 0 and "source:" in first_aid.stdout and "Get help if" in first_aid.stdout
    usage = crampcare_process("log", "night", "--bogus")
    assert usage.returncode == 2 and usage.stderr.startswith("error: ") and len(usage.stderr.splitlines()) == 1
    assert crampcare_process("assess", "--answers", "-", input='{"age": 300}').returncode == 2


@pytest.mark.parametrize("case", sorted(EXPECTED_URGENCY))
def test_assess_answers_file_json_for_each_case(case: str) -> None:
    result = crampcare("assess", "--answers", str(CASES / f"{case}.json"), "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["urgency"] == EXPECTED_URGENCY[case]
    assert data["trace"] and data["sources"]


def test_assess_markdown_and_text() -> None:
    markdown = crampcare("assess", "--answers", str(CASES / "P4.json"), "--format", "markdown")
    assert markdown.returncode == 0
    assert "# Self-care" in markdown.stdout and "1.6 L a day" in markdown.stdout and "Sources" in markdown.stdout
    text = crampcare("assess", "--answers", str(CASES / "P9.json"))
    assert text.returncode == 0 and "EMERGENCY" in text.stdout


def test_assess_reads_answers_from_stdin() -> None:
    result = crampcare("assess", "--answers", "-", "--format", "json", input='{"seizure_signs": true}')
    assert json.loads(result.stdout)["urgency"] == "emergency"


def test_interactive_assess_reasks_on_invalid_input() -> None:
    # A warning question: Enter warns and asks again, a second Enter leaves it open; "?" too.
    # "maybe" is re-asked; the seizure is shown at once, "yes" goes on; age 300 is re-asked; other
    # questions: Enter skips.
    warning_questions = [q for q in visible_questions(load_knowledge(), {}) if q.section == "warning_signs"]
    answers = ["", "", "maybe", "yes", "?"] + ["no"] * (len(warning_questions) - 3) + ["yes", "300", "70"] + [""] * 80
    result = crampcare("assess", "--format", "json", input="\n".join(answers) + "\n")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["answers"]["seizure_signs"] is True and data["answers"]["age"] == 70
    assert "breathless_chest_pain" not in data["answers"] and "stroke_signs" not in data["answers"]
    assert data["urgency"] == "emergency" and data["complete"] is False
    assert {"breathless_chest_pain", "stroke_signs"} <= set(data["unanswered_warning_questions"])
    assert "please answer yes or no" in result.stderr and "out of range" in result.stderr
    assert "not ruled out" in result.stderr


def test_an_empty_interview_never_reassures() -> None:
    result = crampcare("assess", "--format", "json", input="")
    data = json.loads(result.stdout)
    assert data["urgency"] == "doctor" and data["complete"] is False
    assert "breathless_chest_pain" in data["unanswered_warning_questions"]
    markdown = crampcare("assess", "--answers", "-", "--format", "markdown", input="{}")
    assert "Not complete" in markdown.stdout and "Why: No warning sign" not in markdown.stdout


def test_an_answer_that_would_not_be_shown_is_refused() -> None:
    result = crampcare("assess", "--answers", "-", input='{"sex": "male", "pregnant": true}')
    assert result.returncode == 2
    assert result.stderr.startswith("error: pregnant: not asked with these answers")
    result = crampcare("assess", "--answers", "-", input='{"age": 70, "child_fever_limp": false}')
    assert result.returncode == 2 and "child_fever_limp" in result.stderr


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        ("{not json", "not valid JSON"),
        ('["a list"]', "must hold a JSON object"),
        ('{"favourite_colour": "blue"}', "favourite_colour: unknown question id"),
        ('{"age": 300}', "age: 300 is out of range; expected a number from 0 to 120"),
        ('{"age": "old"}', "age: expected a number"),
        ('{"pregnancy_week": 20.5}', "pregnancy_week: expected a whole number"),
        ('{"seizure_signs": "yes"}', "seizure_signs: expected true or false"),
        ('{"frequency": "hourly"}', "frequency: unknown choice 'hourly'; expected one of: rarely"),
        ('{"muscles": ["calf", "ear"]}', "muscles: unknown choice 'ear'"),
        ('{"medicines": ["none", "statin"]}', "medicines: 'none' cannot be combined"),
    ],
)
def test_bad_answers_give_one_clear_line_and_exit_2(tmp_path: Path, content: str, needle: str) -> None:
    path = tmp_path / "answers.json"
    path.write_text(content)
    result = crampcare("assess", "--answers", str(path))
    assert result.returncode == 2
    assert needle in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_missing_answers_file() -> None:
    result = crampcare("assess", "--answers", "/no/such/file.json")
    assert result.returncode == 2 and "cannot read" in result.stderr and "Traceback" not in result.stderr


def test_now_plain_prints_every_step_with_sources() -> None:
    result = crampcare("now", "--plain")
    assert result.returncode == 0
    assert "1. " in result.stdout and "source:" in result.stdout and "Get help if" in result.stdout
    assert "pin prick" not in result.stdout.lower()  # the article's pin prick is not recommended


def test_now_plain_in_russian() -> None:
    result = crampcare("now", "--plain", "--lang", "ru")
    assert result.returncode == 0 and any("\u0400" <= ch <= "\u04ff" for ch in result.stdout)


def test_now_interactive_escalates_on_swollen_calf() -> None:
    result = crampcare("now", input="n\nn\nn\ny\nn\n")  # breathless, cold and pale, stroke signs, calf, still cramping
    assert result.returncode == 0
    assert "See a doctor today" in result.stdout


def test_questionnaire_json_and_markdown() -> None:
    data = json.loads(crampcare("questionnaire", "--format", "json").stdout)
    by_id = {q["id"]: q for q in data}
    assert by_id["pregnancy_week"]["show_if"] == {"fact": "pregnant", "op": "eq", "value": True}
    assert by_id["age"]["unit"] == "years"
    markdown = crampcare("questionnaire", "--format", "markdown").stdout
    assert "`pregnancy_week`" in markdown and "asked only if" in markdown


def test_learn_lists_and_shows_topics_with_sources() -> None:
    listing = crampcare("learn")
    assert "causes" in listing.stdout and "mechanism" in listing.stdout
    causes = crampcare("learn", "causes")
    assert "Varicose veins" in causes.stdout and "seed" in causes.stdout
    mechanism = crampcare("learn", "mechanism")
    assert "aafp-2012" in mechanism.stdout
    unknown = crampcare("learn", "astrology")
    assert unknown.returncode == 2 and "unknown topic" in unknown.stderr


@pytest.mark.parametrize(("lang", "region", "numbers"), [("ru", "RU", "112 или 103"), ("en", "GB", "999")])
def test_learn_ends_with_the_emergency_numbers_of_the_readers_region(lang: str, region: str, numbers: str) -> None:
    """The topics say "call an ambulance" and name no number (one of their own could contradict the
    region's); the Russian when-to-see-a-doctor page wrote "112 или 103" itself, and in the terminal
    nothing else gave them. Every web page's footer does."""
    page = " ".join(crampcare("learn", "when_to_see_a_doctor", "--lang", lang, "--region", region).stdout.split())
    assert page.endswith(f"{numbers}."), page[-200:]


def test_exercises_plain() -> None:
    result = crampcare("exercises", "--plain")
    assert result.returncode == 0 and "wall" in result.stdout.lower()


def test_schema_and_version() -> None:
    schema = json.loads(crampcare("schema").stdout)
    assert schema["title"] == "Assessment" and "urgency" in schema["properties"]
    assert crampcare("--version").stdout.startswith("crampcare ")


def test_no_command_annotation_is_a_string() -> None:
    """Typer evaluates each command's annotations every time it builds the CLI (once a run): as strings
    (``from __future__ import annotations`` in the module) that took 12 of its 17 ms."""
    from crampcare.cli import app

    def callbacks(typer_app: typer.Typer) -> Iterator[Callable[..., Any]]:
        yield from (command.callback for command in typer_app.registered_commands if command.callback)
        if typer_app.registered_callback and typer_app.registered_callback.callback:
            yield typer_app.registered_callback.callback
        for group in typer_app.registered_groups:
            assert group.typer_instance is not None
            yield from callbacks(group.typer_instance)

    from crampcare.cli.language import _options_template

    found = [_options_template, *callbacks(app)]
    assert len(found) > 20
    for callback in found:
        strings = [name for name, hint in callback.__annotations__.items() if isinstance(hint, str)]
        assert not strings, f"{callback.__module__}.{callback.__name__}: {strings} are strings"


def test_assessment_prefilled_from_diary_and_saved(tmp_path: Path) -> None:
    import datetime as dt

    db = f"sqlite:///{tmp_path / 'diary.db'}"
    today = dt.date.today()
    # From the night before last: a 03:10 cramp in last night's night is still to come before 03:10.
    for offset in range(2, 16):
        date = (today - dt.timedelta(days=offset)).isoformat()
        if offset % 2:
            args = ["log", "night", "--db", db, "--date", date, "--time", "03:10", "--duration", "5m",
                    "--leg", "left", "--muscle", "calf", "--severity", "6"]
        else:
            args = ["log", "night", "--db", db, "--date", date, "--none"]
        logged = crampcare(*args)
        assert logged.returncode == 0, logged.stderr
    result = crampcare("assess", "--from-diary", "--save", "--db", db, "--answers", "-", "--format", "json",
                       input='{"age": 50}')
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["answers"]["frequency"] == "weekly" and data["answers"]["duration_minutes"] == 5
    assert "tonic" in [t["id"] for t in data["cramp_types"]]
    assert "saved as assessment" in result.stderr

    from crampcare.diary.store import open_store

    with open_store(db) as store:
        stored = store.latest_assessment()
    assert stored is not None and stored.answers["age"] == 50 and stored.result["urgency"] == data["urgency"]


@pytest.mark.parametrize("args", [["log", "night", "--bogus"], ["assess", "--format", "xml"], ["nosuch"]])
def test_usage_errors_are_one_line_exit_2(args: list[str]) -> None:
    result = crampcare(*args)
    assert result.returncode == 2
    assert result.stderr.startswith("error: ") and len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


def test_no_command_offers_shell_completion() -> None:
    """crampcare has no shell completion: no command may offer options that write to the shell's start-up
    files (Typer adds them to any command it builds unless told not to)."""
    from crampcare.cli import app

    group = typer_command(app)
    commands = [group, *_every_command(group)]
    offered = {c.name: [p.name for p in c.params if "completion" in (p.name or "")] for c in commands}
    assert len(commands) >= 25 and not any(offered.values()), offered
    result = crampcare("now", "--show-completion")
    assert result.returncode == 2 and "No such option" in result.stderr


def test_every_help_page_names_what_to_type_not_a_python_type() -> None:
    """Typer 0.29 shows ``--date <str>``, ``--save <bool>``, ``--help <bool>``: every option's value
    has a name instead (DATE, FILE, LEG), a flag shows none, and a choice keeps its choices. (An
    argument keeps Typer's ``<str>`` beside its name: Typer shows no other value there.)"""
    import re

    from crampcare.cli import app

    group = typer_command(app)
    python_type = re.compile(r"<(str|bool|int|float|path|list\[[^>]*\])[^>]*>")
    for command in [group, *_every_command(group)]:
        path = [c.name for c in _path_to(group, command)]
        page = crampcare(*path, "--help", env={"COLUMNS": "200"})
        assert page.returncode == 0, (path, page.stderr)
        options = "\n".join(line for line in page.stdout.splitlines() if re.match(r"│ +-", line))
        assert options and not python_type.search(options), (path, python_type.findall(options))
    rows = {line.split()[1]: line for line in crampcare("report", "--help", env={"COLUMNS": "200"}).stdout.splitlines()
            if line.startswith("│ --")}
    assert rows["--from"].split()[2] == "DATE" and rows["--out"].split()[3] == "FILE", rows
    assert rows["--help"].split()[2] == "Show", rows["--help"]
    assessing = crampcare("assess", "--help", env={"COLUMNS": "200"}).stdout
    assert "<text|json|markdown>" in assessing and re.search(r"--save +Store", assessing)


@pytest.mark.parametrize(("args", "meant"), [
    (["log", "night", "--start", "03:10"], "--time"),  # the cramp's start; Click offered --date
    (["insights", "--start", "2026-01-01"], "--from"),  # Click offered --chart
    (["report", "--until", "2026-01-01"], "--to"),
    (["--lang", "ru", "log", "night", "--start", "03:10"], "--time"),
])
def test_an_option_typed_by_another_name_suggests_the_one_meant(args: list[str], meant: str) -> None:
    result = crampcare(*args)
    assert result.returncode == 2 and len(result.stderr.splitlines()) == 1, result.stderr
    suggested = re.findall(r"--[a-z-]+", result.stderr.split("(")[1])
    assert suggested == [meant], result.stderr


def _path_to(group: Any, command: Any) -> list[Any]:
    """The subcommands from ``group`` down to ``command`` (empty for the group itself)."""
    if command is group:
        return []
    for sub in getattr(group, "commands", {}).values():
        if sub is command:
            return [sub]
        if (below := _path_to(sub, command)):
            return [sub, *below]
    return []


def _every_command(group: Any) -> list[Any]:
    found = []
    for sub in getattr(group, "commands", {}).values():
        found += [sub, *_every_command(sub)]
    return found


def test_a_command_runs_with_fewer_full_garbage_collections() -> None:
    """crampcare.cli.main: a full collection after 100 middle-generation ones, not Python's 10."""
    import gc

    saved = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    try:
        assert crampcare("--version").returncode == 0
        assert gc.get_threshold() == (700, 10, 100)
    finally:
        gc.set_threshold(*saved)
