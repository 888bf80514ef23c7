"""Issue 13: every web page, asked for with ``Accept-Language: ru``, is Russian (at most 2 % English)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from tests.i18n.leak import LIMIT, describe, latin_share

from crampcare.web.app import create_app
from crampcare.web.settings import Settings

RU = {"Accept-Language": "ru-RU,ru;q=0.9,en;q=0.5", "Accept": "text/html"}


class _Text(HTMLParser):
    """What a reader sees or hears: text outside script/style, and titles, labels and placeholders."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "code", "pre"):
            self._skip += 1
        for name, value in attrs:
            if name in ("title", "aria-label", "placeholder", "alt") and value:
                self.parts.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "code", "pre") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def page_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(parser.parts)


def assert_russian(html: str, where: str) -> None:
    text = page_text(html)
    assert any("а" <= ch <= "я" for ch in text.lower()), where
    assert latin_share(text) <= LIMIT, f"{where}: {describe(text)}"


@pytest.fixture
def local(tmp_path: Path, new_migrated_sqlite: Callable[[Path], str]) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(db=new_migrated_sqlite(tmp_path / "diary.db"))), headers=RU) as client:
        yield client


def _fill_diary(client: TestClient) -> None:
    from crampcare.diary.store import open_store
    from crampcare.insights.simulate import simulate_diary

    nights, days = simulate_diary(70, trigger="low_fluids", rr=2.5, seed=3)
    with open_store(client.app.state.settings.db) as store:  # type: ignore[attr-defined]
        store.add_many(nights, days)


def test_every_local_page(local: TestClient) -> None:
    from crampcare.knowledge import load_knowledge

    _fill_diary(local)
    kb = load_knowledge()
    pages = ["/", "/now", "/assess", "/diary", "/diary/offline", "/insights", "/learn", "/reminders", "/report.html",
             *[f"/learn/{topic}" for topic in ("causes", "warning-signs", "look-alikes", "first-aid", "exercises",
                                               "medicines", "prevention", *kb.topics)]]
    for page in pages:
        response = local.get(page)
        assert response.status_code == 200, page
        assert response.headers["content-language"] == "ru", page
        assert_russian(response.text, page)
    day = local.get("/diary").text
    assert "Дневник" in day
    logged = local.get("/api/v1/nights").json()
    with_cramp = next(night["date"] for night in logged if night["cramps"])
    for page in (f"/diary/night/{with_cramp}", f"/diary/day/{with_cramp}"):  # the edit forms
        response = local.get(page)
        assert response.status_code == 200, page
        assert_russian(response.text, page)


def test_assessment_result_page(local: TestClient) -> None:
    response = local.post("/assess", data={"age": "70", "sex": "female", "frequency": "weekly", "medicines": "diuretic",
                                           "calf_swollen_red_warm": "yes"})
    assert response.status_code == 200
    assert_russian(response.text, "assessment result")


def test_error_page(local: TestClient) -> None:
    response = local.get("/learn/астрология")
    assert response.status_code == 404
    assert_russian(response.text, "404 page")


def test_switch_cookie_wins_over_the_browser(local: TestClient) -> None:
    switched = local.post("/language", data={"lang": "en", "next": "/learn"}, follow_redirects=False)
    assert switched.status_code == 303 and switched.headers["location"] == "/learn"
    assert "crampcare_lang=en" in switched.headers["set-cookie"]
    assert local.get("/learn").headers["content-language"] == "en"
    local.cookies.clear()
    assert local.get("/learn").headers["content-language"] == "ru"
    assert local.get("/learn?lang=en").headers["content-language"] == "en"


def test_region_switch_beside_the_language_switch(local: TestClient) -> None:
    page = local.get("/diary").text
    assert '<option value="RU" selected>Россия (112 или 103)</option>' in page  # Russian: Russia's numbers
    switched = local.post("/region", data={"region": "us", "next": "/learn"}, follow_redirects=False)
    assert switched.status_code == 303 and switched.headers["location"] == "/learn"
    assert "crampcare_region=US" in switched.headers["set-cookie"]
    learn = local.get("/learn").text
    assert "звоните 911" in learn and '<option value="US" selected>' in learn
    unknown = local.post("/region", data={"region": "XX", "next": "/"}, follow_redirects=False)
    assert unknown.status_code == 422 and "set-cookie" not in unknown.headers  # test_left_defects


