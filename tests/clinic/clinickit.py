"""Helpers for the clinic tests: sharing through the pages, as a patient and a clinician would."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from fastapi import FastAPI
from serverkit import Person

from crampcare.clinic.roles import grant_role

ALL_SCOPES = ["diary", "assessments", "reports"]
URGENT_ANSWERS = {"age": 71, "calf_swollen_red_warm": True}
CALM_ANSWERS = {"age": 40, "weight_kg": 70}
# Every clinician page of one patient, and the scope it needs (None: any share).
PATIENT_PAGES: dict[str, str | None] = {
    "": None, "/insights": "diary", "/diary": "diary", "/assessment": "assessments",
    "/report.html": "reports", "/report.pdf": "reports", "/history.fhir.json": "reports",
}


def clinician(app: FastAPI, person: Person, role: str = "clinician") -> Person:
    """``person`` made a clinician (or ``role``), then logged in again: a role change ends the account's
    sessions and tokens."""
    grant_role(app.state.engine, person.email, role)
    assert person.log_in().status_code == 200
    return person


def post_form(person: Person, page: str, action: str, data: dict[str, Any]) -> Any:
    token = person.form_token(page)
    return person.client.post(action, data={"csrf_token": token, **data}, follow_redirects=False)


def invite(patient: Person, doctor: Person, scopes: list[str] = ALL_SCOPES) -> int:
    """Patient invites the clinician by e-mail, the clinician accepts; returns the share id."""
    sent = post_form(patient, "/sharing", "/sharing/invite", {"method": "email", "email": doctor.email,
                                                               "scope": scopes})
    assert sent.status_code == 303, sent.text
    page = doctor.client.get("/clinic").text
    found = re.findall(r"<li class=\"entry\">" + re.escape(patient.email) + r" shares [^<]*\n<form method=\"post\" "
                       r"action=\"/clinic/invites/(\d+)/accept\"", page)
    assert found, page
    share_id = int(found[-1])
    accepted = post_form(doctor, "/clinic", f"/clinic/invites/{share_id}/accept", {})
    assert accepted.status_code == 303, accepted.text
    return share_id


def code_invite(patient: Person, scopes: list[str] = ALL_SCOPES) -> str:
    page = post_form(patient, "/sharing", "/sharing/invite", {"method": "code", "scope": scopes})
    assert page.status_code == 200, page.text
    found = re.search(r'<pre class="code">([A-Z0-9-]+)</pre>', page.text)
    assert found, page.text
    return found.group(1)


def accept_code(doctor: Person, code: str) -> Any:
    return post_form(doctor, "/clinic", "/clinic/accept", {"code": code})


def revoke(patient: Person, share_id: int) -> Any:
    return post_form(patient, "/sharing", f"/sharing/{share_id}/revoke", {})


def save_assessment(patient: Person, answers: dict[str, Any]) -> None:
    saved = patient.post("/api/v1/assess", json={"answers": answers, "save": True})
    assert saved.status_code == 201, saved.text


def log_nights(patient: Person, start: dt.date, cramps_on: list[bool]) -> None:
    """One night per entry from ``start``: a cramp (True) or a quiet night (False), in one import."""
    cramp = {"start": "03:00", "duration_s": 60, "leg": "left", "muscles": ["calf"], "severity": 6, "helped": []}
    nights = [{"date": (start + dt.timedelta(days=i)).isoformat(), "cramps": [cramp] if on else []}
              for i, on in enumerate(cramps_on)]
    document = {"format": "crampcare-diary", "version": 1, "nights": nights, "days": []}
    response = patient.post("/api/v1/import", json=document)
    assert response.status_code in (200, 201), response.text
