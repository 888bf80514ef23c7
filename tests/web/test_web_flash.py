"""What a page says after a form comes from the server, once, never from the URL (local mode, both
back ends); no page prints words taken from a link. Server mode (accounts, log-out, other people):
tests/server/test_server_flash.py."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from crampcare.services import flash as flash_service
from crampcare.web.app import create_app
from crampcare.web.settings import Settings
from one_trip_client import OneTripClient

CSV = "date,cramp1_start,cramp1_duration_s,cramp1_leg,cramp1_muscles,cramp1_severity\n2026-11-01,03:10,180,left,calf,5\n"


def flash_box(page: str) -> str | None:
    if 'id="flash"' not in page:
        return None
    return page.split('id="flash"><p>', 1)[1].split("</p>", 1)[0]


def test_a_link_cannot_make_the_diary_report_an_import_or_offer_undo(db_client: TestClient) -> None:
    """``/diary?done=imported&counts=csv.250.0.0.0.0.0`` said "Imported 250 nights and 0 days." with an
    Undo button that reverted the person's real last change; ``?done=deleted&date=...`` said a night
    was deleted. Query parameters now say nothing."""
    db_client.post("/diary/quiet", data={"date": "2026-11-20"})
    db_client.cookies.clear()  # that form's own message is not the point here
    for link in ("/diary?done=imported&counts=csv.250.0.0.0.0.0", "/diary?done=deleted&date=2026-11-20",
                 "/diary?done=night&date=2026-11-21"):
        page = db_client.get(link).text
        assert flash_box(page) is None and 'id="flash"' not in page, link  # the box with its Undo button


def test_an_import_says_its_counts_once_after_the_redirect(db_client: TestClient) -> None:
    sent = db_client.post("/diary/import", files={"file": ("d.csv", CSV.encode(), "text/csv")},
                          follow_redirects=False)
    # POST → 303 → GET (Back and Reload never send the file again); nothing in the URL.
    assert sent.status_code == 303 and sent.headers["location"] == "/diary"
    cookie = sent.headers["set-cookie"]
    assert "crampcare_flash=" in cookie and "HttpOnly" in cookie and "samesite=lax" in cookie.lower()
    page = db_client.get("/diary")
    box = page.text.split('id="flash"', 1)[1].split("</div>", 1)[0]
    assert flash_box(page.text) == "Imported 1 night and 0 days." and 'action="/diary/undo"' in box
    assert "crampcare_flash=" in page.headers.get("set-cookie", "")  # cleared with the message shown
    assert flash_box(db_client.get("/diary").text) is None  # Reload: said once


def test_a_message_is_taken_once_for_its_page_and_not_after_its_lifetime(
        new_migrated_sqlite: Callable[[Path], str], tmp_path: Path) -> None:
    app = create_app(Settings(db=new_migrated_sqlite(tmp_path / "diary.db")))
    engine = app.state.engine
    try:
        token = flash_service.leave(engine, None, "/diary", "night", {"date": "2026-11-01"})
        assert flash_service.take(engine, token, None, "/account") is None  # another page's
        # A guessed token: one character changed (a fixed "x" was the token itself for 1 token in 64, which
        # then took the message, and the test failed at random).
        guessed = ("y" if token[0] == "x" else "x") + token[1:]
        assert flash_service.take(engine, guessed, None, "/diary") is None
        assert flash_service.take(engine, token, None, "/diary") == ("night", {"date": "2026-11-01"})
        assert flash_service.take(engine, token, None, "/diary") is None  # once
        old = flash_service.leave(engine, None, "/diary", "night", {})
        later = dt.datetime.now(dt.UTC) + flash_service.LIFETIME + dt.timedelta(seconds=1)
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(flash_service, "_now", lambda: later)
            assert flash_service.take(engine, old, None, "/diary") is None
            flash_service.leave(engine, None, "/diary", "night", {})  # any later message sweeps those never taken
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM flash_messages")).scalar_one() == 1
        # A cookie from another browser's message (or a made-up one) says nothing either.
        with OneTripClient(app) as client:
            client.cookies.set("crampcare_flash", old)
            assert flash_box(client.get("/diary").text) is None
    finally:
        engine.dispose()



def test_a_scripts_fetch_of_the_page_leaves_the_message_for_the_page_it_opens(db_client: TestClient) -> None:
    """offline.js sends the night form with fetch, which follows the 303 itself, then opens the page it got
    to: the fetch took the message, and the page the person saw said nothing."""
    db_client.post("/diary/quiet", data={"date": "2026-11-20"}, follow_redirects=False)
    fetched = db_client.get("/diary", headers={"Sec-Fetch-Mode": "cors", "Sec-Fetch-Dest": "empty"})
    prefetched = db_client.get("/diary", headers={"Sec-Fetch-Mode": "navigate", "Sec-Purpose": "prefetch"})
    assert flash_box(fetched.text) is None and flash_box(prefetched.text) is None
    opened = db_client.get("/diary", headers={"Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "document"})
    assert flash_box(opened.text) == "Quiet night of 2026-11-20 saved."


def test_a_link_cannot_put_a_name_or_words_on_a_page(db_client: TestClient) -> None:
    """``/report.html?name=...`` printed the link's name on the person's report, labelled "Name:"; a 404
    page said "Nothing at /<the link's words>", and ``/learn/<words>`` repeated them. The name is now
    typed on the home page's form and posted (a page of another site is refused); nothing from an
    address is printed."""
    words = "Dr Smith says stop your heart medicine"
    assert "Name:" not in db_client.get("/report.html", params={"name": words}).text
    assert 'method="post" action="/report.html"' in db_client.get("/").text
    typed = db_client.post("/report.html", data={"name": "Anna <b>P</b>"})
    assert typed.status_code == 200 and "<strong>Name:</strong> <bdi>Anna &lt;b&gt;P&lt;/b&gt;</bdi>" in typed.text
    assert typed.headers["content-security-policy"].startswith("default-src 'none'")
    crafted = db_client.post("/report.html", data={"name": words}, headers={"Origin": "https://elsewhere.example"})
    assert crafted.status_code == 403 and words not in crafted.text
    too_long = db_client.post("/report.html", data={"name": "x" * 81})
    assert too_long.status_code == 422 and "at most 80 characters" in too_long.json()["error"]["message"]
    for link in (f"/{words}", f"/learn/{words}", f"/api/v1/{words}"):
        for accept in ("text/html", "application/json"):
            page = db_client.get(link, headers={"accept": accept})
            shown = re.sub(r"<[^>]+>", " ", page.text)  # what the page says (the language form keeps its address)
            assert page.status_code == 404 and "Dr Smith" not in shown, (link, accept)
