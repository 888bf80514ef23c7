"""An Undo takes back the change it was offered for, never a later one another device saved (both back
ends): the laptop shows "Saved. Undo" for its own change, the phone then logs a cramp (confirmed
saved), and the laptop's Undo deleted the phone's cramp. Now the undo names its change and is refused,
with nothing undone, once the diary changed since."""

from __future__ import annotations

import datetime as dt
import re

from fastapi.testclient import TestClient

from one_trip_client import OneTripClient


def dates() -> tuple[str, str]:
    """A night two weeks back and the night before it, from the clock when the test runs: within the 90 days
    the diary page lists (whose "Undo the last change" is checked), and its 03:10 long past. (A fixed
    2026-11-20 fell out of that list in February 2027.)"""
    night = dt.date.today() - dt.timedelta(days=14)
    return night.isoformat(), (night - dt.timedelta(days=1)).isoformat()


CRAMP = {"start": "03:10", "duration_s": 60, "leg": "left", "muscles": ["calf"], "severity": 6}


def _offered(page: str, box: str) -> str | None:
    """The change the Undo button in ``box`` (the flash message or the list) names, if it is shown."""
    pattern = (r'id="flash".*?name="change" value="(\d+)"' if box == "flash"
               else r'id="list-h".*?name="change" value="(\d+)"')
    found = re.search(pattern, page, re.S)
    return found.group(1) if found else None


def test_the_laptops_undo_never_deletes_the_cramp_the_phone_logged_after(db_client: TestClient) -> None:
    laptop = db_client
    date, before = dates()
    with OneTripClient(laptop.app) as phone:
        assert laptop.post("/diary/day", data={"date": date, "fluids": "1L"}).status_code == 200
        page = laptop.post("/diary/quiet", data={"date": before}).text  # "Saved. Undo" for this change
        change = _offered(page, "flash")
        assert change is not None
        sent = phone.post("/diary/night", data={"date": date, "start": "03:10", "leg": "left", "muscles": "calf",
                                                 "duration": "60", "severity": "6"})
        assert f"Night of {date} saved." in sent.text  # confirmed to the phone
        undone = laptop.post("/diary/undo", data={"change": change})
        assert "Nothing was undone: the diary changed since" in undone.text
        night = laptop.get(f"/api/v1/nights/{date}").json()
        assert [c["severity"] for c in night["cramps"]] == [6]  # the phone's cramp is kept
        assert laptop.get(f"/api/v1/nights/{before}").status_code == 200  # and the laptop's change too
        # The list's "Undo the last change" names the change the page was showing: the phone's now.
        latest = _offered(laptop.get("/diary").text, "list")
        assert latest is not None and latest != change
        phone.post("/diary/night", data={"date": date, "start": "04:10", "leg": "left", "muscles": "calf",
                                         "duration": "60", "severity": "3"})
        assert "Nothing was undone" in laptop.post("/diary/undo", data={"change": latest}).text
        assert len(laptop.get(f"/api/v1/nights/{date}").json()["cramps"]) == 2
        # A form without a change (a page from before) undoes nothing either.
        assert "Nothing was undone" in laptop.post("/diary/undo").text
        assert len(laptop.get(f"/api/v1/nights/{date}").json()["cramps"]) == 2
        # The phone's own Undo, still the last change, takes back its second cramp.
        last = _offered(phone.get("/diary").text, "list")
        assert "Undone" in phone.post("/diary/undo", data={"change": last}).text
        assert len(laptop.get(f"/api/v1/nights/{date}").json()["cramps"]) == 1


def test_the_api_undo_names_the_change_its_write_answered(db_client: TestClient) -> None:
    laptop = db_client
    date, _before = dates()
    with OneTripClient(laptop.app) as phone:
        written = laptop.post("/api/v1/days", json={"date": date, "fluids_ml": 1000})
        change = written.headers["X-Change-Id"]
        sent = phone.post("/api/v1/nights", json={"date": date, "cramps": [CRAMP]})
        assert sent.status_code == 201
        refused = laptop.post("/api/v1/undo", params={"change": change})
        assert refused.status_code == 409 and "nothing was undone" in refused.json()["error"]["message"]
        assert laptop.get(f"/api/v1/nights/{date}").status_code == 200  # the phone's cramp is kept
        # Without a change the API does not guess which one was meant.
        required = laptop.post("/api/v1/undo")
        assert required.status_code == 428 and "X-Change-Id" in required.json()["error"]["message"]
        assert laptop.get(f"/api/v1/nights/{date}").status_code == 200
        # The phone undoes its own change; then the laptop's is the last again and its undo works.
        assert phone.post("/api/v1/undo", params={"change": sent.headers["X-Change-Id"]}).status_code == 200
        assert laptop.get(f"/api/v1/nights/{date}").status_code == 404
        assert laptop.post("/api/v1/undo", params={"change": change}).status_code == 200
        assert laptop.get(f"/api/v1/days/{date}").status_code == 404
        # A change id is never given again (SQLite reused an undone one): the next write gets a new one.
        again = phone.post("/api/v1/nights", json={"date": date, "cramps": [CRAMP]}).headers["X-Change-Id"]
        assert int(again) > int(sent.headers["X-Change-Id"])
        assert laptop.post("/api/v1/undo", params={"change": change}).status_code == 409
        # A write that changed nothing names no change.
        quiet = phone.post("/api/v1/nights", json={"date": date, "cramps": []})
        assert quiet.status_code == 200 and "X-Change-Id" not in quiet.headers
