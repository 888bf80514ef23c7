"""No program fluid target with heart failure or kidney disease, and no reassuring target when the
question about them was skipped (the second clinical review's fluid gap).

Someone who said they have heart failure and that no doctor limits their fluids was still told the
article's "about 20 ml/kg a day" ("Fluids: about 1.4 L a day"), and low fluids were counted as a
cause. With heart failure fluids are advised person by person (NICE NG106), on dialysis the kidney
unit sets the allowance: the plan gives no number and sends them to their team instead. With the
conditions question skipped the target stays, with a sourced "ask first" beside it.
Cases through the pure engine, then one end-to-end per client (CLI, API, web page).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from crampcare.assess import assess
from crampcare.assess.interview import interview_steps
from crampcare.assess.localize import localize_assessment
from crampcare.knowledge import load_knowledge
from crampcare.web.app import create_app
from crampcare.web.settings import Settings
from test_cli import crampcare

KB = load_knowledge()
NO_WARNING_SIGNS = {qid: False for qid, q in KB.questions.items() if q.section == "warning_signs" and q.show_if is None}
ADULT = {**NO_WARNING_SIGNS, "age": 70, "sex": "male", "duration_minutes": 2, "eased_by_stretching": True,
         "hard_knot": True, "legs": "either", "muscles": ["calf"], "frequency": "monthly", "weight_kg": 70,
         "fluids_l": 1.0, "medicines": ["none"]}
HEART_FAILURE_NO_LIMIT = {**ADULT, "conditions": ["heart_failure"], "fluid_limit": False}


def fluid_plan(result: Any) -> list[str]:
    return [item.id for item in result.plan.items if item.category == "fluids"]


@pytest.mark.parametrize("conditions", [["heart_failure"], ["kidney"], ["heart_failure", "kidney"], ["heart_failure", "diabetes"]])
@pytest.mark.parametrize("limit", [False, True, None])
def test_heart_failure_or_kidney_disease_gets_no_fluid_target_whatever_the_limit_answer(
        conditions: list[str], limit: bool | None) -> None:
    answers = {**ADULT, "conditions": conditions, **({} if limit is None else {"fluid_limit": limit})}
    result = assess(answers)
    assert result.plan.fluid_target is None
    assert fluid_plan(result) == ["fluid_limit_kept"]
    assert "low_fluids" not in {f.id for f in result.factors}  # 1 L is not "too little" here
    kept = next(item for item in result.plan.items if item.id == "fluid_limit_kept")
    assert "ask" in kept.text and "Your doctor limits" not in kept.text  # no limit claimed that nobody reported
    assert kept.evidence == "supported" and "nice-ng106" in kept.sources
    assert "nice-ng106" in {s.id for s in result.sources}


def test_no_drink_plenty_after_heat_exhaustion_with_heart_failure_and_no_limit() -> None:
    result = assess({**HEART_FAILURE_NO_LIMIT, "heat_exhaustion": True, "heat_better_30min": True})
    plan = {item.id for item in result.plan.items}
    assert "heat_recovery_fluid_limit" in plan and "heat_recovery" not in plan


def test_a_child_with_kidney_disease_and_no_limit_is_not_told_how_much_to_drink() -> None:
    child = {**NO_WARNING_SIGNS, "age": 10, "sex": "male", "conditions": ["kidney"], "fluid_limit": False,
             "child_birth_history": ["none"], "child_fine_by_morning": True, "child_red_features": ["none"]}
    plan = {item.id for item in assess(child).plan.items}
    assert "child_drinks" not in plan and "fluid_limit_kept" in plan


def test_conditions_skipped_the_target_stays_with_ask_first_beside_it() -> None:
    """Nothing answered is not "no": heart failure is not ruled out, so the target does not stand alone."""
    answers = {k: v for k, v in ADULT.items() if k != "conditions"}
    result = assess(answers)
    assert result.plan.fluid_target is not None and result.plan.fluid_target.target_ml == 1400
    assert fluid_plan(result) == ["fluid_target", "fluid_ask_first"]  # right after the target
    ask = next(item for item in result.plan.items if item.id == "fluid_ask_first")
    assert "heart failure" in ask.text and "Ask them first" in ask.text
    assert ask.evidence == "supported" and set(ask.sources) >= {"nice-ng106", "ouh-haemodialysis-fluid"}
    assert "not ruled out" in ask.evidence_note  # the argument is in the claim's note


def test_answered_conditions_do_not_nag_and_liver_disease_keeps_its_no_limit_answer() -> None:
    none = assess({**ADULT, "conditions": ["none"]})
    assert none.plan.fluid_target is not None and fluid_plan(none) == ["fluid_target"]
    # Cirrhosis: doctors limit fluids for some (low sodium), so the limit question still decides.
    liver = assess({**ADULT, "conditions": ["liver"], "fluid_limit": False})
    assert liver.plan.fluid_target is not None
    assert fluid_plan(assess({**ADULT, "conditions": ["liver"]})) == ["fluid_limit_kept"]


def test_the_fluid_texts_are_russian() -> None:
    kept = localize_assessment(assess(HEART_FAILURE_NO_LIMIT), KB, "ru")
    item = next(p for p in kept.plan.items if p.id == "fluid_limit_kept")
    assert item.title == KB.text("advice.fluid_limit_kept.title", "ru") != KB.advice["fluid_limit_kept"].title
    assert "спросите" in item.text
    skipped = localize_assessment(assess({k: v for k, v in ADULT.items() if k != "conditions"}), KB, "ru")
    ask = next(p for p in skipped.plan.items if p.id == "fluid_ask_first")
    assert "сердечная недостаточность" in ask.text and "сердечной недостаточности" in ask.evidence_note


# --------------------------------------------------------------------------- every client


def test_cli_json_and_markdown_give_no_target_with_heart_failure() -> None:
    run = crampcare("assess", "--answers", "-", "--format", "json", input=json.dumps(HEART_FAILURE_NO_LIMIT))
    assert run.returncode == 0, run.stderr
    data = json.loads(run.stdout)
    assert data["plan"]["fluid_target"] is None
    assert "fluid_limit_kept" in [item["id"] for item in data["plan"]["items"]]
    markdown = crampcare("assess", "--answers", "-", "--format", "markdown", "--lang", "ru",
                         input=json.dumps(HEART_FAILURE_NO_LIMIT)).stdout
    assert KB.text("advice.fluid_limit_kept.title", "ru") in markdown
    assert "20 мл ×" not in markdown and "**Жидкость**" not in markdown


def test_cli_markdown_says_ask_first_when_conditions_are_skipped() -> None:
    skipped = {k: v for k, v in ADULT.items() if k != "conditions"}
    markdown = crampcare("assess", "--answers", "-", "--format", "markdown", input=json.dumps(skipped)).stdout
    target = markdown.index("**Fluids**: about 1.4 L a day")
    assert markdown.index(KB.advice["fluid_ask_first"].title) > target


@pytest.fixture
def web(tmp_path: Path, new_migrated_sqlite: Callable[[Path], str]) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(db=new_migrated_sqlite(tmp_path / "diary.sqlite"))),
                    raise_server_exceptions=False) as client:
        yield client


def form_fields(answers: dict[str, Any]) -> dict[str, Any]:
    """The interview's answers as its last web step posts them."""
    fields: dict[str, Any] = {}
    for qid, value in answers.items():
        fields[qid] = ("yes" if value else "no") if isinstance(value, bool) else value if isinstance(value, list) else str(value)
    last = interview_steps(KB, answers)[-1][0]
    return {**fields, "step": last, "action": "result"}


