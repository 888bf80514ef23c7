"""Safety invariants of the engine, checked on generated answers (hypothesis)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crampcare.assess import AnswerError, Assessment, assess
from crampcare.assess.engine import MUST_RULE_OUT, assess_data
from crampcare.assess.facts import derive_facts
from crampcare.assess.interview import drop_hidden, implausible_answers, visible_questions
from crampcare.knowledge import load_knowledge
from crampcare.knowledge.conditions import Condition, compiled, leaves_of
from crampcare.knowledge.schema import DERIVED_FROM, URGENCY_RANK
from strategies import answer_sets, any_answer_sets

KB = load_knowledge()
WARNING_QUESTIONS = [q.id for q in KB.questions.values() if q.section == "warning_signs"]
# The level each warning-sign question alone demands, from the knowledge base.
SIGN_LEVEL = {
    leaf_fact: sign.urgency
    for sign in KB.warning_signs.values()
    for leaf_fact in [getattr(sign.when, "fact", None)]
    if leaf_fact in WARNING_QUESTIONS
}
PRESCRIPTION = {m.id: m.name.lower() for m in KB.medicines.values() if m.prescription}
ARTICLE_DRUGS = ("diazepam", "phenytoin", "valproate", "benzonal", "quinine")
# Examples per property come from the profile in conftest.py (CRAMPCARE_PROPERTY_EXAMPLES).
SETTINGS = settings(suppress_health_check=[HealthCheck.too_slow])
# Follow-ups whose one answer stands a warning sign down ("it went with the cramp").
STAND_DOWN = {"cold_pale_limb": "cold_pale_stays", "calf_swollen_red_warm": "calf_change_lasting",
              "heat_exhaustion": "heat_better_30min"}


def with_sign(answers: dict[str, Any], sign: str) -> dict[str, Any] | None:
    """``answers`` plus a "yes" to ``sign`` (its stand-down follow-up left open), or None if not shown."""
    changed = {k: v for k, v in answers.items() if k != STAND_DOWN.get(sign)}
    changed[sign] = True
    if not is_shown(KB, KB.questions[sign], changed):
        return None
    return drop_hidden(KB, changed)


def is_shown(kb, question, answers) -> bool:  # type: ignore[no-untyped-def]
    return question.id in {q.id for q in visible_questions(kb, answers)}


@SETTINGS
@given(answers=answer_sets(), sign=st.sampled_from(WARNING_QUESTIONS))
def test_adding_a_warning_sign_never_lowers_urgency(answers: dict[str, Any], sign: str) -> None:
    before = assess(answers)
    added = with_sign(answers, sign)
    if added is None:
        return
    after = assess(added)
    assert URGENCY_RANK[after.urgency] >= URGENCY_RANK[before.urgency]
    if sign in SIGN_LEVEL:
        assert URGENCY_RANK[after.urgency] >= URGENCY_RANK[SIGN_LEVEL[sign]]
        assert any(w.urgency == SIGN_LEVEL[sign] for w in after.warning_signs)


@SETTINGS
@given(answers=answer_sets())
def test_emergency_signs_win_whatever_else_was_answered(answers: dict[str, Any]) -> None:
    for sign in ("breathless_chest_pain", "seizure_signs", "stroke_signs", "cold_pale_limb", "child_fever_convulsions",
                 "saddle_numbness", "bladder_bowel_change", "both_legs_weak", "weakness_spreading", "heatstroke_signs"):
        added = with_sign(answers, sign)
        if added is not None:
            assert assess(added).urgency == "emergency", sign
    for sign in ("calf_swollen_red_warm", "dark_urine_muscle_pain", "tender_red_cord", "tingling_mouth_spasms",
                 "child_fever_limp", "heat_exhaustion", "cramp_over_10_min", "wound_or_toxin", "severe_dehydration"):
        added = with_sign(answers, sign)
        if added is not None:
            assert URGENCY_RANK[assess(added).urgency] >= URGENCY_RANK["urgent"], sign


@SETTINGS
@given(answers=answer_sets())
def test_any_valid_answers_give_a_valid_explained_assessment(answers: dict[str, Any]) -> None:
    result = assess(answers)
    again = Assessment.model_validate_json(result.model_dump_json())
    assert again == result
    # The API's fast path returns the same data without the model, ready for json.dumps.
    raw = assess_data(answers)
    assert json.loads(json.dumps(raw)) == json.loads(result.model_dump_json())
    # Without the trace, everything else is the same.
    untraced = assess_data(answers, with_trace=False)
    assert untraced["trace"] == [] and {**untraced, "trace": raw["trace"]} == raw
    fired = {t["rule"] for t in result.trace if t["fired"]}
    assert all(f"factors.{f.id}" in fired for f in result.factors)
    assert [f.rank for f in result.factors] == list(range(1, len(result.factors) + 1))
    if result.urgency != "self_care":
        assert any(r.urgency == result.urgency for r in result.urgency_reasons)
    source_ids = {s.id for s in result.sources}
    for group in (result.factors, result.warning_signs, result.lookalikes, result.plan.items, result.do_nots):
        for item in group:
            assert item.sources and set(item.sources) <= source_ids


@SETTINGS
@given(answers=answer_sets())
def test_no_plan_ever_advises_a_prescription_drug(answers: dict[str, Any]) -> None:
    result = assess(answers)
    for item in result.plan.items:
        text = f"{item.title} {item.text}".lower()
        for drug in ARTICLE_DRUGS:
            assert drug not in text
    # Prescription medicines appear only inside do-nots, framed as a talk with the doctor.
    for do_not in result.do_nots:
        for medicine in do_not.medicines:
            if medicine.id in PRESCRIPTION:
                assert "doctor" in medicine.recommendation.lower()
    assert "no_prescription_self_medication" in [d.id for d in result.do_nots]
    if answers.get("pregnant") is True:
        warned = {m.id for d in result.do_nots for m in d.medicines if m.pregnancy_warning}
        assert {"valproate", "phenytoin"} <= warned


@SETTINGS
@given(answers=answer_sets())
def test_compiled_conditions_match_the_evaluator(answers: dict[str, Any]) -> None:
    from crampcare.assess.facts import derive_facts
    from crampcare.knowledge.conditions import compiled, evaluate

    facts = derive_facts(KB, answers)
    conditions = [e.when for _, e in KB.sourced_entries() if getattr(e, "when", None) is not None]
    conditions += [q.show_if for q in KB.questions.values() if q.show_if is not None]
    for condition in conditions:
        slow: list[dict[str, Any]] = []
        fast: list[dict[str, Any]] = []
        assert compiled(condition)(facts, fast) == evaluate(condition, facts, slow)
        assert fast == slow


@SETTINGS
@given(answers=answer_sets())
def test_an_open_warning_question_never_gives_self_care(answers: dict[str, Any]) -> None:
    result = assess(answers)
    shown_open = [q.id for q in KB.questions.values()
                  if q.section == "warning_signs" and q.id not in answers and is_shown(KB, q, answers)]
    if shown_open:
        assert result.urgency != "self_care"
        assert not result.complete
        assert set(shown_open) <= set(result.unanswered_warning_questions)
        assert result.notice
        assert any(r.rule == "assessment.incomplete" for r in result.urgency_reasons)
    if result.urgency == "self_care":
        assert result.complete and result.not_ruled_out == [] and result.unanswered_warning_questions == []
    for sign in result.not_ruled_out:
        assert sign not in {w.id for w in result.warning_signs}


@SETTINGS
@given(answers=any_answer_sets())
def test_an_answer_that_would_never_be_shown_is_refused(answers: dict[str, Any]) -> None:
    shown = drop_hidden(KB, answers)
    if shown == answers:
        implausible = implausible_answers(KB, answers)  # an adult's weight outside its limit
        if not implausible:
            assess(answers)
            return
        with pytest.raises(AnswerError) as refused_limit:
            assess(answers)
        assert refused_limit.value.question_id in implausible
        return
    with pytest.raises(AnswerError) as refused:
        assess(answers)
    assert refused.value.question_id in set(answers) - set(shown) or refused.value.question_id in answers
    assert "asked only if" in refused.value.message


@SETTINGS
@given(answers=answer_sets())
def test_no_fluid_target_for_children_or_with_a_fluid_limit(answers: dict[str, Any]) -> None:
    result = assess(answers)
    plan = [item.id for item in result.plan.items]
    factors = [f.id for f in result.factors]
    limited = answers.get("fluid_limit") is True or (
        bool(set(answers.get("conditions") or ()) & {"heart_failure", "kidney", "liver"})
        and answers.get("fluid_limit") is not False)
    if answers.get("age") is None or answers["age"] < 18 or limited:
        assert result.plan.fluid_target is None
        assert "fluid_target" not in plan and "low_fluids" not in factors


# --------------------------------------------------------------------------- nothing answered is not "no"

MUST_RULE_OUT_SIGNS = [s for s in KB.warning_signs.values() if s.urgency in MUST_RULE_OUT]


def _sources(condition: Condition) -> set[str]:
    """The questions a condition reads, directly or through a derived fact."""
    return {source for leaf in leaves_of(condition) for source in DERIVED_FROM.get(leaf.fact, (leaf.fact,))}


def _reach(sign_when: Condition) -> list[str]:
    """The questions whose answers can decide ``sign_when``: those it reads, and those their show-conditions
    read (the gates), to a fixed point; in interview order."""
    found = _sources(sign_when)
    while True:
        more = {source for qid in found for show_if in [KB.questions[qid].show_if] if show_if is not None
                for source in _sources(show_if)} - found
        if not more:
            return [qid for qid in KB.questions if qid in found]
        found |= more


REACH = {sign.id: _reach(sign.when) for sign in MUST_RULE_OUT_SIGNS if sign.when is not None}
# Every comparison that can decide an urgent sign: the signs' own and the interview's show-conditions.
DECIDING: list[Condition] = [sign.when for sign in MUST_RULE_OUT_SIGNS if sign.when is not None] + [
    q.show_if for q in KB.questions.values() if q.show_if is not None]


def _values(qid: str) -> list[Any]:
    """Values that give every comparison on ``qid`` in these conditions each outcome it can have: for a
    number, each threshold compared with and a value either side (a comparison changes only there) and
    the limits; every choice alone, all together and "none"; yes and no."""
    question = KB.questions[qid]
    if question.type == "yes_no":
        return [True, False]
    if question.type == "number":
        assert question.min is not None and question.max is not None
        points = {question.min, question.max}
        for condition in DECIDING:
            for leaf in leaves_of(condition):
                if leaf.fact == qid and isinstance(leaf.value, (int, float)) and not isinstance(leaf.value, bool):
                    points |= {leaf.value - 1, leaf.value, leaf.value + 1}
        return sorted(p for p in points if question.min <= p <= question.max)
    if question.type == "single":
        return list(question.choice_ids)
    real = [c for c in question.choice_ids if c != "none"]
    return [*([["none"]] if "none" in question.choice_ids else []), *([c] for c in real), real]


def could_fire(sign_id: str, answers: dict[str, Any]) -> bool:
    """Whether some way of going on with the interview fires ``sign_id``: answering, or leaving open, each
    question it can depend on once it is shown (gates first), never an answer that hides one already given."""
    when = compiled(KB.warning_signs[sign_id].when)  # type: ignore[arg-type]

    def search(current: dict[str, Any], decided: frozenset[str]) -> bool:
        if when(derive_facts(KB, current), None):
            return True
        shown = {q.id for q in visible_questions(KB, current)}
        ask = next((qid for qid in REACH[sign_id] if qid in shown and qid not in current and qid not in decided), None)
        if ask is None:
            return False
        for value in _values(ask):
            following = {**current, ask: value}
            if drop_hidden(KB, following) == following and search(following, decided | {ask}):
                return True
        return search(current, decided | {ask})  # left open

    return search(dict(answers), frozenset())


def test_every_urgent_sign_reads_questions_only() -> None:
    """could_fire gives questions values; a derived fact in a sign or a gate would need its own thresholds."""
    assert all(qid in KB.questions for qids in REACH.values() for qid in qids)


@SETTINGS
@given(answers=answer_sets())
def test_an_urgent_sign_is_found_listed_or_cannot_fire(answers: dict[str, Any]) -> None:
    """Every urgent or emergency warning sign is found, listed as not ruled out, or cannot fire however
    the interview goes on: a sign behind a skipped gate ("Are you pregnant?", the medicines) is not
    silently ruled out. And a listed one could still fire (a man's pregnancy signs are not listed), and
    the questions listed are ones shown now."""
    result = assess(answers)
    found = {w.id for w in result.warning_signs}
    shown = {q.id for q in visible_questions(KB, answers)}
    for sign in MUST_RULE_OUT_SIGNS:
        if sign.id in found:
            continue
        assert could_fire(sign.id, answers) == (sign.id in result.not_ruled_out), sign.id
    assert set(result.unanswered_warning_questions) <= shown - set(answers)
    if result.not_ruled_out:
        assert result.unanswered_warning_questions and not result.complete and result.urgency != "self_care"
