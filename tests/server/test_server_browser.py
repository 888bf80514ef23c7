"""Server mode in Debian's Chromium (Playwright): sign up -> log a night -> log out -> log in -> see it;
and a night logged offline, kept on the phone through a lost answer and an ended session, then stored
once in its owner's diary (never in another account's).

A server-mode app on a migrated SQLite file, served on a loopback port; every page is checked at
360x640 (axe-core, no sideways scroll) and screenshotted to test-artifacts/.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from typing import Any

import pytest
from serverkit import ARTIFACTS, PASSWORD, night_now, offline_form_night, server_app
from tests.web.browserkit import axe_violations, log_cramp_offline, sideways, watch_errors
from tests.web.threaded_server import serve_in_thread

from page_loads import click_to_load

pytestmark = pytest.mark.browser
# Lets context.route() see the service worker's own requests too, so "offline" cuts it off as well.
os.environ.setdefault("PW_EXPERIMENTAL_SERVICE_WORKER_NETWORK_EVENTS", "1")
PHONE = {"width": 360, "height": 640}

class LiveServer:
    def __init__(self, url: str) -> None:
        self.url = url


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """One server-mode app for the module (each test signs up people of its own), on a migrated SQLite
    file, served in a thread. `crampcare serve --multi-user` as processes: test_server_processes.py."""
    application = server_app(f"sqlite:///{tmp_path_factory.mktemp('server') / 'server.db'}")
    for url in serve_in_thread(application):
        yield LiveServer(url)
    application.state.engine.dispose()


@pytest.fixture
def page(browser: Any, server: LiveServer) -> Iterator[Any]:
    # A phone in Moscow (the suite's own zone is the machine's): its zone reaches the account at log-in.
    context = browser.new_context(base_url=server.url, viewport=PHONE, is_mobile=True, has_touch=True,
                                  timezone_id="Europe/Moscow")
    page = watch_errors(context.new_page())
    try:
        yield page
    finally:
        context.close()


def shot(page: Any, name: str, check: bool = True) -> None:
    """A screenshot at 360 px for review, after axe-core and the sideways check (``check=False``: a page
    already checked in another state)."""
    if check:
        assert (axe_violations(page), sideways(page)) == ([], 0), (name, page.url)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"server-{name}.jpg"), full_page=True, type="jpeg", quality=75)


def test_sign_up_log_a_night_log_out_log_in_and_see_it(page: Any) -> None:
    page.goto("/diary")
    page.wait_for_url("**/login?next=%2Fdiary")  # the diary is behind the log-in...
    assert page.get_by_role("link", name="Cramp now?").first.is_visible()  # ...first aid is not
    click_to_load(page, page.get_by_role("link", name="Sign up").first)
    page.wait_for_url("**/signup")
    page.fill("#f-email", "ann@example.org")
    page.fill("#f-password", PASSWORD)
    page.fill("#f-password_again", PASSWORD)
    shot(page, "signup")
    click_to_load(page, page.get_by_role("button", name="Create my account"))
    page.wait_for_url("**/diary")

    form = page.locator("#night-form")
    for name, value in (("leg", "right"), ("muscles", "foot"), ("duration", "180"), ("severity", "7"),
                        ("helped", "walk")):
        form.locator(f"input[name={name}][value='{value}'] + span").click()
    click_to_load(page, form.get_by_role("button", name="Save the cramp"))
    page.locator("#flash").wait_for()
    assert "saved" in page.locator("#flash").inner_text()
    entry = page.locator(".entry").first.inner_text()
    assert "right leg: foot" in entry and "180 s" in entry and "7/10" in entry
    shot(page, "night-logged")

    click_to_load(page, page.get_by_role("button", name="Log out"))
    page.wait_for_url("**/login")
    assert "You are logged out" in page.locator("#flash").inner_text()
    page.goto("/diary")
    page.wait_for_url("**/login?next=%2Fdiary")
    shot(page, "logged-out")

    page.fill("#f-email", "ann@example.org")
    page.fill("#f-password", "not the password")
    click_to_load(page, page.get_by_role("button", name="Log in"))
    page.locator("#form-errors").wait_for()
    assert "wrong e-mail or password" in page.locator("#form-errors").inner_text()
    page.fill("#f-password", PASSWORD)
    click_to_load(page, page.get_by_role("button", name="Log in"))
    page.wait_for_url("**/diary")
    entry = page.locator(".entry").first.inner_text()
    assert "right leg: foot" in entry and "7/10" in entry
    shot(page, "logged-in-again", check=False)

    click_to_load(page, page.get_by_role("link", name="Account"))
    page.wait_for_url("**/account")
    assert page.locator("#account-email").inner_text() == "ann@example.org"
    assert "offset of Europe/Moscow" in page.locator("#time-zone").inner_text()
    shot(page, "account")
    blocked = [p for p in page.errors if "Content Security Policy" in p or "Refused" in p]
    assert not blocked, blocked


def sign_up(context: Any, email: str) -> str:
    """A new account, signed in in this browser context (the JSON route sets the cookie); its CSRF token."""
    response = context.request.post("/api/v1/auth/signup", data={"email": email, "password": PASSWORD})
    assert response.status == 201, response.text()
    return str(response.json()["csrf_token"])


def test_a_night_logged_offline_is_stored_once_in_its_owners_diary(browser: Any, server: LiveServer) -> None:
    # A context of its own, not ``page``'s shared with as_new() (tests/web/browserkit.py): the test routes the
    # whole context's network away and back, and its service worker installs as on a phone never used before.
    context = browser.new_context(base_url=server.url, viewport=PHONE, is_mobile=True, has_touch=True,
                                  service_workers="allow")
    page = context.new_page()
    synced = page.locator("html[data-offline-sync=done]")  # offline.js has tried to send what it keeps
    began = night_now()  # the night the offline form logs (the evening it began: before noon, last night)
    try:
        token = sign_up(context, "cara@example.org")
        page.goto("/diary")
        page.evaluate("navigator.serviceWorker.ready")
        page.wait_for_function("""() => caches.keys().then(ks => Promise.all(ks.map(k => caches.open(k).then(c => c.keys()))))
                                  .then(all => all.flat().some(r => r.url.endsWith('/diary/offline')))""", polling=100)

        # Offline: the diary opens as the cached night form, and the cramp is kept on the phone.
        context.route("**/*", lambda route: route.abort())
        page.goto("/diary")
        assert "cara@example.org" not in page.content()  # the kept copy is nobody's page (test_server_privacy.py)
        night = offline_form_night(page, began)
        # Meanwhile another device logs a cramp of that night that has happened already (this minute;
        # one still to come is refused). The API's requests do not pass the browser's routes.
        first = context.request.post("/api/v1/nights", headers={"X-CSRF-Token": token}, data={
            "date": night, "cramps": [{"start": dt.datetime.now().strftime("%H:%M"), "duration_s": 60, "leg": "right",
                                       "muscles": ["calf"], "severity": 3}]})
        assert first.status == 201, first.text()
        pending = log_cramp_offline(page, night, "toes")
        shot(page, "offline-waiting", check=False)  # axe on this state: test_web_phone

        # Back, but the answer is lost on the way: the server stored it, the phone keeps it for a resend.
        context.unroute("**/*")
        answered: list[int] = []

        def lose_the_answer(route: Any) -> None:
            answered.append(route.fetch(max_redirects=0).status)
            route.abort()

        context.route("**/diary/night", lose_the_answer)
        page.goto("/diary")
        synced.wait_for(state="attached")
        assert answered == [303] and pending.is_visible()
        context.unroute("**/diary/night")

        # The session ended while the phone was away: the night stays and the page says to sign in.
        assert context.request.post("/api/v1/auth/logout", headers={"X-CSRF-Token": token}).ok
        page.goto("/diary")
        page.wait_for_url("**/login?next=%2Fdiary")
        synced.wait_for(state="attached")
        assert pending.is_visible() and page.locator("#pending-signin").is_visible()
        assert "Sign in to sync" in pending.inner_text()
        shot(page, "offline-sign-in-to-sync")

        # Someone else signs in on this phone: cara's night is neither shown to dan nor sent into his diary.
        dan = sign_up(context, "dan@example.org")
        page.goto("/diary")
        synced.wait_for(state="attached")
        assert pending.is_hidden() and page.locator("#pending-list li").count() == 0
        assert context.request.get(f"/api/v1/nights/{night}").status == 404
        assert context.request.post("/api/v1/auth/logout", headers={"X-CSRF-Token": dan}).ok

        # cara signs in again: the night is sent, and stored once, beside the cramp logged before.
        page.goto("/login?next=%2Fdiary")
        page.fill("#f-email", "cara@example.org")
        page.fill("#f-password", PASSWORD)
        click_to_load(page, page.get_by_role("button", name="Log in"))
        page.wait_for_url("**/diary")
        synced.wait_for(state="attached")
        assert pending.is_hidden()
        cramps = context.request.get(f"/api/v1/nights/{night}").json()["cramps"]
        assert sorted((c["leg"], c["severity"]) for c in cramps) == [("left", 7), ("right", 3)], cramps
    finally:
        context.close()
