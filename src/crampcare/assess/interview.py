"""The adaptive interview: which questions matter given the answers so far."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from crampcare.assess.facts import derive_facts
from crampcare.i18n.context import N_
from crampcare.knowledge.conditions import evaluate
from crampcare.knowledge.loader import KnowledgeBase
from crampcare.knowledge.schema import Question

# English; shown through gettext: _(SECTION_TITLES[section]).
SECTION_TITLES: dict[str, str] = {
    "warning_signs": N_("Warning signs first"),
    "about_you": N_("About you"),
    "pregnancy": N_("Pregnancy"),
    "the_cramps": N_("The cramps"),
    "daily_life": N_("Daily life"),
    "health": N_("Health and medicines"),
    "child": N_("About the child"),
}


def visible_questions(kb: KnowledgeBase, answers: Mapping[str, Any]) -> list[Question]:
    """Questions to show now, in order; hidden ones reappear when an answer makes them matter."""
    facts = derive_facts(kb, answers)
    return [q for q in kb.questions.values() if q.show_if is None or evaluate(q.show_if, facts)]


def next_question(kb: KnowledgeBase, answers: Mapping[str, Any], skipped: set[str] | frozenset[str] = frozenset()) -> Question | None:
    """The first visible question not yet answered or skipped, or ``None`` when done."""
    for question in visible_questions(kb, answers):
        if question.id not in answers and question.id not in skipped:
            return question
    return None


def drop_hidden(kb: KnowledgeBase, answers: Mapping[str, Any]) -> dict[str, Any]:
    """Forget answers to questions an earlier answer has hidden (e.g. pregnancy week for a man)."""
    kept = dict(answers)
    while True:
        visible = {q.id for q in visible_questions(kb, kept)}
        hidden = [qid for qid in kept if qid not in visible]
        if not hidden:
            return kept
        for qid in hidden:
            del kept[qid]
