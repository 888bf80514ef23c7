"""Server mode, accounts: pages and API on SQLite and on a real PostgreSQL (``migrated_db_url``)."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from serverkit import CSRF_INPUT, PASSWORD, Person, server_app
from sqlalchemy import func, select, update

from crampcare.accounts.models import SessionRow, UserRow
from crampcare.diary.store import DiaryStore
from one_trip_client import OneTripClient

WEEK_A = dt.date(2026, 3, 2)


def set_cookies(response: object) -> list[str]:
    return response.headers.get_list("set-cookie")  # type: ignore[attr-defined]


def session_cookie(response: object, name: str = "crampcare_session") -> str:
    found = [c for c in set_cookies(response) if c.startswith(f"{name}=")]
    assert found, set_cookies(response)
    return found[0]


def user_count(app: FastAPI) -> int:
    with app.state.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(UserRow)).scalar_one())


# --------------------------------------------------------------------------- the "done when"


def test_two_people_each_log_a_week_and_each_sees_only_their_own(people: Callable[..., Person]) -> None:
    today = dt.date.today()
    ann, bob = people("ann@example.org"), people("bob@example.org")
    # Overlapping weeks: both have nights on some of the same dates, each their own.
    ann_dates = ann.log_week(today - dt.timedelta(days=20), "ann-week-marker")
    bob_dates = bob.log_week(today - dt.timedelta(days=17), "bob-week-marker")
    for person, dates, mine, theirs, their_dates in (
        (ann, ann_dates, "ann-week-marker", "bob-week-marker", bob_dates),
        (bob, bob_dates, "bob-week-marker", "ann-week-marker", ann_dates),
    ):
        nights = person.get("/api/v1/nights").json()
        days = person.get("/api/v1/days").json()
        assert [n["date"] for n in nights] == [d.isoformat() for d in dates]
        assert [d["date"] for d in days] == [d.isoformat() for d in dates]
        assert {n["notes"] for n in nights} == {mine} and {d["notes"] for d in days} == {mine}
        assert sum(len(n["cramps"]) for n in nights) == 4
        assert person.get("/api/v1/insights").json()["nights_logged"] == 7
        for url in ("/api/v1/insights", "/api/v1/export?format=json", "/api/v1/export?format=csv",
                    "/api/v1/export/fhir", "/api/v1/account/export", "/diary", "/insights", "/report.html"):
            response = person.get(url)
            assert response.status_code == 200, (url, response.text[:200])
            assert theirs not in response.text, url
        diary = person.get("/diary").text
        assert all(f'id="d-{d.isoformat()}"' in diary for d in dates)
        assert not any(f'id="d-{d.isoformat()}"' in diary for d in set(their_dates) - set(dates))
        assert person.email in person.get("/account").text


# --------------------------------------------------------------------------- pages


def test_sign_up_log_out_and_log_in_through_the_pages(app: FastAPI) -> None:
    browser = OneTripClient(app)
    assert browser.get("/diary", follow_redirects=False).headers["location"] == "/login?next=%2Fdiary"
    page = browser.get("/signup")
    assert "crampcare_prelogin=" in " ".join(set_cookies(page))
    token = CSRF_INPUT.search(page.text).group(1)  # type: ignore[union-attr]
    form = {"email": "Cat@Example.org", "password": PASSWORD, "password_again": PASSWORD}
    # Without the form's token (another site posting the form): refused, nothing created.
    refused = browser.post("/signup", data=form, follow_redirects=False)
    assert refused.status_code == 403 and user_count(app) == 0
    made = browser.post("/signup", data={**form, "csrf_token": token}, follow_redirects=False)
    assert made.status_code == 303 and made.headers["location"] == "/diary"
    first_session = session_cookie(made).split(";")[0].split("=", 1)[1]
    diary = browser.get("/diary")
    assert diary.status_code == 200 and "Log out" in diary.text and 'href="/account"' in diary.text

    logout_token = CSRF_INPUT.search(diary.text).group(1)  # type: ignore[union-attr]
    assert browser.post("/logout", follow_redirects=False).status_code == 403  # no token: still logged in
    out = browser.post("/logout", data={"csrf_token": logout_token}, follow_redirects=False)
    assert out.status_code == 303 and out.headers["location"] == "/login"
    assert 'crampcare_session=""' in session_cookie(out) or "Max-Age=0" in session_cookie(out)
    assert browser.get("/diary", follow_redirects=False).status_code == 303
    # The old cookie is dead on the server, not only forgotten by the browser.
    replay = OneTripClient(app, cookies={"crampcare_session": first_session})
    assert replay.get("/diary", follow_redirects=False).status_code == 303
    assert replay.get("/api/v1/nights").status_code == 401

    login = browser.get("/login?next=/insights")
    token = CSRF_INPUT.search(login.text).group(1)  # type: ignore[union-attr]
    wrong = browser.post("/login", data={"email": "cat@example.org", "password": "not the password",
                                         "next": "/insights", "csrf_token": token}, follow_redirects=False)
    assert wrong.status_code == 401 and "wrong e-mail or password" in wrong.text
    ok = browser.post("/login", data={"email": "cat@example.org", "password": PASSWORD, "next": "/insights",
                                      "csrf_token": token}, follow_redirects=False)
    assert ok.status_code == 303 and ok.headers["location"] == "/insights"
    assert browser.get("/insights").status_code == 200


def test_logging_in_again_ends_the_session_the_browser_came_with(app: FastAPI, people: Callable[..., Person]) -> None:
    ann = people("ann@example.org")
    through_api = ann.client.cookies["crampcare_session"]
    assert ann.log_in().status_code == 200
    assert ann.client.cookies["crampcare_session"] != through_api
    assert OneTripClient(app, cookies={"crampcare_session": through_api}).get("/api/v1/nights").status_code == 401
    # A log-in form loaded before the browser got a session, posted after: the form's log-in
    # replaces that session too.
    browser = Person(OneTripClient(app), ann.email)
    token = browser.form_token("/login", "login-form")
    assert browser.log_in().status_code == 200
    held = browser.client.cookies["crampcare_session"]
    ok = browser.client.post("/login", data={"email": ann.email, "password": PASSWORD, "next": "/diary",
                                             "csrf_token": token}, follow_redirects=False)
    assert ok.status_code == 303
    assert session_cookie(ok).split(";")[0].split("=", 1)[1] != held
    assert OneTripClient(app, cookies={"crampcare_session": held}).get("/api/v1/nights").status_code == 401
    with app.state.engine.connect() as conn:  # ann's API session and the browser's new one
        assert conn.execute(select(func.count()).select_from(SessionRow)).scalar_one() == 2


@pytest.fixture(scope="module")
def sqlite_app(tmp_path_factory: pytest.TempPathFactory, new_migrated_sqlite: Callable[[Path], str]) -> Iterator[FastAPI]:
    """One server-mode app on SQLite for the module's checks that no database decides."""
    application = server_app(new_migrated_sqlite(tmp_path_factory.mktemp("accounts") / "diary.db"))
    try:
        yield application
    finally:
        application.state.engine.dispose()


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:x",
                                    # a browser resolves the dot segment away: the path "//evil.example"
                                    "/.//evil.example", "/%2e//evil.example", "/diary/..//evil.example"])
