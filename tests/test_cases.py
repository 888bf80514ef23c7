"""The twelve example patients of shared/cases.md, as a careful clinician expects them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crampcare.assess import assess

CASES_DIR = Path(__file__).parent.parent / "examples" / "cases"

# case: (acceptable urgencies, factors, look-alikes, referrals, tests, cramp types)
EXPECTED: dict[str, dict[str, object]] = {
    "P1": {"urgency": ["self_care"], "factors": ["age_over_60"], "plan": ["calf_stretch_bedtime"],
           "types": ["localized"], "no_referrals": True},
    "P2": {"urgency": ["doctor", "self_care"], "factors": ["pregnancy", "pregnancy_later_trimesters",
                                                           "pregnancy_mineral_shortage"],
           "referrals": ["midwife_obstetrician"], "tests": ["magnesium", "calcium", "potassium", "blood_count"],
           "types": ["localized"], "do_nots": ["pregnancy_drug_harm"]},
    "P3": {"urgency": ["urgent"], "warning_signs": ["ws_dvt"], "lookalikes": ["deep_vein_thrombosis"],
           "referrals": ["same_day_doctor"]},
    "P4": {"urgency": ["self_care"], "factors": ["physical_overload", "low_fluids"], "types": ["localized"],
           "fluid": (1600, 1000)},
    "P5": {"urgency": ["doctor"], "factors": ["diuretic", "mineral_vitamin_shortage"], "referrals": ["gp"],
           "tests": ["potassium", "magnesium", "kidney_function"], "plan": ["medicine_review"]},
    "P6": {"urgency": ["self_care"], "factors": ["child_nervous_system", "physical_overload"],
           "types": ["localized"]},
    "P7": {"urgency": ["self_care"], "factors": ["sedentary_then_sudden_activity"]},
    "P8": {"urgency": ["doctor"], "factors": ["endocrine_disease", "nerve_damage"],
           "lookalikes": ["peripheral_neuropathy"], "referrals": ["endocrinologist", "neurologist", "gp"],
           "tests": ["glucose_hba1c"]},
    "P9": {"urgency": ["emergency"], "warning_signs": ["ws_seizure"], "lookalikes": ["seizure"],
           "referrals": ["emergency_services"], "first_referral": "emergency_services"},
    "P10": {"urgency": ["self_care", "doctor"], "factors": ["protein_diet"], "tests": ["calcium"],
            "types": ["localized"]},
    "P11": {"urgency": ["doctor"], "factors": ["varicose_veins"], "referrals": ["phlebologist"],
            "tests": ["vein_ultrasound"]},
    "P12": {"urgency": ["doctor"], "lookalikes": ["restless_legs"], "referrals": ["gp"], "tests": ["iron_studies"]},
}

PRESCRIPTION_DRUGS = {"diazepam", "phenytoin", "valproate", "benzonal", "quinine"}


def load_case(name: str) -> dict[str, object]:
    return json.loads((CASES_DIR / f"{name}.json").read_text())


@pytest.mark.parametrize("name", sorted(EXPECTED, key=lambda n: int(n[1:])))
def test_case(name: str) -> None:
    expected = EXPECTED[name]
    result = assess(load_case(name))
    assert result.urgency in expected["urgency"], (result.urgency, result.urgency_reasons)
    assert result.urgency == expected["urgency"][0], "preferred urgency"
    factors = [f.id for f in result.factors]
    for factor in expected.get("factors", []):
        assert factor in factors, (factor, factors)
    for sign in expected.get("warning_signs", []):
        assert sign in [w.id for w in result.warning_signs]
    for look in expected.get("lookalikes", []):
        assert look in [lk.id for lk in result.lookalikes]
    referrals = [r.id for r in result.referrals]
    for referral in expected.get("referrals", []):
        assert referral in referrals, (referral, referrals)
    if expected.get("no_referrals"):
        assert referrals == []
    if "first_referral" in expected:
        assert referrals[0] == expected["first_referral"]
    tests = [t.id for t in result.tests]
    for test in expected.get("tests", []):
        assert test in tests, (test, tests)
    types = [t.id for t in result.cramp_types]
    for cramp_type in expected.get("types", []):
        assert cramp_type in types
    plan = [p.id for p in result.plan.items]
    for item in expected.get("plan", []):
        assert item in plan
    for do_not in expected.get("do_nots", []):
        assert do_not in [d.id for d in result.do_nots]
    if "fluid" in expected:
        target, current = expected["fluid"]
        assert result.plan.fluid_target is not None
        assert result.plan.fluid_target.target_ml == target
        assert result.plan.fluid_target.current_ml == current
        assert result.plan.fluid_target.shortfall_ml == target - current


def test_p1_names_nothing_beyond_age() -> None:
    result = assess(load_case("P1"))
    assert [f.id for f in result.factors] == ["age_over_60"]
    assert result.warning_signs == [] and result.lookalikes == []


def test_p9_is_a_seizure_not_a_cramp() -> None:
    result = assess(load_case("P9"))
    seizure = next(lk for lk in result.lookalikes if lk.id == "seizure")
    assert "cramp" in seizure.distinguishing
    assert result.urgency_reasons[0].urgency == "emergency"


def test_pregnant_woman_is_warned_about_valproate_and_phenytoin() -> None:
    result = assess(load_case("P2"))
    warned = {m.id for d in result.do_nots for m in d.medicines if m.pregnancy_warning}
    assert {"valproate", "phenytoin"} <= warned


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_no_case_is_advised_a_prescription_drug(name: str) -> None:
    result = assess(load_case(name))
    for item in result.plan.items:
        text = f"{item.title} {item.text}".lower()
        for drug in PRESCRIPTION_DRUGS:
            assert drug not in text, (item.id, drug)
    for do_not in result.do_nots:
        for medicine in do_not.medicines:
            if medicine.id in PRESCRIPTION_DRUGS:
                assert "doctor" in medicine.recommendation.lower()


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_conclusion_is_explained(name: str) -> None:
    result = assess(load_case(name))
    fired = {t["rule"] for t in result.trace if t["fired"]}
    for factor in result.factors:
        assert f"factors.{factor.id}" in fired
        assert factor.answers, factor.id
        assert factor.sources and factor.evidence_note
    for reason in result.urgency_reasons:
        assert reason.rule in fired
    for referral in result.referrals:
        assert referral.because and all(b.rule in fired for b in referral.because)
    for test in result.tests:
        assert test.because and all(b.rule in fired for b in test.because)
