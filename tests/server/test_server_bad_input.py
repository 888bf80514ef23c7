"""Bad input in server mode, on SQLite and on a real PostgreSQL: a 4xx with a reason, nothing
stored changed, nothing echoed unescaped; never a 500.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from serverkit import PASSWORD, Person, server_app
from sqlalchemy import select, text

from crampcare.accounts.models import UserRow
from crampcare.web.settings import MB
from depth import combinations
from one_trip_client import OneTripClient

SCRIPT = "<script>alert(1)</script>"
SQL = "'; DROP TABLE nights; --"
NASTY = [SCRIPT, SQL, f"{SCRIPT}@example.org", f"{SQL}@example.org", "ann@example.org<script>", "a@b.c'--",
         "\"a\"@example.org", "a@example.org\x00", "a" * 400 + "@example.org", " ", ""]
CREDENTIAL_ROUTES = {("POST", "/login"), ("POST", "/signup"), ("POST", "/api/v1/auth/login"),
                     ("POST", "/api/v1/auth/signup")}


def users(app: FastAPI) -> list[str]:
    with app.state.engine.connect() as conn:
        return sorted(conn.execute(select(UserRow.email)).scalars())


def nights_table_rows(app: FastAPI) -> int:
    with app.state.engine.connect() as conn:
        return int(conn.execute(text("SELECT count(*) FROM nights")).scalar_one())


def snapshot(person: Person) -> dict[str, Any]:
    return {"nights": person.get("/api/v1/nights").json(), "days": person.get("/api/v1/days").json(),
            "assessments": person.get("/api/v1/assessments").json(), "tokens": person.get("/api/v1/tokens").json()}


def no_raw_echo(response: Any, *values: str) -> None:
    for value in values:
        if "<" in value:
            assert value not in response.text, (response.request.url, value)


@pytest.fixture(scope="module")
def signup_app(module_migrated_db_url: str) -> Iterator[FastAPI]:
    """One app per back end for every nasty e-mail address: each is refused, so no test changes it
    (and each checks that there is still nobody signed up)."""
    application = server_app(module_migrated_db_url)
    try:
        yield application
    finally:
        application.state.engine.dispose()


@pytest.mark.parametrize("email", NASTY)
def test_script_or_sql_in_the_e_mail_is_refused_with_a_reason(signup_app: FastAPI, email: str) -> None:
    client = OneTripClient(signup_app)
    api = client.post("/api/v1/auth/signup", json={"email": email, "password": PASSWORD})
    assert api.status_code == 422, (email, api.text)
    error = api.json()["error"]
    assert error["code"] == "validation_error" and error["fields"][0]["field"] == "email"
    no_raw_echo(api, email)
    page = client.get("/signup")
    token = page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    form = client.post("/signup", data={"email": email, "password": PASSWORD, "password_again": PASSWORD,
                                        "csrf_token": token})
    assert form.status_code == 422 and "valid e-mail" in form.text
    no_raw_echo(form, email)
    login = client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert login.status_code in (401, 422)
    no_raw_echo(login, email)
    assert users(signup_app) == []


def test_script_and_sql_in_notes_are_kept_as_plain_text(app: FastAPI, people: Callable[..., Person]) -> None:
    ann = people("ann@example.org")
    date = (dt.date.today() - dt.timedelta(days=2)).isoformat()
    note = f"{SCRIPT} {SQL}"
    assert ann.post("/api/v1/nights", json={"date": date, "cramps": [], "notes": note}).status_code == 201
    assert ann.get(f"/api/v1/nights/{date}").json()["notes"] == note  # stored verbatim, as data
    assert nights_table_rows(app) == 1  # the table is still there
    token = ann.form_token("/diary")
    day = ann.client.post("/diary/day", data={"date": date, "notes": note, "tags": SCRIPT, "csrf_token": token},
                          follow_redirects=False)
    assert day.status_code == 303
    for url in (f"/diary/night/{date}", f"/diary/day/{date}", "/diary", "/report.html"):
        page = ann.client.get(url)
        assert page.status_code == 200 and SCRIPT not in page.text, url
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in ann.client.get(f"/diary/night/{date}").text
    assert ann.get(f"/api/v1/days/{date}").json()["notes"] == note


def test_malformed_and_oversized_requests_change_nothing(app: FastAPI, people: Callable[..., Person]) -> None:
    ann = people("ann@example.org")
    ann.log_week(dt.date.today() - dt.timedelta(days=9), "kept")
    before = snapshot(ann)
    for method, url, body, content_type in [
        ("POST", "/api/v1/nights", b"{", "application/json"),
        ("POST", "/api/v1/nights", b'{"date": "2026-13-40", "cramps": "many"}', "application/json"),
        ("POST", "/api/v1/nights", b'{"date": "2020-01-01", "notes": "' + b"x" * 3000 + b'"}', "application/json"),
        ("POST", "/api/v1/days", b'{"date": "2020-01-01", "fluids_ml": -5}', "application/json"),
        ("PUT", "/api/v1/nights/2020-01-01", b'{"date": "2020-01-02", "cramps": []}', "application/json"),
        ("POST", "/api/v1/import", b"date,cramp1_severity\n2020-01-01,99\n", "text/csv"),
        ("POST", "/api/v1/import", b"[" * 100_000, "application/json"),
        ("POST", "/api/v1/auth/signup", b'{"email": "x@example.org", "password": "' + b"p" * 2000 + b'"}',
         "application/json"),
        ("POST", "/api/v1/auth/login", b'{"email": 5, "password": []}', "application/json"),
        ("POST", "/api/v1/tokens", b'{"name": ""}', "application/json"),
        ("POST", "/api/v1/account/password", b'{"current_password": "x"}', "application/json"),
        ("DELETE", "/api/v1/account", b"{}", "application/json"),
        ("DELETE", "/api/v1/tokens/99999999999999999999", b"", "application/json"),
        ("POST", "/api/v1/nights", b'{"date": "2020-01-01", "cramps": []}', "text/plain"),
        ("POST", "/api/v1/import", b"x" * (16 * MB + 1), "text/csv"),  # over the server's import limit
        ("POST", "/diary/night", b"date=2020-01-01&" + b"a" * (MB + 1), "application/x-www-form-urlencoded"),
    ]:
        response = ann.request(method, url, content=body, headers={"content-type": content_type})
        assert 400 <= response.status_code < 500, (method, url, response.status_code, response.text[:200])
        if url.startswith("/api/"):
            error = response.json()["error"]
            assert error["message"] and set(error) == {"code", "message", "fields"}
    assert snapshot(ann) == before
    assert users(app) == ["ann@example.org"]


def test_a_missing_or_wrong_csrf_token_is_refused_on_every_unsafe_route(
        app: FastAPI, people: Callable[..., Person]) -> None:
    from crampcare.web import accounts_pages, pages

    ann = people("ann@example.org")
    dates = ann.log_week(dt.date.today() - dt.timedelta(days=9), "kept")
    token_id = ann.post("/api/v1/tokens", json={"name": "phone"}).json()["id"]
    before = snapshot(ann)
    routes = [(method.upper(), path) for path, item in app.openapi()["paths"].items() for method in item]
    routes += [(m, r.path) for r in [*pages.router.routes, *accounts_pages.router.routes]
               if isinstance(r, APIRoute) for m in r.methods]
    unsafe = sorted({r for r in routes if r[0] in ("POST", "PUT", "DELETE", "PATCH")} - CREDENTIAL_ROUTES)
    assert len(unsafe) > 20
    values = {"date": dates[0].isoformat(), "token_id": str(token_id), "kind": "night", "assessment_id": "1"}
    # A real token with one middle character changed (the last one carries unused base64 bits,
    # so changing it may not change the token at all).
    tampered = ann.csrf[:10] + ("Q" if ann.csrf[10] != "Q" else "R") + ann.csrf[11:]
    for (method, path), csrf in itertools.product(unsafe, [None, "wrong", tampered, "%00" * 10]):
        url = path
        for name, value in values.items():
            url = url.replace("{" + name + "}", value)
        headers = {} if csrf is None else {"X-CSRF-Token": csrf}
        form = {"csrf_token": csrf} if csrf else {}
        for kwargs in ({"json": {"date": values["date"], "cramps": [], "password": PASSWORD}, "headers": headers},
                       {"data": {**form, "date": values["date"], "confirm": "yes", "delete_password": PASSWORD}}):
            response = ann.client.request(method, url, follow_redirects=False, **kwargs)
            assert response.status_code == 403, (method, url, csrf, response.status_code, response.text[:200])
            assert "security token" in response.text
    assert snapshot(ann) == before
    assert ann.get("/api/v1/account").status_code == 200  # still logged in, account intact


GARBAGE: list[bytes] = [
    b"",
    b"\x00\xff\xfe",
    b"{",
    b"null",
    b'{"date": "2020-01-01", "notes": "nul \\u0000 inside", "tags": ["\\u0000"]}',
    b'{"email": "a@b.org\\u0000", "password": "\\u0000\\u0000\\u0000\\u0000\\u0000\\u0000\\u0000\\u0000\\u0000\\u0000"}',
    b'{"name": "\\u0000", "current_password": 1, "new_password": null}',
    b"email=%00&password=%00&csrf_token=%00&name=%00&date=%00&count=9999999",
    b"date,notes\n2020-01-01,\x00\n",
]


@pytest.mark.slow
def test_garbage_to_every_route_while_logged_in_is_never_a_500(app: FastAPI,
                                                               people: Callable[..., Person]) -> None:
    from crampcare.web import accounts_api, accounts_pages, api, pages

    ann = people("ann@example.org")
    ann.log_week(dt.date.today() - dt.timedelta(days=9), "kept")
    routes = sorted({(m, r.path) for router in (api.router, pages.router, accounts_api.router, accounts_pages.router)
                     for r in router.routes if isinstance(r, APIRoute) for m in r.methods if m != "HEAD"})
    # Ending the session or the account last, so everything else runs logged in.
    routes.sort(key=lambda r: r[1] in ("/api/v1/auth/logout", "/logout", "/api/v1/account", "/account/delete"))
    checked = posted_urls = 0
    for method, path in routes:
        for value in (["2020-01-01", "99999999999999999999", "%00", "x" * 300] if "{" in path else [""]):
            url = path
            for name in ("date", "token_id", "assessment_id", "kind", "topic"):
                url = url.replace("{" + name + "}", value)
            if method == "GET":
                response = ann.client.get(url + "?from=%00&to=x&next=//evil&done=%3Cb%3E", follow_redirects=False)
                assert response.status_code < 500, (url, response.text[:300])
                checked += 1
                continue
            # Every body to every URL, the content types in turn (CRAMPCARE_DEEP_TESTS=1: every pair).
            for body, content_type in combinations(GARBAGE, ["application/json", "text/csv",
                                                             "application/x-www-form-urlencoded"], turn=posted_urls):
                response = ann.request(method, url, content=body, headers={"content-type": content_type},
                                       follow_redirects=False)
                assert response.status_code < 500, (method, url, content_type, body[:40], response.text[:300])
                checked += 1
            posted_urls += 1
    assert checked > 300
