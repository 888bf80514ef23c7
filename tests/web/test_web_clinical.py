"""The API gives the same clinical result as the CLI: incomplete answers never reassure, and
answers a person would never be shown are refused (422), not scored."""

from __future__ import annotations

import json
from pathlib import Path

from fastapi.testclient import TestClient

from crampcare.assess import assess

CASES = Path(__file__).parent.parent.parent / "examples" / "cases"


def test_an_empty_assessment_is_not_complete_and_never_self_care(client: TestClient) -> None:
    result = client.post("/api/v1/assess", json={"answers": {}})
    assert result.status_code == 200
    data = result.json()
    assert data["urgency"] == "doctor" and data["complete"] is False
    assert "breathless_chest_pain" in data["unanswered_warning_questions"] and data["not_ruled_out"]
    assert data["notice"]


def test_an_answer_that_would_not_be_shown_is_refused_with_its_reason(client: TestClient) -> None:
    result = client.post("/api/v1/assess", json={"answers": {"sex": "male", "pregnant": True}})
    assert result.status_code == 422
    assert "pregnant" in result.text and "asked only if" in result.text


def test_the_api_and_the_engine_agree_on_every_example(client: TestClient) -> None:
    for path in sorted(CASES.glob("P*.json")):
        answers = json.loads(path.read_text())
        data = client.post("/api/v1/assess", json={"answers": answers}).json()
        expected = assess(answers)
        assert (data["urgency"], data["complete"], data["not_ruled_out"]) == (
            expected.urgency, expected.complete, expected.not_ruled_out), path.name
