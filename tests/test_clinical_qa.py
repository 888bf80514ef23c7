"""Defects found by an independent clinical QA pass (patients run through the engine, the CLI
and the knowledge base), each pinned by a test that failed before its fix. Person-level cases
live in tests/clinical/cases.yaml (section "Clinical QA"); this file holds the checks that span
the whole knowledge base."""

from __future__ import annotations

import datetime as dt

from crampcare.assess import assess
from crampcare.assess.interview import visible_questions
from crampcare.assess.render import assessment_markdown
from crampcare.diary.prefill import prefill_answers
from crampcare.diary.records import Cramp, DayRecord, NightRecord
from crampcare.knowledge import load_knowledge
from crampcare.knowledge.schema import URGENCY_RANK

KB = load_knowledge()
# A 45-year-old who answered every warning question shown "no", and nothing about the cramps yet.
ORDINARY_ADULT = {**{qid: False for qid, q in KB.questions.items() if q.section == "warning_signs" and q.show_if is None},
                  "age": 45, "sex": "male"}

# A referral that tells the reader how soon to go must not be sooner than the rule's own urgency:
# "See a doctor today ... don't wait for a routine appointment" under a headline that says "book
# an appointment" leaves a patient with two contradictory instructions.
REFERRAL_NEEDS = {"emergency_services": "emergency", "same_day_doctor": "urgent"}


def test_no_rule_sends_a_person_sooner_than_its_own_urgency() -> None:
    wrong = []
    for group in (KB.warning_signs, KB.lookalikes, KB.factors):
        for rule in group.values():
            level = rule.urgency or "self_care"
            for referral in rule.referrals:
                need = REFERRAL_NEEDS.get(referral)
                if need is not None and URGENCY_RANK[level] < URGENCY_RANK[need]:
                    wrong.append(f"{rule.id}: {referral} under urgency {level}")
    assert not wrong, wrong


# --------------------------------------------------------------------------- answers suggested by the diary

TODAY = dt.date(2026, 11, 1)


def _nights(signs: list[str]) -> list[NightRecord]:
    """A fortnight of ordinary calf cramps, logged the way the README logs them (no --sign)."""
    return [NightRecord(date=TODAY - dt.timedelta(days=i), cramps=[
        Cramp(start=dt.time(3, 10), duration_s=120, leg="left", muscles=["calf"], severity=5, signs=signs,
              helped=["stretch"], minutes_to_relief=2)]) for i in range(14)]


def test_a_diary_that_never_recorded_a_knot_does_not_answer_no_knot() -> None:
    """Nights logged without signs suggested "no hard knot", "not the whole leg", "no twitching":
    not logging a sign is not saying it was absent, and "no knot" made an ordinary cramp
    "features unlike an ordinary cramp" (see a doctor) for anyone who took the diary's answers."""
    answers = prefill_answers(_nights([]), [], today=TODAY)
    assert {"hard_knot", "whole_limb", "twitching_pulling"}.isdisjoint(answers)
    result = assess({**ORDINARY_ADULT, **answers})
    assert "ws_atypical_cramp" not in {w.id for w in result.warning_signs}
    # A sign that was logged is still suggested.
    logged = prefill_answers(_nights(["hard_knot", "whole_limb"]), [], today=TODAY)
    assert logged["hard_knot"] is True and logged["whole_limb"] is True


def test_every_interview_medicine_logged_in_the_diary_is_suggested() -> None:
    """The diary's suggestions kept their own list of cramp medicines and missed those added to the
    interview later: a long-term stomach-acid tablet, donepezil and quinine (whose side-effect
    warning question is then asked)."""
    days = [DayRecord(date=TODAY - dt.timedelta(days=i), medicines=["ppi", "donepezil", "quinine", "paracetamol"])
            for i in range(14)]
    answers = prefill_answers([], days, today=TODAY)
    assert answers["medicines"] == ["donepezil", "ppi", "quinine"]
    shown = {q.id for q in visible_questions(KB, answers)}
    assert "quinine_side_effects" in shown


def test_weeks_of_stretching_is_asked_only_where_stretching_is_advised() -> None:
    """Wall stretches are advised from age 8 (adult_advice_fits); a 3-year-old's parent is not
    asked whether weeks of calf stretches have failed."""
    assert "stretching_no_better" not in {q.id for q in visible_questions(KB, {"age": 3})}
    for answers in ({"age": 8}, {"age": 70}, {}):
        assert "stretching_no_better" in {q.id for q in visible_questions(KB, answers)}


# --------------------------------------------------------------------------- what the outputs say


def test_an_urgent_result_says_what_to_do_even_when_no_warning_sign_asked_for_it() -> None:
    """A feverish child whose limp was ticked in the child section is urgent through a look-alike;
    the markdown (CLI and report text) led with an empty "What to do now" section."""
    child = {"age": 6, "sex": "male", "child_fever_limp": False, "child_fever_convulsions": False,
             "child_red_features": ["fever", "limp"], "child_fine_by_morning": False}
    result = assess(child)
    assert result.urgency == "urgent" and not [w for w in result.warning_signs if w.urgency == "urgent"]
    markdown = assessment_markdown(result)
    section = markdown.split("## What to do now", 1)[1].split("\n\n", 2)[1]
    assert section.startswith("- **") and "today" in section and "A bone or joint infection in a child" in section


def test_the_fluid_limit_advice_does_not_claim_a_limit_nobody_reported() -> None:
    """Heart failure with the limit question skipped: no 20 ml/kg target (rightly), but the plan
    told the person "Your doctor limits how much you drink", which they never said."""
    answers = {**ORDINARY_ADULT, "age": 74, "conditions": ["heart_failure"], "weight_kg": 70}
    item = next(p for p in assess(answers).plan.items if p.id == "fluid_limit_kept")
    assert "Your doctor limits" not in item.text and "any" in item.title


def test_no_plan_tells_a_person_whose_fluids_are_limited_to_drink_more() -> None:
    """Guidance: people whose fluids their doctor limits get no target and no "drink more". The heat
    and temperature-swing advice said "drink plenty", "drink more in hot weather" and "drink enough
    in the heat" to a man on dialysis with a fluid limit."""
    answers = {**ORDINARY_ADULT, "age": 66, "conditions": ["kidney"], "fluid_limit": True, "heat_exhaustion": True,
               "heat_better_30min": True, "temperature_swings": True, "harsh_climate": True,
               "duration_minutes": 2, "eased_by_stretching": True, "hard_knot": True}
    result = assess(answers)
    assert result.urgency == "doctor" and result.plan.items
    said = " ".join(f"{p.title} {p.text}" for p in result.plan.items).lower()
    assert not [w for w in ("drink more", "drink plenty", "drink enough") if w in said], said
    assert {"heat_exhaustion"} <= {f.id for f in result.factors}
    assert "fluid_limit_kept" in {p.id for p in result.plan.items}
