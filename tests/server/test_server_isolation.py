"""Isolation: user B walks EVERY route of the OpenAPI spec (and every page) with user A's ids and
dates, and never sees or changes anything of A's. On SQLite and on a real PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from serverkit import PASSWORD, Person, routes_of
from sqlalchemy import text

from crampcare.clinic.roles import grant_role

SECRET = "ann-secret-marker"
TOKEN_NAME = "ann-token-marker"
# Routes that end the caller's own session or account: walked last, so the rest run logged in.
LAST = {("POST", "/api/v1/auth/logout"), ("POST", "/api/v1/account/password"), ("DELETE", "/api/v1/account")}
METHOD_ORDER = {"GET": 0, "DELETE": 1, "PUT": 2, "POST": 2}


@dataclass
class Ann:
    person: Person
    dates: list[dt.date]
    assessment_id: int
    token_id: int
    share_id: int  # a one-time code ann made for a clinician, not used yet

    def snapshot(self) -> dict[str, Any]:
        """Everything of A's, read as A."""
        get = self.person.get
        return {
            "nights": get("/api/v1/nights").json(),
            "days": get("/api/v1/days").json(),
            "assessments": get("/api/v1/assessments").json(),
            "tokens": get("/api/v1/tokens").json(),
            "account": {k: v for k, v in get("/api/v1/account").json().items() if k != "expires_at"},
        }


@pytest.fixture
def ann(people: Callable[..., Person]) -> Ann:
    person = people("ann@example.org")
    start = dt.date.today() - dt.timedelta(days=10)
    dates = person.log_week(start, SECRET)
    edited = person.request("PUT", f"/api/v1/nights/{dates[1].isoformat()}",
                            json={"date": dates[1].isoformat(), "cramps": [], "notes": SECRET + " edited"},
                            headers={"If-Match": "*"})
    assert edited.status_code == 200  # A has something to undo
    saved = person.post("/api/v1/assess", json={"answers": {"age": 71, "weight_kg": 93}, "save": True})
    assert saved.status_code == 201
    assessment_id = int(saved.headers["location"].rsplit("/", 1)[1])
    token = person.post("/api/v1/tokens", json={"name": TOKEN_NAME})
    assert token.status_code == 201
    shared = person.client.post("/sharing/invite", data={"method": "code", "scope": ["diary", "assessments", "reports"],
                                                         "csrf_token": person.form_token("/sharing")})
    assert shared.status_code == 200
    with person.client.app.state.engine.connect() as conn:  # type: ignore[attr-defined]
        share_id = conn.execute(text("SELECT max(id) FROM clinic_shares")).scalar_one()
    return Ann(person, dates, assessment_id, token.json()["id"], share_id)


def path_values(ann: Ann) -> dict[str, list[str]]:
    return {
        "date": [ann.dates[0].isoformat(), ann.dates[1].isoformat()],
        "assessment_id": [str(ann.assessment_id)],
        "token_id": [str(ann.token_id)],
        "kind": ["night", "day"],
        "topic": ["causes"],
        "share_id": [str(ann.share_id)],
    }


def fill(path: str, values: dict[str, list[str]]) -> list[str]:
    """Every concrete URL for ``path`` with A's values (fails on a parameter it does not know)."""
    urls = [path]
    for name in re.findall(r"\{(\w+)\}", path):
        assert name in values, f"add test values for the path parameter {name!r} of {path}"
        urls = [u.replace("{" + name + "}", v) for u in urls for v in values[name]]
    return urls


def body_for(method: str, path: str, url: str, ann: Ann, operation: dict[str, Any]) -> dict[str, Any]:
    """A plausible request for B, aimed at A's dates and account."""
    date = ann.dates[0].isoformat()
    in_path = re.search(r"\d{4}-\d{2}-\d{2}", url)
    date = in_path.group(0) if in_path else date
    bodies: dict[str, dict[str, Any]] = {
        "/api/v1/nights": {"json": {"date": date, "cramps": [], "notes": "bob"}},
        "/api/v1/nights/{date}": {"json": {"date": date, "cramps": [], "notes": "bob"}},
        "/api/v1/days": {"json": {"date": date, "notes": "bob"}},
        "/api/v1/days/{date}": {"json": {"date": date, "notes": "bob"}},
        "/api/v1/assess": {"json": {"answers": {"age": 30}, "save": True}},
        "/api/v1/import": {"content": f"date,notes\n{date},bob\n".encode(), "headers": {"content-type": "text/csv"}},
        # B tries A's e-mail: signing up again, or logging in or getting a token without A's password.
        "/api/v1/auth/signup": {"json": {"email": ann.person.email, "password": "bob's password!"}},
        "/api/v1/auth/login": {"json": {"email": ann.person.email, "password": "not ann's password"}},
        "/api/v1/tokens": {"json": {"name": "bob", "email": ann.person.email, "password": "not ann's password"}},
        "/api/v1/account/password": {"json": {"current_password": PASSWORD, "new_password": "bob's new password"}},
        "/api/v1/account": {"json": {"password": PASSWORD}},
    }
    if "requestBody" not in operation:
        return {}
    assert path in bodies, f"add a test body for {method} {path}"
    return bodies[path]


def assert_nothing_of_anns(text: str, ann: Ann, where: str) -> None:
    for marker in (SECRET, TOKEN_NAME, ann.person.csrf):
        assert marker not in text, (where, marker)
    if ann.person.email in text:
        raise AssertionError(f"{where}: shows A's e-mail")


