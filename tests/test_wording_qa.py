"""Wording and same-input-same-result defects found by QA: refusals that named raw question ids,
an e-mail the sign-up page took and the JSON API refused, and a web import that said
"Diary imported." when nothing was added."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI

from crampcare.web.app import create_app
from crampcare.web.settings import Settings
from one_trip_client import OneTripClient

PASSWORD = "a long enough password 1"


# --------------------------------------------------------------------------- 2. e-mail with spaces, API = page


@pytest.fixture
def server(new_migrated_sqlite: Callable[[Path], str], tmp_path: Path) -> Iterator[FastAPI]:
    app = create_app(Settings(db=new_migrated_sqlite(tmp_path / "server.db"), mode="server"))
    try:
        yield app
    finally:
        app.state.engine.dispose()


def test_the_json_sign_up_takes_an_e_mail_with_spaces_like_the_sign_up_page(server: FastAPI) -> None:
    """The page normalised " Ann@Example.org " (NFKC, trimmed, lower case); the API refused it with 422."""
    api = OneTripClient(server).post("/api/v1/auth/signup", json={"email": "  Ann@Example.org ", "password": PASSWORD})
    assert api.status_code == 201, api.text
    assert api.json()["user"]["email"] == "ann@example.org"
    browser = OneTripClient(server)
    token = browser.get("/signup").text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    page = browser.post("/signup", data={"email": " Bob@Example.org  ", "password": PASSWORD,
                                         "password_again": PASSWORD, "csrf_token": token}, follow_redirects=False)
    assert page.status_code == 303, page.text
    # The same address, typed either way, is the same account: both clients say so alike.
    again = OneTripClient(server).post("/api/v1/auth/signup", json={"email": " BOB@example.org", "password": PASSWORD})
    assert again.status_code == 409, again.text
    bad = OneTripClient(server).post("/api/v1/auth/signup", json={"email": " not an address ", "password": PASSWORD})
    assert bad.status_code == 422 and bad.json()["error"]["fields"][0]["field"] == "email"
