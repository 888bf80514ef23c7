"""Checking answers against the questionnaire.

Answers are a mapping of question id to value: ``true``/``false`` for yes/no questions,
a number within the question's range, a choice id, or a list of choice ids. Every problem
raises :class:`AnswerError` naming the question and what is allowed, so the CLI and the
API can show one clear line.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

from crampcare.digits import OtherDigitsError, refuse_other_digits
from crampcare.i18n.context import N_, _, current_language, current_localizer
from crampcare.knowledge.loader import KnowledgeBase
from crampcare.knowledge.schema import Question

# Units of number questions, as the reader's language writes them.
UNITS = {"L": N_("L"), "hours": N_("hours"), "kg": N_("kg"), "minutes": N_("minutes"), "weeks": N_("weeks"),
         "years": N_("years")}


class AnswerError(ValueError):
    def __init__(self, question_id: str, message: str):
        self.question_id = question_id
        self.message = message
        super().__init__(f"{question_id}: {message}")


def unit_words(question: Question) -> str:
    """A number question's unit as the reader's language writes it."""
    return _(UNITS[question.unit]) if question.unit in UNITS else (question.unit or "")


def allowed(question: Question) -> str:
    """What a question accepts, in words."""
    if question.type == "yes_no":
        return _("true or false") if current_language() == "en" else _("yes or no")
    if question.type == "number":
        loc = current_localizer()
        values = {"low": loc.number(question.min or 0), "high": loc.number(question.max or 0), "unit": unit_words(question)}
        if question.integer:
            return _("a whole number from {low} to {high} ({unit})", **values)
        return _("a number from {low} to {high} ({unit})", **values)
    if current_language() != "en":
        # Other languages pick by number from the translated list; the ids are English words.
        count = len(question.choices)
        if question.type == "single":
            return _("one number from 1 to {count}", count=count)
        return _("numbers from 1 to {count}, separated by commas", count=count)
    options = ", ".join(question.choice_ids)
    if question.type == "single":
        return _("one of: {options}", options=options)
    return _("a list of: {options}", options=options)


# The longest an answer is quoted in an error message: one clear line, even for a megabyte string.
MAX_QUOTED = 80


class _Brief:
    """An answer quoted in an error message (``{value!r}``), cut to :data:`MAX_QUOTED` characters."""

    def __init__(self, value: Any):
        self.value = value

    def __repr__(self) -> str:
        try:
            quoted = repr(self.value)
        except (RecursionError, ValueError):  # 900 nested lists; an int of thousands of digits
            quoted = type(self.value).__name__
        return quoted if len(quoted) <= MAX_QUOTED else quoted[:MAX_QUOTED - 1] + "…"


# Beyond this a number is shown in exponent form: the locale formatter cannot quantise 1e308.
LARGEST_SHOWN_IN_FULL = 10**15


def _shown_number(value: int | float) -> str:
    """An out-of-range number as the reader writes it («9 999», «1,5»), or ``1e+400`` when huge."""
    if abs(value) < LARGEST_SHOWN_IN_FULL:
        return current_localizer().number(value)
    if isinstance(value, int):
        # Too large for float(): the exponent from the number of binary digits.
        return f"{'-' if value < 0 else ''}1e+{int(abs(value).bit_length() * math.log10(2))}"
    return f"{value:.3g}"


def check_answer(question: Question, value: Any) -> Any:
    """Return the normalised value or raise :class:`AnswerError`."""
    if question.type == "yes_no":
        if isinstance(value, bool):
            return value
        raise AnswerError(question.id, _("expected {allowed}, got {value!r}", allowed=allowed(question), value=_Brief(value)))
    if question.type == "number":
        if isinstance(value, bool) or not isinstance(value, (int, float)) or (
                isinstance(value, float) and not math.isfinite(value)):
            raise AnswerError(question.id, _("expected {allowed}, got {value!r}", allowed=allowed(question), value=_Brief(value)))
        assert question.min is not None and question.max is not None
        # The range first: a whole number beyond float's range (JSON allows 1 followed by 400 zeros)
        # must be refused as out of range, not crash a float conversion.
        if not question.min <= value <= question.max:
            raise AnswerError(question.id, _("{value} is out of range; expected {allowed}", value=_shown_number(value),
                                             allowed=allowed(question)))
        if question.integer and not float(value).is_integer():
            raise AnswerError(question.id, _("expected {allowed}, got {value!r}", allowed=allowed(question), value=_Brief(value)))
        return int(value) if question.integer else value
    if question.type == "single":
        if not isinstance(value, str) or value not in question.choice_ids:
            raise AnswerError(question.id, _("unknown choice {value!r}; expected {allowed}", value=_Brief(value), allowed=allowed(question)))
        return value
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise AnswerError(question.id, _("expected {allowed}, got {value!r}", allowed=allowed(question), value=_Brief(value)))
    for item in values:
        if item not in question.choice_ids:
            raise AnswerError(question.id, _("unknown choice {value!r}; expected {allowed}", value=_Brief(item), allowed=allowed(question)))
    chosen = list(dict.fromkeys(values))
    if "none" in chosen and len(chosen) > 1:
        raise AnswerError(question.id, _("'none' cannot be combined with other choices"))
    return chosen


def validate_answers(kb: KnowledgeBase, answers: Mapping[str, Any]) -> dict[str, Any]:
    """Validate every answer; ``None`` means not answered and is dropped, and so does an empty list for a
    question of several choices: nothing ticked is not "none of these" (which is a choice of its own),
    as the FHIR export, which has no empty answers, already reads it. Answered ``[]``, the medicines
    would rule out quinine's side effects without asking."""
    if not isinstance(answers, Mapping):
        raise AnswerError("(answers)", _("expected an object mapping question ids to answers"))
    clean: dict[str, Any] = {}
    for question_id, value in answers.items():
        question = kb.questions.get(question_id)
        if question is None:
            raise AnswerError(str(question_id), _("unknown question id; `crampcare questionnaire` lists them"))
        if value is None or (value == [] and question.type == "multiple"):
            continue
        clean[question_id] = check_answer(question, value)
    return clean


