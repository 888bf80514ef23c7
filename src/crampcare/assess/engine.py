"""The assessment engine: answers in, an explained :class:`Assessment` out. Pure: no I/O.

Urgency is the highest level asked for by any fired rule (warning sign, look-alike or
factor), so a further warning sign can only raise it. Nothing answered is not "no": a
warning sign that could still fire once its open questions are answered is *not ruled
out*, and while one is, the result is never self-care (at least ``doctor``) and says so.
Open questions include those hidden behind one left open (the pregnancy week while "Are you
pregnant?" is unanswered), listed as the question shown now that brings them up.
Nothing here recommends a prescription drug: medicines appear only inside do-nots, as
"discuss with your doctor".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from crampcare.assess.answers import validate_answers
from crampcare.assess.facts import derive_facts
from crampcare.assess.interview import open_questions, questions_read, refuse_hidden, refuse_implausible, with_derived
from crampcare.assess.model import Assessment
from crampcare.i18n.context import N_
from crampcare.knowledge.conditions import Condition, compiled, evaluate_open
from crampcare.knowledge.loader import KnowledgeBase, load_knowledge
from crampcare.knowledge.schema import DERIVED_FROM, URGENCY_RANK, Question, Sourced

DISCLAIMER = N_(
    "crampcare explains and organises; it does not diagnose. If you are worried, or anything "
    "gets worse, contact a doctor. In an emergency call your local emergency number."
)
TESTS_NOTE = N_(
    "Tests to ask your doctor about, not to order yourself: guidance says most people with ordinary "
    "night cramps need none, and tests help only when a cause is suspected."
)
FLUID_CAVEAT = N_(
    "The 20 ml per kg rule is the article's; guidance thinks ordinary night cramps come from muscle "
    "fatigue and nerve dysfunction rather than too little fluid, so drinking enough is a sensible "
    "habit, not a proven cure."
)
# Warning signs at these levels must be ruled out (answered) before a result may reassure.
MUST_RULE_OUT = ("urgent", "emergency")
INCOMPLETE_RULE = "assessment.incomplete"
# Referrals most pressing first.
REFERRAL_ORDER = ("emergency_services", "same_day_doctor")


class _Run:
    """One evaluation: the facts and the trace of every rule visited."""

    def __init__(self, facts: Mapping[str, Any], with_trace: bool = True):
        self.facts = facts
        self.with_trace = with_trace
        self.trace: list[dict[str, Any]] = []

    def fires(self, rule: str, condition: Condition | None) -> tuple[bool, dict[str, Any]]:
        if condition is None:
            if self.with_trace:
                self.trace.append({"rule": rule, "fired": True, "leaves": []})
            return True, {}
        check = compiled(condition)
        leaves: list[dict[str, Any]] = []
        if self.with_trace:
            fired = check(self.facts, leaves)
            self.trace.append({"rule": rule, "fired": fired, "leaves": leaves})
        else:
            # Without a trace, only the few rules that fire are walked again for their answers.
            fired = check(self.facts, None)
            if fired:
                check(self.facts, leaves)
        if not fired:
            return False, {}
        # The answers behind a conclusion are the leaves that held; a derived fact (age over 60,
        # muscle count…) is shown as the answers it was derived from.
        used: dict[str, Any] = {}
        for leaf in leaves:
            if not leaf["result"] or leaf["actual"] is None:
                continue
            for fact in DERIVED_FROM.get(leaf["fact"], (leaf["fact"],)):
                if self.facts.get(fact) is not None:
                    used[fact] = self.facts[fact]
        return True, used


def _evidence(entry: Sourced) -> dict[str, Any]:
    return {
        "sources": list(entry.sources),
        "evidence": entry.evidence,
        "evidence_note": entry.evidence_note,
        "guidance_note": entry.guidance_note,
    }


def assess(answers: Mapping[str, Any], kb: KnowledgeBase | None = None) -> Assessment:
    """Validate ``answers`` and return the explained assessment.

    Raises :class:`crampcare.assess.answers.AnswerError` for an unknown question, an
    invalid value, or an answer to a question this person would not be shown.
    """
    return Assessment.model_validate(assess_data(answers, kb))


def assess_data(answers: Mapping[str, Any], kb: KnowledgeBase | None = None, *,
                with_trace: bool = True) -> dict[str, Any]:
    """The assessment as plain JSON-ready data, shaped exactly like :class:`Assessment`.

    For hot paths (the API) that serialise straight to JSON: it skips the model's
    validation, which costs more than the evaluation itself. The property tests check that
    every result validates as an :class:`Assessment`. ``with_trace=False`` leaves ``trace``
    empty (every finding still lists the answers that raised it).
    """
    kb = kb or load_knowledge()
    clean = validate_answers(kb, answers)
    visible = [q.id for q in refuse_hidden(kb, clean)]
    refuse_implausible(kb, clean)
    run = _Run(derive_facts(kb, clean), with_trace)
    # Every question still open, each with the questions shown now that settle it: one shown and left
    # open, or one hidden behind it ("Are you pregnant?" skipped: the pregnancy week and being sick).
    still_open = open_questions(kb, run.facts, visible)
    unknown = with_derived(still_open)

    warning_signs: list[dict[str, Any]] = []
    urgency_reasons: list[dict[str, Any]] = []
    referral_reasons: dict[str, list[dict[str, Any]]] = {}
    test_reasons: dict[str, list[dict[str, Any]]] = {}
    advice_reasons: dict[str, list[dict[str, Any]]] = {}

    def note(targets: dict[str, list[dict[str, Any]]], ids: Iterable[str], because: dict[str, Any]) -> None:
        for target in ids:
            targets.setdefault(target, []).append(because)

    for sign in kb.warning_signs.values():
        rule = f"warning_signs.{sign.id}"
        fired, used = run.fires(rule, sign.when)
        if not fired:
            continue
        warning_signs.append(
            dict(id=sign.id, title=sign.title, text=sign.text, action=sign.action,
                             urgency=sign.urgency, answers=used, **_evidence(sign))
        )
        because = dict(rule=rule, title=sign.title)
        urgency_reasons.append(dict(rule=rule, title=sign.title, urgency=sign.urgency))
        note(referral_reasons, sign.referrals, because)
        note(test_reasons, sign.tests, because)

    fired_signs = {sign["id"] for sign in warning_signs}
    not_ruled_out: list[str] = []
    open_warning_questions: dict[str, None] = {
        qid: None for qid in visible if qid in still_open and kb.questions[qid].section == "warning_signs"
    }
    for sign in kb.warning_signs.values():
        if (sign.urgency in MUST_RULE_OUT and sign.id not in fired_signs
                and evaluate_open(sign.when, run.facts, unknown) is None):
            not_ruled_out.append(sign.id)
            # The questions to answer are ones shown now: for a hidden one, the question it waits on.
            for qid in questions_read(sign.when):
                open_warning_questions.update(dict.fromkeys(still_open.get(qid, ())))
    complete = not open_warning_questions and not not_ruled_out
    if run.with_trace:
        run.trace.append({"rule": INCOMPLETE_RULE, "fired": not complete, "leaves": [
            {"fact": qid, "op": "unanswered", "value": None, "actual": None, "result": True}
            for qid in visible if qid in open_warning_questions
        ]})

    lookalikes: list[dict[str, Any]] = []
    for look in kb.lookalikes.values():
        rule = f"lookalikes.{look.id}"
        fired, used = run.fires(rule, look.when)
        if not fired:
            continue
        lookalikes.append(
            dict(id=look.id, name=look.name, distinguishing=look.distinguishing,
                           urgency=look.urgency, answers=used, **_evidence(look))
        )
        # The same finding as a fired warning sign gives its reasons once, through the sign.
        if look.warning_sign in fired_signs:
            continue
        because = dict(rule=rule, title=look.name)
        if look.urgency is not None:
            urgency_reasons.append(dict(rule=rule, title=look.name, urgency=look.urgency))
        note(referral_reasons, look.referrals, because)
        note(test_reasons, look.tests, because)

    cramp_types: list[dict[str, Any]] = []
    for cramp_type in kb.cramp_types.values():
        rule = f"cramp_types.{cramp_type.id}"
        fired, used = run.fires(rule, cramp_type.when)
        if fired:
            cramp_types.append(
                dict(id=cramp_type.id, title=cramp_type.title, description=cramp_type.description,
                               axis=cramp_type.axis, answers=used, **_evidence(cramp_type))
            )

    fired_factors = []
    for factor in kb.factors.values():
        rule = f"factors.{factor.id}"
        fired, used = run.fires(rule, factor.when)
        if not fired:
            continue
        fired_factors.append((factor, used))
        because = dict(rule=rule, title=factor.title)
        if factor.urgency is not None:
            urgency_reasons.append(dict(rule=rule, title=factor.title, urgency=factor.urgency))
        note(referral_reasons, factor.referrals, because)
        note(test_reasons, factor.tests, because)
        note(advice_reasons, factor.advice, because)

    # Strongest first; among equals, the one more answers point to.
    fired_factors.sort(key=lambda pair: (-pair[0].weight, -len(pair[1])))
    factors = [
        dict(id=f.id, rank=rank, title=f.title, explanation=f.explanation, category=f.category,
                    weight=f.weight, answers=used, **_evidence(f))
        for rank, (f, used) in enumerate(fired_factors, start=1)
    ]

    if not complete:
        # Never reassure while a warning sign is not ruled out.
        urgency_reasons.append(dict(rule=INCOMPLETE_RULE, title=kb.messages["incomplete_headline"].text,
                                    urgency="doctor"))
    urgency = max((r["urgency"] for r in urgency_reasons), key=URGENCY_RANK.__getitem__, default="self_care")
    urgency_reasons.sort(key=lambda r: -URGENCY_RANK[r["urgency"]])

    plan_items: list[dict[str, Any]] = []
    for advice in kb.advice.values():
        rule = f"advice.{advice.id}"
        fired, _used = run.fires(rule, advice.when)
        # A factor names the advice it calls for, but the advice's own condition says whom it fits:
        # a toddler who eats poorly gets no adult diet advice (whole nuts, "no supplements"), and
        # a drinking toddler's parent no "14 units a week".
        if not fired:
            continue
        advice_because = list(advice_reasons.get(advice.id, []))
        plan_items.append(
            dict(id=advice.id, category=advice.category, title=advice.title, text=advice.text,
                     because=advice_because,
                     exercises=[_exercise_ref(kb, e) for e in advice.exercises],
                     **_evidence(advice))
        )

    do_nots: list[dict[str, Any]] = []
    for do_not in kb.do_nots.values():
        rule = f"do_nots.{do_not.id}"
        fired, _used = run.fires(rule, do_not.when)
        if not fired:
            continue
        medicines = [
            dict(id=m.id, name=m.name, recommendation=m.recommendation, dangers=list(m.dangers),
                         pregnancy_warning=m.pregnancy_warning, **_evidence(m))
            for m in (kb.medicines[mid] for mid in do_not.medicines)
        ]
        do_nots.append(dict(id=do_not.id, title=do_not.title, text=do_not.text, medicines=medicines,
                                 **_evidence(do_not)))

    referrals = [
        dict(id=rid, specialty=kb.referrals[rid].specialty, text=kb.referrals[rid].text,
                           because=because)
        for rid, because in sorted(
            referral_reasons.items(),
            key=lambda item: REFERRAL_ORDER.index(item[0]) if item[0] in REFERRAL_ORDER else len(REFERRAL_ORDER),
        )
    ]
    tests = [
        dict(id=tid, name=kb.tests[tid].name, text=kb.tests[tid].text, because=because)
        for tid, because in test_reasons.items()
    ]

    fluid_target = _fluid_target(clean, run.facts)
    plan_note = None
    if URGENCY_RANK[urgency] >= URGENCY_RANK["urgent"]:
        # An urgent result leads with its action; a prevention plan (stretch, rub, walk) could
        # contradict it, e.g. with a suspected clot.
        plan_items, fluid_target = [], None
        plan_note = kb.messages["plan_deferred"].text
    warning_questions = [qid for qid in visible if kb.questions[qid].section == "warning_signs"]
    used_sources = _used_sources(kb, warning_signs, lookalikes, cramp_types, factors, plan_items, do_nots)

    return dict(
        urgency=urgency,
        complete=complete,
        not_ruled_out=not_ruled_out,
        unanswered_warning_questions=[qid for qid in visible if qid in open_warning_questions],
        notice=None if complete else kb.messages["incomplete_text"].text,
        urgency_reasons=urgency_reasons,
        warning_signs=warning_signs,
        warning_signs_asked={qid: clean.get(qid) for qid in warning_questions},
        lookalikes=lookalikes,
        cramp_types=cramp_types,
        factors=factors,
        referrals=referrals,
        tests=tests,
        tests_note=TESTS_NOTE,
        plan=dict(fluid_target=fluid_target, items=plan_items, note=plan_note),
        do_nots=do_nots,
        sources=[dict(id=s.id, title=s.title, citation=s.citation, url=s.url)
                 for s in (kb.sources[sid] for sid in used_sources)],
        answers=clean,
        trace=run.trace,  # dicts shaped like RuleTrace, validated here in one pass
        disclaimer=DISCLAIMER,
    )


def warning_questions_left_open(kb: KnowledgeBase, answers: Mapping[str, Any], asked: Iterable[Question],
                                listed: Iterable[str] | None = None) -> list[Question]:
    """Of the questions ``asked`` now (a web step's, the terminal's one) and not answered, those that
    keep a warning sign open: the ones the result of ``answers`` lists in
    ``unanswered_warning_questions``. A warning question, and a question one waits on: "Are you
    pregnant?" (being sick late in pregnancy), the medicines (quinine's side effects). Both
    interviews warn at once about skipping one and ask again, so they agree with the result; a man
    is never asked about pregnancy, so never warned about it. ``answers`` as the engine takes them;
    ``listed``: that result's ``unanswered_warning_questions`` when the caller has already assessed
    ``answers`` (the web's step has), so the engine does not run twice.
    """
    pending = [q for q in asked if q.id not in answers]
    if not pending:
        return []
    if listed is None:
        listed = assess_data(answers, kb, with_trace=False)["unanswered_warning_questions"]
    open_ids = set(listed)
    return [q for q in pending if q.id in open_ids]


def _fluid_target(answers: Mapping[str, Any], facts: Mapping[str, Any]) -> dict[str, Any] | None:
    weight = answers.get("weight_kg")
    # Only adults whose fluids no doctor limits get the article's rule (facts.derive_facts).
    if weight is None or "fluid_target_ml" not in facts:
        return None
    target = int(facts["fluid_target_ml"])
    fluids = answers.get("fluids_l")
    current = None if fluids is None else round(fluids * 1000)
    caveats = [FLUID_CAVEAT]
    return dict(
        weight_kg=weight,
        target_ml=target,
        current_ml=current,
        shortfall_ml=None if current is None else max(0, target - current),
        caveats=caveats,
        sources=["seed", "aafp-2012"],
    )


def _exercise_ref(kb: KnowledgeBase, exercise_id: str) -> dict[str, Any]:
    exercise = kb.exercises[exercise_id]
    caution = exercise.caution
    return dict(id=exercise_id, title=exercise.title,
                caution=None if caution is None else dict(text=caution.text, sources=list(caution.sources),
                                                          evidence=caution.evidence))


def _used_sources(kb: KnowledgeBase, *groups: Iterable[Any]) -> list[str]:
    seen: dict[str, None] = {"seed": None, "aafp-2012": None}
    for group in groups:
        for item in group:
            for sid in item["sources"]:
                seen[sid] = None
            for medicine in item.get("medicines", ()):
                for sid in medicine["sources"]:
                    seen[sid] = None
            for exercise in item.get("exercises", ()):
                for sid in (exercise["caution"] or {}).get("sources", ()):
                    seen[sid] = None
    return [sid for sid in kb.sources if sid in seen]
