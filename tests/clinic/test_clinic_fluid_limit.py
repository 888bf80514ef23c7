"""A clinician's insights of a patient with heart failure: the care team's say on fluids when the
assessments are shared, and only the "ask first" when just the diary is (the conditions, and the
fluid target from the weight, stay with the assessments the patient did not share)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable

from clinickit import clinician, invite, save_assessment
from fastapi import FastAPI
from serverkit import Person

from crampcare.assess.interview import drop_hidden
from crampcare.insights.simulate import simulate_diary
from crampcare.knowledge import load_knowledge

KB = load_knowledge()
SET_BY_TEAM = KB.text("topics.diary_fluids.claims.0.text")
ASK_FIRST = KB.text("topics.diary_fluids.claims.1.text")
WARNING_QUESTIONS = {qid: False for qid, q in KB.questions.items() if q.section == "warning_signs" and q.show_if is None}
HEART_FAILURE = drop_hidden(KB, {**WARNING_QUESTIONS, "age": 70, "sex": "male", "weight_kg": 70, "duration_minutes": 2,
                                 "eased_by_stretching": True, "medicines": ["none"], "conditions": ["heart_failure"],
                                 "fluid_limit": False})


def test_the_fluid_word_follows_what_the_patient_shares(clinic_app: FastAPI, person: Callable[..., Person]) -> None:
    tag = uuid.uuid4().hex[:8]
    patient = person(f"fluids-{tag}@example.org")
    nights, days = simulate_diary(84, trigger="low_fluids", rr=2.5, seed=1, end=dt.date.today())
    document = {"format": "crampcare-diary", "version": 1,
                "nights": [n.model_dump(mode="json") for n in nights],
                "days": [d.model_dump(mode="json") for d in days]}
    assert patient.post("/api/v1/import", json=document).status_code in (200, 201)
    save_assessment(patient, HEART_FAILURE)
    everything = clinician(clinic_app, person(f"doc-all-{tag}@clinic.example"))
    diary_only = clinician(clinic_app, person(f"doc-diary-{tag}@clinic.example"))
    shared_all = invite(patient, everything)
    shared_diary = invite(patient, diary_only, ["diary"])

    page = everything.client.get(f"/clinic/patients/{shared_all}/insights").text
    assert SET_BY_TEAM in page and "Low fluids" not in page
    page = diary_only.client.get(f"/clinic/patients/{shared_diary}/insights").text
    assert SET_BY_TEAM not in page and ASK_FIRST in page and "Low fluids seems linked" in page
    overview = diary_only.client.get(f"/clinic/patients/{shared_diary}").text
    assert SET_BY_TEAM not in overview and ASK_FIRST in overview
