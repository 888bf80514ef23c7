"""Conditional requests on the API's nights and days (RFC 9110), on SQLite and PostgreSQL: a GET gives
the record's version as a strong ``ETag``; replacing or deleting a stored record needs ``If-Match``
(428 without it), and a version other than the stored one is refused (412), so a cramp confirmed as
saved is never overwritten by a client's stale copy. The parallel version: test_server_races.py."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from fastapi.testclient import TestClient

DATE = (dt.date.today() - dt.timedelta(days=3)).isoformat()
NIGHT = f"/api/v1/nights/{DATE}"
DAY = f"/api/v1/days/{DATE}"


def cramp(start: str, severity: int = 5) -> dict[str, Any]:
    return {"start": start, "duration_s": 60, "leg": "left", "muscles": ["calf"], "severity": severity}


def refused(response: Any, status: int, code: str) -> str:
    assert response.status_code == status, response.text
    assert response.json()["error"]["code"] == code
    return str(response.json()["error"]["message"])


def starts(client: TestClient) -> list[str]:
    return [c["start"] for c in client.get(NIGHT).json()["cramps"]]


def test_a_stale_copy_never_erases_a_cramp_confirmed_meanwhile(db_client: TestClient) -> None:
    c = db_client
    assert c.post("/api/v1/nights", json={"date": DATE, "cramps": [cramp("02:10")]}).status_code == 201
    a_read = c.get(NIGHT)  # client A reads the night
    etag = a_read.headers["etag"]
    assert etag.startswith('"') and etag.endswith('"') and not etag.startswith("W/")  # strong
    b_added = c.post("/api/v1/nights", json={"date": DATE, "cramps": [cramp("03:20")]})  # B adds a cramp
    assert b_added.status_code == 200 and b_added.headers["etag"] != etag

    a_copy = {**a_read.json(), "notes": "edited by A"}
    message = refused(c.put(NIGHT, json=a_copy, headers={"If-Match": etag}), 412, "precondition_failed")
    assert NIGHT in message and b_added.headers["etag"] in message  # says why, and the version stored now
    assert refused(c.put(NIGHT, json=a_copy), 428, "precondition_required")  # no version at all
    refused(c.delete(NIGHT, headers={"If-Match": etag}), 412, "precondition_failed")
    refused(c.delete(NIGHT), 428, "precondition_required")
    assert starts(c) == ["02:10:00", "03:20:00"]  # B's confirmed cramp is still there

    # A reads again and repeats its edit with the version it now saw: stored, with a new ETag.
    fresh = c.get(NIGHT)
    replaced = c.put(NIGHT, json={**fresh.json(), "notes": "edited by A"}, headers={"If-Match": fresh.headers["etag"]})
    assert replaced.status_code == 200 and replaced.headers["etag"] == c.get(NIGHT).headers["etag"]
    assert starts(c) == ["02:10:00", "03:20:00"] and c.get(NIGHT).json()["notes"] == "edited by A"
    deleted = c.delete(NIGHT, headers={"If-Match": f'"x", {replaced.headers["etag"]}'})  # any of a list
    assert deleted.status_code == 200 and c.get(NIGHT).status_code == 404


def test_creating_needs_no_version_and_if_none_match_star_only_creates(db_client: TestClient) -> None:
    c = db_client
    for path, body in ((NIGHT, {"date": DATE, "cramps": [cramp("02:10")]}), (DAY, {"date": DATE, "fluids_ml": 1500})):
        refused(c.put(path, json=body, headers={"If-Match": "*"}), 412, "precondition_failed")  # nothing stored
        created = c.put(path, json=body, headers={"If-None-Match": "*"})
        assert created.status_code == 200 and created.headers["etag"] == c.get(path).headers["etag"]
        message = refused(c.put(path, json=body, headers={"If-None-Match": "*"}), 412, "precondition_failed")
        assert created.headers["etag"] in message
        refused(c.put(path, json=body), 428, "precondition_required")
        # Weak tags never match If-Match (strong comparison); "*" overwrites whatever is stored.
        refused(c.put(path, json=body, headers={"If-Match": f"W/{created.headers['etag']}"}), 412, "precondition_failed")
        assert c.put(path, json=body, headers={"If-Match": "*"}).status_code == 200
        # Deleting what is not stored is a 404 whatever the preconditions (RFC 9110 §13.2.1).
        assert c.delete(path, headers={"If-Match": "*"}).status_code == 200
        refused(c.delete(path, headers={"If-Match": created.headers["etag"]}), 404, "not_found")
        assert c.put(path, json=body).status_code == 200  # created again, no version needed


def test_days_keep_a_change_saved_meanwhile(db_client: TestClient) -> None:
    c = db_client
    posted = c.post("/api/v1/days", json={"date": DATE, "fluids_ml": 1500})
    assert posted.status_code == 201 and posted.headers["etag"] == c.get(DAY).headers["etag"]
    b = c.put(DAY, json={"date": DATE, "fluids_ml": 2500, "stress": "high"}, headers={"If-Match": posted.headers["etag"]})
    assert b.status_code == 200
    refused(c.put(DAY, json={"date": DATE, "fluids_ml": 1800}, headers={"If-Match": posted.headers["etag"]}), 412,
            "precondition_failed")
    assert c.get(DAY).json()["stress"] == "high"


def test_the_refusals_speak_russian(db_client: TestClient) -> None:
    c = db_client
    assert c.post("/api/v1/nights", json={"date": DATE, "cramps": [cramp("02:10")]}).status_code == 201
    russian = {"Accept-Language": "ru"}
    required = refused(c.put(NIGHT, json={"date": DATE}, headers=russian), 428, "precondition_required")
    failed = refused(c.put(NIGHT, json={"date": DATE}, headers={**russian, "If-Match": '"old"'}), 412,
                     "precondition_failed")
    assert "If-Match" in required and "уже сохранена" in required and "изменилась" in failed


@pytest.mark.parametrize("kind", ["night", "day"])
def test_the_openapi_documents_the_preconditions(client: TestClient, kind: str) -> None:
    paths = client.get("/openapi.json").json()["paths"][f"/api/v1/{kind}s/{{date}}"]
    assert "ETag" in paths["get"]["responses"]["200"]["headers"]
    for method in ("put", "delete"):
        assert {"412", "428"} <= set(paths[method]["responses"])
        headers = {p["name"] for p in paths[method]["parameters"] if p["in"] == "header"}
        assert headers == {"If-Match", "If-None-Match"}
