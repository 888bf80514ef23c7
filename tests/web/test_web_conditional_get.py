"""A GET (or HEAD) of a night or a day whose ETag the client holds answers 304 Not Modified (RFC 9110 §13.1.2).

It answered 200 with the whole body again, so a client polling for a phone's changes re-read every record.
304 carries the same ETag and no body; any other version, or a change since, gets 200 and the new ETag.
"""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient

DATE = (dt.date.today() - dt.timedelta(days=3)).isoformat()
RECORDS = {"nights": {"date": DATE, "cramps": [{"start": "03:10", "duration_s": 60, "leg": "left",
                                                 "muscles": ["calf"], "severity": 5}]},
           "days": {"date": DATE, "stress": "high"}}
EDITS = {"nights": {"date": DATE, "cramps": [], "notes": "edited"}, "days": {"date": DATE, "stress": "some"}}


@pytest.mark.parametrize("kind", ["nights", "days"])
def test_the_version_held_is_not_sent_again(client: TestClient, kind: str) -> None:
    path = f"/api/v1/{kind}/{DATE}"
    assert client.post(f"/api/v1/{kind}", json=RECORDS[kind]).status_code == 201
    etag = client.get(path).headers["ETag"]
    for held in (etag, f"W/{etag}", f'"other", {etag}', "*"):
        for method in ("GET", "HEAD"):
            answer = client.request(method, path, headers={"If-None-Match": held})
            assert (answer.status_code, answer.headers["ETag"], answer.content) == (304, etag, b""), (method, held)
    other = client.get(path, headers={"If-None-Match": '"another-version"'})
    assert other.status_code == 200 and other.json()["date"] == DATE and other.headers["ETag"] == etag
    assert client.put(path, json=EDITS[kind], headers={"If-Match": etag}).status_code == 200
    changed = client.get(path, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert client.get(f"/api/v1/{kind}/{(dt.date.today() - dt.timedelta(days=9)).isoformat()}",
                      headers={"If-None-Match": "*"}).status_code == 404
