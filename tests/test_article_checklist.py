"""Every item of the article is in the knowledge base, sourced to it (`seed`).

The checklist is written from the article, not from the knowledge base: each line names
the article item and where the knowledge base must hold it.
"""

from __future__ import annotations

import pytest

from crampcare.knowledge import load_knowledge

# (article item, collection, entry id[, claim id for topics])
CHECKLIST: list[tuple[str, str, str]] = [
    # how cramps develop
    ("mechanism: ATP shortage, lactic acid, poor relaxation", "topics", "mechanism"),
    ("mechanism: disturbed nerve regulation lowers the excitability threshold", "topics", "mechanism"),
    # general causes
    ("change of motor activity", "factors", "change_of_activity"),
    ("exacerbation of chronic disease", "factors", "chronic_disease_flare"),
    ("psycho-emotional overload", "factors", "stress"),
    ("hypothermia", "factors", "cold_exposure"),
    ("long stay in an unfavourable climate", "factors", "harsh_climate"),
    ("sitting, then sudden activity", "factors", "sedentary_then_sudden_activity"),
    ("sedentary lifestyle", "factors", "sedentary_lifestyle"),
    ("athletes after forced inactivity", "factors", "athlete_after_break"),
    ("stress and nervous excitability", "factors", "stress"),
    ("varicose veins", "factors", "varicose_veins"),
    ("thrombophlebitis", "factors", "thrombophlebitis"),
    ("endocrine disease", "factors", "endocrine_disease"),
    ("long stay in the cold", "factors", "cold_exposure"),
    # night causes
    ("potassium, magnesium, calcium, vitamin B6 shortage", "factors", "mineral_vitamin_shortage"),
    ("physical overload", "factors", "physical_overload"),
    ("too little fluid, 20 ml per kg", "factors", "low_fluids"),
    ("the 20 ml per kg rule in the plan", "advice", "fluid_target"),
    ("temperature swings over 10 degrees", "factors", "temperature_swings"),
    ("stress hormones lowering potassium", "factors", "stress"),
    ("metabolic disorders", "factors", "metabolic_disorder"),
    ("injuries", "factors", "injury"),
    ("toxic and food poisoning", "factors", "poisoning"),
    # calf cramps
    ("calf: uncomfortable shoes", "factors", "uncomfortable_shoes"),
    ("calf: flat feet", "factors", "flat_feet"),
    ("calf: harsh dieting", "factors", "strict_diet"),
    # toe cramps
    ("toes: arthrosis or arthritis", "factors", "arthrosis_arthritis"),
    ("toes: overweight", "factors", "overweight"),
    ("toes: poor diet", "factors", "poor_diet"),
    ("toes: protein diet drawing out calcium", "factors", "protein_diet"),
    # pregnancy
    ("pregnancy", "factors", "pregnancy"),
    ("pregnancy: mineral and glucose shortage", "factors", "pregnancy_mineral_shortage"),
    ("pregnancy: veins pressed by the uterus", "factors", "pregnancy_vein_compression"),
    ("pregnancy: iron-deficiency anaemia", "factors", "anaemia"),
    ("pregnancy: diuretics", "factors", "diuretic"),
    ("pregnancy: too little activity", "factors", "pregnancy_low_activity"),
    ("pregnancy: 2nd-3rd trimester", "factors", "pregnancy_later_trimesters"),
    ("pregnancy: morning sickness early on", "factors", "morning_sickness"),
    # children
    ("children: maturing nervous system", "factors", "child_nervous_system"),
    ("children: mother's medicines and illnesses in pregnancy", "factors", "child_prenatal_factors"),
    ("children: birth trauma", "factors", "child_birth_trauma"),
    ("children: viral illness", "factors", "child_viral_illness"),
    ("children: healthy infants under one", "factors", "healthy_infant"),
    # types
    ("tonic: 4 minutes or more, limb out of control", "cramp_types", "tonic"),
    ("clonic: short, pulling", "cramp_types", "clonic"),
    ("localized", "cramp_types", "localized"),
    ("generalized, often a sign of serious illness", "cramp_types", "generalized"),
    # first aid (4 steps)
    ("first aid 1: lie on a flat surface", "first_aid", "fa_position"),
    ("first aid 2: stretch the tight muscle", "first_aid", "fa_stretch"),
    ("first aid 3: pain reliever (paracetamol)", "first_aid", "fa_pain_reliever"),
    ("first aid 4: rest, no load next day", "first_aid", "fa_rest_next_day"),
    # self-help (4 steps, stand and walk, pin prick)
    ("self-help: sit, legs forward", "first_aid", "sh_sit_legs_forward"),
    ("self-help: grab the toes, pull hard", "first_aid", "sh_grab_pull_toes"),
    ("self-help: stand up and walk", "first_aid", "sh_stand_walk"),
    ("self-help: pin prick", "first_aid", "sh_pin_prick"),
    # examinations
    ("phlebologist", "referrals", "phlebologist"),
    ("vein ultrasound", "tests", "vein_ultrasound"),
    ("blood magnesium", "tests", "magnesium"),
    ("blood potassium", "tests", "potassium"),
    ("blood calcium", "tests", "calcium"),
    ("neurologist for the lumbar spine", "factors", "lumbar_spine"),
    ("endocrinologist", "referrals", "endocrinologist"),
    ("examinations topic", "topics", "examinations"),
    # treatment
    ("complex therapy and traditional medicine", "topics", "treatment"),
    ("diazepam", "medicines", "diazepam"),
    ("phenytoin", "medicines", "phenytoin"),
    ("valproate", "medicines", "valproate"),
    ("benzonal", "medicines", "benzonal"),
    ("vitamin complexes for potassium and magnesium shortage", "medicines", "vitamin_complex"),
    ("exercise: legs up the wall", "exercises", "legs_up_wall"),
    ("exercise: leg raises on a chair, foot circles", "exercises", "seated_leg_raises_ankle_circles"),
    ("exercise: sharp flexion and extension of the toes", "exercises", "toe_flex_extend"),
    ("exercises done before bed", "advice", "bedtime_exercises"),
    # complications
    ("complications: osteochondrosis, flat feet, degeneration", "topics", "complications"),
]