def test_api_questionnaire_and_refusals(local: TestClient) -> None:
    """The JSON API for a Russian browser: the interview's texts (as the assessment's JSON already
    was) and the `message` of each kind of pydantic refusal (i18nqa)."""
    import json

    questions = local.get("/api/v1/questionnaire", headers={"Accept": "application/json"}).json()
    texts = [q["text"] for q in questions] + [q["help"] for q in questions if q.get("help")] + \
        [c["text"] for q in questions for c in q["choices"]]
    assert latin_share(" ".join(texts)) <= LIMIT, describe(" ".join(texts))
    cramp = {"start": "03:10", "duration_s": 60, "leg": "left", "muscles": ["calf"], "severity": 5}
    bodies = {
        "json_invalid": "{not json",
        "missing": "{}",
        "list_type": json.dumps({"date": "2026-11-01", "cramps": "many"}),
        "date_parsing": json.dumps({"date": "2026-13-45", "cramps": []}),
        "extra_forbidden": json.dumps({"date": "2026-11-01", "cramps": [], "foo": 1}),
        "literal_error": json.dumps({"date": "2026-11-01", "cramps": [{**cramp, "leg": "middle"}]}),
        "less_than_equal": json.dumps({"date": "2026-11-01", "cramps": [{**cramp, "severity": 50}]}),
        "string_too_long": json.dumps({"date": "2026-11-01", "cramps": [], "notes": "x" * 5000}),
    }
    for kind, body in bodies.items():
        response = local.post("/api/v1/nights", content=body, headers={"Content-Type": "application/json"})
        assert response.status_code == 422, kind
        message = response.json()["error"]["message"]
        message = message.split(": ", 1)[-1]  # the field's name is the API's, not a sentence
        message = re.sub(r"'[^']*'", " ", message)  # the allowed values, as they are sent
        assert any("а" <= ch <= "я" for ch in message) and latin_share(message) <= LIMIT, (kind, message)
    tags = local.post("/api/v1/days", json={"date": "2026-11-01", "tags": ["a"] * 100})
    assert tags.status_code == 422 and "элемент" in tags.json()["error"]["message"]


def _field_errors(html: str) -> list[str]:
    import html as html_lib

    return [html_lib.unescape(text) for text in re.findall(r'class="err"[^>]*>([^<]*)<', html)]


def test_form_field_errors(local: TestClient) -> None:
    """A Russian user's mistakes in the diary and interview forms: every message beside a field is
    Russian, numbers written the Russian way (i18nqa: these were English)."""
    night = local.post("/diary/night", data={"date": "", "start": "03:10", "duration": "", "severity": "5",
                                             "minutes_to_relief": "скоро", "leg": "left", "muscles": "calf"})
    bad_date = local.post("/diary/night", data={"date": "2026-13-45", "start": "03:10", "duration": "1m",
                                                "severity": "5", "leg": "left", "muscles": "calf"})
    day = local.post("/diary/day", data={"date": "2026-11-01", "activity": "low", "sitting_hours": "много",
                                         "alcohol_units": "x", "pregnancy_week": "z", "caffeine": "может"})
    limits = local.post("/diary/day", data={"date": "2026-11-01", "sitting_hours": "30", "notes": "x" * 5000,
                                            "tags": ",".join(f"t{i}" for i in range(40))})
    interview = local.post("/assess", data={"age": "много", "calf_swollen_red_warm": "может"})
    for response in (night, bad_date, day, limits, interview):
        assert response.status_code == 422
        errors = _field_errors(response.text)
        assert errors
        for error in errors:
            text = re.sub(r"'[^']*'", " ", error)  # what was typed, quoted as it was
            assert any("а" <= ch <= "я" for ch in text.lower()) and latin_share(text) <= LIMIT, error
    assert "должно быть не больше 24 ч (получено 30 ч)" in _field_errors(limits.text)
    # A limit is said in the unit typed: litres, not the millilitres the diary stores.
    fluids = local.post("/diary/day", data={"date": "2026-11-01", "fluids": "99 л"})
    assert fluids.status_code == 422 and "должно быть не больше 15 л (получено 99 л)" in _field_errors(fluids.text)


def test_russian_litres_in_the_day_form(local: TestClient) -> None:
    """The hint says «1,5 л», so «1,5 л» is understood (i18nqa: it was refused)."""
    assert "например, 1,5 л" in local.get("/diary").text
    saved = local.post("/diary/day", data={"date": "2026-11-01", "fluids": "1,5 л"}, follow_redirects=False)
    assert saved.status_code == 303
    assert local.get("/api/v1/days/2026-11-01").json()["fluids_ml"] == 1500
