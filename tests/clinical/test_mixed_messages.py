"""Mixed messages left by the third clinical QA pass (tests/clinical/test_cases_qa3.py): two findings
of one assessment that tell a person opposite things. Each is settled in the knowledge base, so the
engine, ``crampcare assess --format json`` and the JSON API say the same; every test here failed
before its fix."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from clinical.test_clinical_cases import answers_of
from crampcare.assess import assess
from crampcare.assess.model import Assessment
from crampcare.knowledge import load_knowledge
from crampcare.web.app import create_app
from crampcare.web.settings import Settings
from one_trip_client import OneTripClient
from test_cli import crampcare

KB = load_knowledge()
TYPICAL = {"duration_minutes": 2, "eased_by_stretching": True, "hard_knot": True, "muscles": ["calf"],
           "legs": "either", "frequency": "monthly", "conditions": ["none"], "medicines": ["none"]}


def _person(**answers: Any) -> dict[str, Any]:
    """``answers`` over an ordinary cramp, every other warning question shown answered "no"."""
    return answers_of({"answers": {**TYPICAL, **answers}, "all_clear": True})


def _signs(result: Assessment) -> dict[str, Any]:
    return {sign.id: sign for sign in result.warning_signs}


# QA3-04: a statin, a medicine started recently, and muscle pain, weakness and dark urine.
STATIN_DARK_URINE = _person(age=75, sex="female", medicines=["statin", "diuretic"], medicine_started_recently=True,
                            dark_urine_muscle_pain=True)


def _stop_and_keep_taking(result: Assessment) -> list[str]:
    """The findings that tell the person to keep taking their medicines, beside one that says not to
    take the next statin dose."""
    if "ws_rhabdomyolysis" not in _signs(result):
        return []
    return [*(f"warning_signs.{s}" for s in _signs(result) if s == "ws_since_medicine"),
            *(f"do_nots.{d.id}" for d in result.do_nots if d.id == "dont_stop_medicines")]


def test_a_statin_with_dark_urine_is_not_also_told_not_to_stop_the_medicine() -> None:
    """ws_rhabdomyolysis says "do not take another dose until you have spoken to them"; the routine
    "cramps since starting a medicine" said beside it "Do not stop the medicine on your own". The
    urgent, more specific sign wins, as it does over the do-not "Keep taking them"; the same-day doctor
    it sends the person to reviews the medicines. Without the statin, or without the dark urine, the
    routine sign and its advice stand."""
    result = assess(STATIN_DARK_URINE)
    assert result.urgency == "urgent"
    assert _stop_and_keep_taking(result) == []
    assert "same_day_doctor" in {r.id for r in result.referrals}
    for other in ({**STATIN_DARK_URINE, "dark_urine_muscle_pain": False},
                  {**STATIN_DARK_URINE, "medicines": ["diuretic"]}):
        assert "ws_since_medicine" in _signs(assess(other)), other


# QA3-19 and its neighbours: severe dehydration in people whose care team sets how much they drink.
FLUID_LIMITED_DEHYDRATED = {
    "dialysis": _person(age=60, sex="female", conditions=["kidney"], fluid_limit=True, severe_dehydration=True),
    "heart-failure": _person(age=77, sex="male", conditions=["heart_failure"], fluid_limit=False,
                             severe_dehydration=True),
    "conditions-skipped": {k: v for k, v in _person(age=50, sex="male", severe_dehydration=True).items()
                           if k != "conditions"},
}


def test_severe_dehydration_with_a_fluid_limit_sips_within_the_allowance() -> None:
    """ws_severe_dehydration said "See a doctor today; sip fluids meanwhile" to people on dialysis or
    with heart failure, whose team sets their allowance (advice fluid_limit_kept; nice-ng106,
    ouh-haemodialysis-fluid). The sign now defers to that allowance, citing those sources, in English
    and Russian; the same-day urgency stays. With the conditions skipped a limit is not ruled out, so
    the same words are given to everyone."""
    for who, answers in FLUID_LIMITED_DEHYDRATED.items():
        result = assess(answers)
        assert result.urgency == "urgent", who
        sign = _signs(result)["ws_severe_dehydration"]
        assert sign.action.startswith("See a doctor today") and "allowance" in sign.action, (who, sign.action)
        assert {"nice-ng106", "ouh-haemodialysis-fluid"} <= set(sign.sources), who
        assert "same_day_doctor" in {r.id for r in result.referrals}, who
    russian = KB.text("warning_signs.ws_severe_dehydration.action", "ru")
    assert russian.startswith("К врачу сегодня же") and "норм" in russian, russian


def test_the_cli_and_the_api_say_what_the_engine_says(tmp_path: Path) -> None:
    """Both fixes live in the knowledge base, so ``crampcare assess --answers FILE --format json`` and
    ``POST /api/v1/assess`` carry them unchanged (one cheap trip each)."""
    people = {"statin-dark-urine": STATIN_DARK_URINE, "dialysis": FLUID_LIMITED_DEHYDRATED["dialysis"]}
    db = tmp_path / "diary.sqlite"
    with OneTripClient(create_app(Settings(db=f"sqlite:///{db}")), raise_server_exceptions=False) as web:
        for who, answers in people.items():
            file = tmp_path / f"{who}.json"
            file.write_text(json.dumps(answers), encoding="utf-8")
            run = crampcare("assess", "--answers", str(file), "--format", "json")
            assert run.returncode == 0, (who, run.stderr)
            response = web.post("/api/v1/assess", json={"answers": answers})
            assert response.status_code == 200, response.text
            for result in (Assessment.model_validate_json(run.stdout), Assessment.model_validate(response.json())):
                assert result.urgency == "urgent", who
                assert _stop_and_keep_taking(result) == [], who
                action = _signs(result).get("ws_severe_dehydration")
                assert action is None or "allowance" in action.action, who