def _entry(kb, collection: str, entry_id: str):  # type: ignore[no-untyped-def]
    return getattr(kb, collection).get(entry_id)


@pytest.mark.parametrize(("item", "collection", "entry_id"), CHECKLIST, ids=[c[0] for c in CHECKLIST])
def test_article_item_is_in_knowledge_base(item: str, collection: str, entry_id: str) -> None:
    kb = load_knowledge()
    entry = _entry(kb, collection, entry_id)
    assert entry is not None, f"article item missing: {item} ({collection}.{entry_id})"
    if collection == "topics":
        assert any("seed" in claim.sources for claim in entry.claims), f"{item}: no claim sourced to the article"
    elif collection not in ("referrals", "tests"):
        assert "seed" in entry.sources, f"{item}: not sourced to the article"


def test_article_drugs_are_only_discuss_with_your_doctor() -> None:
    kb = load_knowledge()
    for drug in ("diazepam", "phenytoin", "valproate", "benzonal", "quinine"):
        medicine = kb.medicines[drug]
        assert medicine.prescription
        assert medicine.evidence == "unsafe"
        assert "doctor" in medicine.recommendation.lower()
        assert medicine.dangers
    for drug in ("valproate", "phenytoin"):
        assert kb.medicines[drug].pregnancy_warning


def test_where_article_conflicts_guidance_says_so() -> None:
    kb = load_knowledge()
    # The article's lactic-acid mechanism, pain reliever during a cramp and complications
    # are contradicted by guidance; each must carry the guidance's word.
    assert kb.first_aid["fa_pain_reliever"].guidance_note
    assert any(c.guidance_note for c in kb.topics["mechanism"].claims)
    assert any(c.guidance_note or c.evidence == "not_supported" for c in kb.topics["complications"].claims)
    assert kb.factors["mineral_vitamin_shortage"].guidance_note
