"""The `crampcare` command line: a thin layer that parses, calls the core and renders.

Heavy modules are imported inside commands so that `crampcare now` starts at once. The modules
that define commands do without ``from __future__ import annotations``: Typer reads every command's
annotations each time it builds the CLI, and as strings they took 12 ms of a run to evaluate
(tests/test_cli.py checks that none is a string).
"""

import json
import re
import sys
from enum import Enum
from pathlib import Path
from typing import Any, NoReturn

import typer

from crampcare import __version__
from crampcare.cli.language import LanguageGroup
from crampcare.i18n.context import _

app = typer.Typer(
    name="crampcare",
    cls=LanguageGroup,
    help="Help for night leg cramps: first aid now, an explained assessment, a diary, and a report for your doctor.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


class OutputFormat(str, Enum):
    text = "text"
    json = "json"
    markdown = "markdown"


class QuestionnaireFormat(str, Enum):
    json = "json"
    markdown = "markdown"


def fail(message: str, code: int = 2) -> NoReturn:
    """One clear line on stderr and a non-zero exit; never a traceback."""
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"crampcare {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Show the version."),
) -> None:
    """crampcare."""


@app.command()
def now(
    plain: bool = typer.Option(False, "--plain", help="Print every step at once and exit."),
) -> None:
    """First aid for a cramp happening right now, one step at a time."""
    from crampcare.cli import now_command

    now_command.run(plain=plain)


@app.command()
def exercises(
    plain: bool = typer.Option(False, "--plain", help="Print the routine and exit."),
) -> None:
    """The bedtime exercise routine, with a timer for each exercise."""
    from crampcare.cli import now_command

    now_command.run_exercises(plain=plain)


def _open_diary(db: str | None) -> Any:
    from crampcare.diary.errors import DiaryError
    from crampcare.services.diary import open_diary

    try:
        return open_diary(db)
    except DiaryError as exc:
        fail(str(exc))


def _read_answers(path: Path) -> dict[str, Any]:
    from crampcare.jsontext import UnreadableJsonError, loads

    try:
        # A byte-order mark is skipped on stdin as in a file (a Windows editor or pipe writes one).
        text = path.read_text(encoding="utf-8-sig") if str(path) != "-" else sys.stdin.read().removeprefix("\ufeff")
    except OSError as exc:
        from crampcare.i18n.wording import os_reason

        fail(_("cannot read {path}: {reason}", path=path, reason=os_reason(exc)))
    except UnicodeDecodeError:
        fail(_("{path} is not UTF-8 text; save the answers as UTF-8 JSON", path=path))
    try:
        data = loads(text)
    except UnreadableJsonError as exc:
        if exc.line is None:
            fail(_("{path} is not valid JSON: {reason}", path=path, reason=exc.reason))
        fail(_("{path} is not valid JSON: {reason} at line {line}, column {column}", path=path, reason=exc.reason,
               line=exc.line, column=exc.column))
    if not isinstance(data, dict):
        fail(_("{path} must hold a JSON object mapping question ids to answers", path=path))
    if not isinstance(data.get("answers"), dict):
        return dict(data)
    # Answers inside "answers" (an API request, or an assessment printed with --format json): an answer
    # beside them was dropped without a word, a "yes" to a warning question with it.
    from crampcare.knowledge import load_knowledge

    beside = [key for key in data if key in load_knowledge().questions]
    if beside:
        fail(_("{path}: {question} is outside \"answers\"; put every answer inside it", path=path, question=beside[0]))
    return dict(data["answers"])


@app.command()
def assess(
    answers_file: Path | None = typer.Option(None, "--answers", help="JSON file of answers (- for stdin); no prompts."),
    output_format: OutputFormat = typer.Option(OutputFormat.text, "--format", help="text, json or markdown."),
    save: bool = typer.Option(False, "--save", help="Store the assessment in the diary."),
    from_diary: bool = typer.Option(False, "--from-diary", help="Pre-fill answers from the diary's last 8 weeks."),
    db: str | None = typer.Option(None, "--db", envvar="CRAMPCARE_DB", help="Diary database (path or URL)."),
) -> None:
    """A short interview, then an explained assessment: urgency, causes, whom to see, a plan."""
    from crampcare.assess import AnswerError
    from crampcare.assess import assess as run_assessment

    suggested: dict[str, Any] = {}
    if from_diary:
        from crampcare.services.diary import suggested_answers

        with _open_diary(db) as store:
            suggested = suggested_answers(store)
    shown = None
    if answers_file is not None:
        # What the file says wins over what the diary suggests.
        answers = {**suggested, **_read_answers(answers_file)}
    else:
        from crampcare.cli.interview_prompt import ask_interactively

        # A warning sign that needs help now or today is shown as soon as its section is done; if the
        # person then stops, that result is the one kept (--save) and it is not printed twice.
        answers, shown = ask_interactively(suggested, lambda early: _show_assessment(early, output_format, early=True))
    try:
        result = shown if shown is not None else run_assessment(answers)
    except AnswerError as exc:
        fail(str(exc))
    if save:
        from crampcare.services.diary import save_assessment

        with _open_diary(db) as store:
            assessment_id = save_assessment(store, result.answers, result.model_dump(mode="json"))
        typer.echo(_("saved as assessment {id}", id=assessment_id), err=True)
    if shown is None or output_format is OutputFormat.json:
        _show_assessment(result, output_format)
        if answers_file is None:
            _show_recap(result)


