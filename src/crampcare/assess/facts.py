"""Facts the engine derives from answers before any rule runs (see schema.DERIVED_FACTS)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from crampcare.knowledge.loader import KnowledgeBase

ML_PER_KG = 20  # The article's rule: 20 ml of fluid for every kilogram of body weight (adults).
ADULT_ADVICE_AGE = 8  # Wall stretches, shoes and diet advice are not for infants and young children.
FLUID_LIMIT_CONDITIONS = frozenset({"heart_failure", "kidney", "liver"})
# With heart failure or kidney disease (dialysis), how much to drink is the care team's to say, even
# when they set no limit: NICE NG106 has fluids asked about and advised person by person, and a kidney
# unit sets each dialysis patient's allowance. No program target, whatever the limit answer.
FLUID_SET_BY_TEAM = frozenset({"heart_failure", "kidney"})
# Below this age the diary's adult 1.5 L is no measure of "low": EFSA's adequate total water, food
# included, is about 1.1-1.2 L at 1-2 years and 1.6 L at 4-8 (efsa-water-2010), so most days of a
# young child's diary would count as low. From 9 (1.9-2.1 L at 9-13) drinks under 1.5 L are low again.
CHILD_DRINKS_BY_AGE_BELOW = 9
LEG_MUSCLES = ("calf", "foot", "toes", "thigh")
THYROID_SYMPTOMS = ("tired", "weight_gain", "weight_loss", "feel_cold", "constipation", "dry_skin")

#: What is known of who says how much a person drinks: ``limited`` (a doctor: a limit, or heart
#: failure or kidney disease, or liver disease with a limit not ruled out), ``by_age`` (a child under
#: CHILD_DRINKS_BY_AGE_BELOW, whose needs go by age), ``not_ruled_out`` (the conditions never
#: answered, or no assessment to go by), ``not_limited`` (answered, none of these).
FluidStanding = Literal["limited", "by_age", "not_ruled_out", "not_limited"]


def fluid_limited(answers: Mapping[str, Any]) -> bool:
    """A doctor limits this person's fluids, or may: only a clear "no" lets the adult rule apply, and
    with heart failure or kidney disease not even that (FLUID_SET_BY_TEAM)."""
    chosen = set(answers.get("conditions") or ())
    limit = answers.get("fluid_limit")
    return (limit is True or bool(chosen & FLUID_SET_BY_TEAM)
            or (bool(chosen & FLUID_LIMIT_CONDITIONS) and limit is not False))


def fluid_standing(answers: Mapping[str, Any] | None) -> FluidStanding:
    """What the latest assessment's ``answers`` say of a fluid limit (``None``: no assessment, or one
    not shared with this reader). Nothing answered is not "no": without the conditions answered,
    heart failure and kidney disease are not ruled out. A care team's limit stands for a child too;
    without one, a young child's drinks go by age (whose doctor also says when a condition sets them)."""
    if answers is None:
        return "not_ruled_out"
    if fluid_limited(answers):
        return "limited"
    age = answers.get("age")
    if isinstance(age, (int, float)) and not isinstance(age, bool) and age < CHILD_DRINKS_BY_AGE_BELOW:
        return "by_age"
    # Nothing ticked ([]) is not "none of these", which is a choice of its own (assess.answers).
    return "not_limited" if answers.get("conditions") else "not_ruled_out"


def derive_facts(kb: KnowledgeBase, answers: Mapping[str, Any]) -> dict[str, Any]:
    facts: dict[str, Any] = dict(answers)
    age = answers.get("age")
    if age is not None:
        facts["is_child"] = age < 18
        facts["is_infant"] = age < 1
        facts["age_over_60"] = age >= 60
    facts["adult_advice_fits"] = age is None or age >= ADULT_ADVICE_AGE
    week = answers.get("pregnancy_week")
    if answers.get("pregnant") is True and week is not None:
        facts["trimester"] = 1 if week <= 13 else 2 if week <= 27 else 3
    limited = fluid_limited(answers)
    facts["fluid_limited"] = limited
    if age is not None:
        facts["fluid_rule_applies"] = age >= 18 and not limited
    weight = answers.get("weight_kg")
    if weight is not None and facts.get("fluid_rule_applies"):
        facts["fluid_target_ml"] = round(weight * ML_PER_KG)
        fluids = answers.get("fluids_l")
        if fluids is not None:
            facts["fluid_below_target"] = fluids * 1000 < facts["fluid_target_ml"]
    medicines = answers.get("medicines")
    if medicines is not None:
        facts["cramp_causing_medicine"] = any(
            m in kb.medicines and kb.medicines[m].role == "may_cause_cramps" for m in medicines
        )
    frequency = answers.get("frequency")
    if frequency is not None:
        facts["frequent"] = frequency in ("weekly", "most_nights")
    muscles = answers.get("muscles")
    if muscles is not None:
        facts["muscle_count"] = sum(m in LEG_MUSCLES for m in muscles)
    symptoms = answers.get("general_symptoms")
    if symptoms is not None:
        facts["thyroid_symptom_count"] = sum(s in THYROID_SYMPTOMS for s in symptoms)
    facts["growing_pains_pattern"] = (
        age is not None
        and 3 <= age <= 12
        and answers.get("legs") == "both"
        and answers.get("child_fine_by_morning") is True
        and answers.get("child_red_features") == ["none"]
    )
    return facts
