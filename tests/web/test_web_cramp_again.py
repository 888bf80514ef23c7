""""A cramp like last time": after a first cramp, the diary offers the last cramp's details to log
again with one tap (home → "Log last night" → this), through the same night policy as every client."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from fastapi.testclient import TestClient

from crampcare.diary.units import default_night_date, night_date_for
from crampcare.web import pages

FORM = re.compile(r'<form method="post" action="/diary/night" class="quiet again".*?</form>', re.S)
HIDDEN = re.compile(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)">')


def again_form(page: str) -> list[tuple[str, str]] | None:
    """The shortcut's posted fields as the page renders them (``None`` when it is not offered)."""
    found = FORM.search(page)
    return HIDDEN.findall(found.group(0)) if found else None


@pytest.fixture
def now(monkeypatch: pytest.MonkeyPatch) -> dt.datetime:
    """The clock the diary's forms read (``pages._now``), held at one moment for the test: the night the
    shortcut offers moves at its cramp's time of day (a cramp at 03:10 is last night's from 03:10 on), so the
    page and the test's expectation read the same moment. Not later than the real clock: what the shortcut
    offers has happened by the diary's own check too."""
    moment = dt.datetime.now().replace(second=0, microsecond=0)
    monkeypatch.setattr(pages, "_now", lambda: moment)
    return moment


def test_offered_only_after_a_first_cramp_with_its_details(client: TestClient, now: dt.datetime) -> None:
    assert again_form(client.get("/diary").text) is None
    client.post("/diary/quiet", data={"date": (default_night_date(now) - dt.timedelta(days=5)).isoformat()})
    assert again_form(client.get("/diary").text) is None  # a quiet night is not a cramp to repeat

    earlier = (default_night_date(now) - dt.timedelta(days=3)).isoformat()
    latest = (default_night_date(now) - dt.timedelta(days=2)).isoformat()
    client.put(f"/api/v1/nights/{latest}", json={"date": latest, "cramps": [
        {"start": "01:00", "duration_s": 30, "leg": "right", "muscles": ["foot"], "severity": 2},
        {"start": "03:10", "duration_s": 180, "leg": "left", "muscles": ["calf", "toes"], "severity": 6,
         "helped": ["stretch"], "minutes_to_relief": 4}]})
    client.put(f"/api/v1/nights/{earlier}", json={"date": earlier, "cramps": [
        {"start": "05:00", "duration_s": 600, "leg": "both", "muscles": ["thigh"], "severity": 9}]})
    page = client.get("/diary").text
    fields = again_form(page)
    assert fields is not None
    # The last cramp of the latest night (not the last one written); what helped is not repeated.
    assert [(k, v) for k, v in fields if k not in ("idempotency_key", "csrf_token")] == [
        ("date", night_date_for(dt.time(3, 10), now).isoformat()), ("start", "03:10"), ("duration", "180"), ("leg", "left"),
        ("muscles", "calf"), ("muscles", "toes"), ("severity", "6")]
    # Every value stored is shown on the button: choosing it confirms them.
    assert "left leg: calf, toes; 6/10; 3 min; at 03:10" in page


def test_one_tap_saves_once_and_appends_to_the_night(client: TestClient, now: dt.datetime) -> None:
    night = night_date_for(dt.time(2, 0), now).isoformat()  # where the shortcut files a cramp at 02:00
    assert client.put(f"/api/v1/nights/{night}", json={"date": night, "cramps": [
        {"start": "02:00", "duration_s": 60, "leg": "right", "muscles": ["calf"], "severity": 5}]}).status_code == 200
    fields = again_form(client.get("/diary").text)
    assert fields is not None
    data: dict[str, list[str]] = {}
    for name, value in fields:
        data.setdefault(name, []).append(value)
    first = client.post("/diary/night", data=data, follow_redirects=False)
    twice = client.post("/diary/night", data=data, follow_redirects=False)  # a double tap, the same key
    assert first.status_code == twice.status_code == 303
    assert f"Night of {night} saved." in client.get(first.headers["location"]).text
    cramps = client.get(f"/api/v1/nights/{night}").json()["cramps"]
    assert len(cramps) == 2 and cramps[1] == cramps[0]


def test_in_russian(client: TestClient) -> None:
    night = night_date_for(dt.time(2, 0)).isoformat()
    stored = client.put(f"/api/v1/nights/{night}", json={"date": night, "cramps": [
        {"start": "02:00", "duration_s": 60, "leg": "left", "muscles": ["calf"], "severity": 5}]})
    assert stored.status_code == 200, stored.text
    page = client.get("/diary?lang=ru").text
    assert "Судорога как в прошлый раз" in page and "левая нога: икра; 5/10; 1 мин; в 02:00" in page


def test_in_the_evening_the_shortcut_offers_last_night() -> None:
    """At 21:00 the forms' night is tonight, where a cramp "at 03:10" is still to come: the shortcut
    offered (and would have stored) it there."""
    from crampcare.diary.records import Cramp
    from crampcare.web.pages import _cramp_again

    cramp = Cramp(start=dt.time(3, 10), duration_s=60, leg="left", muscles=["calf"], severity=5)
    evening, small_hours = dt.datetime(2026, 12, 3, 21, 0), dt.datetime(2026, 12, 4, 4, 0)
    assert (_cramp_again(cramp, evening) or {})["night"] == "2026-12-02"
    assert (_cramp_again(cramp, small_hours) or {})["night"] == "2026-12-03"
