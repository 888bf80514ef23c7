"""A night holds at most MAX_CRAMPS_PER_NIGHT cramps, refused alike by every client; nothing stored is lost.

A night of 100,000 cramps was accepted (a script's loop, a file's column read wrong) and every later
insights run, report and export read them all. Sent at once it is a validation error naming ``cramps``
(CLI: one line and a non-zero exit; API: 422; import: the record, and nothing imported); added to a night
already logged (the one night policy appends) it is a conflict that adds nothing.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from crampcare.cli import app as cli_app
from crampcare.diary.records import MAX_CRAMPS_PER_NIGHT, NightRecord
from crampcare.diary.store import DiaryStore
from crampcare.web.app import create_app
from crampcare.web.settings import Settings

NIGHT = (dt.date.today() - dt.timedelta(days=2)).isoformat()
FORM_KEY = re.compile(r'name="idempotency_key" value="([^"]+)"')


def _cramp(i: int) -> dict[str, Any]:
    return {"start": f"{i // 60:02d}:{i % 60:02d}", "duration_s": 30, "leg": "left", "muscles": ["calf"], "severity": 4}


FULL = [_cramp(i) for i in range(MAX_CRAMPS_PER_NIGHT)]


def test_the_limit_is_product_plausible_and_cheap_to_refuse() -> None:
    assert 40 <= MAX_CRAMPS_PER_NIGHT <= 100
    assert len(NightRecord.model_validate({"date": NIGHT, "cramps": FULL}).cramps) == MAX_CRAMPS_PER_NIGHT
    with pytest.raises(ValueError, match=f"at most {MAX_CRAMPS_PER_NIGHT} cramps \\(got 100000\\)"):
        NightRecord.model_validate({"date": NIGHT, "cramps": [_cramp(1)] * 100_000})


@pytest.fixture
def app_client(tmp_path: Path, new_migrated_sqlite: Callable[[Path], str]) -> Iterator[tuple[TestClient, str]]:
    url = new_migrated_sqlite(tmp_path / "diary.db")
    with TestClient(create_app(Settings(db=url))) as client:
        yield client, url


def _stored_cramps(url: str) -> int | None:
    with DiaryStore(url) as store:
        night = store.get_night(dt.date.fromisoformat(NIGHT))
    return None if night is None else len(night.cramps)


def test_api_refuses_a_night_over_the_limit_and_an_append_past_it(app_client: tuple[TestClient, str]) -> None:
    client, url = app_client
    refused = client.post("/api/v1/nights", json={"date": NIGHT, "cramps": [*FULL, _cramp(59)]})
    assert refused.status_code == 422
    assert refused.json()["error"]["fields"][0]["field"].startswith("cramps")
    assert f"at most {MAX_CRAMPS_PER_NIGHT} cramps" in refused.json()["error"]["message"]
    assert _stored_cramps(url) is None
    assert client.post("/api/v1/nights", json={"date": NIGHT, "cramps": FULL}).status_code == 201
    more = client.post("/api/v1/nights", json={"date": NIGHT, "cramps": [_cramp(59)]})
    assert more.status_code == 409 and f"more than {MAX_CRAMPS_PER_NIGHT} cramps" in more.json()["error"]["message"]
    assert _stored_cramps(url) == MAX_CRAMPS_PER_NIGHT
    put = client.put(f"/api/v1/nights/{NIGHT}", json={"date": NIGHT, "cramps": [*FULL, _cramp(59)]},
                     headers={"If-Match": "*"})
    assert put.status_code == 422 and _stored_cramps(url) == MAX_CRAMPS_PER_NIGHT


def test_web_form_says_the_night_is_full_and_keeps_it(app_client: tuple[TestClient, str]) -> None:
    client, url = app_client
    assert client.post("/api/v1/nights", json={"date": NIGHT, "cramps": FULL}).status_code == 201
    key = FORM_KEY.search(client.get("/diary").text)
    assert key is not None
    sent = client.post("/diary/night", data={"idempotency_key": key.group(1), "date": NIGHT, "start": "03:10",
                                             "duration": "60", "leg": "left", "muscles": ["calf"], "severity": "5"},
                       headers={"Accept": "text/html"}, follow_redirects=False)
    assert sent.status_code == 409 and f"more than {MAX_CRAMPS_PER_NIGHT} cramps" in sent.text
    assert _stored_cramps(url) == MAX_CRAMPS_PER_NIGHT


def test_cli_refuses_with_one_line_and_keeps_the_night(tmp_path: Path, new_migrated_sqlite: Callable[[Path], str]) -> None:
    url = new_migrated_sqlite(tmp_path / "diary.db")
    runner = CliRunner()
    many = [arg for i in range(MAX_CRAMPS_PER_NIGHT + 1) for arg in ("--cramp", f"{i // 60:02d}:{i % 60:02d},30s,left,calf,4")]
    refused = runner.invoke(cli_app, ["log", "night", "--date", NIGHT, *many, "--db", url])
    assert refused.exit_code == 2, refused.output
    assert f"at most {MAX_CRAMPS_PER_NIGHT} cramps" in refused.output and "Traceback" not in refused.output
    assert _stored_cramps(url) is None
    assert runner.invoke(cli_app, ["log", "night", "--date", NIGHT, *many[2:], "--db", url]).exit_code == 0
    more = runner.invoke(cli_app, ["log", "night", "--date", NIGHT, "--cramp", "03:10,30s,left,calf,4", "--db", url])
    assert more.exit_code == 2 and f"more than {MAX_CRAMPS_PER_NIGHT} cramps" in more.output, more.output
    assert _stored_cramps(url) == MAX_CRAMPS_PER_NIGHT


def test_an_import_names_the_night_and_imports_nothing(tmp_path: Path, new_migrated_sqlite: Callable[[Path], str]) -> None:
    url = new_migrated_sqlite(tmp_path / "diary.db")
    path = tmp_path / "diary.json"
    path.write_text(json.dumps({"nights": [{"date": NIGHT, "cramps": [*FULL, _cramp(59)]}], "days": []}), encoding="utf-8")
    refused = CliRunner().invoke(cli_app, ["import", str(path), "--db", url])
    assert refused.exit_code == 2, refused.output
    assert f"at most {MAX_CRAMPS_PER_NIGHT} cramps" in refused.output and "nights[0]" in refused.output.replace(" ", "")
    assert _stored_cramps(url) is None
