"""A skipped question that keeps a warning sign open ("Are you pregnant?": being sick late in
pregnancy; the medicines: quinine's side effects) is warned about at its step like a skipped warning
question, in the web interview and the terminal's, by the engine's own rule
(:func:`crampcare.assess.engine.warning_questions_left_open`), so both agree with the result."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

import pytest
from fastapi.testclient import TestClient

from crampcare.assess import assess
from crampcare.assess.answers import parse_text_answer
from crampcare.assess.engine import warning_questions_left_open
from crampcare.assess.interview import drop_hidden, interview_steps
from crampcare.knowledge import load_knowledge
from test_cli import crampcare
from test_cli_interview_early import typed

KB = load_knowledge()
NO_SIGNS = {q.id: "no" for q in KB.questions.values() if q.section == "warning_signs" and q.show_if is None}
WOMAN = {"age": "30", "sex": "female"}
MAN = {"age": "30", "sex": "male"}
WARNED = "A warning question left unanswered is not ruled out"


def _left_open(page: str) -> list[str]:
    """The questions the step's warning names (ids of their links), or [] with no warning."""
    if 'id="left-open"' not in page:
        return []
    return re.findall(r'href="#q-([a-z_0-9]+)"', page.split('id="left-open"')[1].split("</div>")[0])


def _step_post(client: TestClient, typed: Mapping[str, str], step: str, **extra: str) -> str:
    """Next on ``step`` with ``typed`` (question id → the form's value), as its page showed it."""
    answers = drop_hidden(KB, {qid: parse_text_answer(KB.questions[qid], value) for qid, value in typed.items()})
    shown = " ".join(q.id for q in dict(interview_steps(KB, answers))[step])
    return client.post("/assess", data={**typed, "step": step, "shown": shown, "action": "next", **extra}).text


def test_the_rule_is_the_results_list_a_man_never_has_the_pregnancy_question() -> None:
    woman = {**{qid: False for qid in NO_SIGNS}, "age": 30, "sex": "female"}
    woman = drop_hidden(KB, woman)
    steps = dict(interview_steps(KB, woman))
    assert [q.id for q in warning_questions_left_open(KB, woman, steps["pregnancy"])] == ["pregnant"]
    assert "pregnant" in assess(woman).unanswered_warning_questions
    assert warning_questions_left_open(KB, {**woman, "pregnant": False}, steps["pregnancy"]) == []
    assert [q.id for q in warning_questions_left_open(KB, woman, steps["health"])] == ["medicines"]
    man = drop_hidden(KB, {**woman, "sex": "male"})
    every = [q for _s, qs in interview_steps(KB, man) for q in qs]
    assert "pregnant" not in {q.id for q in every}
    assert "pregnant" not in {q.id for q in warning_questions_left_open(KB, man, every)}


def test_web_pregnancy_step_skipped_is_flagged_then_goes_on(client: TestClient) -> None:
    typed = {**NO_SIGNS, **WOMAN}
    stay = _step_post(client, typed, "pregnancy")
    assert "<h1" in stay and ">Pregnancy<" in stay and _left_open(stay) == ["pregnant"], stay[:2000]
    on = _step_post(client, typed, "pregnancy", skip_open="pregnancy")
    assert _left_open(on) == [] and ">The cramps<" in on
    answered = _step_post(client, {**typed, "pregnant": "no"}, "pregnancy")
    assert _left_open(answered) == [] and ">The cramps<" in answered


def test_web_a_man_has_no_pregnancy_step_and_the_medicines_are_flagged(client: TestClient) -> None:
    typed = {**NO_SIGNS, **MAN}
    about = _step_post(client, typed, "about_you")
    assert ">Pregnancy<" not in about and _left_open(about) == []
    health = _step_post(client, {**typed, "duration_minutes": "1", "eased_by_stretching": "yes"}, "health")
    assert _left_open(health) == ["medicines"], health[:2000]
    taken = _step_post(client, {**typed, "duration_minutes": "1", "eased_by_stretching": "yes",
                                "medicines": "none"}, "health")
    assert "medicines" not in _left_open(taken)


def _interview(lines: list[str]) -> tuple[str, dict[str, Any]]:
    result = crampcare("assess", "--format", "json", input="\n".join(lines) + "\n")
    assert result.returncode == 0, result.stderr
    return result.stderr, json.loads(result.stdout)


@pytest.mark.parametrize(("plan", "question"), [
    ({**NO_SIGNS, **WOMAN}, "pregnant"),
    ({**NO_SIGNS, **MAN, "duration_minutes": "1", "eased_by_stretching": "yes"}, "medicines"),
])
def test_terminal_enter_on_a_gate_question_warns_and_asks_again(plan: dict[str, str], question: str) -> None:
    prompt = KB.questions[question].text
    answer = "no" if question == "pregnant" else "none"
    asked, result = _interview([*typed(plan, until=question), "", answer])
    after = asked.split(prompt, 1)[1]
    assert WARNED in after.split(prompt, 1)[0] and after.count(prompt) == 1, asked[-3000:]
    assert question not in result["unanswered_warning_questions"]
    # Enter twice: left open, and the result says so.
    asked, result = _interview([*typed(plan, until=question), "", ""])
    assert asked.count(prompt) == 2 and question in result["unanswered_warning_questions"]


def test_terminal_a_man_is_never_asked_about_pregnancy() -> None:
    asked, result = _interview(typed({**NO_SIGNS, **MAN}))
    assert KB.questions["pregnant"].text not in asked and "pregnant" not in result["unanswered_warning_questions"]
