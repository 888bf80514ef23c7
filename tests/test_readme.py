"""The README cannot drift: its settings table matches the configuration, its example commands
exist with the options they show, and every output it shows after a ``$ crampcare ...`` line is
what that command prints."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from crampcare.cli import app
from crampcare.config import ENV_PREFIX, Config

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
ROW = re.compile(r"^\| `([a-z_]+)` \| (.+?) \| `([A-Z_]+)` \| (.+?) \|$", re.MULTILINE)


def test_settings_table_matches_the_config() -> None:
    rows = {name: (flag, env, default) for name, flag, env, default in ROW.findall(README)}
    assert set(rows) == set(Config.model_fields)
    serve = typer.main.get_command(app).commands["serve"]  # type: ignore[attr-defined]
    serve_flags = {opt for param in serve.params for opt in [*param.opts, *param.secondary_opts]}
    for name, (flag, env, default) in rows.items():
        assert env == ENV_PREFIX + name.upper()
        for shown in re.findall(r"`(--[a-z-]+)`", flag):
            assert shown in serve_flags, (name, shown)
        value = Config.model_fields[name].default
        if value is not None:
            expected = str(value).lower() if isinstance(value, bool) else str(value)
            assert default.startswith(f"`{expected}`"), (name, default)


def _commands() -> list[list[str]]:
    """Every `crampcare …` line of the README's shell and transcript blocks, as arguments."""
    found = []
    for block in re.findall(r"```(?:bash|text)\n(.*?)```", README, re.DOTALL):
        joined = block.replace("\\\n", " ")
        for line in joined.splitlines():
            line = line.split(" # ")[0].strip().removeprefix("$ ")
            for segment in re.split(r"\|\s|&&", line):
                segment = segment.strip()
                if segment.startswith("crampcare ") and "'" not in segment.split(" ", 2)[1]:
                    found.append(shlex.split(segment)[1:])
    return found


COMMANDS = _commands()


def test_the_readme_shows_commands() -> None:
    assert len(COMMANDS) > 15


@pytest.mark.parametrize("words", COMMANDS, ids=[" ".join(w)[:50] for w in COMMANDS])
def test_readme_command_exists_with_its_options(words: list[str]) -> None:
    command = typer.main.get_command(app)
    rest = list(words)
    while hasattr(command, "commands") and rest and not rest[0].startswith("-"):
        name = rest.pop(0)
        assert name in command.commands, f"no command {name!r} in {' '.join(words)}"
        command = command.commands[name]  # type: ignore[attr-defined]
    options = {"--help"} | {opt for param in command.params for opt in [*param.opts, *param.secondary_opts]}
    for word in rest:
        if word.startswith("--"):
            assert word.split("=")[0] in options, f"{' '.join(words)}: {word} is not an option of the command"


def test_the_shown_refusal_is_what_the_cli_prints() -> None:
    shown = re.search(r"\$ echo '(\{.*?\})' \| crampcare assess --answers -\n(error: .*)\n", README)
    assert shown is not None
    result = CliRunner().invoke(app, ["assess", "--answers", "-"], input=shown.group(1))
    assert result.exit_code == 2
    assert shown.group(2) in result.output


def _bullets(text: str) -> list[str]:
    """The "•" items of a text, each on one line with its spaces collapsed (the panel's frame gone)."""
    body = " ".join(line.strip().strip("│").strip() for line in text.splitlines())
    return [" ".join(item.split()) for item in body.split("•")[1:]]


def test_the_shown_insights_are_what_the_cli_prints(tmp_path: Path) -> None:
    """The README's simulated diary (a fixed seed and end) and its insights, run as shown: each item it
    shows is printed, word for word ("..." where the README leaves the rest out)."""
    shown = re.search(r"\$ crampcare (simulate .*?) --db demo\.db\n(.*?)\n\$ crampcare insights --db demo\.db\n(.*?)```",
                      README, re.S)
    assert shown is not None
    db = str(tmp_path / "demo.db")
    simulated = CliRunner().invoke(app, [*shlex.split(shown.group(1)), "--db", db])
    assert simulated.exit_code == 0 and shown.group(2) in simulated.output, simulated.output
    printed = CliRunner().invoke(app, ["insights", "--db", db], env={"COLUMNS": "100"})
    assert printed.exit_code == 0, printed.output
    items = _bullets(printed.output)
    for item in _bullets(shown.group(3)):
        if item.endswith("..."):
            assert any(said.startswith(item.removesuffix("...").rstrip()) for said in items), (item, items)
        else:
            assert item in items, (item, items)


ROOT = Path(__file__).resolve().parents[1]
_FRAME = re.compile(r"[│╭╮╰╯─┃━┏┓┗┛]")


def _shown_runs() -> list[tuple[str, list[str]]]:
    """Each ``$ crampcare ...`` line of the README's text blocks, with the lines shown after it."""
    runs: list[tuple[str, list[str]]] = []
    for block in re.findall(r"```text\n(.*?)```", README, re.S):
        for line in block.splitlines():
            if line.startswith("$ "):
                runs.append((line[2:], []))
            elif runs and block.lstrip().startswith("$ "):
                runs[-1][1].append(line)
    return runs


def _flat(text: str) -> str:
    return " ".join(_FRAME.sub(" ", text).split())


# Shown with a file of the reader's own (answers.json), or checked with its own diary in the test above.
_NOT_RUN = ("answers.json", "demo.db")


@pytest.mark.parametrize("command", [c for c, _ in _shown_runs() if not any(word in c for word in _NOT_RUN)])
def test_every_shown_output_is_what_the_command_prints(command: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """What the README shows after a command: each line it shows is printed, in order ("..." stands
    for what it leaves out, a whole line or the rest of one)."""
    from test_cli import crampcare

    shown = dict(_shown_runs())[command]
    env: dict[str, str | None] = {"COLUMNS": "200", "CRAMPCARE_LANG": None, "CRAMPCARE_REGION": None}
    stdin = None
    piped = re.fullmatch(r"echo '(.*)' \| (.*)", command)
    if piped:
        stdin, command = piped.group(1), piped.group(2)
    words = shlex.split(command)
    while "=" in words[0]:  # CRAMPCARE_LANG=ru crampcare ...
        name, value = words.pop(0).split("=", 1)
        env[name] = value
    assert words[0] == "crampcare", command
    monkeypatch.chdir(ROOT)  # examples/cases/P3.json, as the README runs it from a clone
    result = crampcare(*words[1:], input=stdin, env=env)
    printed = _flat(result.stdout + result.stderr)
    position = 0
    for line in shown:
        for part in (p.strip() for p in _flat(line).split("...")):
            if part:
                found = printed.find(part, position)
                assert found >= 0, f"{command}: {part!r} is not printed (after what came before)\n{printed[position:position + 800]}"
                position = found + len(part)
