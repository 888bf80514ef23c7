"""A retry with an Idempotency-Key already used is answered as the first request was, X-Change-Id included.

The retry (the first answer was lost; a double tap) was answered from the key's record without the change
id, which was not kept: a client that retried could not offer Undo, and the web's double tap showed none.
The key now remembers its change (migration 0014), so the replay names the same change, which undoes.
"""

from __future__ import annotations

import datetime as dt
import re

from fastapi.testclient import TestClient

NIGHT = (dt.date.today() - dt.timedelta(days=3)).isoformat()
CRAMP = {"start": "03:10", "duration_s": 60, "leg": "left", "muscles": ["calf"], "severity": 5}
FORM_KEY = re.compile(r'name="idempotency_key" value="([^"]+)"')
UNDO_OFFER = re.compile(r'name="change" value="(\d+)"><button type="submit" class="secondary">Undo</button>')


def test_an_api_retry_answers_the_first_answer(client: TestClient) -> None:
    key = {"Idempotency-Key": "retry-created"}
    first, retry = (client.post("/api/v1/nights", json={"date": NIGHT, "cramps": [CRAMP]}, headers=key) for _ in range(2))
    assert first.status_code == retry.status_code == 201
    assert retry.headers["Idempotent-Replayed"] == "true"
    for header in ("X-Change-Id", "ETag", "X-Crampcare-Outcome", "Location"):
        assert retry.headers[header] == first.headers[header], header
    assert retry.json() == first.json()
    appended = {"Idempotency-Key": "retry-appended"}
    first, retry = (client.post("/api/v1/nights", json={"date": NIGHT, "cramps": [{**CRAMP, "start": "04:00"}]},
                                headers=appended) for _ in range(2))
    assert retry.headers["X-Change-Id"] == first.headers["X-Change-Id"] != ""
    assert client.post("/api/v1/undo", params={"change": retry.headers["X-Change-Id"]}).status_code == 200
    assert len(client.get(f"/api/v1/nights/{NIGHT}").json()["cramps"]) == 1
    quiet = {"Idempotency-Key": "retry-unchanged"}
    first, retry = (client.post("/api/v1/nights", json={"date": NIGHT, "cramps": []}, headers=quiet) for _ in range(2))
    assert "X-Change-Id" not in first.headers and "X-Change-Id" not in retry.headers  # nothing changed, nothing to undo


def test_a_double_tap_on_the_web_form_still_offers_undo(client: TestClient) -> None:
    key = FORM_KEY.search(client.get("/diary").text)
    assert key is not None
    form = {"idempotency_key": key.group(1), "date": NIGHT, "start": "03:10", "duration": "60", "leg": "left",
            "muscles": ["calf"], "severity": "5"}
    offers = []
    for _tap in range(2):
        assert client.post("/diary/night", data=form, follow_redirects=False).status_code == 303
        offer = UNDO_OFFER.search(client.get("/diary").text)
        offers.append(offer.group(1) if offer else None)
    assert offers[0] is not None and offers[1] == offers[0]
