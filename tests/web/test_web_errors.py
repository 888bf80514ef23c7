"""Bad input is never a 500: garbage to every route, the 1 MB limit, one error shape."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from crampcare.web.app import create_app
from crampcare.web.settings import MB, Settings
from depth import combinations
from one_trip_client import OneTripClient

GARBAGE_BODIES: list[bytes] = [
    b"",
    b"\x00\xff\xfe\x01garbage",
    b"{",
    b"[]",
    b"null",
    b'"text"',
    b"[" * 50_000,
    b'{"answers": 5, "save": "maybe"}',
    b'{"answers": {"age": 1e999}}',
    b'{"date": "9999-99-99", "cramps": "many"}',
    b'{"date": "2020-01-01", "cramps": [{"start": "25:61", "duration_s": 1e400}], "notes": "\\u0000"}',
    b'{"date": "2020-01-01", "notes": "nul \\u0000 inside", "tags": ["\\u0000"]}',
    b'{"format": "crampcare-diary", "version": 1, "nights": [{"date": "0001-01-01"}], "days": 7}',
    b'{"resourceType": "Bundle", "type": "collection", "entry": [{"resource": 5}]}',
    b"date,cramp1_severity,cramp1_start\n2020-01-01,99,xx\n9999-01-01,,\n",
    b"date,nonsense\n\x00,\n",
    "дата,😀\n".encode(),
    b"answers=%7B&action=result&age=abc&sex=%00&muscles=calf&muscles=zzz&date=0000-00-00&start=99:99"
    b"&duration=999999999999999999999&severity=-3&fluids=1e999&count=99999999999&c0_start=x&sitting_hours=nan",
]
CONTENT_TYPES = [
    "application/json",
    "text/csv",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=nope",
    "multipart/form-data",
]
PATH_VALUES = ["2020-01-01", "9999-99-99", "%00", "..%2F..", "night", "causes", "x" * 300]
QUERIES = ["", "?from=yesterday&to=2020-13-01&format=xml&lang=%3Cscript%3E&exercises=99:99&diary=x&done=%3Cb%3E",
           "?from=2020-01-02&to=2020-01-01", "?date=2020-01-01&done=deleted"]


@pytest.fixture(scope="module")
def app_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    db = tmp_path_factory.mktemp("garbage") / "diary.db"
    # raise_server_exceptions: a 500 fails the test loudly, with its traceback.
    with OneTripClient(create_app(Settings(db=str(db)))) as client:
        yield client


def routes(client: TestClient) -> list[tuple[str, str]]:
    """Every (method, path) the app serves: every router, the static mount and OpenAPI."""
    found = [("GET", "/static/app.css"), ("GET", "/openapi.json"), ("POST", "/static/app.css")]

    def api_routes(routes: list[Any]) -> list[APIRoute]:
        # Included routers are wrapped (FastAPI's _IncludedRouter): walk into the router they hold.
        out: list[APIRoute] = []
        for route in routes:
            if isinstance(route, APIRoute):
                out.append(route)
            elif hasattr(route, "original_router"):
                out += api_routes(route.original_router.routes)
        return out

    for route in api_routes(client.app.routes):  # type: ignore[attr-defined]
        for method in sorted(route.methods):
            if method != "HEAD":
                found.append((method, route.path))
    return found


def fill(path: str, value: str) -> str:
    import re

    return re.sub(r"\{[^}]+\}", value, path)


def test_every_route_is_listed(app_client: TestClient) -> None:
    listed = {path for _method, path in routes(app_client)}
    for expected in ("/api/v1/assess", "/api/v1/nights/{date}", "/api/v1/import", "/diary/night", "/now", "/assess",
                     "/reminders", "/export/cramps.csv", "/manifest.webmanifest", "/diary/offline"):
        assert expected in listed
    assert len(listed) > 30


@pytest.mark.slow
def test_garbage_to_every_route_is_never_a_500(app_client: TestClient) -> None:
    """Every body goes to every URL; the content types take turns (``CRAMPCARE_DEEP_TESTS=1``: every
    body with every content type, five times the requests)."""
    checked = posted_urls = 0
    for method, path in routes(app_client):
        for value in PATH_VALUES if "{" in path else [""]:
            url = fill(path, value)
            if method == "GET":
                for query in QUERIES:
                    for accept in ("application/json", "text/html"):
                        response = app_client.request(method, url + query, headers={"accept": accept})
                        assert response.status_code < 500, (method, url + query, response.text[:300])
                        checked += 1
                continue
            for body, content_type in combinations(GARBAGE_BODIES, CONTENT_TYPES, turn=posted_urls):
                response = app_client.request(method, url + QUERIES[1], content=body,
                                              headers={"content-type": content_type, "accept": "text/html"})
                assert response.status_code < 500, (method, url, content_type, body[:60], response.text[:300])
                checked += 1
            posted_urls += 1
    assert checked > 1000


def test_api_errors_share_one_shape(app_client: TestClient) -> None:
    for method, url, body in [
        ("GET", "/api/v1/nope", None),
        ("DELETE", "/api/v1/health", None),
        ("POST", "/api/v1/nights", b"{"),
        ("POST", "/api/v1/assess", b'{"answers": []}'),
        ("GET", "/api/v1/days/2020-02-30", None),
    ]:
        response = app_client.request(method, url, content=body, headers={"content-type": "application/json"})
        assert 400 <= response.status_code < 500
        error = response.json()["error"]
        assert set(error) == {"code", "message", "fields"}, url


def test_body_over_1_mb_is_refused_by_content_length(app_client: TestClient) -> None:
    big = b"x" * (MB + 1)
    response = app_client.post("/api/v1/days", content=big, headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"
    assert app_client.post("/api/v1/nights", content=big).status_code == 413


def test_body_over_1_mb_is_refused_when_streamed(app_client: TestClient) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(12):
            yield b"y" * 100_000

    response = app_client.post("/api/v1/days", content=chunks(), headers={"content-type": "application/json"})
    assert "content-length" not in response.request.headers
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"
    form = app_client.post("/diary/night", content=chunks(),
                           headers={"content-type": "application/x-www-form-urlencoded"})
    assert form.status_code == 413


def test_a_lying_content_length_is_counted(app_client: TestClient) -> None:
    # The header says 10 bytes; the stream carries more than 1 MB.
    import asyncio

    app = app_client.app
    messages = [{"type": "http.request", "body": b"z" * 600_000, "more_body": True},
                {"type": "http.request", "body": b"z" * 600_000, "more_body": False}]
    sent: list[dict[str, object]] = []

    async def receive() -> dict[str, object]:
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    async def send(message: dict[str, object]) -> None:
        sent.append(message)

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
             "path": "/api/v1/days", "raw_path": b"/api/v1/days", "query_string": b"", "root_path": "",
             "headers": [(b"content-type", b"application/json"), (b"content-length", b"10")], "client": ("127.0.0.1", 1),
             "server": ("127.0.0.1", 80)}
    asyncio.run(app(scope, receive, send))  # type: ignore[arg-type]
    start = next(m for m in sent if m["type"] == "http.response.start")
    assert start["status"] == 413


def test_html_errors_for_browsers(app_client: TestClient) -> None:
    response = app_client.get("/diary/night/1999-01-01", headers={"accept": "text/html"})
    assert response.status_code == 404 and "text/html" in response.headers["content-type"]
    assert "no night logged" in response.text
    api = app_client.get("/api/v1/nights/1999-01-01", headers={"accept": "text/html"})
    assert api.headers["content-type"].startswith("application/json")


def test_deeply_nested_json_import_is_refused(app_client: TestClient) -> None:
    response = app_client.post("/api/v1/import", content=b"[" * 100_000, headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert json.loads(response.text)["error"]["code"] == "validation_error"
