"""Facts the engine derives from answers before any rule runs (see schema.DERIVED_FACTS)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from crampcare.knowledge.loader import KnowledgeBase

ML_PER_KG = 20  # The article's rule: 20 ml of fluid for every kilogram of body weight.


def derive_facts(kb: KnowledgeBase, answers: Mapping[str, Any]) -> dict[str, Any]:
    facts: dict[str, Any] = dict(answers)
    age = answers.get("age")
    if age is not None:
        facts["is_child"] = age < 18
        facts["is_infant"] = age < 1
        facts["age_over_60"] = age >= 60
    week = answers.get("pregnancy_week")
    if answers.get("pregnant") is True and week is not None:
        facts["trimester"] = 1 if week <= 13 else 2 if week <= 27 else 3
    weight = answers.get("weight_kg")
    if weight is not None:
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
    return facts
