"""Hypothesis strategies that generate valid interview answers from the knowledge base."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from crampcare.assess.interview import drop_unusable
from crampcare.knowledge import load_knowledge
from crampcare.knowledge.schema import Question


def answer_for(question: Question) -> st.SearchStrategy[Any]:
    if question.type == "yes_no":
        return st.booleans()
    if question.type == "number":
        assert question.min is not None and question.max is not None
        if question.integer:
            return st.integers(int(question.min), int(question.max))
        return st.floats(question.min, question.max, allow_nan=False, allow_infinity=False)
    real = [c for c in question.choice_ids if c != "none"]
    if question.type == "single":
        return st.sampled_from(question.choice_ids)
    return st.one_of(st.just(["none"]) if "none" in question.choice_ids else st.nothing(),
                     st.lists(st.sampled_from(real), min_size=1, max_size=len(real), unique=True))


@st.composite
def any_answer_sets(draw: st.DrawFn) -> dict[str, Any]:
    """Any subset of the questions, each with a valid answer, shown to this person or not."""
    kb = load_knowledge()
    answers: dict[str, Any] = {}
    for question in kb.questions.values():
        if draw(st.booleans()):
            answers[question.id] = draw(answer_for(question))
    return answers


@st.composite
def answer_sets(draw: st.DrawFn) -> dict[str, Any]:
    """Answers a person could give: any subset of the questions they would be shown, each within
    its limits for the other answers (an adult's weight), as every client requires."""
    return drop_unusable(load_knowledge(), draw(any_answer_sets()))
