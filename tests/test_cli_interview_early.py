"""The interactive CLI interview shows a warning sign that needs help now or today as soon as its
section is done (after the follow-up that can stand it down), as the web interview does, and then
asks whether to answer the other questions (Enter: no)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from crampcare.assess.answers import parse_text_answer
from crampcare.assess.engine import warning_questions_left_open
from crampcare.assess.interview import drop_hidden, next_question
from crampcare.knowledge import load_knowledge
from crampcare.web.app import create_app
from crampcare.web.settings import Settings
from test_cli import crampcare

KB = load_knowledge()
WARNING_QUESTIONS = [q.id for q in KB.questions.values() if q.section == "warning_signs" and q.show_if is None]
SEIZURE = {**{qid: False for qid in WARNING_QUESTIONS}, "seizure_signs": True}
LATER_SECTION = "About you"  # the title of the section after the warning signs
GO_ON = "Answer the other questions?"


def typed(plan: Mapping[str, str], only: str | None = None, until: str | None = None) -> list[str]:
    """The lines a person types to answer ``plan`` (question id → what they type) in interview order,
    pressing Enter for every other question (Enter twice for one that keeps a warning sign open: it
    asks once more);
    ``only``: up to the end of that section; ``until``: stopping before that question."""
    answers: dict[str, Any] = {}
    skipped: set[str] = set()
    lines: list[str] = []
    while (question := next_question(KB, answers, skipped)) is not None and question.id != until:
        if only is not None and question.section != only:
            break
        if question.id in plan:
            lines.append(plan[question.id])
            answers[question.id] = parse_text_answer(question, plan[question.id])
        else:
            lines += ["", ""] if warning_questions_left_open(KB, drop_hidden(KB, answers), [question]) else [""]
            skipped.add(question.id)
    return lines


def titles(markdown: str) -> list[str]:
    """The title of each assessment printed (its first line: the urgency)."""
    return [line for line in markdown.splitlines() if line.startswith("# ")]


def warning_lines(**said: str) -> list[str]:
    return typed({**{qid: "no" for qid in WARNING_QUESTIONS}, **said}, only="warning_signs")


@pytest.fixture
def api(tmp_path: Path, new_migrated_sqlite: Callable[[Path], str]) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(db=new_migrated_sqlite(tmp_path / "diary.sqlite"))),
                    raise_server_exceptions=False) as client:
        yield client


def test_an_emergency_sign_in_the_first_section_is_shown_at_once_and_enter_stops_there() -> None:
    lines = warning_lines(seizure_signs="yes") + [""]  # Enter at "answer the other questions?": no
    result = crampcare("assess", "--format", "markdown", input="\n".join(lines) + "\n")
    assert result.returncode == 0, result.stderr
    assert titles(result.stdout) == [titles(result.stdout)[0]], result.stdout  # once, not again at the end
    assert result.stdout.startswith("# EMERGENCY") and "seizure" in result.stdout.lower()
    assert GO_ON in result.stderr and LATER_SECTION not in result.stderr  # no question after it


def test_declining_keeps_that_result_and_the_answers_match_the_api(api: TestClient) -> None:
    lines = warning_lines(seizure_signs="yes") + ["no"]
    result = crampcare("assess", "--format", "json", input="\n".join(lines) + "\n")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)  # stdout stays one JSON document; the early result was on stderr
    assert data["answers"] == SEIZURE and data["urgency"] == "emergency"
    assert LATER_SECTION not in result.stderr and "emergency" in result.stderr.lower()
    from_api = api.post("/api/v1/assess", json={"answers": SEIZURE, "trace": True})
    assert from_api.status_code == 200, from_api.text
    assert from_api.json() == data


def test_going_on_asks_the_other_questions_and_the_final_result_stays_an_emergency() -> None:
    first = warning_lines(seizure_signs="yes")
    everything = typed({**{q: "no" for q in WARNING_QUESTIONS}, "seizure_signs": "yes", "age": "70"})
    assert everything[:len(first)] == first
    lines = [*first, "maybe", "yes", *everything[len(first):]]  # "maybe" is asked again
    result = crampcare("assess", "--format", "markdown", input="\n".join(lines) + "\n")
    assert result.returncode == 0, result.stderr
    assert "please answer yes or no" in result.stderr and LATER_SECTION in result.stderr
    early, final = titles(result.stdout)  # shown once early, once at the end
    assert early.startswith("# EMERGENCY") and final.startswith("# EMERGENCY")


def test_saved_once_with_the_result_shown(tmp_path: Path) -> None:
    db = str(tmp_path / "diary.sqlite")
    # A swollen calf, and it lasts (the follow-up comes first); then Enter: stop, and keep that result.
    lines = warning_lines(calf_swollen_red_warm="yes", calf_change_lasting="yes") + [""]
    result = crampcare("assess", "--save", "--db", db, "--format", "json", input="\n".join(lines) + "\n")
    assert result.returncode == 0, result.stderr
    assert GO_ON in result.stderr and LATER_SECTION not in result.stderr
    data = json.loads(result.stdout)
    assert data["urgency"] == "urgent" and data["answers"]["calf_change_lasting"] is True
    assert result.stderr.count("saved as assessment") == 1


def test_a_follow_up_that_stands_the_sign_down_and_a_non_severe_sign_do_not_stop_early() -> None:
    # A swollen calf that went with the cramp, then cramps most nights (a "see a doctor" sign).
    frequency = next(n for n, c in enumerate(KB.questions["frequency"].choices, start=1) if c.id == "most_nights")
    plan = {**{q: "no" for q in WARNING_QUESTIONS}, "calf_swollen_red_warm": "yes", "calf_change_lasting": "no",
            "frequency": str(frequency)}
    lines = typed(plan)
    result = crampcare("assess", "--format", "json", input="\n".join(lines) + "\n")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["urgency"] == "doctor" and data["answers"]["frequency"] == "most_nights"
    assert GO_ON not in result.stderr and "Health and medicines" in result.stderr


def test_in_russian() -> None:
    lines = warning_lines(seizure_signs="да") + ["н"]
    result = crampcare("assess", "--format", "markdown", input="\n".join(lines) + "\n", env={"CRAMPCARE_LANG": "ru"})
    assert result.returncode == 0, result.stderr
    assert "Ответить на остальные вопросы?" in result.stderr and "да/НЕТ" in result.stderr
    assert "Этого тревожного признака достаточно" in result.stderr
    assert "Обо мне" not in result.stderr and "Answer" not in result.stderr
    assert len(titles(result.stdout)) == 1 and "СКОРУЮ" in result.stdout.upper(), result.stdout


@pytest.mark.parametrize(("lang", "said", "answers"), [
    ("en", {"seizure_signs": "yes"}, SEIZURE),
    ("en", {"calf_swollen_red_warm": "yes", "calf_change_lasting": "yes"}, None),
    ("ru", {"seizure_signs": "да"}, SEIZURE),
])
def test_on_a_phone_sized_terminal_the_headline_is_on_the_screen_at_the_question(
    lang: str, said: dict[str, str], answers: dict[str, Any] | None
) -> None:
    """The early result is hundreds of lines on a 40-column terminal: its headline (what to do: call an
    ambulance, see a doctor today) had scrolled away by the time the person was asked whether to go on.
    The last 20 lines — the screen of a 40×20 terminal when the question waits — hold it, and what to do."""
    from typer.testing import CliRunner

    from crampcare.assess import assess
    from crampcare.assess.render import headline
    from crampcare.cli import app
    from crampcare.i18n.context import use_language

    lines = warning_lines(**said) + [""]
    result = CliRunner().invoke(app, ["assess", "--lang", lang], input="\n".join(lines) + "\n",
                                env={"COLUMNS": "40", "LINES": "20"})  # stdout and stderr, as a terminal shows them
    assert result.exit_code == 0, result.output
    shown = result.output.splitlines()
    # The rows of a 40-column terminal: a longer line (a prompt; Rich wraps the rest) takes several.
    rows = [line[start:start + 40] for line in shown for start in range(0, max(len(line), 1), 40)]
    assert len(rows) > 100  # a long result
    screen = " ".join(" ".join(rows[-20:]).split())
    with use_language(lang):
        expected = assess(answers if answers is not None else {**{q: False for q in WARNING_QUESTIONS},
                                                                "calf_swollen_red_warm": True,
                                                                "calf_change_lasting": True})
        top = headline(expected, KB)
    assert expected.urgency in ("emergency", "urgent")
    assert top in screen, (top, rows[-20:])
    assert shown[-1].startswith(("Answer the other questions?", "Ответить на остальные вопросы?")), shown[-1]


@pytest.mark.parametrize("output_format", ["text", "json"])
def test_after_the_whole_interview_the_headline_is_on_the_screen_too(output_format: str) -> None:
    """The same for the result at the end of the interview: the result (or its JSON) fills the terminal, and
    the headline and what to do come once more, last, on stderr beside the questions."""
    from typer.testing import CliRunner

    from crampcare.assess import assess
    from crampcare.assess.render import headline
    from crampcare.cli import app

    # After the warning signs: "yes", answer the other questions (Enter for each).
    lines = warning_lines(calf_swollen_red_warm="yes", calf_change_lasting="yes") + ["yes"] + [""] * 80
    result = CliRunner().invoke(app, ["assess", "--format", output_format], input="\n".join(lines) + "\n",
                                env={"COLUMNS": "40", "LINES": "20"})
    assert result.exit_code == 0, result.output
    rows = [line[start:start + 40] for line in result.output.splitlines()
            for start in range(0, max(len(line), 1), 40)]
    top = headline(assess({**{q: False for q in WARNING_QUESTIONS}, "calf_swollen_red_warm": True,
                           "calf_change_lasting": True}), KB)
    assert top.startswith("URGENT") and top in " ".join(" ".join(rows[-20:]).split()), rows[-20:]
