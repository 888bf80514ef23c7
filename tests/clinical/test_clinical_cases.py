"""The clinical case suite (tests/clinical/cases.yaml): cases beyond shared/cases.md, from the guidance."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from crampcare.assess import assess
from crampcare.assess.interview import visible_questions
from crampcare.assess.model import Assessment
from crampcare.knowledge import load_knowledge

CASES: list[dict[str, Any]] = yaml.safe_load((Path(__file__).parent / "cases.yaml").read_text(encoding="utf-8"))["cases"]
KB = load_knowledge()

# expect key -> the ids the assessment names for it
FOUND = {
    "warning_signs": lambda r: [w.id for w in r.warning_signs],
    "lookalikes": lambda r: [lk.id for lk in r.lookalikes],
    "factors": lambda r: [f.id for f in r.factors],
    "tests": lambda r: [t.id for t in r.tests],
    "referrals": lambda r: [x.id for x in r.referrals],
    "plan": lambda r: [p.id for p in r.plan.items],
    "do_nots": lambda r: [d.id for d in r.do_nots],
    "cramp_types": lambda r: [c.id for c in r.cramp_types],
    "not_ruled_out": lambda r: r.not_ruled_out,
    "unanswered": lambda r: r.unanswered_warning_questions,
}


def answers_of(case: dict[str, Any]) -> dict[str, Any]:
    """The case's answers; with ``all_clear``, every other warning question shown is answered "no"."""
    answers = dict(case["answers"])
    if case.get("all_clear"):
        # Follow-ups appear only after their first question is answered, so fill until stable.
        while True:
            missing = [q.id for q in visible_questions(KB, answers)
                       if q.section == "warning_signs" and q.id not in answers]
            if not missing:
                break
            answers.update(dict.fromkeys(missing, False))
    return answers


def from_cli_and_api(web: Any, case: dict[str, Any], folder: Path) -> tuple[Assessment, Assessment]:
    """The case's assessment through ``crampcare assess`` (a real process) and ``POST /api/v1/assess`` on
    ``web``, each checked against the case: for the review files that run new patients through both."""
    import json

    from test_cli import crampcare

    answers = answers_of(case)
    file = folder / "answers.json"
    file.write_text(json.dumps(answers), encoding="utf-8")
    run = crampcare("assess", "--answers", str(file), "--format", "json")
    assert run.returncode == 0, run.stderr
    from_cli = Assessment.model_validate_json(run.stdout)
    response = web.post("/api/v1/assess", json={"answers": answers})
    assert response.status_code == 200, response.text
    from_api = Assessment.model_validate(response.json())
    for result in (from_cli, from_api):
        assert not check(case, result), (case["about"], check(case, result))
    return from_cli, from_api


def check(case: dict[str, Any], result: Assessment) -> list[str]:
    """What this result gets wrong for this case (empty when it is right)."""
    problems = []
    if result.urgency not in case["urgency"]:
        problems.append(f"urgency {result.urgency}, expected {case['urgency']}")
    expect = case.get("expect", {})
    for key, ids in expect.items():
        if key in FOUND:
            missing = set(ids) - set(FOUND[key](result))
            if missing:
                problems.append(f"{key}: missing {sorted(missing)}")
        elif key.startswith("not_") and key[4:] in FOUND:
            wrong = set(ids) & set(FOUND[key[4:]](result))
            if wrong:
                problems.append(f"{key[4:]}: should not name {sorted(wrong)}")
        elif key == "complete" and result.complete != ids:
            problems.append(f"complete is {result.complete}")
        elif key == "fluid_target" and (result.plan.fluid_target is not None) != ids:
            problems.append(f"fluid target {'given' if result.plan.fluid_target else 'missing'}")
        elif key == "plan_empty" and ids and result.plan.items:
            problems.append("an urgent result shows a prevention plan")
    return problems


def test_the_suite_is_large_and_covers_every_red_flag() -> None:
    assert len(CASES) >= 100
    assert len({c["id"] for c in CASES}) == len(CASES)
    expected_signs = {s for c in CASES for s in c.get("expect", {}).get("warning_signs", [])}
    urgent_signs = {s.id for s in KB.warning_signs.values() if s.urgency in ("urgent", "emergency")}
    assert urgent_signs <= expected_signs, urgent_signs - expected_signs


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_case(case: dict[str, Any]) -> None:
    result = assess(answers_of(case))
    assert not check(case, result), (case["about"], check(case, result), [r.title for r in result.urgency_reasons])
    # Safety that holds for every case.
    if result.urgency == "self_care":
        assert result.complete
    if result.urgency in ("urgent", "emergency"):
        assert result.plan.items == [] and result.plan.note


def test_suite_figures(capsys: pytest.CaptureFixture[str]) -> None:
    results = [(case, assess(answers_of(case))) for case in CASES]
    acceptable = sum(r.urgency in c["urgency"] for c, r in results)
    preferred = sum(r.urgency == c["urgency"][0] for c, r in results)
    under = sum(
        ["self_care", "doctor", "urgent", "emergency"].index(r.urgency)
        < min(["self_care", "doctor", "urgent", "emergency"].index(u) for u in c["urgency"])
        for c, r in results
    )
    with capsys.disabled():
        print(f"\nclinical suite: {len(results)} cases; acceptable urgency {acceptable}/{len(results)}, "
              f"preferred {preferred}/{len(results)}, under-triaged {under}")
    assert acceptable == len(results) and under == 0
