"""Wording and same-input-same-result defects found by QA: refusals that named raw question ids,
an e-mail the sign-up page took and the JSON API refused, and a web import that said
"Diary imported." when nothing was added."""

from __future__ import annotations

import html
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI

from crampcare.assess import assess
from crampcare.assess.answers import AnswerError
from crampcare.i18n.context import use_language
from crampcare.web.app import create_app
from crampcare.web.settings import Settings
from one_trip_client import OneTripClient
from test_cli import crampcare

PASSWORD = "a long enough password 1"


# --------------------------------------------------------------------------- 1. refusals name the question

MAN_SAID_PREGNANT = {"sex": "male", "pregnant": True}
ADULT_WEIGHT_300 = {"age": 40, "sex": "female", "pregnant": False, "weight_kg": 300}
EXPECTED = {
    "en": {"hidden": 'not (the answer to “Sex” is “Male”) and (“How old is the person with the cramps?” is not '
                     'answered or (the answer to “How old is the person with the cramps?” is at least 12 and',
           "limit": "out of range when the answer to “How old is the person with the cramps?” is at least 18;"},
    "ru": {"hidden": "не (ответ на вопрос «Пол» — «Мужской») и (на вопрос «Сколько лет человеку, у которого "
                     "судороги?» нет ответа или (ответ на вопрос «Сколько лет человеку, у которого судороги?» "
                     "не меньше 12 и",
           "limit": "когда ответ на вопрос «Сколько лет человеку, у которого судороги?» не меньше 18;"},
}
RAW_IDS = (" sex ", "(sex", " age ", "male)", "sex —", "age —")


def refusal(answers: dict[str, Any]) -> str:
    with pytest.raises(AnswerError) as refused:
        assess(answers)
    return refused.value.message


@pytest.mark.parametrize("language", ["en", "ru"])
def test_a_refusal_names_the_question_as_the_person_reads_it_in_every_client(local: FastAPI, language: str) -> None:
    """A Russian refusal said "когда age не меньше 18": a question id, not the question."""
    expected = EXPECTED[language]
    with use_language(language):
        hidden, limit = refusal(MAN_SAID_PREGNANT), refusal(ADULT_WEIGHT_300)
    assert expected["hidden"] in hidden and expected["limit"] in limit, (hidden, limit)
    run = crampcare("assess", "--answers", "-", "--lang", language, input=json.dumps(MAN_SAID_PREGNANT))
    assert run.returncode == 2 and expected["hidden"] in run.stderr, run.stderr
    run = crampcare("assess", "--answers", "-", "--lang", language, input=json.dumps(ADULT_WEIGHT_300))
    assert run.returncode == 2 and expected["limit"] in run.stderr, run.stderr
    client = OneTripClient(local)
    headers = {"Accept-Language": language}
    api = client.post("/api/v1/assess", json={"answers": ADULT_WEIGHT_300}, headers=headers)
    assert api.status_code == 422 and expected["limit"] in api.json()["error"]["message"], api.text
    form = client.post("/assess", headers=headers, data={"step": "about_you", "action": "next", "age": "40",
                                                         "sex": "female", "pregnant": "no", "weight_kg": "300"})
    assert form.status_code == 422 and expected["limit"] in html.unescape(form.text), form.text
    for message in (hidden, limit, run.stderr):
        assert not any(raw in message for raw in RAW_IDS), message


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


# --------------------------------------------------------------------------- 3. the web import says what it added

CSV = ("date,cramp1_start,cramp1_duration_s,cramp1_leg,cramp1_muscles,cramp1_severity\n"
       "2026-11-01,03:10,180,left,calf,5\n2026-11-02,03:10,180,left,calf,4\n")


@pytest.fixture
def local(new_migrated_sqlite: Callable[[Path], str], tmp_path: Path) -> Iterator[FastAPI]:
    app = create_app(Settings(db=new_migrated_sqlite(tmp_path / "diary.db")))
    try:
        yield app
    finally:
        app.state.engine.dispose()


def flash(page: str) -> str:
    return page.split('id="flash"><p>', 1)[1].split("</p>", 1)[0]


@pytest.mark.parametrize(("language", "first", "again"), [
    ("en", "Imported 2 nights and 0 days.", "Nothing new: 2 already in the diary, skipped."),
    ("ru", "Загружено: 2 ночи и 0 дней.", "Ничего нового: 2 уже были в дневнике, пропущены."),
])
def test_the_web_import_reports_what_the_cli_reports(local: FastAPI, language: str, first: str, again: str) -> None:
    """The page said "Diary imported." even when every record was already there."""
    client = OneTripClient(local)
    headers = {"Accept-Language": language}
    sent = client.post("/diary/import", files={"file": ("d.csv", CSV.encode(), "text/csv")}, headers=headers)
    assert sent.status_code == 200 and flash(sent.text) == first, sent.text[-2000:]
    sent = client.post("/diary/import", files={"file": ("d.csv", CSV.encode(), "text/csv")}, headers=headers)
    assert flash(sent.text) == again
    # Said once: a reload says nothing; and the URL cannot make the page report an import (see
    # tests/web/test_web_flash.py).
    assert 'id="flash"' not in client.get("/diary", headers=headers).text