def test_api_gives_no_target_with_heart_failure(web: TestClient) -> None:
    response = web.post("/api/v1/assess", json={"answers": HEART_FAILURE_NO_LIMIT})
    assert response.status_code == 200, response.text
    plan = response.json()["plan"]
    assert plan["fluid_target"] is None and "fluid_limit_kept" in [item["id"] for item in plan["items"]]
    russian = web.post("/api/v1/assess", json={"answers": HEART_FAILURE_NO_LIMIT}, headers={"Accept-Language": "ru"})
    titles = [item["title"] for item in russian.json()["plan"]["items"]]
    assert KB.text("advice.fluid_limit_kept.title", "ru") in titles


def test_web_result_page_gives_no_target_with_heart_failure(web: TestClient) -> None:
    page = web.post("/assess", data=form_fields(HEART_FAILURE_NO_LIMIT))
    assert page.status_code == 200 and "Your prevention plan" in page.text
    assert "Fluids: about" not in page.text
    assert KB.advice["fluid_limit_kept"].title in page.text
    skipped = web.post("/assess", data=form_fields({k: v for k, v in ADULT.items() if k != "conditions"})).text
    assert "Fluids: about 1.4 L a day" in skipped
    assert skipped.index(KB.advice["fluid_ask_first"].title.replace("'", "&#39;")) > skipped.index("Fluids: about")


def test_conditions_skipped_the_potassium_foods_come_with_a_kidney_ask_first() -> None:
    """The same gap in the diet advice: "eat bananas, potatoes, dried apricots" with kidney disease not
    ruled out (the kidney team may limit potassium, nhs-kidney-disease)."""
    skipped = assess({k: v for k, v in ADULT.items() if k != "conditions"})
    diet = [item.id for item in skipped.plan.items if item.category == "diet"]
    assert diet.index("kidney_diet_ask_first") == diet.index("balanced_diet") + 1
    ask = next(item for item in skipped.plan.items if item.id == "kidney_diet_ask_first")
    assert ask.sources == ["nhs-kidney-disease"] and ask.evidence == "supported" and "not ruled out" in ask.evidence_note
    assert "сначала спросите" in next(p for p in localize_assessment(skipped, KB, "ru").plan.items
                                      if p.id == "kidney_diet_ask_first").text
    for conditions in (["none"], ["kidney"]):
        assert "kidney_diet_ask_first" not in {item.id for item in assess({**ADULT, "conditions": conditions}).plan.items}
