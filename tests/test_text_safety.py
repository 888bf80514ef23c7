"""Free text shows what is stored: direction controls and invisible characters never reach a store.

An override (U+202E) in a note made a clinician's view, the report, the CSV and the FHIR file show
"22:00" as "00:22"; every write path (CLI, web form, JSON API, JSON/CSV/FHIR import, the report's name,
a token's name) keeps the letters in the order typed, without those characters (crampcare.plaintext),
and still refuses control characters. Russian, Hebrew and Arabic text and emoji pass untouched.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from crampcare.accounts import AccountError, AccountService
from crampcare.cli import app as cli_app
from crampcare.db.engine import make_engine
from crampcare.diary.records import DayRecord, NightRecord
from crampcare.diary.store import DiaryStore
from crampcare.plaintext import ControlCharacterError, plain_text
from crampcare.services.transfer import export_diary
from crampcare.web.app import create_app
from crampcare.web.settings import Settings

DAY = (dt.date.today() - dt.timedelta(days=2)).isoformat()
RLO, PDF, RLM, LRI, PDI, ZWSP, BOM = "\u202e", "\u202c", "\u200f", "\u2066", "\u2069", "\u200b", "\ufeff"
TRICK = f"take 1 tablet at {RLO}22:00{PDF}"  # shown as "take 1 tablet at 00:22"
SHOWN = "take 1 tablet at 22:00"
CRAMP = {"start": "03:10", "duration_s": 60, "leg": "left", "muscles": ["calf"], "severity": 5}
FORM_KEY = re.compile(r'name="idempotency_key" value="([^"]+)"')


@pytest.mark.parametrize("char", ["\u061c", "\u200b", "\u200e", "\u200f", "\u202a", "\u202b", "\u202c", "\u202d",
                                  "\u202e", "\u2060", "\u2066", "\u2067", "\u2068", "\u2069", "\ufeff"])
def test_every_direction_control_and_invisible_character_is_removed(char: str) -> None:
    assert plain_text(f"5{char} mg") == "5 mg"


@pytest.mark.parametrize("text", ["Судорога в 03:10, выпила 200 мл воды", "שרה כהן", "محمد 5 mg", "می\u200cخواهم",
                                  "👨\u200d👩\u200d👧 🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f",
                                  "line one\nline two\tand a tab"])
def test_legitimate_text_is_kept_as_typed(text: str) -> None:
    assert plain_text(text) == text


def test_control_characters_are_refused_at_their_typed_position() -> None:
    with pytest.raises(ControlCharacterError, match=r"U\+001B \(position 3\)"):
        plain_text(f"{RLM}a\x1b[2J")


def test_records_keep_the_visible_text_and_count_it_against_the_limits() -> None:
    night = NightRecord.model_validate({"date": DAY, "notes": TRICK})
    assert night.notes == SHOWN
    day = DayRecord.model_validate({"date": DAY, "tags": [f"{RLM}coffee", f"cof{ZWSP}fee", RLM, f"{LRI}wine{PDI}"],
                                    "notes": BOM + "x" * 2000})
    assert day.tags == ["coffee", "wine"]
    assert day.notes == "x" * 2000


@pytest.fixture
def app_client(tmp_path: Path, new_migrated_sqlite: Callable[[Path], str]) -> Iterator[tuple[TestClient, str]]:
    url = new_migrated_sqlite(tmp_path / "diary.db")
    with TestClient(create_app(Settings(db=url))) as client:
        yield client, url


def _stored(url: str) -> tuple[list[NightRecord], list[DayRecord]]:
    with DiaryStore(url) as store:
        return store.list_nights(), store.list_days()


def test_api_stores_and_answers_the_visible_text(app_client: tuple[TestClient, str]) -> None:
    client, url = app_client
    night = client.post("/api/v1/nights", json={"date": DAY, "cramps": [CRAMP], "notes": TRICK})
    assert night.status_code == 201 and night.json()["notes"] == SHOWN
    day = client.post("/api/v1/days", json={"date": DAY, "tags": [f"{RLO}coffee"], "notes": f"{LRI}tired{PDI}"})
    assert day.status_code == 201 and day.json()["tags"] == ["coffee"]
    assert client.get(f"/api/v1/days/{DAY}").json()["notes"] == "tired"
    nights, days = _stored(url)
    assert (nights[0].notes, days[0].tags, days[0].notes) == (SHOWN, ["coffee"], "tired")
    refused = client.put(f"/api/v1/days/{DAY}", json={"date": DAY, "notes": "a\x1bb"}, headers={"If-Match": "*"})
    assert refused.status_code == 422 and "U+001B" in refused.text


def test_web_forms_store_the_visible_text(app_client: tuple[TestClient, str]) -> None:
    client, url = app_client
    key = FORM_KEY.search(client.get("/diary").text)
    assert key is not None
    sent = client.post("/diary/night", data={"idempotency_key": key.group(1), "date": DAY, "start": "03:10",
                                             "duration": "60", "leg": "left", "muscles": ["calf"], "severity": "5",
                                             "notes": TRICK}, follow_redirects=False)
    assert sent.status_code == 303
    sent = client.post("/diary/day", data={"date": DAY, "tags": f"{RLM}coffee", "notes": TRICK},
                       follow_redirects=False)
    assert sent.status_code == 303, sent.text
    nights, days = _stored(url)
    assert (nights[0].notes, days[0].notes, days[0].tags) == (SHOWN, SHOWN, ["coffee"])


def test_cli_stores_the_visible_text(tmp_path: Path, new_migrated_sqlite: Callable[[Path], str]) -> None:
    url = new_migrated_sqlite(tmp_path / "diary.db")
    runner = CliRunner()
    done = runner.invoke(cli_app, ["log", "day", "--date", DAY, "--tag", f"{RLO}coffee", "--notes", TRICK, "--db", url])
    assert done.exit_code == 0, done.output
    assert _stored(url)[1][0].notes == SHOWN and _stored(url)[1][0].tags == ["coffee"]
    refused = runner.invoke(cli_app, ["log", "night", "--date", DAY, "--none", "--notes", "a\x07b", "--db", url])
    assert refused.exit_code != 0 and "U+0007" in refused.output and "Traceback" not in refused.output


@pytest.mark.parametrize("fmt", ["json", "csv", "fhir"])
def test_imports_store_the_visible_text(fmt: str, tmp_path: Path, new_migrated_sqlite: Callable[[Path], str]) -> None:
    """A file written elsewhere (or by an older crampcare) with an override in a note imports as shown."""
    source = new_migrated_sqlite(tmp_path / "source.db")
    with DiaryStore(source) as store:
        store.add_night(NightRecord.model_validate({"date": DAY, "cramps": [CRAMP], "notes": "take 1 tablet at 22:00"}))
        text = export_diary(store, fmt).text
    tricked = text.replace("22:00", json.dumps(f"{RLO}22:00{PDF}")[1:-1] if fmt != "csv" else f"{RLO}22:00{PDF}")
    assert tricked != text
    path = tmp_path / f"diary.{fmt if fmt != 'fhir' else 'json'}"
    path.write_text(tricked, encoding="utf-8")
    url = new_migrated_sqlite(tmp_path / "diary.db")
    done = CliRunner().invoke(cli_app, ["import", str(path), "--db", url])
    assert done.exit_code == 0, done.output
    assert _stored(url)[0][0].notes == SHOWN


def test_the_name_on_the_report_is_the_visible_text(app_client: tuple[TestClient, str]) -> None:
    client, _url = app_client
    shown = client.post("/report.html", data={"name": f"{RLO}Ivanova{PDF} Anna"})
    assert shown.status_code == 200 and "Ivanova Anna" in shown.text and RLO not in shown.text
    refused = client.post("/report.html", data={"name": "Anna\x1b[2J"})
    assert refused.status_code == 422 and refused.json()["error"]["fields"][0]["field"] == "name"


def test_a_token_name_is_the_visible_text(tmp_path: Path, new_migrated_sqlite: Callable[[Path], str]) -> None:
    engine = make_engine(new_migrated_sqlite(tmp_path / "server.db"))
    try:
        service = AccountService(engine)
        user = service.sign_up("ann@example.org", "a long enough password")
        assert service.issue_api_token(user, f"{RLO}phone")[1].name == "phone"
        with pytest.raises(AccountError) as refused:
            service.issue_api_token(user, "phone\x1b")
        assert refused.value.field == "name"
    finally:
        engine.dispose()