def _show_recap(result: Any) -> None:
    """After an interview's result, what to do and the headline once more, on stderr beside the questions: on a
    phone-sized terminal the long result has scrolled its top line away (an early result repeats them before
    asking whether to go on)."""
    from rich.console import Console
    from rich.markdown import Markdown

    from crampcare.assess.render import recap_markdown

    console = Console(stderr=True)
    console.print()
    console.print(Markdown(recap_markdown(result)))


def _show_assessment(result: Any, output_format: OutputFormat, early: bool = False) -> None:
    """Print an assessment in the chosen format. One shown ``early`` (before the other questions)
    goes to stdout too, except in JSON, where stdout stays one document (the final one): there it
    is shown as text on stderr, next to the questions."""
    from crampcare.assess.render import assessment_markdown

    if output_format is OutputFormat.json and not early:
        from crampcare.assess.localize import localize_assessment
        from crampcare.knowledge import load_knowledge

        typer.echo(localize_assessment(result, load_knowledge()).model_dump_json(indent=2))
        return
    markdown = assessment_markdown(result)
    if output_format is OutputFormat.markdown:
        typer.echo(markdown)
        return
    from rich.console import Console
    from rich.markdown import Markdown

    Console(stderr=output_format is OutputFormat.json).print(Markdown(markdown))


@app.command()
def questionnaire(
    output_format: QuestionnaireFormat = typer.Option(QuestionnaireFormat.markdown, "--format", help="json or markdown."),
) -> None:
    """Print the interview's questions, answer types and show-conditions."""
    from crampcare.assess.render import questionnaire_json, questionnaire_markdown
    from crampcare.knowledge import load_knowledge

    kb = load_knowledge()
    if output_format is QuestionnaireFormat.json:
        typer.echo(json.dumps(questionnaire_json(kb), indent=2, ensure_ascii=False))
    else:
        typer.echo(questionnaire_markdown(kb))


@app.command()
def learn(
    topic: str | None = typer.Argument(None, help="A topic id; leave out to list them."),
) -> None:
    """Browse what crampcare knows — causes, types, first aid, exercises, medicines — with sources."""
    from crampcare.cli.learn_command import show

    show(topic)


@app.command()
def schema() -> None:
    """Print the JSON Schema of an assessment (the output of `assess --format json`)."""
    from crampcare.assess.model import Assessment

    typer.echo(json.dumps(Assessment.model_json_schema(), indent=2))


def _register_command_groups() -> None:
    """Add the commands that live in their own modules (each module's ``register`` adds its own)."""
    from crampcare.cli import (
        db_commands,
        diary_commands,
        insights_commands,
        report_commands,
        users_commands,
        web_commands,
    )

    for module in (diary_commands, insights_commands, report_commands, web_commands, db_commands, users_commands):
        module.register(app)


_register_command_groups()


def main() -> None:
    # A command is one short run that keeps most of what it builds (modules, the command tree, the
    # diary it read, a report's layout), so Python's full collections, after every 10 collections
    # of the middle generation, walked it all again to free next to nothing: 10-20 % of a command's
    # CPU (0.27 s of a PDF report's 1.8). They wait for 100 here; garbage is still collected.
    from crampcare.collector import collect_fully_less_often

    collect_fully_less_often()
    try:
        _main()
    except BrokenPipeError:
        # The reader went away (`crampcare now --plain | head`): stop quietly, like other tools.
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise SystemExit(0) from None


