"""Issue 13 in server mode: every page a patient, a clinician and an admin see, every refusal (pages
and the JSON API's ``message`` texts) and the web app manifest are Russian when the browser asks
for Russian; the machine-readable error codes stay the same in every language."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from tests.i18n.leak import LIMIT, describe, latin_share
from tests.i18n.test_leak_web import RU, assert_russian

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "server"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "clinic"))

from clinickit import URGENT_ANSWERS, clinician, invite, log_nights, post_form, save_assessment
from serverkit import Person, server_app


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    application = server_app(f"sqlite:///{tmp_path_factory.mktemp('leak') / 'server.db'}", signup_limit=0)
    try:
        yield application
    finally:
        application.state.engine.dispose()


@pytest.fixture(scope="module")
def people(app: FastAPI) -> Iterator[dict[str, Any]]:
    """A patient who shares everything with a clinician, and an admin; all reading Russian."""
    clients: list[TestClient] = []

    def person(email: str) -> Person:
        client = TestClient(app)
        clients.append(client)
        return Person(client, email).sign_up()

    patient, doctor, admin = person("pat@example.org"), person("doc@example.org"), person("adm@example.org")
    clinician(app, doctor)
    clinician(app, admin, "admin")
    log_nights(patient, dt.date.today() - dt.timedelta(days=40), [i % 2 == 0 for i in range(40)])
    save_assessment(patient, URGENT_ANSWERS)
    share = invite(patient, doctor)  # in English: the helper reads the English dashboard
    for someone in (patient, doctor, admin):
        someone.client.headers.update(RU)
    try:
        yield {"patient": patient, "doctor": doctor, "admin": admin, "share": share}
    finally:
        for client in clients:
            client.close()


def _russian_pages(person: Person, pages: list[str], status: int = 200) -> None:
    for page in pages:
        response = person.client.get(page)
        assert response.status_code == status, (page, response.status_code)
        assert response.headers["content-language"] == "ru", page
        assert_russian(response.text, page)


def test_patient_pages(people: dict[str, Any]) -> None:
    patient = people["patient"]
    _russian_pages(patient, ["/", "/diary", "/insights", "/account", "/sharing"])
    code = post_form(patient, "/sharing", "/sharing/invite", {"method": "code", "scope": ["diary"]})
    assert code.status_code == 200
    assert_russian(code.text, "sharing page with a new code")
    _russian_pages(patient, ["/clinic", "/clinic/cohort", f"/clinic/patients/{people['share']}"], status=404)


def test_clinician_and_admin_pages(people: dict[str, Any]) -> None:
    share = people["share"]
    patient_pages = [f"/clinic/patients/{share}{tail}" for tail in ("", "/insights", "/diary", "/assessment",
                                                                    "/report.html")]
    _russian_pages(people["doctor"], ["/clinic", "/clinic/cohort", "/sharing", "/account", *patient_pages])
    _russian_pages(people["admin"], ["/clinic", "/clinic/cohort"])
    _russian_pages(people["admin"], patient_pages[:1], status=404)  # nothing shared with the admin


def test_login_signup_and_their_refusals(app: FastAPI) -> None:
    with TestClient(app, headers=RU) as client:
        visitor = Person(client, "new@example.org")
        _russian_pages(visitor, ["/login", "/signup"])
        assert_russian(client.get("/nosuch").text, "404 page")
        wrong = client.post("/login", data={"email": "pat@example.org", "password": "not the password",
                                            "csrf_token": visitor.form_token("/login")})
        assert wrong.status_code == 401
        assert_russian(wrong.text, "wrong password")
        differ = client.post("/signup", data={"email": "new@example.org", "password": "a long password",
                                              "password_again": "another one", "csrf_token": visitor.form_token("/signup")})
        assert differ.status_code == 422
        assert_russian(differ.text, "sign-up refused")


def test_account_form_refusals_and_csrf_page(people: dict[str, Any]) -> None:
    patient = people["patient"]
    refused = post_form(patient, "/account", "/account/password", {"current_password": "x", "new_password": "y",
                                                                   "new_password_again": "z"})
    assert refused.status_code == 422
    assert_russian(refused.text, "password change refused")
    csrf = patient.client.post("/diary/quiet", data={"date": "2026-01-01"})
    assert csrf.status_code == 403
    assert_russian(csrf.text, "CSRF refusal")


def _api_words(body: dict[str, Any]) -> str:
    """The texts a person reads; field paths (``cramps[0].severity``) are the API's names, like codes."""
    error = body["error"]
    message = error["message"]
    for field in error["fields"]:
        message = message.replace(f"{field['field']}: ", "")
    return " ".join([message, *(field["message"] for field in error["fields"])])


def test_api_messages_follow_the_language_and_codes_do_not(app: FastAPI, people: dict[str, Any]) -> None:
    patient = people["patient"]
    refusals = {
        "not_found": patient.get("/api/v1/nights/2020-01-01"),
        "validation_error": patient.post("/api/v1/nights", json={"date": "вчера", "cramps": [{"severity": 99}]}),
    }
    with TestClient(app, headers=RU) as anonymous:
        refusals["unauthorized"] = anonymous.get("/api/v1/nights")
        refusals["conflict"] = anonymous.post("/api/v1/auth/signup", json={"email": "pat@example.org",
                                                                           "password": "correct horse battery"})
    for code, response in refusals.items():
        body = response.json()
        assert body["error"]["code"] == code, body
        words = _api_words(body)
        assert any("а" <= ch <= "я" for ch in words.lower()), words
        assert latin_share(words) <= LIMIT, f"{code}: {describe(words)}"
    english = patient.get("/api/v1/nights/2020-01-01", headers={"Accept-Language": "en"}).json()
    assert english["error"] == {"code": "not_found", "message": "no night logged for 2020-01-01", "fields": []}


def test_manifest_and_offline_list_speak_the_language(people: dict[str, Any]) -> None:
    patient = people["patient"]
    manifest = patient.client.get("/manifest.webmanifest").json()
    assert manifest["lang"] == "ru"
    words = " ".join([manifest["name"], manifest["description"], *(s["name"] for s in manifest["shortcuts"])])
    assert latin_share(words) <= LIMIT, describe(words)
    assert patient.client.get("/manifest.webmanifest", headers={"Accept-Language": "en"}).json()["lang"] == "en"
    diary = patient.client.get("/diary").text
    assert 'data-night="Ночь с"' in diary and "&#34;calf&#34;: &#34;икра&#34;" in diary


def test_region_switch_is_remembered_on_the_account(app: FastAPI) -> None:
    with TestClient(app, headers=RU) as client:
        ann = Person(client, "region@example.org").sign_up()
        assert "112 или 103" in client.get("/diary").text  # Russian: Russia's numbers by default
        switched = ann.post("/region", data={"region": "GB", "next": "/diary", "csrf_token": ann.csrf},
                            follow_redirects=False)
        assert switched.status_code == 303 and "crampcare_region=GB" in switched.headers["set-cookie"]
        client.cookies.clear()
        assert ann.log_in().status_code == 200
        page = client.get("/diary").text
        assert "звоните 999" in page and '<option value="GB" selected>' in page
