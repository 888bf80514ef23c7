"""The adaptive interview: which questions matter given the answers so far."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from crampcare.assess.answers import AnswerError, unit_words
from crampcare.assess.facts import derive_facts
from crampcare.i18n.context import N_, _, current_localizer
from crampcare.i18n.wording import text
from crampcare.knowledge.conditions import All, AnyOf, Condition, Leaf, Not, compiled, evaluate_open, leaves_of
from crampcare.knowledge.loader import KnowledgeBase
from crampcare.knowledge.schema import DERIVED_FROM, Question, Urgency

if TYPE_CHECKING:
    from crampcare.assess.model import Assessment, WarningSignFound

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
    return [q for q in kb.questions.values() if q.show_if is None or compiled(q.show_if)(facts, None)]


# The web interview's steps: the warning signs first, then the sections in their order.
SECTION_ORDER = ("warning_signs", *(s for s in SECTION_TITLES if s != "warning_signs"))


def interview_steps(kb: KnowledgeBase, answers: Mapping[str, Any]) -> list[tuple[str, list[Question]]]:
    """The interview in steps, as the web asks it: (section, its questions) for every section with
    at least one question to ask now. A step holds the visible questions of its section, and those
    that an answer on it brings up for an earlier section."""
    visible = visible_questions(kb, answers)
    order = [*SECTION_ORDER, *sorted({q.section for q in visible} - set(SECTION_ORDER))]
    step_of: dict[str, str] = {q.id: q.section for q in visible}
    # A question that only an answer on a later step brings up (taking quinine: its side effects, a
    # warning question) is asked on that step, as the terminal interview asks it as soon as it is
    # brought up: on its own, earlier step it was never asked, and the result left it open.
    later = [q for q in visible if q.show_if is not None]
    so_far: dict[str, Any] = {}
    for index, section in enumerate(order):
        so_far.update((qid, value) for qid, value in answers.items()
                      if qid in kb.questions and kb.questions[qid].section == section)
        if not later:
            break
        shown_so_far = {q.id for q in visible_questions(kb, so_far)}
        for question in list(later):
            if question.id in shown_so_far or index == len(order) - 1:
                later.remove(question)
                if order.index(question.section) < index:
                    step_of[question.id] = section
    steps = [(section, [q for q in visible if step_of[q.id] == section]) for section in order]
    return [(section, questions) for section, questions in steps if questions]


def open_questions(kb: KnowledgeBase, facts: Mapping[str, Any], shown: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """Every question whose answer is still open, each with the questions shown now that settle it.

    ``facts`` are the answers' facts (:func:`derive_facts`), ``shown`` the ids of the questions shown
    with them. A question shown and not answered is open, and settled by itself. Nothing answered is
    not "no": a question hidden only because the one it waits on was left open is open too, and is
    settled by answering that one (the pregnancy week while "Are you pregnant?" is unanswered, the
    quinine side effects while the medicines are); gates chain, so this repeats until nothing changes.
    A question hidden by an answer (pregnancy for a man, after "not pregnant", for medicines without
    quinine) is not open: it does not apply.
    """
    shown_ids = set(shown)
    found: dict[str, tuple[str, ...]] = {qid: (qid,) for qid in shown_ids if facts.get(qid) is None}
    if not found:
        return found
    unknown = with_derived(found)
    # Only a show-condition that reads an open question can be open (the cheap test first).
    hidden = [(qid, show_if) for qid, show_if, reads in _gated(kb)
              if qid not in shown_ids and not reads.isdisjoint(found) and facts.get(qid) is None]
    while hidden:
        newly = [(qid, show_if) for qid, show_if in hidden if evaluate_open(show_if, facts, unknown) is None]
        if not newly:
            break
        for qid, show_if in newly:
            found[qid] = tuple(dict.fromkeys(
                gate for leaf in leaves_of(show_if)
                for source in DERIVED_FROM.get(leaf.fact, (leaf.fact,)) for gate in found.get(source, ())
            ))
        hidden = [(qid, show_if) for qid, show_if, reads in _gated(kb)
                  if qid not in shown_ids and qid not in found and not reads.isdisjoint(found)
                  and facts.get(qid) is None]
        unknown = with_derived(found)
    return found


_GATED: dict[int, tuple[KnowledgeBase, list[tuple[str, Condition, frozenset[str]]]]] = {}


def _gated(kb: KnowledgeBase) -> list[tuple[str, Condition, frozenset[str]]]:
    """Each question shown only on a condition: (id, show-condition, the questions it reads); once per base."""
    cached = _GATED.get(id(kb))
    if cached is None or cached[0] is not kb:
        cached = (kb, [(q.id, q.show_if, questions_read(q.show_if)) for q in kb.questions.values() if q.show_if is not None])
        _GATED[id(kb)] = cached
    return cached[1]


_READS: dict[int, tuple[Condition, frozenset[str]]] = {}


def questions_read(condition: Condition) -> frozenset[str]:
    """The questions ``condition`` reads, directly or through a derived fact (schema.DERIVED_FROM);
    worked out once per condition."""
    cached = _READS.get(id(condition))
    if cached is not None and cached[0] is condition:
        return cached[1]
    reads = frozenset(source for leaf in leaves_of(condition) for source in DERIVED_FROM.get(leaf.fact, (leaf.fact,)))
    _READS[id(condition)] = (condition, reads)
    return reads


def with_derived(questions: Iterable[str]) -> set[str]:
    """``questions`` and every derived fact (schema.DERIVED_FROM) read from one of them: the facts not
    known while those questions are open."""
    open_ids = set(questions)
    return open_ids.union(*(_DERIVED_OF[qid] for qid in _DERIVED_OF.keys() & open_ids))


# Each question and the derived facts read from it (the reverse of schema.DERIVED_FROM).
_DERIVED_OF: dict[str, tuple[str, ...]] = {
    qid: tuple(fact for fact, inputs in DERIVED_FROM.items() if qid in inputs)
    for qid in {qid for inputs in DERIVED_FROM.values() for qid in inputs}
}


def next_question(kb: KnowledgeBase, answers: Mapping[str, Any], skipped: set[str] | frozenset[str] = frozenset()) -> Question | None:
    """The first visible question not yet answered or skipped, or ``None`` when done."""
    for question in visible_questions(kb, answers):
        if question.id not in answers and question.id not in skipped:
            return question
    return None


# The levels at which a warning sign calls for help now or today: a result leads with these signs,
# and the web interview shows that result as soon as one is found (the other questions can wait).
SEVERE_URGENCIES: tuple[Urgency, ...] = ("emergency", "urgent")


def severe_signs(result: Assessment) -> list[WarningSignFound]:
    """The warning signs found that call for help now or today (:data:`SEVERE_URGENCIES`)."""
    return [sign for sign in result.warning_signs if sign.urgency in SEVERE_URGENCIES]


def signs_to_show_now(result: Assessment, shown: Collection[str]) -> list[str]:
    """Ids of the severe warning signs (:func:`severe_signs`) not in ``shown``: when there are any, an
    interview shows the result at once instead of going on (the web's step pages and the terminal
    interview alike); each sign stops it once."""
    return [sign.id for sign in severe_signs(result) if sign.id not in shown]


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


def refuse_hidden(kb: KnowledgeBase, answers: Mapping[str, Any]) -> list[Question]:
    """Refuse an answer to a question this person would never be shown.

    Every client (CLI, API, web) goes through this, so the same answers can never be
    scored differently: the web form never sends such answers, and the others are told
    which question and why. Raises :class:`AnswerError` for the first one, in interview order;
    otherwise returns the questions shown with these answers.
    """
    shown = visible_questions(kb, answers)
    visible = {q.id for q in shown}
    for question in kb.questions.values():
        if question.id in answers and question.id not in visible:
            assert question.show_if is not None
            raise AnswerError(
                question.id,
                _("not asked with these answers (it is asked only if {condition}); remove this answer",
                  condition=describe(kb, question.show_if)),
            )
    return shown


def implausible_answers(kb: KnowledgeBase, answers: Mapping[str, Any]) -> dict[str, str]:
    """Why each number answer outside a limit of its question (``limits`` in questions.yaml: an
    adult's weight) cannot be used, by question id; empty when every answer is plausible.

    A limit applies only while its condition holds for these answers (no age, no adult limit: the
    weight is then not used at all). Every client refuses these, so no advice is computed from them.
    """
    facts = derive_facts(kb, answers)
    found: dict[str, str] = {}
    for question in kb.questions.values():
        value = answers.get(question.id)
        if value is None:
            continue
        for index, limit in enumerate(question.limits):
            if compiled(limit.when)(facts, None) and not limit.min <= value <= limit.max:
                loc = current_localizer()
                found[question.id] = _(
                    "{value} is out of range when {condition}; expected {low} to {high} ({unit}): {reason}; check it, "
                    "or leave it unanswered",
                    value=loc.number(value), condition=describe(kb, limit.when), low=loc.number(limit.min),
                    high=loc.number(limit.max), unit=unit_words(question),
                    reason=text(kb, f"questions.{question.id}.limits.{index}.reason"))
                break
    return found


def drop_unusable(kb: KnowledgeBase, answers: Mapping[str, Any]) -> dict[str, Any]:
    """``answers`` without those the interview would not take now: hidden by the other answers, or
    outside a limit (answers saved by an older version, read back from a file)."""
    kept = drop_hidden(kb, answers)
    implausible = implausible_answers(kb, kept)
    return {qid: value for qid, value in kept.items() if qid not in implausible}


def refuse_implausible(kb: KnowledgeBase, answers: Mapping[str, Any]) -> None:
    """:class:`AnswerError` for the first answer :func:`implausible_answers` finds, in interview order."""
    for question_id, message in implausible_answers(kb, answers).items():
        raise AnswerError(question_id, message)


def lookalikes_not_suggested(kb: KnowledgeBase, answers: Mapping[str, Any],
                             suggested: Iterable[str]) -> tuple[list[str], list[str]]:
    """The look-alikes these answers did not suggest, split into (checked, not checked) ids.

    Checked means every question its condition reads (directly or through a derived fact) was
    answered or cannot apply; one that reads a question still open (:func:`open_questions`: shown and
    left open, or hidden behind one left open) was not checked, whatever else was answered: nothing
    answered is not "no" (a report called a clot and a stroke "checked, not suggested" when their
    warning questions were never answered).
    """
    shown = [q.id for q in visible_questions(kb, answers)]
    still_open = open_questions(kb, derive_facts(kb, answers), shown).keys()
    found = set(suggested)
    checked: list[str] = []
    unchecked: list[str] = []
    for look in kb.lookalikes.values():
        if look.id in found:
            continue
        (checked if questions_read(look.when).isdisjoint(still_open) else unchecked).append(look.id)
    return checked, unchecked


# Each comparison as a phrase of the reader's language, naming the question as the person reads it.
_OP_PHRASES = {
    "eq": N_("the answer to {question} is {value}"), "ne": N_("the answer to {question} is not {value}"),
    "lt": N_("the answer to {question} is under {value}"), "le": N_("the answer to {question} is at most {value}"),
    "gt": N_("the answer to {question} is over {value}"), "ge": N_("the answer to {question} is at least {value}"),
    "in": N_("the answer to {question} is one of {value}"),
    "contains": N_("the answer to {question} includes {value}"),
    "intersects": N_("the answer to {question} includes one of {value}"),
}
_QUOTED = N_("“{text}”")


def quoted(words: str) -> str:
    """``words`` in the reader's quotation marks (“…” in English, «…» in Russian)."""
    return _(_QUOTED, text=words)


def _value_words(kb: KnowledgeBase, question: Question | None, value: Any) -> str:
    """A compared value as the person reads it: yes or no, a number in their style, a choice's text."""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        return ", ".join(_value_words(kb, question, v) for v in value)
    if isinstance(value, (int, float)):
        return current_localizer().number(value)
    if question is not None and value in question.choice_ids:
        return quoted(text(kb, f"questions.{question.id}.choices.{question.choice_ids.index(value)}.text"))
    return str(value)


def describe(kb: KnowledgeBase, condition: Condition) -> str:
    """A show-condition in words, naming each question by its text in the reader's language, e.g.
    ``the answer to "How old is the person with the cramps?" is under 18 or "How old ...?" is not
    answered``. Shared by every client's refusal (CLI, API, web)."""
    if isinstance(condition, Leaf):
        question = kb.questions.get(condition.fact)
        # A derived fact (e.g. is_child) has no question of its own; the knowledge base's conditions
        # on questions name questions only.
        name = quoted(text(kb, f"questions.{question.id}.text")) if question is not None else condition.fact
        if condition.op == "answered":
            return _("{question} is answered", question=name)
        if condition.op == "unanswered":
            return _("{question} is not answered", question=name)
        return _(_OP_PHRASES[condition.op], question=name, value=_value_words(kb, question, condition.value))
    if isinstance(condition, Not):
        return _("not ({condition})", condition=describe(kb, condition.not_))
    assert isinstance(condition, (All, AnyOf))
    children = condition.all if isinstance(condition, All) else condition.any
    # A part that joins parts of its own is bracketed.
    parts = [f"({describe(kb, c)})" if isinstance(c, (All, AnyOf)) else describe(kb, c) for c in children]
    joined = parts[0]
    for part in parts[1:]:
        joined = _("{left} and {right}", left=joined, right=part) if isinstance(condition, All) \
            else _("{left} or {right}", left=joined, right=part)
    return joined
