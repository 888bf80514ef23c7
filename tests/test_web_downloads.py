"""Journeys 5 and 6 in the web app: report, FHIR and reminders downloads (local mode)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from crampcare.web.app import create_app
from crampcare.web.settings import Settings


@pytest.fixture
def client(tmp_path: Path, new_migrated_sqlite: Callable[[Path], str]) -> TestClient:
    return TestClient(create_app(Settings(db=new_migrated_sqlite(tmp_path / "diary.db"))))


def test_reminders_calendar_file(client: TestClient) -> None:
    from icalendar import Calendar

    response = client.get("/reminders.ics?exercises=21:15&diary=21:50")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/calendar")
    events = [c for c in Calendar.from_ical(response.content).walk("VEVENT")]
    assert len(events) == 2
    assert {e.decoded("dtstart").strftime("%H:%M") for e in events} == {"21:15", "21:50"}
    assert all(e.get("rrule")["FREQ"] == ["DAILY"] for e in events)
    bad = client.get("/reminders.ics?exercises=25:99")
    assert bad.status_code == 422 and bad.json()["error"]["fields"]


def test_report_and_fhir_downloads_after_logging(client: TestClient) -> None:
    # Two nights back: its 03:10 has passed at any time of day (last night's is still to come before 03:10).
    night = (dt.date.today() - dt.timedelta(days=2)).isoformat()
    created = client.post("/api/v1/nights", json={"date": night, "cramps": [
        {"start": "03:10", "duration_s": 120, "leg": "left", "muscles": ["calf"], "severity": 6, "helped": ["stretch"]}]})
    assert created.status_code == 201, created.text
    saved = client.post("/api/v1/assess", json={"answers": {"age": 70, "muscles": ["calf"]}, "save": True})
    assert saved.status_code == 201, saved.text
    html = client.get("/report.html")
    assert html.status_code == 200 and "Night leg cramps: report for the doctor" in html.text
    pdf = client.get("/report.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    bundle = client.get("/api/v1/export/fhir")
    assert bundle.status_code == 200
    resources = [e["resource"]["resourceType"] for e in bundle.json()["entry"]]
    assert {"Questionnaire", "QuestionnaireResponse", "Observation", "Patient"} <= set(resources)


def test_local_mode_refuses_cross_site_writes_and_rebinding(client: TestClient) -> None:
    night = {"date": (dt.date.today() - dt.timedelta(days=2)).isoformat(), "cramps": []}
    evil = client.post("/api/v1/nights", json=night, headers={"Origin": "https://evil.example"})
    assert evil.status_code == 403 and evil.json()["error"]["code"] == "forbidden"
    sandboxed = client.post("/diary/quiet", data={}, headers={"Origin": "null"})
    assert sandboxed.status_code == 403
    rebound = client.get("/api/v1/nights", headers={"Host": "attacker.example:8000"})
    assert rebound.status_code == 403
    assert client.get("/api/v1/nights").json() == []  # nothing the refused writes tried was stored
    same = client.post("/api/v1/nights", json=night, headers={"Origin": "http://testserver"})
    assert same.status_code == 201
    phone = client.get("/now", headers={"Host": "192.168.1.20:8000"})
    assert phone.status_code == 200