def _main() -> None:
    from crampcare.cli import fast

    if fast.handles(sys.argv[1:]):
        try:
            fast.run(sys.argv[1:])
        except KeyboardInterrupt:  # Ctrl-C at a question: as every other command stops on it
            sys.stderr.write("\n")
            raise SystemExit(130) from None
        return
    from typer._click import exceptions as click_errors  # Typer vendors its own Click

    from crampcare.cli.language import started_with

    try:
        with started_with(sys.argv[1:]):
            code = app(standalone_mode=False)
    except click_errors.NoArgsIsHelpError as exc:
        # The help page: Typer's rich formatter printed it already while the error was made (its
        # text is then empty); Click's plain one returned it as the message.
        if exc.format_message().strip():
            typer.echo(exc.format_message(), err=False)
        raise SystemExit(0) from None
    except click_errors.UsageError as exc:
        # One line, like every other refusal, instead of a usage box.
        where = _(" (see `{command} --help`)", command=exc.ctx.command_path) if exc.ctx else ""
        typer.echo(f"error: {_usage_message(exc, click_errors)}{where}", err=True)
        raise SystemExit(2) from None
    except (KeyboardInterrupt, typer.Abort):
        typer.echo("", err=True)
        raise SystemExit(130) from None
    raise SystemExit(code if isinstance(code, int) else 0)


_NOT_A_CHOICE = re.compile(r"(?:Value error, )?(?P<value>'.*') is not one of (?P<choices>.+?)\.?")


def _bad_value_message(exc: Any) -> str:
    """Why Typer refused an option's value, in the current language: Typer checks values with
    pydantic (ranges, numbers) and its own choice parser, both of which write English only."""
    from pydantic import ValidationError

    from crampcare.i18n.validation import validation_text

    if not isinstance(exc.__cause__, ValidationError):
        return str(exc.message)
    first = exc.__cause__.errors()[0]
    if first["type"] == "value_error" and (found := _NOT_A_CHOICE.fullmatch(str(first["msg"]))):
        return _("{value} is not one of: {choices}", value=found["value"], choices=found["choices"])
    return validation_text(first)


_NO_SUCH_COMMAND = re.compile(r"No such command '(?P<name>.+)'\.(?: Did you mean (?P<close>.+)\?)?")


# Options people type for what crampcare calls otherwise, and the options they mean, first found
# first: Click suggests only what is spelled alike (--start: "--date", where a cramp's start is --time).
_MEANT = {"--start": ("--time", "--from"), "--begin": ("--from",), "--since": ("--from",),
          "--end": ("--to",), "--until": ("--to",)}


def _suggest_what_is_meant(exc: Any) -> None:
    """An unknown option that is another word for one of the command's: suggest that one instead."""
    meant = _MEANT.get(getattr(exc, "option_name", ""), ())
    offered = {name for param in (exc.ctx.command.params if exc.ctx else ()) for name in getattr(param, "opts", ())}
    found = [option for option in meant if option in offered][:1]
    if found:
        exc.possibilities = found


def _usage_message(exc: Any, click_errors: Any) -> str:
    """Click's refusal of a command line in the current language (Click writes it in English only):
    the common ones by their kind, anything else as Click says it."""
    from crampcare.i18n.context import current_language
    from crampcare.i18n.languages import DEFAULT_LANGUAGE

    if isinstance(exc, click_errors.NoSuchOption):
        _suggest_what_is_meant(exc)

    if current_language() == DEFAULT_LANGUAGE:
        return str(exc.format_message())
    if isinstance(exc, click_errors.NoSuchOption):
        text = _("no such option: {option}", option=exc.option_name)
        close = ", ".join(sorted(exc.possibilities or ()))
        return text + (_(" (did you mean {options}?)", options=close) if close else "")
    if isinstance(exc, click_errors.BadParameter) and (exc.param_hint is not None or exc.param is not None):
        hint = exc.param_hint if exc.param_hint is not None else exc.param.get_error_hint()
        name = " / ".join(hint) if isinstance(hint, (list, tuple)) else str(hint)
        if isinstance(exc, click_errors.MissingParameter):
            kind = exc.param_type or (exc.param.param_type_name if exc.param is not None else "")
            if kind == "argument":  # a placeholder, written as Click's usage lines write them: DATE
                return _("missing argument {name}", name=name.upper())
            return _("missing option {name}", name=name)
        return _("invalid value for {name}: {message}", name=name, message=_bad_value_message(exc))
    if found := _NO_SUCH_COMMAND.fullmatch(str(exc.message)):
        # What was typed, and what may have been meant, as typed things: `lgo`, `log`.
        typed = "`" + found["name"] + "`"
        text = _("no such command: {name}", name=typed)
        close = ", ".join(f"`{name.strip().strip(chr(39))}`" for name in (found["close"] or "").split(",") if name.strip())
        return text + (_(" (did you mean {options}?)", options=close) if close else "")
    return str(exc.format_message())
