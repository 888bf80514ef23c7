"""``HEAD`` answers like ``GET`` without the body on every page, API route and static file (uptime
monitors and link checkers use it; ``HEAD /now`` was a 405). Server mode: tests/server/test_server_head.py."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient

DATE = (dt.date.today() - dt.timedelta(days=3)).isoformat()
PATHS = ["/now", "/", "/diary", "/learn", "/api/v1/health", "/api/v1/nights", f"/api/v1/nights/{DATE}",
         "/api/v1/insights", "/openapi.json", "/export/diary.csv", "/static/now.js", "/no-such-page",
         f"/api/v1/days/{DATE}"]


@pytest.fixture
def logged(client: TestClient) -> TestClient:
    cramp = {"start": "02:10", "duration_s": 60, "leg": "left", "muscles": ["calf"], "severity": 5}
    assert client.post("/api/v1/nights", json={"date": DATE, "cramps": [cramp]}).status_code == 201
    return client


def test_head_is_get_without_the_body(logged: TestClient) -> None:
    for path in PATHS:
        # Not compressed: a page's random form keys compress to lengths that differ by a few bytes.
        got = logged.get(path, headers={"Accept-Encoding": "identity"})
        head = logged.head(path, headers={"Accept-Encoding": "identity"})
        assert (head.status_code, head.content) == (got.status_code, b""), path
        assert {k: v for k, v in head.headers.items() if k != "set-cookie"} == {
            k: v for k, v in got.headers.items() if k != "set-cookie"}, path  # Content-Length, ETag, caching, CSP


def test_head_changes_nothing_and_is_listed_where_get_is(logged: TestClient) -> None:
    refused = logged.head("/api/v1/undo")  # a POST-only route: HEAD is not a way to reach it
    assert refused.status_code == 405 and refused.headers["allow"] == "POST"
    assert len(logged.get(f"/api/v1/nights/{DATE}").json()["cramps"]) == 1
    assert logged.put("/now").headers["allow"] == "GET, HEAD"
    assert logged.post(f"/api/v1/nights/{DATE}").headers["allow"] == "GET, HEAD, PUT, DELETE"
    compressed = logged.head("/now", headers={"Accept-Encoding": "gzip"})
    assert compressed.headers["content-encoding"] == "gzip" and compressed.content == b""
