"""Checking answers against the questionnaire.

Answers are a mapping of question id to value: ``true``/``false`` for yes/no questions,
a number within the question's range, a choice id, or a list of choice ids. Every problem
raises :class:`AnswerError` naming the question and what is allowed, so the CLI and the
API can show one clear line.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from crampcare.knowledge.loader import KnowledgeBase
from crampcare.knowledge.schema import Question


class AnswerError(ValueError):
    def __init__(self, question_id: str, message: str):
        self.question_id = question_id
        self.message = message
        super().__init__(f"{question_id}: {message}")


def allowed(question: Question) -> str:
    """What a question accepts, in words."""
    if question.type == "yes_no":
        return "true or false"
    if question.type == "number":
        kind = "a whole number" if question.integer else "a number"
        return f"{kind} from {question.min:g} to {question.max:g} ({question.unit})"
    options = ", ".join(question.choice_ids)
    if question.type == "single":
        return f"one of: {options}"
    return f"a list of: {options}"


def check_answer(question: Question, value: Any) -> Any:
    """Return the normalised value or raise :class:`AnswerError`."""
    if question.type == "yes_no":
        if isinstance(value, bool):
            return value
        raise AnswerError(question.id, f"expected {allowed(question)}, got {value!r}")
    if question.type == "number":
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise AnswerError(question.id, f"expected {allowed(question)}, got {value!r}")
        if question.integer and not float(value).is_integer():
            raise AnswerError(question.id, f"expected {allowed(question)}, got {value!r}")
        assert question.min is not None and question.max is not None
        if not question.min <= value <= question.max:
            raise AnswerError(question.id, f"{value!r} is out of range; expected {allowed(question)}")
        return int(value) if question.integer else value
    if question.type == "single":
        if not isinstance(value, str) or value not in question.choice_ids:
            raise AnswerError(question.id, f"unknown choice {value!r}; expected {allowed(question)}")
        return value
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise AnswerError(question.id, f"expected {allowed(question)}, got {value!r}")
    for item in values:
        if item not in question.choice_ids:
            raise AnswerError(question.id, f"unknown choice {item!r}; expected {allowed(question)}")
    chosen = list(dict.fromkeys(values))
    if "none" in chosen and len(chosen) > 1:
        raise AnswerError(question.id, "'none' cannot be combined with other choices")
    return chosen


def validate_answers(kb: KnowledgeBase, answers: Mapping[str, Any]) -> dict[str, Any]:
    """Validate every answer; ``None`` means not answered and is dropped."""
    if not isinstance(answers, Mapping):
        raise AnswerError("(answers)", "expected an object mapping question ids to answers")
    clean: dict[str, Any] = {}
    for question_id, value in answers.items():
        question = kb.questions.get(question_id)
        if question is None:
            raise AnswerError(str(question_id), "unknown question id; `crampcare questionnaire` lists them")
        if value is None:
            continue
        clean[question_id] = check_answer(question, value)
    return clean


def parse_text_answer(question: Question, text: str) -> Any:
    """Parse what a person typed at a prompt into an answer value (then checked)."""
    raw = text.strip()
    if question.type == "yes_no":
        lowered = raw.lower()
        if lowered in ("y", "yes", "true", "1", "да", "д"):
            return True
        if lowered in ("n", "no", "false", "0", "нет", "н"):
            return False
        raise AnswerError(question.id, "please answer yes or no")
    if question.type == "number":
        try:
            value: Any = float(raw.replace(",", "."))
        except ValueError:
            raise AnswerError(question.id, f"expected {allowed(question)}, got {raw!r}") from None
        return check_answer(question, int(value) if question.integer and value.is_integer() else value)
    if question.type == "single":
        return check_answer(question, _choice_from_text(question, raw))
    parts = [p for p in raw.replace(";", ",").replace(" ", ",").split(",") if p]
    return check_answer(question, [_choice_from_text(question, p) for p in parts])


def _choice_from_text(question: Question, raw: str) -> str:
    if raw.isdigit() and 1 <= int(raw) <= len(question.choices):
        return question.choices[int(raw) - 1].id
    return raw
