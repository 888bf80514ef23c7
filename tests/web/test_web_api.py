"""The JSON API: CRUD on SQLite and PostgreSQL, undo, import/export, insights, assessment, owner scoping."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from crampcare.db.writes import Owner
from crampcare.web.app import create_app
from crampcare.web.deps import get_account
from crampcare.web.settings import Settings
from one_trip_client import OneTripClient

CASES = Path(__file__).resolve().parents[2] / "examples" / "cases"


def night(date: dt.date, *severities: int) -> dict[str, Any]:
    """A night with a cramp at 03:10 per severity: for a night at least two back (last night's 03:10 is still
    to come before 03:10, and the diary rightly refuses it)."""
    return {
        "date": date.isoformat(),
        "cramps": [
            {"start": "03:10", "duration_s": 120, "leg": "left", "muscles": ["calf"], "severity": s,
             "helped": ["stretch"], "minutes_to_relief": 2}
            for s in severities
        ],
    }


def assert_error(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "fields"}
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    return dict(body["error"])


def test_appending_notes_past_their_limit_is_a_conflict_with_its_reason(db_client: TestClient) -> None:
    today = dt.date.today()
    c = db_client
    d1 = today - dt.timedelta(days=4)
    assert c.post("/api/v1/nights", json={**night(d1, 6), "notes": "a" * 1500}).status_code == 201
    refused = assert_error(c.post("/api/v1/nights", json={**night(d1, 4), "notes": "b" * 1500}), 409, "conflict")
    assert "2000" in refused["message"] or "2 000" in refused["message"]
    stored = c.get(f"/api/v1/nights/{d1.isoformat()}").json()
    assert stored["notes"] == "a" * 1500 and [x["severity"] for x in stored["cramps"]] == [6]
    fits = c.post("/api/v1/nights", json={**night(d1, 4), "notes": "b" * 400})  # 1500 + newline + 400
    assert fits.status_code == 200 and len(fits.json()["notes"]) == 1901


def undo(c: TestClient, write: Any) -> Any:
    """``POST /api/v1/undo`` of the change ``write`` (a write's response) made: its ``X-Change-Id``."""
    return c.post("/api/v1/undo", params={"change": write.headers["X-Change-Id"]})


def test_nights_crud_and_undo(db_client: TestClient) -> None:
    today = dt.date.today()
    c = db_client
    d1, d2 = today - dt.timedelta(days=3), today - dt.timedelta(days=2)
    created = c.post("/api/v1/nights", json=night(d1, 7))
    assert created.status_code == 201 and created.headers["X-Change-Id"].isdigit()
    assert created.headers["location"] == f"/api/v1/nights/{d1.isoformat()}"
    quiet_d2 = c.post("/api/v1/nights", json=night(d2))  # a quiet night
    assert quiet_d2.status_code == 201

    got = c.get(f"/api/v1/nights/{d1.isoformat()}").json()
    assert got["cramps"][0]["severity"] == 7 and got["cramps"][0]["start"] == "03:10:00"

    appended = c.post("/api/v1/nights", json=night(d1, 3))  # the one night policy: a second cramp is appended
    assert appended.status_code == 200 and appended.headers["x-crampcare-outcome"] == "appended"
    assert [x["severity"] for x in appended.json()["cramps"]] == [7, 3]
    quiet = c.post("/api/v1/nights", json=night(d1))  # a quiet night erases nothing
    assert quiet.status_code == 200 and quiet.headers["x-crampcare-outcome"] == "unchanged"
    assert len(quiet.json()["cramps"]) == 2 and "X-Change-Id" not in quiet.headers  # nothing to undo there
    assert undo(c, appended).status_code == 200  # undo takes back exactly the appended cramp
    assert [x["severity"] for x in c.get(f"/api/v1/nights/{d1.isoformat()}").json()["cramps"]] == [7]
    key = {"Idempotency-Key": "retry-1"}
    first, retry = (c.post("/api/v1/nights", json=night(d1, 5), headers=key) for _ in range(2))
    assert first.headers["x-crampcare-outcome"] == retry.headers["x-crampcare-outcome"] == "appended"
    assert "idempotent-replayed" not in first.headers and retry.headers["idempotent-replayed"] == "true"
    assert [x["severity"] for x in c.get(f"/api/v1/nights/{d1.isoformat()}").json()["cramps"]] == [7, 5]
    # The same key for another night is a conflict, never a replay confirming a night never stored.
    other = (today - dt.timedelta(days=40)).isoformat()
    assert_error(c.post("/api/v1/nights", json={**night(d1, 2), "date": other}, headers=key), 409, "conflict")
    assert c.get(f"/api/v1/nights/{other}").status_code == 404
    assert_error(c.get(f"/api/v1/nights/{(today - dt.timedelta(days=30)).isoformat()}"), 404, "not_found")

    listed = c.get("/api/v1/nights", params={"from": d1.isoformat(), "to": d1.isoformat()}).json()
    assert [n["date"] for n in listed] == [d1.isoformat()]
    assert len(c.get("/api/v1/nights").json()) == 2
    assert c.get("/api/v1/nights", params={"from": d2.isoformat()}).json()[0]["date"] == d2.isoformat()
    assert_error(c.get("/api/v1/nights", params={"from": d2.isoformat(), "to": d1.isoformat()}), 422,
                 "validation_error")

    # Replacing a stored night names the version it replaces (its ETag): see test_web_api_conditional.py.
    etag = c.get(f"/api/v1/nights/{d1.isoformat()}").headers["etag"]
    updated = c.put(f"/api/v1/nights/{d1.isoformat()}", json=night(d1, 9, 4), headers={"If-Match": etag})
    assert updated.status_code == 200
    assert [x["severity"] for x in c.get(f"/api/v1/nights/{d1.isoformat()}").json()["cramps"]] == [9, 4]
    mismatch = assert_error(c.put(f"/api/v1/nights/{d2.isoformat()}", json=night(d1, 1)), 422, "validation_error")
    assert mismatch["fields"][0]["field"] == "date"

    gone = c.delete(f"/api/v1/nights/{d1.isoformat()}", headers={"If-Match": updated.headers["etag"]})
    assert gone.status_code == 200
    assert_error(c.delete(f"/api/v1/nights/{d1.isoformat()}", headers={"If-Match": "*"}), 404, "not_found")
    assert c.get(f"/api/v1/nights/{d1.isoformat()}").status_code == 404

    undone = undo(c, gone)
    assert undone.status_code == 200 and "deleting" in undone.json()["message"]
    assert [x["severity"] for x in c.get(f"/api/v1/nights/{d1.isoformat()}").json()["cramps"]] == [9, 4]
    undo(c, updated)  # the edit
    assert [x["severity"] for x in c.get(f"/api/v1/nights/{d1.isoformat()}").json()["cramps"]] == [7, 5]
    undo(c, first)  # the appended cramp
    assert [x["severity"] for x in c.get(f"/api/v1/nights/{d1.isoformat()}").json()["cramps"]] == [7]
    undo(c, quiet_d2)
    undo(c, created)
    assert c.get("/api/v1/nights").json() == []
    assert_error(undo(c, created), 404, "not_found")


def test_days_crud(db_client: TestClient) -> None:
    today = dt.date.today()
    c = db_client
    day = {"date": today.isoformat(), "fluids_ml": 1500, "activity": "high", "medicines": ["statin"], "tags": ["gym"]}
    assert c.post("/api/v1/days", json=day).status_code == 201
    assert_error(c.post("/api/v1/days", json=day), 409, "duplicate")
    assert c.get(f"/api/v1/days/{today.isoformat()}").json()["medicines"] == ["statin"]
    etag = c.get(f"/api/v1/days/{today.isoformat()}").headers["etag"]
    replaced = c.put(f"/api/v1/days/{today.isoformat()}", json={**day, "fluids_ml": 2500}, headers={"If-Match": etag})
    assert replaced.status_code == 200
    assert c.get("/api/v1/days", params={"to": today.isoformat()}).json()[0]["fluids_ml"] == 2500
    deleted = c.delete(f"/api/v1/days/{today.isoformat()}", headers={"If-Match": replaced.headers["etag"]})
    assert deleted.status_code == 200
    assert c.get("/api/v1/days").json() == []
    assert undo(c, deleted).status_code == 200
    assert len(c.get("/api/v1/days").json()) == 1


def test_validation_errors_name_each_field(client: TestClient) -> None:
    today = dt.date.today()
    bad = {"date": "2020-01-01", "cramps": [{"start": "03:10", "duration_s": -1, "leg": "middle", "muscles": [],
                                              "severity": 70}]}
    error = assert_error(client.post("/api/v1/nights", json=bad), 422, "validation_error")
    fields = {f["field"] for f in error["fields"]}
    assert {"cramps[0].duration_s", "cramps[0].leg", "cramps[0].muscles", "cramps[0].severity"} <= fields
    future = (today + dt.timedelta(days=3)).isoformat()
    error = assert_error(client.post("/api/v1/days", json={"date": future}), 422, "validation_error")
    assert error["fields"][0]["field"] == "date"
    error = assert_error(client.post("/api/v1/days", json={"date": "2020-01-01", "medicines": ["unicorn"]}), 422,
                         "validation_error")
    assert error["fields"][0]["field"] == "medicines"
    error = assert_error(client.get("/api/v1/nights/not-a-date"), 422, "validation_error")
    assert error["fields"][0]["field"] == "path.date"
    error = assert_error(client.get("/api/v1/export", params={"format": "xml"}), 422, "validation_error")
    assert error["fields"][0]["field"] == "query.format"


def test_assess_and_save(db_client: TestClient) -> None:
    c = db_client
    answers = json.loads((CASES / "P1.json").read_text())
    result = c.post("/api/v1/assess", json={"answers": answers})
    assert result.status_code == 200
    assert result.json()["urgency"] in ("self_care", "doctor", "urgent", "emergency")
    assert result.json()["trace"] == [] and result.json()["factors"][0]["answers"]  # the trace is opt-in
    traced = c.post("/api/v1/assess", json={"answers": answers, "trace": True}).json()
    assert traced["trace"] and {k: v for k, v in traced.items() if k != "trace"} == {
        k: v for k, v in result.json().items() if k != "trace"}
    assert c.get("/api/v1/assessments/latest").status_code == 404
    saved = c.post("/api/v1/assess", json={"answers": answers, "save": True})
    assert saved.status_code == 201 and saved.json() == result.json()
    latest = c.get("/api/v1/assessments/latest").json()
    assert latest["result"]["trace"]  # the diary keeps the full explanation
    assert latest["result"]["urgency"] == result.json()["urgency"]
    assert c.get(saved.headers["location"]).json()["id"] == latest["id"]
    error = assert_error(c.post("/api/v1/assess", json={"answers": {"age": 400}}), 422, "validation_error")
    assert error["fields"] == [{"field": "answers.age", "message": error["fields"][0]["message"]}]
    assert_error(c.post("/api/v1/assess", json={"answers": {"nonsense": 1}}), 422, "validation_error")
    assert_error(c.post("/api/v1/assess", json={"answers": {}, "extra": 1}), 422, "validation_error")


def test_emergency_answer(client: TestClient) -> None:
    response = client.post("/api/v1/assess", json={"answers": {"breathless_chest_pain": True}})
    assert response.json()["urgency"] == "emergency"


def test_questionnaire_and_health(client: TestClient) -> None:
    questions = client.get("/api/v1/questionnaire").json()
    by_id = {q["id"]: q for q in questions}
    assert by_id["pregnancy_week"]["show_if"] == {"fact": "pregnant", "op": "eq", "value": True}
    assert client.get("/api/v1/health").json() == {"status": "ok"}
    spec = client.get("/openapi.json").json()
    assert "/api/v1/nights/{date}" in spec["paths"]
    assert "/api/v1/import" in spec["paths"]


def test_export_import_round_trip(db_client: TestClient) -> None:
    today = dt.date.today()
    c = db_client
    d = today - dt.timedelta(days=5)
    c.post("/api/v1/nights", json=night(d, 6))
    c.post("/api/v1/days", json={"date": d.isoformat(), "fluids_ml": 900, "stress": "high"})
    csv_export = c.get("/api/v1/export", params={"format": "csv"})
    assert csv_export.headers["content-type"].startswith("text/csv")
    assert "attachment" in csv_export.headers["content-disposition"]
    json_export = c.get("/api/v1/export", params={"format": "json"})
    assert json_export.json()["format"] == "crampcare-diary"

    # Same data again: nothing new, nothing refused.
    again = c.post("/api/v1/import", content=csv_export.content, headers={"content-type": "text/csv"})
    assert again.status_code == 200 and again.json()["nights_unchanged"] == 1

    assert c.delete(f"/api/v1/nights/{d.isoformat()}", headers={"If-Match": "*"}).status_code == 200
    assert c.delete(f"/api/v1/days/{d.isoformat()}", headers={"If-Match": "*"}).status_code == 200
    imported = c.post("/api/v1/import", files={"file": ("diary.json", json_export.content, "application/json")})
    assert imported.status_code == 200, imported.text
    assert imported.json()["nights_added"] == 1 and imported.json()["days_added"] == 1
    assert c.get("/api/v1/export", params={"format": "csv"}).content == csv_export.content

    changed = json_export.json()
    changed["nights"][0]["cramps"][0]["severity"] = 1
    assert_error(c.post("/api/v1/import", json=changed), 409, "conflict")
    bad_csv = "date,cramp1_severity\n2020-01-01,eleven\n"
    error = assert_error(c.post("/api/v1/import", content=bad_csv, headers={"content-type": "text/csv"}), 422,
                         "validation_error")
    assert "row 2" in error["fields"][0]["field"]
    assert undo(c, imported).status_code == 200  # undoes the import
    assert c.get("/api/v1/nights").json() == []


def test_insights(db_client: TestClient) -> None:
    today = dt.date.today()
    c = db_client
    for i in range(10):
        date = today - dt.timedelta(days=i + 1)  # last night quiet: the cramps from two nights back
        assert c.post("/api/v1/nights", json=night(date, 5) if i % 2 else night(date)).status_code == 201
    data = c.get("/api/v1/insights").json()
    assert data["nights_logged"] == 10 and data["cramp_nights"] == 5
    assert data["summary"] and isinstance(data["summary"][0], str)
    ranged = c.get("/api/v1/insights", params={"from": (today - dt.timedelta(days=2)).isoformat()}).json()
    assert ranged["nights_logged"] == 2


def test_each_owner_sees_only_their_diary(sqlite_url: str) -> None:
    """Overriding get_account (whose diary a request may touch) moves every data route with it."""
    today = dt.date.today()
    app = create_app(Settings(db=sqlite_url))
    owner = {"name": "alice"}
    app.dependency_overrides[get_account] = lambda: Owner(owner["name"])
    with OneTripClient(app) as c:
        d = today - dt.timedelta(days=2)
        assert c.post("/api/v1/nights", json=night(d, 8)).status_code == 201
        c.post("/api/v1/assess", json={"answers": {"age": 40}, "save": True})
        owner["name"] = "bob"
        assert c.get("/api/v1/nights").json() == []
        assert c.get(f"/api/v1/nights/{d.isoformat()}").status_code == 404
        assert c.get("/api/v1/assessments/latest").status_code == 404
        assert c.get("/api/v1/insights").json()["nights_logged"] == 0
        assert c.post("/api/v1/undo", params={"change": 1}).status_code == 404
        assert "night_logged" in c.get("/api/v1/export").text and d.isoformat() not in c.get("/api/v1/export").text
        assert c.post("/api/v1/nights", json=night(d, 2)).status_code == 201  # same date, other owner
        owner["name"] = "alice"
        assert c.get(f"/api/v1/nights/{d.isoformat()}").json()["cramps"][0]["severity"] == 8
        assert d.isoformat() in c.get("/diary").text


def test_server_mode_without_accounts_refuses_data_routes(sqlite_url: str) -> None:
    from crampcare.db.schema import upgrade

    upgrade(sqlite_url)
    with OneTripClient(create_app(Settings(db=sqlite_url, mode="server"))) as c:
        assert_error(c.get("/api/v1/nights"), 401, "unauthorized")
        assert c.get("/api/v1/health").status_code == 200


def test_server_mode_refuses_an_old_schema(sqlite_url: str) -> None:
    from crampcare.db.schema import SchemaOutOfDateError

    with pytest.raises(SchemaOutOfDateError):
        create_app(Settings(db=sqlite_url, mode="server"))


def test_report_downloads(client: TestClient) -> None:
    today = dt.date.today()
    pytest.importorskip("crampcare.report")
    import importlib.util

    d = today - dt.timedelta(days=2)
    assert client.post("/api/v1/nights", json=night(d, 6)).status_code == 201
    html = client.get("/report.html")
    assert html.status_code == 200 and "<html" in html.text.lower()
    assert "script-src" not in html.headers["content-security-policy"]  # default-src 'none': no scripts at all
    fhir = client.get("/api/v1/export/fhir")
    assert fhir.status_code == 200 and fhir.json()["resourceType"] == "Bundle"
    assert_error(client.get("/report.html", params={"from": "2025-02-01", "to": "2025-01-01"}), 422,
                 "validation_error")
    if importlib.util.find_spec("crampcare.report.reminders") is not None:
        ics = client.get("/reminders.ics", params={"exercises": "21:00"})
        assert ics.status_code == 200 and b"BEGIN:VCALENDAR" in ics.content
    assert_error(client.get("/reminders.ics", params={"diary": "25:99"}), 422, "validation_error")
