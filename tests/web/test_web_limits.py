"""Bad input found by the attack run (issue 10) is refused with a 4xx and a reason, and costs are
bounded: dates outside 1900..tomorrow, numbers as dates, zoned times, too many tags; and a 500
leaves the keep-alive connection usable.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx2
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from threaded_server import serve_in_thread
from typer.testing import CliRunner

from crampcare.cli import app as cli
from crampcare.config import load_config
from crampcare.diary.records import MAX_DISTINCT_TAGS, MAX_TAGS_PER_DAY
from crampcare.web.app import create_app
from crampcare.web.settings import MB, Settings
from loopback import loopback_client
from one_trip_client import OneTripClient


def days_ago(days: int, today: dt.date | None = None) -> str:
    """The date ``days`` before today (negative: after), read from the clock when the test runs: a module-level
    date is stale once midnight passes between collection and the test."""
    return ((today or dt.date.today()) - dt.timedelta(days=days)).isoformat()


CRAMP = {"start": "03:10", "duration_s": 60, "leg": "left", "muscles": ["calf"], "severity": 5}


def refused(response: httpx2.Response, field: str) -> None:
    assert response.status_code == 422, response.text
    fields = [item["field"] for item in response.json()["error"]["fields"]]
    assert any(field in name for name in fields), fields


@pytest.mark.parametrize("date", ["0001-01-01", "1899-12-31", "9999-12-31", 0, 1700000000, "1700000000",
                                  "2026-11-20T00:00:00"])
def test_dates_outside_1900_to_tomorrow_and_numbers_are_refused_everywhere(client: TestClient, date: object) -> None:
    refused(client.post("/api/v1/nights", json={"date": date}), "date")
    refused(client.post("/api/v1/days", json={"date": date}), "date")
    if isinstance(date, str):
        for url in (f"/api/v1/insights?from={date}", f"/api/v1/nights?to={date}", f"/api/v1/export?from={date}",
                    f"/api/v1/nights/{date}"):
            refused(client.get(url), "")
        assert client.get(f"/report.html?from={date}").status_code == 422
    assert client.get("/api/v1/nights").json() == []


def test_the_first_and_last_allowed_dates_are_kept(client: TestClient) -> None:
    for date in ("1900-01-01", days_ago(-1)):
        assert client.post("/api/v1/nights", json={"date": date}).status_code == 201
    assert client.get("/report.html").status_code == 200
    assert client.get("/api/v1/insights?from=1900-01-01").status_code == 200


@pytest.mark.parametrize("start", ["03:10+01:00", "03:10:00Z", 11400, "3:10", "24:00"])
def test_cramp_times_are_local_clock_times(client: TestClient, start: object) -> None:
    # Two nights back: a well-formed 03:10 there has passed at any time of day, so only the time's form is refused.
    refused(client.post("/api/v1/nights", json={"date": days_ago(2), "cramps": [{**CRAMP, "start": start}]}),
            "cramps[0].start")


def test_tags_are_bounded_per_day_in_length_and_in_number(client: TestClient) -> None:
    today = dt.date.today()
    yesterday = days_ago(1, today)
    too_many = [f"tag{i}" for i in range(MAX_TAGS_PER_DAY + 1)]
    refused(client.post("/api/v1/days", json={"date": yesterday, "tags": too_many}), "tags")
    refused(client.post("/api/v1/days", json={"date": yesterday, "tags": ["x" * 41]}), "tags[0]")
    for day in range(MAX_DISTINCT_TAGS // MAX_TAGS_PER_DAY):
        tags = [f"t{day}-{i}" for i in range(MAX_TAGS_PER_DAY)]
        date = (today - dt.timedelta(days=day + 2)).isoformat()
        assert client.post("/api/v1/days", json={"date": date, "tags": tags}).status_code == 201
    # 200 different tags stored: one more is refused, reusing them is fine, replacing a day frees its tags.
    one_more = client.post("/api/v1/days", json={"date": yesterday, "tags": ["brand new"]})
    refused(one_more, "tags")
    assert "201 different tags" in one_more.json()["error"]["message"]
    assert client.post("/api/v1/days", json={"date": yesterday, "tags": ["t0-1", "t3-4"]}).status_code == 201
    csv = "date,tags\n" + f"{(today - dt.timedelta(days=40)).isoformat()},another new one\n"
    refused(client.post("/api/v1/import", content=csv, headers={"Content-Type": "text/csv"}), "tags")
    oldest = (today - dt.timedelta(days=2)).isoformat()
    etag = client.get(f"/api/v1/days/{oldest}").headers["etag"]
    assert client.put(f"/api/v1/days/{oldest}", json={"date": oldest, "tags": ["brand new"]},
                      headers={"If-Match": etag}).status_code == 200


@pytest.fixture
def failing_app(tmp_path: Path, new_migrated_sqlite: Callable[[Path], str]) -> FastAPI:
    app = create_app(Settings(db=new_migrated_sqlite(tmp_path / "diary.db")))

    @app.get("/api/v1/test-failure")
    def failure() -> None:
        raise RuntimeError("a bug")

    return app


def test_a_500_is_answered_in_the_error_shape_without_raising(failing_app: FastAPI) -> None:
    with OneTripClient(failing_app) as client:  # raises if the exception escapes the app
        response = client.get("/api/v1/test-failure")
    assert response.status_code == 500 and response.json()["error"]["code"] == "internal_error"
    assert response.headers["x-content-type-options"] == "nosniff"


@pytest.fixture
def live(failing_app: FastAPI) -> Iterator[str]:
    yield from serve_in_thread(failing_app)


def test_after_a_500_the_next_request_on_the_same_connection_is_answered(live: str) -> None:
    connections: set[int] = set()
    with loopback_client(live, timeout=10) as client:
        for url in ("/api/v1/test-failure", "/api/v1/health", "/api/v1/test-failure", "/api/v1/nights"):
            response = client.get(url, extensions={"trace": lambda name, info: connections.add(id(info.get(
                "return_value"))) if name == "connection.connect_tcp.complete" else None})
            assert response.status_code == (500 if "failure" in url else 200)
    assert len(connections) == 1  # one TCP connection served all four


def test_a_csv_cell_over_the_field_limit_is_a_422(client: TestClient) -> None:
    body = f"date,night_notes\n{days_ago(1)}," + "x" * 140_000 + "\n"
    response = client.post("/api/v1/import", content=body, headers={"Content-Type": "text/csv"})
    assert response.status_code == 422 and "longer than 131,072 characters" in response.json()["error"]["message"]


@pytest.mark.parametrize("answers", ['{"muscles": [["calf"]]}', '{"age": [[1]]}', '{"sex": {"a": [1]}}', "[[1]]"])
def test_nested_answers_to_save_are_a_422(client: TestClient, answers: str) -> None:
    response = client.post("/assess/save", data={"answers": answers}, headers={"Origin": "http://testserver"})
    assert response.status_code == 422, response.text[:300]
    assert client.get("/api/v1/assessments").json() == []


def test_a_diary_kept_busy_by_another_program_is_a_503_with_the_reason(sqlite_url: str) -> None:
    import sqlite3

    # The app's `busy_timeout` setting: 5 tries of 0.2 s instead of 5 of 10 s.
    yesterday = days_ago(1)
    with OneTripClient(create_app(Settings(db=sqlite_url, busy_timeout=0.2))) as client:
        assert client.post("/api/v1/nights", json={"date": yesterday}).status_code == 201
        holder = sqlite3.connect(sqlite_url.removeprefix("sqlite:///"), isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")  # a CLI import holding the write lock
        try:
            busy = client.post("/api/v1/days", json={"date": yesterday, "fluids_ml": 1500})
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        assert busy.status_code == 503 and busy.headers["retry-after"]
        assert "the diary is busy: another crampcare process" in busy.json()["error"]["message"]
        assert client.post("/api/v1/days", json={"date": yesterday, "fluids_ml": 1500}).status_code == 201


# ----------------------------------------------------------------------------- a diary file over 1 MB

@pytest.fixture(scope="module")
def diary_export(tmp_path_factory: pytest.TempPathFactory,
                migrated_sqlite_template: Path) -> tuple[bytes, str]:
    """200 days' FHIR export (over 2 MB, made once) and the JSON export of the diary `crampcare import` made of it."""
    folder = tmp_path_factory.mktemp("year")
    runner = CliRunner()
    source, target, fhir = folder / "source.db", folder / "target.db", folder / "year.fhir.json"
    assert runner.invoke(cli, ["simulate", "--days", "200", "--seed", "1", "--db", str(source)]).exit_code == 0
    assert runner.invoke(cli, ["export", "--format", "fhir", "--db", str(source), "--out", str(fhir)]).exit_code == 0
    target.write_bytes(migrated_sqlite_template.read_bytes())
    assert runner.invoke(cli, ["import", str(fhir), "--db", str(target)]).exit_code == 0
    imported = runner.invoke(cli, ["export", "--format", "json", "--db", str(target)])
    assert imported.exit_code == 0
    body = fhir.read_bytes()
    assert 1.5 * MB < len(body) < 16 * MB  # over the 1 MB every other request is held to
    return body, imported.stdout