def test_after_log_in_never_goes_to_another_site(sqlite_app: FastAPI, target: str) -> None:
    """On SQLite only, one app: where a log-in sends the browser is decided from ``next`` alone (logging in
    itself is tested on both databases above). Each target has its own person and browser."""
    with OneTripClient(sqlite_app) as client:
        slug = re.sub(r"\W+", "-", target).strip("-") + f"-{sum(map(ord, target))}"
        person = Person(client, f"dan-{slug}@example.org").sign_up()
        client.cookies.delete("crampcare_session")  # the log-in form is for a browser logged out
        token = person.form_token("/login", "login-form")
        response = client.post("/login", data={"email": person.email, "password": PASSWORD, "next": target,
                                               "csrf_token": token}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/diary"


def test_session_cookie_is_httponly_lax_and_secure_on_https(migrated_db_url: str) -> None:
    """Secure cookies carry the ``__Host-`` prefix (a subdomain or a plain-HTTP page cannot plant one); HTTPS
    answers say Strict-Transport-Security, plain HTTP (local mode's) neither."""
    app = server_app(migrated_db_url)
    plain = OneTripClient(app).post("/api/v1/auth/signup", json={"email": "e@example.org", "password": PASSWORD})
    cookie = session_cookie(plain).lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "secure" not in cookie and "path=/" in cookie
    assert "strict-transport-security" not in plain.headers
    https = OneTripClient(app, base_url="https://testserver")
    logged_in = https.post("/api/v1/auth/login", json={"email": "e@example.org", "password": PASSWORD})
    cookie = session_cookie(logged_in, "__Host-crampcare_session").lower()
    assert "; secure" in cookie and "path=/" in cookie and "domain" not in cookie
    assert logged_in.headers["strict-transport-security"] == "max-age=31536000"
    assert https.get("/api/v1/nights").status_code == 200
    assert https.get("/now").headers["strict-transport-security"] == "max-age=31536000"
    # The session under the plain name (which a plain-HTTP page or another subdomain could have set) is not
    # read over HTTPS: a planted session never becomes the browser's.
    planted = OneTripClient(app, base_url="https://testserver", cookies={"crampcare_session": plain.cookies["crampcare_session"]})
    assert planted.get("/api/v1/nights").status_code == 401
    forced = server_app(migrated_db_url, secure_cookies=True)
    cookie = session_cookie(OneTripClient(forced).post("/api/v1/auth/login",
                                                    json={"email": "e@example.org", "password": PASSWORD}),
                            "__Host-crampcare_session")
    assert "; secure" in cookie.lower()


def test_public_pages_stay_public_and_the_rest_asks_to_log_in(app: FastAPI) -> None:
    anonymous = OneTripClient(app)
    for url in ("/now", "/now?lang=ru", "/learn", "/learn/causes", "/static/app.css", "/static/now.js", "/sw.js",
                "/api/v1/health", "/api/v1/questionnaire", "/", "/login", "/signup", "/docs", "/openapi.json",
                "/manifest.webmanifest", "/diary/offline", "/reminders", "/static/offline.js"):
        response = anonymous.get(url, follow_redirects=False)
        assert response.status_code == 200, url
    for url in ("/diary", "/insights", "/assess", "/account", "/report.html", "/diary/night/2026-01-01",
                "/export/diary.csv", "/export/cramps.csv"):
        response = anonymous.get(url, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"].startswith("/login?next="), url
    for method, url in (("GET", "/api/v1/nights"), ("GET", "/api/v1/account"), ("POST", "/api/v1/undo"),
                        ("GET", "/api/v1/export/fhir"), ("POST", "/api/v1/assess")):
        response = anonymous.request(method, url, json={"answers": {}})
        assert response.status_code == 401, url
        assert set(response.json()["error"]) == {"code", "message", "fields"}
        assert response.json()["error"]["code"] == "unauthorized"
    now = anonymous.get("/now")
    for header in ("content-security-policy", "x-content-type-options", "x-frame-options"):
        assert header in now.headers
    assert "unsafe-inline" not in anonymous.get("/login").headers["content-security-policy"]


# --------------------------------------------------------------------------- API sessions and CSRF


def test_api_session_needs_its_csrf_token_on_every_unsafe_request(people: Callable[..., Person]) -> None:
    ann = people("ann@example.org")
    night = {"date": "2026-02-01", "cramps": []}
    for headers in ({}, {"X-CSRF-Token": "wrong"}, {"X-CSRF-Token": ""}):
        response = ann.client.post("/api/v1/nights", json=night, headers=headers)
        assert response.status_code == 403 and response.json()["error"]["code"] == "csrf_failed"
    assert ann.get("/api/v1/nights").json() == []
    assert ann.post("/api/v1/nights", json=night).status_code == 201
    account = ann.get("/api/v1/account").json()
    assert account["email"] == "ann@example.org" and account["csrf_token"] == ann.csrf
    # Log out ends the session everywhere; logging in again gives a new CSRF token.
    old_csrf = ann.csrf
    assert ann.post("/api/v1/auth/logout").status_code == 200
    assert ann.get("/api/v1/nights").status_code == 401
    assert ann.log_in().status_code == 200 and ann.csrf != old_csrf
    assert ann.client.post("/api/v1/undo", headers={"X-CSRF-Token": old_csrf}).status_code == 403
    assert [n["date"] for n in ann.get("/api/v1/nights").json()] == ["2026-02-01"]


def test_expired_and_forged_sessions_are_refused(app: FastAPI, people: Callable[..., Person]) -> None:
    ann = people("ann@example.org")
    assert ann.get("/api/v1/nights").status_code == 200
    with app.state.engine.begin() as conn:
        conn.execute(update(SessionRow).values(expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)))
    stale = ann.client.cookies["crampcare_session"]
    refused = ann.get("/api/v1/nights")
    assert refused.status_code == 401 and "Max-Age=0" in session_cookie(refused)  # the stale cookie is cleared
    page = OneTripClient(app, cookies={"crampcare_session": stale}).get("/diary", follow_redirects=False)
    assert page.status_code == 303 and "Max-Age=0" in session_cookie(page)
    for value in ("forged", "x" * 5000, "", "%00", "' OR 1=1 --"):
        forged = OneTripClient(app, cookies={"crampcare_session": value})
        assert forged.get("/api/v1/nights").status_code == 401
        assert forged.get("/diary", follow_redirects=False).status_code == 303


def test_log_in_is_rate_limited(people: Callable[..., Person]) -> None:
    ann = people("ann@example.org")
    ann.password = "not the password"
    for _ in range(5):
        assert ann.log_in().status_code == 401
    ann.password = PASSWORD
    limited = ann.log_in()
    assert limited.status_code == 429 and limited.headers["retry-after"] == "900"
    assert limited.json()["error"]["code"] == "rate_limited"
    ann.client.cookies.delete("crampcare_session")  # the log-in form is for a browser logged out
    token = ann.form_token("/login", "login-form")
    page = ann.client.post("/login", data={"email": ann.email, "password": PASSWORD, "csrf_token": token})
    assert page.status_code == 429 and "too many failed log-ins" in page.text


# --------------------------------------------------------------------------- personal tokens


def test_personal_api_tokens(people: Callable[..., Person]) -> None:
    ann, bob = people("ann@example.org"), people("bob@example.org")
    made = ann.post("/api/v1/tokens", json={"name": "phone"})
    assert made.status_code == 201 and made.json()["token"].startswith("cc_")
    # A script with no cookies at all swaps the e-mail and password for a token.
    script = Person(OneTripClient(ann.client.app), ann.email)
    by_password = script.client.post("/api/v1/tokens",
                                     json={"name": "script", "email": ann.email, "password": PASSWORD})
    assert by_password.status_code == 201
    wrong = script.client.post("/api/v1/tokens", json={"name": "x", "email": ann.email, "password": "wrong password"})
    assert wrong.status_code == 401
    assert script.client.post("/api/v1/tokens", json={"name": "x"}).status_code == 401
    # With the session cookie, the CSRF header is needed as everywhere else.
    assert ann.client.post("/api/v1/tokens", json={"name": "x"}).status_code == 403
    listed = ann.get("/api/v1/tokens").json()
    assert [t["name"] for t in listed] == ["phone", "script"] and all("token" not in t for t in listed)

    script.bearer = by_password.json()["token"]
    assert script.post("/api/v1/nights", json={"date": "2026-02-02", "cramps": []}).status_code == 201  # no CSRF
    assert [n["date"] for n in ann.get("/api/v1/nights").json()] == ["2026-02-02"]
    # Bob cannot see or revoke Ann's tokens.
    assert bob.get("/api/v1/tokens").json() == []
    assert bob.request("DELETE", f"/api/v1/tokens/{listed[1]['id']}").status_code == 404
    assert script.get("/api/v1/nights").status_code == 200
    assert ann.request("DELETE", f"/api/v1/tokens/{listed[1]['id']}").status_code == 200
    assert script.get("/api/v1/nights").status_code == 401

    # The page: create (shown once) and revoke.
    token = ann.form_token("/account")
    page = ann.client.post("/account/tokens", data={"name": "tablet", "csrf_token": token})
    assert page.status_code == 201 and re.search(r"cc_[\w-]{20,}", page.text)
    tablet = next(t for t in ann.get("/api/v1/tokens").json() if t["name"] == "tablet")
    revoked = ann.client.post(f"/account/tokens/{tablet['id']}/delete",
                              data={"csrf_token": ann.form_token("/account")}, follow_redirects=False)
    assert revoked.status_code == 303
    assert [t["name"] for t in ann.get("/api/v1/tokens").json()] == ["phone"]


def test_a_personal_token_works_for_the_configured_days_then_is_refused_and_listed_as_expired(
        app: FastAPI, people: Callable[..., Person]) -> None:
    """A token that leaked from a script ends by itself: ``api_token_days`` after it was made (365 by
    default) it is refused like an unknown one, and its owner sees it as expired, with the date, and revokes it."""
    from crampcare.accounts.models import ApiTokenRow

    assert app.state.settings.api_token_days == 365
    ann = people("ann@example.org")
    made = ann.post("/api/v1/tokens", json={"name": "old script"}).json()
    created, expires = (dt.datetime.fromisoformat(made[k]) for k in ("created_at", "expires_at"))
    assert expires - created == dt.timedelta(days=365) and made["expired"] is False
    script = Person(OneTripClient(app), ann.email)
    script.bearer = made["token"]
    assert script.get("/api/v1/nights").status_code == 200

    def made_ago(age: dt.timedelta) -> None:
        with app.state.engine.begin() as conn:
            conn.execute(update(ApiTokenRow).where(ApiTokenRow.id == made["id"])
                         .values(created_at=dt.datetime.now(dt.UTC) - age))

    made_ago(dt.timedelta(days=364, hours=23))  # its last hour
    assert script.get("/api/v1/nights").status_code == 200
    made_ago(dt.timedelta(days=365, seconds=1))
    assert script.get("/api/v1/nights").status_code == 401  # as an unknown token: nothing said about the account
    listed = ann.get("/api/v1/tokens").json()
    assert [(t["name"], t["expired"]) for t in listed] == [("old script", True)]
    page = ann.get("/account").text
    assert f"expired {listed[0]['expires_at'][:10]}: refused; revoke it and make a new one" in page
    assert ann.request("DELETE", f"/api/v1/tokens/{made['id']}").status_code == 200
    assert ann.get("/api/v1/tokens").json() == []


def test_the_token_lifetime_is_a_setting(migrated_db_url: str) -> None:
    from crampcare.config import load_config
    from crampcare.web.settings import Settings

    assert load_config({"api_token_days": 30}).api_token_days == 30
    short = server_app(migrated_db_url, api_token_days=30)
    try:
        with OneTripClient(short) as client:
            ann = Person(client, "short@example.org").sign_up()
            made = ann.post("/api/v1/tokens", json={"name": "month"}).json()
        assert (dt.datetime.fromisoformat(made["expires_at"]) - dt.datetime.fromisoformat(made["created_at"])
                == dt.timedelta(days=30))
    finally:
        short.state.engine.dispose()
    assert Settings.from_config(load_config({"api_token_days": 7})).api_token_days == 7


def test_the_fhir_export_gives_clock_times_the_offset_of_the_owners_time_zone(
        app: FastAPI, people: Callable[..., Person], monkeypatch: pytest.MonkeyPatch) -> None:
    """A server in UTC, a patient in Moscow: the browser's zone, told at log-in, is the offset of the FHIR
    export's clock times (it was the server's). A name that is not a zone is ignored, never a refused log-in."""
    import time

    ann = people("ann@example.org")
    night = {"date": "2026-01-14", "cramps": [{"start": "03:10", "duration_s": 60, "leg": "left", "muscles": ["calf"],
                                               "severity": 5}]}
    assert ann.post("/api/v1/nights", json=night).status_code == 201
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    try:
        def cramp_time() -> str:
            bundle = ann.get("/api/v1/export/fhir").json()
            return next(e["resource"]["effectiveDateTime"] for e in bundle["entry"]
                        if "T" in e["resource"].get("effectiveDateTime", ""))

        assert ann.get("/api/v1/account").json()["time_zone"] is None
        assert cramp_time() == "2026-01-15T03:10:00+00:00"  # not known yet: the server's zone
        again = Person(OneTripClient(app), ann.email)
        for junk in ("Mars/Olympus_Mons", "../../etc/passwd", "", " "):
            assert again.client.post("/api/v1/auth/login", json={"email": ann.email, "password": PASSWORD,
                                                                  "time_zone": junk}).status_code == 200
        assert ann.get("/api/v1/account").json()["time_zone"] is None
        logged_in = again.client.post("/api/v1/auth/login", json={"email": ann.email, "password": PASSWORD,
                                                                   "time_zone": "Europe/Moscow"})
        assert logged_in.status_code == 200
        assert ann.get("/api/v1/account").json()["time_zone"] == "Europe/Moscow"
        assert cramp_time() == "2026-01-15T03:10:00+03:00"
        assert "offset of Europe/Moscow" in ann.get("/account").text
        assert ann.get("/api/v1/account/export").json()["account"]["time_zone"] == "Europe/Moscow"
    finally:
        monkeypatch.undo()
        time.tzset()


# --------------------------------------------------------------------------- password and deletion


def test_change_password_ends_other_sessions_and_tokens(app: FastAPI, people: Callable[..., Person]) -> None:
    ann = people("ann@example.org")
    laptop = Person(OneTripClient(app), ann.email)
    assert laptop.log_in().status_code == 200
    bearer = ann.post("/api/v1/tokens", json={"name": "phone"}).json()["token"]
    too_short = ann.post("/api/v1/account/password", json={"current_password": PASSWORD, "new_password": "short"})
    assert too_short.status_code == 422 and too_short.json()["error"]["fields"][0]["field"] == "new_password"
    wrong = ann.post("/api/v1/account/password",
                     json={"current_password": "wrong password", "new_password": "a new long password"})
    assert wrong.status_code == 401
    changed = ann.post("/api/v1/account/password",
                       json={"current_password": PASSWORD, "new_password": "a new long password"})
    assert changed.status_code == 200
    assert ann.get("/api/v1/nights").status_code == 200  # this session stays
    assert laptop.get("/api/v1/nights").status_code == 401  # the other one ended
    assert OneTripClient(app).get("/api/v1/nights", headers={"Authorization": f"Bearer {bearer}"}).status_code == 401
    laptop.password = "a new long password"
    assert laptop.log_in().status_code == 200

    # And through the page.
    token = ann.form_token("/account")
    differ = ann.client.post("/account/password", data={"current_password": "a new long password",
                                                        "new_password": "third password here",
                                                        "new_password_again": "not the same", "csrf_token": token})
    assert differ.status_code == 422
    done = ann.client.post("/account/password", data={"current_password": "a new long password",
                                                      "new_password": "third password here",
                                                      "new_password_again": "third password here",
                                                      "csrf_token": token}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/account"
    assert laptop.get("/api/v1/nights").status_code == 401


def test_download_everything_then_delete_the_account(app: FastAPI, people: Callable[..., Person]) -> None:
    ann, bob = people("ann@example.org"), people("bob@example.org")
    ann.log_week(WEEK_A, "ann")
    bob.log_week(WEEK_A, "bob")
    saved = ann.post("/api/v1/assess", json={"answers": {"age": 60}, "save": True})
    assert saved.status_code == 201
    owner_a = ann.client.app.state.accounts.authenticate(ann.email, PASSWORD).owner_id

    account_page = ann.client.get("/account").text
    assert 'href="/api/v1/account/export"' in account_page and 'href="/api/v1/export/fhir"' in account_page
    everything = ann.get("/api/v1/account/export")
    assert everything.status_code == 200 and "attachment" in everything.headers["content-disposition"]
    document = everything.json()
    assert document["account"]["email"] == ann.email
    assert len(document["diary"]["nights"]) == 7 and len(document["diary"]["days"]) == 7
    assert len(document["assessments"]) == 1 and document["assessments"][0]["answers"] == {"age": 60}
    assert "bob" not in json.dumps(document["diary"])
    fhir = ann.get("/api/v1/export/fhir")
    assert fhir.status_code == 200 and fhir.json()["resourceType"] == "Bundle"

    token = ann.form_token("/account")
    unconfirmed = ann.client.post("/account/delete", data={"delete_password": PASSWORD, "csrf_token": token})
    assert unconfirmed.status_code == 422
    wrong = ann.client.post("/account/delete", data={"delete_password": "wrong password", "confirm": "yes",
                                                     "csrf_token": token})
    assert wrong.status_code == 422 and len(ann.get("/api/v1/nights").json()) == 7
    gone = ann.client.post("/account/delete", data={"delete_password": PASSWORD, "confirm": "yes",
                                                    "csrf_token": token}, follow_redirects=False)
    assert gone.status_code == 303 and gone.headers["location"] == "/login"
    assert ann.get("/api/v1/nights").status_code == 401
    assert ann.log_in().status_code == 401
    with DiaryStore(app.state.engine, owner=owner_a) as store:
        assert store.list_nights() == [] and store.list_days() == [] and store.list_assessments() == []
    assert len(bob.get("/api/v1/nights").json()) == 7

    # The API route does the same for Bob.
    assert bob.request("DELETE", "/api/v1/account", json={"password": "wrong password"}).status_code == 401
    deleted = bob.request("DELETE", "/api/v1/account", json={"password": PASSWORD})
    assert deleted.status_code == 200 and deleted.json()["deleted"]["nights"] == 7
    assert user_count(app) == 0