def parse_text_answer(question: Question, text: str) -> Any:
    """Parse what a person typed at a prompt into an answer value (then checked)."""
    raw = text.strip()
    try:
        refuse_other_digits(raw)
    except OtherDigitsError as exc:
        raise AnswerError(question.id, str(exc)) from None
    if question.type == "yes_no":
        from crampcare.i18n.wording import yes_no

        lowered = raw.lower()
        said = yes_no(lowered) if lowered not in ("true", "1", "false", "0") else lowered in ("true", "1")
        if said is not None:
            return said
        raise AnswerError(question.id, _("please answer yes or no"))
    if question.type == "number":
        return parse_number_answer(question, raw)
    if question.type == "single":
        return check_answer(question, _choice_from_text(question, raw))
    parts = [p for p in raw.replace(";", ",").replace(" ", ",").split(",") if p]
    return check_answer(question, [_choice_from_text(question, p) for p in parts])


# Digits 0-9 with an optional decimal point or comma: float() also read "1e1", "1_0" and "nan", and
# the web form dropped spaces ("4 5" was 45) where the prompt refused them.
_TYPED_NUMBER = re.compile(r"[0-9]+(?:[.,][0-9]+)?")


def parse_number_answer(question: Question, text: str) -> int | float:
    """A number answer as typed at the CLI prompt or in the web form (the same rule for both):
    ``45``, ``1.5`` or ``1,5``, then checked against the question's range."""
    raw = text.strip()
    try:
        refuse_other_digits(raw)
    except OtherDigitsError as exc:
        raise AnswerError(question.id, str(exc)) from None
    if not _TYPED_NUMBER.fullmatch(raw):
        raise AnswerError(question.id, _("expected {allowed}, got {value!r}", allowed=allowed(question), value=_Brief(raw)))
    value = float(raw.replace(",", "."))
    checked: int | float = check_answer(question, int(value) if question.integer and value.is_integer() else value)
    return checked


def _choice_from_text(question: Question, raw: str) -> str:
    if raw.isdigit() and 1 <= int(raw) <= len(question.choices):
        return question.choices[int(raw) - 1].id
    return raw