def test_a_200_day_fhir_export_imports_through_the_api_as_through_the_cli(
        client: TestClient, diary_export: tuple[bytes, str]) -> None:
    body, by_cli = diary_export
    response = client.post("/api/v1/import", content=body, headers={"content-type": "application/fhir+json"})
    assert response.status_code == 200, response.text[:300]
    assert response.json()["nights_added"] > 150
    assert client.get("/api/v1/export?format=json").text == by_cli


def test_a_200_day_fhir_export_imports_through_the_diary_page_as_through_the_cli(
        client: TestClient, diary_export: tuple[bytes, str]) -> None:
    body, by_cli = diary_export
    response = client.post("/diary/import", files={"file": ("diary.fhir.json", body, "application/fhir+json")},
                           headers={"Origin": "http://testserver"}, follow_redirects=False)
    assert response.status_code == 303, response.text[:300]
    assert client.get("/api/v1/export?format=json").text == by_cli


@pytest.fixture
def small_import_limit(tmp_path: Path, new_migrated_sqlite: Callable[[Path], str]) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(db=new_migrated_sqlite(tmp_path / "diary.db"), max_import_bytes=MB + MB // 2))) as client:
        yield client


def test_a_file_over_the_import_limit_is_a_413_with_the_limit_and_the_cli_and_nothing_is_stored(
        small_import_limit: TestClient, diary_export: tuple[bytes, str]) -> None:
    client = small_import_limit
    body = diary_export[0]

    def chunks() -> Iterator[bytes]:
        for start in range(0, len(body), 500_000):
            yield body[start:start + 500_000]

    refusals = [
        client.post("/api/v1/import", content=body, headers={"content-type": "application/fhir+json"}),
        client.post("/api/v1/import", content=chunks(), headers={"content-type": "application/fhir+json"}),
        client.post("/diary/import", files={"file": ("diary.fhir.json", body)}, headers={"Origin": "http://testserver"}),
    ]
    for response in refusals:
        assert response.status_code == 413, response.text[:300]
        message = response.json()["error"]["message"]
        assert "larger than 1.5 MB" in message and "crampcare import" in message, message
        assert "\n" not in message
    assert client.get("/api/v1/nights").json() == [] and client.get("/api/v1/days").json() == []


def test_other_routes_still_refuse_a_body_over_1_mb(client: TestClient) -> None:
    big = b'{"date": "' + b"x" * MB + b'"}'
    for url in ("/api/v1/nights", "/api/v1/days", "/api/v1/assess"):
        response = client.post(url, content=big, headers={"content-type": "application/json"})
        assert response.status_code == 413, url
        assert "larger than 1 MB" in response.json()["error"]["message"]
    form = client.post("/diary/night", content=b"notes=" + b"x" * MB, headers={
        "content-type": "application/x-www-form-urlencoded", "Origin": "http://testserver"})
    assert form.status_code == 413


def test_the_import_limit_is_lower_on_a_server_and_set_by_the_operator(monkeypatch: pytest.MonkeyPatch) -> None:
    local, server = Settings(), Settings(mode="server")
    assert (local.body_limit("/api/v1/import"), local.body_limit("/diary/import")) == (64 * MB, 64 * MB)
    assert server.body_limit("/api/v1/import") == server.body_limit("/diary/import") == 16 * MB
    assert local.body_limit("/api/v1/nights") == server.body_limit("/diary/night") == MB
    operator = Settings.from_config(load_config({"mode": "server", "import_limit_mb": 40}))
    assert operator.body_limit("/api/v1/import") == 40 * MB and operator.body_limit("/api/v1/days") == MB
    monkeypatch.setenv("CRAMPCARE_IMPORT_LIMIT_MB", "8")
    assert Settings.from_config(load_config()).body_limit("/diary/import") == 8 * MB


# ------------------------------------------- a browser's form over the limit gets a page, not JSON

BROWSER = {"Origin": "http://testserver", "Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
TOO_BIG_FILE = b"x" * (2 * MB)  # over the 1.5 MB import limit of `small_import_limit`


@pytest.mark.parametrize(("language", "words"), [
    ("en", ["larger than 1.5 MB", "crampcare import FILE", "crampcare export --from"]),
    ("ru", ["файл больше 1.5 МБ", "crampcare import ФАЙЛ", "crampcare export --from"]),
])
def test_a_page_upload_over_the_import_limit_is_a_page_in_the_persons_language_with_a_way_back(
        small_import_limit: TestClient, language: str, words: list[str]) -> None:
    response = small_import_limit.post("/diary/import", files={"file": ("diary.fhir.json", TOO_BIG_FILE)},
                                       headers={**BROWSER, "Accept-Language": language})
    assert response.status_code == 413
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["content-language"] == language and response.headers["connection"] == "close"
    page = response.text.replace("&#39;", "'")
    assert all(word in page for word in words), page
    assert 'href="/diary"' in page and f'lang="{language}"' in page
    assert small_import_limit.get("/api/v1/nights").json() == []


def test_the_api_keeps_its_json_413_even_when_html_is_accepted(small_import_limit: TestClient) -> None:
    response = small_import_limit.post("/api/v1/import", content=TOO_BIG_FILE,
                                       headers={**BROWSER, "content-type": "application/fhir+json"})
    assert response.status_code == 413 and response.headers["content-type"] == "application/json"
    assert "larger than 1.5 MB" in response.json()["error"]["message"]


@pytest.mark.parametrize(("language", "words"), [
    ("en", ["larger than 1 MB", "shorten"]),
    ("ru", ["больше 1 МБ", "сократите"]),
])
def test_a_night_form_over_1_mb_is_a_page_that_says_to_shorten_it(
        client: TestClient, language: str, words: list[str]) -> None:
    response = client.post("/diary/night", content=b"notes=" + b"x" * MB, headers={
        **BROWSER, "content-type": "application/x-www-form-urlencoded", "Accept-Language": language})
    assert response.status_code == 413 and response.headers["content-type"].startswith("text/html")
    assert all(word in response.text for word in words), response.text
    assert 'href="/diary"' in response.text
    assert client.get("/api/v1/nights").json() == []


def _call(app: FastAPI, path: str, chunks: list[bytes],
          headers: list[tuple[bytes, bytes]]) -> tuple[int, int, bytes, list[tuple[bytes, bytes]]]:
    """The status, body and headers of a raw ASGI POST, and how many of ``chunks`` the app asked for."""
    import anyio

    asked = 0
    messages: list[dict[str, object]] = []

    async def receive() -> dict[str, object]:
        nonlocal asked
        asked += 1
        if asked > len(chunks):
            return {"type": "http.disconnect"}
        return {"type": "http.request", "body": chunks[asked - 1], "more_body": asked < len(chunks)}

    async def send(message: dict[str, object]) -> None:
        messages.append(message)

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
             "path": path, "raw_path": path.encode(), "root_path": "", "query_string": b"",
             "server": ("testserver", 80), "client": ("127.0.0.1", 5000),
             "headers": [(b"host", b"testserver"), (b"origin", b"http://testserver"),
                         (b"accept", b"text/html"), *headers]}
    anyio.run(app, scope, receive, send)
    start = next(m for m in messages if m["type"] == "http.response.start")
    body = b"".join(bytes(m.get("body", b"")) for m in messages if m["type"] == "http.response.body")  # type: ignore[call-overload]
    return int(str(start["status"])), asked, body, list(start["headers"])  # type: ignore[call-overload]


def test_a_page_form_over_the_limit_is_refused_without_reading_on(
        tmp_path: Path, new_migrated_sqlite: Callable[[Path], str]) -> None:
    app = create_app(Settings(db=new_migrated_sqlite(tmp_path / "diary.db"), max_import_bytes=MB + MB // 2))
    boundary = b"b0undary"
    head = b"--" + boundary + b'\r\nContent-Disposition: form-data; name="file"; filename="d.json"\r\n\r\n'
    chunks = [head, *[b"x" * (MB // 2)] * 8, b"\r\n--" + boundary + b"--\r\n"]
    multipart = (b"content-type", b"multipart/form-data; boundary=" + boundary)
    declared = (b"content-length", str(sum(map(len, chunks))).encode())
    # Content-Length over the limit: refused before a byte is read.
    status, asked, body, headers = _call(app, "/diary/import", chunks, [multipart, declared])
    assert (status, asked) == (413, 0) and b"crampcare import" in body and b'href="/diary"' in body
    # No Content-Length (chunked): refused at the chunk that crosses 1.5 MB, the rest never asked for.
    status, asked, body, headers = _call(app, "/diary/import", chunks, [multipart])
    assert status == 413 and asked == 4 and b"crampcare import" in body and b'href="/diary"' in body
    # A form the route was already reading when it crossed 1 MB: the same page, the same way back.
    form = [b"notes=", *[b"x" * (MB // 4)] * 6]
    status, asked, body, headers = _call(app, "/diary/night", form, [(b"content-type", b"application/x-www-form-urlencoded")])
    assert status == 413 and asked == 5 and b"shorten the longest text" in body and b'href="/diary"' in body
    assert (b"connection", b"close") in headers