@pytest.mark.parametrize("via", ["session", "bearer"])
def test_b_walks_every_api_route_with_as_ids_and_sees_nothing(app: FastAPI, people: Callable[..., Person],
                                                               ann: Ann, via: str) -> None:
    bob = people("bob@example.org")
    if via == "bearer":
        bob.bearer = bob.post("/api/v1/tokens", json={"name": "bob"}).json()["token"]
        bob.client.cookies.clear()
    before = ann.snapshot()
    values = path_values(ann)
    spec = app.openapi()
    operations = [(method.upper(), path) for path, item in spec["paths"].items() for method in item]
    specs = {(method.upper(), path): op for path, item in spec["paths"].items() for method, op in item.items()}
    assert len(operations) >= 25 and ("DELETE", "/api/v1/tokens/{token_id}") in operations
    operations.sort(key=lambda op: (op in LAST, METHOD_ORDER.get(op[0], 3)))
    walked = 0
    for method, path in operations:
        for url in fill(path, values):
            request = body_for(method, path, url, ann, specs[method, path])
            response = bob.request(method, url, **request)
            where = f"{via} {method} {url} -> {response.status_code}"
            walked += 1
            assert response.status_code < 500, (where, response.text[:300])
            assert_nothing_of_anns(response.text, ann, where)
            if "{" in path and method in ("GET", "DELETE") and (method, path) not in LAST:
                assert response.status_code == 404, (where, response.text[:300])
            if method != "GET" or "{" in path or response.status_code != 200:
                continue
            # Lists and summaries: nothing of A's (B had logged nothing before these GETs).
            if response.headers["content-type"].startswith("application/json") and path != "/openapi.json":
                data = response.json()
                if isinstance(data, list) and path not in ("/api/v1/tokens", "/api/v1/questionnaire"):
                    assert data == [], where
            for date in ann.dates:
                if path.startswith(("/api/v1/nights", "/api/v1/days", "/api/v1/export", "/api/v1/account")):
                    assert date.isoformat() not in response.text, where
            if path == "/api/v1/insights":
                assert response.json()["nights_logged"] == 0, where
            if path == "/api/v1/tokens":
                assert all(t["id"] != ann.token_id for t in response.json()), where
    assert walked >= len(operations)
    assert ann.snapshot() == before  # A's data exactly as it was
    assert ann.person.get("/api/v1/nights").status_code == 200  # and A is still logged in


@pytest.mark.parametrize("role", ["patient", "clinician"])
def test_b_walks_every_page_with_as_ids_and_sees_nothing(app: FastAPI, people: Callable[..., Person],
                                                         ann: Ann, role: str) -> None:
    """Every page of every router (diary, accounts, sharing and clinic, downloads, the interview), as a
    patient and as a clinician ann shares nothing with."""
    bob = people("bob@example.org")
    if role == "clinician":
        grant_role(app.state.engine, bob.email, "clinician")
        assert bob.log_in().status_code == 200  # a role change ends the account's sessions
    before = ann.snapshot()
    values = path_values(ann)
    pages = [r for r in routes_of(app.routes) if isinstance(r, APIRoute) and not r.path.startswith("/api/")]
    gets = [(m, r.path) for r in pages for m in sorted(r.methods) if m == "GET"]
    posts = [(m, r.path) for r in pages for m in sorted(r.methods) if m == "POST"]
    assert ("GET", "/diary/night/{date}") in gets and ("POST", "/account/tokens/{token_id}/delete") in posts
    assert ("GET", "/clinic/patients/{share_id}/history.fhir.json") in gets and ("GET", "/report.pdf") in gets
    assert ("POST", "/clinic/invites/{share_id}/accept") in posts and ("POST", "/sharing/{share_id}/revoke") in posts
    for _method, path in gets:
        for url in fill(path, values):
            response = bob.client.get(url, follow_redirects=False)
            where = f"GET {url} -> {response.status_code}"
            assert response.status_code < 500, where
            assert_nothing_of_anns(response.text, ann, where)
            if "{" in path and not path.startswith("/learn"):
                assert response.status_code == 404, where
            for date in ann.dates:
                assert f'id="d-{date.isoformat()}"' not in response.text, where
            if response.status_code == 200 and path.startswith(("/export/", "/report")):  # bob's own, empty
                assert all(date.isoformat() not in response.text for date in ann.dates), where
    # Deleting or editing A's records through the pages: 404, or B's own record at that date.
    for _method, path in posts:
        if "{" not in path or path == "/diary/night/{date}":
            continue
        for url in fill(path, values):
            response = bob.post(url, data={}, follow_redirects=False)
            assert response.status_code == 404, f"POST {url} -> {response.status_code}"
    for date in values["date"]:
        edit = bob.post(f"/diary/night/{date}", data={"count": "0", "notes": "bob"}, follow_redirects=False)
        assert edit.status_code in (303, 422)
    assert ann.snapshot() == before


def test_each_store_query_is_scoped_to_the_session_user(app: FastAPI, people: Callable[..., Person]) -> None:
    """The owner comes only from the session: no query parameter or body field can name another one."""
    ann, bob = people("ann@example.org"), people("bob@example.org")
    ann.log_week(dt.date.today() - dt.timedelta(days=8), SECRET)
    owner = app.state.accounts.authenticate(ann.email, PASSWORD).owner_id
    for url in (f"/api/v1/nights?owner={owner}", f"/api/v1/export?format=json&owner={owner}",
                f"/diary?owner={owner}"):
        response = bob.get(url)
        assert response.status_code == 200 and SECRET not in response.text, url
    smuggled = bob.post("/api/v1/nights", json={"date": "2026-01-05", "cramps": [], "owner": owner})
    assert smuggled.status_code == 422  # unknown field, not a way in
    assert json.dumps(ann.get("/api/v1/nights").json()).count(SECRET) == 7
