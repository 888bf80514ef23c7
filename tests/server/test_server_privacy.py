"""Privacy on a shared server and a shared device: a report never reaches the network, a cached
page never holds one account's data for another, and a night kept offline reaches only the diary
of whoever logged it."""

from __future__ import annotations

import http.server
import os
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from serverkit import PASSWORD, Person, night_now, offline_form_night, server_app
from tests.web.browserkit import log_cramp_offline
from tests.web.threaded_server import serve_in_thread

import crampcare
from crampcare.report import document
from crampcare.web.auth import OFFLINE_COPY_HEADER
from crampcare.web.language import LANG_COOKIE

# Lets context.route() see the service worker's own requests too, so "offline" cuts it off as well.
os.environ.setdefault("PW_EXPERIMENTAL_SERVICE_WORKER_NETWORK_EVENTS", "1")

TINY_PNG = (
    "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


@pytest.fixture
def listener() -> Iterator[tuple[str, list[str]]]:
    """A web server on this machine that records every request made to it."""
    asked: list[str] = []

    class Record(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            asked.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Record)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", asked
    finally:
        server.shutdown()
        server.server_close()


def test_laying_out_a_report_never_fetches_from_the_network(listener: tuple[str, list[str]], tmp_path: Path) -> None:
    address, asked = listener
    outside = tmp_path / "secret.css"
    outside.write_text("body { color: red }")
    html = (
        f'<html><head><link rel="stylesheet" href="{address}/style.css">'
        f'<style>@import url("{address}/import.css"); @font-face {{ font-family: x; src: url({address}/font.woff) }}'
        f' body {{ background: url({address}/background.png) }}</style>'
        f'<link rel="stylesheet" href="{outside.as_uri()}"></head>'
        f'<body><img src="{address}/image.png"><img src="{TINY_PNG}"><p style="font-family: x">text</p></body></html>'
    )
    pages = document._layout(html).pages
    assert len(pages) == 1
    assert asked == []
    fetch = document._own_resources().fetch
    with pytest.raises(OSError):
        fetch(outside.as_uri())
    with pytest.raises(OSError):
        fetch(f"{address}/direct.png")
    assert asked == []
    # What the package itself holds, and data: URLs, still load.
    own = Path(crampcare.__file__).parent / "report" / "templates" / "report.html"
    assert b"<html" in fetch(own.as_uri()).read()
    assert fetch(TINY_PNG).read().startswith(b"\x89PNG")


def test_the_copy_kept_for_offline_use_holds_nothing_of_the_account(people: Callable[..., Person]) -> None:
    """What sw.js keeps (asked for with the header) is the visitor's page, in the browser's language."""
    ann = people("ann@example.org")
    ann.client.cookies.set(LANG_COOKIE, "ru")
    copy = {OFFLINE_COPY_HEADER: "1"}
    assert 'data-account="ann@example.org"' in ann.client.get("/learn").text  # what ann herself sees
    for url in ("/now", "/learn", "/learn/causes", "/diary/offline"):
        kept = ann.client.get(url, headers=copy)
        assert kept.status_code == 200, url
        text = kept.text
        assert 'lang="ru"' in text and (url == "/now" or "data-server" in text), url  # /now: a page of its own
        assert not [mark for mark in ("ann@example.org", "data-account", 'name="csrf_token"', 'action="/logout"',
                                      'href="/account"', 'href="/sharing"') if mark in text], url
    # Elsewhere the header changes nothing: the diary stays ann's, behind her log-in.
    diary = ann.client.get("/diary", headers=copy)
    assert diary.status_code == 200 and 'data-account="ann@example.org"' in diary.text
    visitor = people("someone@example.org", sign_up=False)
    assert 'data-account=""' in visitor.client.get("/learn").text  # a page shown to nobody says so


# --------------------------------------------------------------------------- a phone shared by two people

KEPT_PAGES = """async () => {
    const kept = {};
    for (const name of await caches.keys()) {
        const cache = await caches.open(name);
        for (const request of await cache.keys()) kept[new URL(request.url).pathname] = await (await cache.match(request)).text();
    }
    return kept;
}"""
KEPT_NIGHTS = """() => new Promise((ok, fail) => { const open = indexedDB.open('crampcare-offline', 1);
    open.onsuccess = () => { const get = open.result.transaction('nights').objectStore('nights').getAll();
      get.onsuccess = () => ok(get.result.map(e => [e.account || '', e.fields.muscles || []])); get.onerror = fail; };
    open.onerror = fail; })"""


@pytest.fixture
def server_url(tmp_path: Path) -> Iterator[str]:
    """A server-mode app on a migrated SQLite file, served on a loopback port."""
    application = server_app(f"sqlite:///{tmp_path / 'server.db'}")
    yield from serve_in_thread(application)
    application.state.engine.dispose()


def sign_in(context: Any, email: str, *, sign_up: bool = False) -> str:
    """Signs in in this browser context (the JSON route sets the cookie); the session's CSRF token."""
    answer = context.request.post("/api/v1/auth/signup" if sign_up else "/api/v1/auth/login",
                                  data={"email": email, "password": PASSWORD})
    assert answer.ok, answer.text()
    return str(answer.json()["csrf_token"])


def offline(context: Any, on: bool) -> None:
    if on:
        context.route("**/*", lambda route: route.abort())
    else:
        context.unroute("**/*")


@pytest.mark.browser
def test_a_shared_phone_keeps_no_pages_or_nights_of_one_account_for_the_next(browser: Any, server_url: str) -> None:
    """ann uses the installed app, then logs out; bob and a visitor use the same phone. No kept page
    holds ann's e-mail; ann's night logged offline is listed for nobody else and reaches only her
    diary; a visitor's night offline is not kept (it would go to the next account)."""
    began = night_now()
    context = browser.new_context(base_url=server_url, viewport={"width": 360, "height": 640}, is_mobile=True,
                                  has_touch=True, service_workers="allow")
    page = context.new_page()
    synced = page.locator("html[data-offline-sync=done]")
    pending = page.locator("#pending")
    try:
        ann = sign_in(context, "ann@example.org", sign_up=True)
        page.goto("/learn")
        assert "ann@example.org" in page.content()  # the page ann sees is hers...
        page.evaluate("navigator.serviceWorker.ready")
        page.goto("/diary")
        deadline = time.monotonic() + 20
        while not {"/learn", "/now", "/diary/offline"} <= set(kept := page.evaluate(KEPT_PAGES)):
            assert time.monotonic() < deadline, sorted(kept)
            page.wait_for_timeout(100)
        assert not [path for path, text in kept.items() if "ann@example.org" in text]  # ...the kept copies are nobody's

        # Offline, ann logs a night: kept on the phone for her.
        offline(context, True)
        page.goto("/diary")
        night = offline_form_night(page, began)
        log_cramp_offline(page, night, "toes")
        assert page.locator("#pending-logout").is_visible()  # "if you log out, they stay here for you"
        # ann's session ends before the phone is back: her night stays, bound to her, shown to nobody else.
        assert context.request.post("/api/v1/auth/logout", headers={"X-CSRF-Token": ann}).ok
        offline(context, False)
        page.goto("/login")
        synced.wait_for(state="attached")
        assert page.locator("#pending-signin").is_visible() and page.locator("#pending-list li").count() == 0
        assert "toes" not in pending.inner_text()

        # A visitor offline: the diary opens as the kept form, but a night is not kept for the next account.
        offline(context, True)
        page.goto("/learn")
        assert "ann@example.org" not in page.content()
        page.goto("/diary")
        assert "ann@example.org" not in page.content()
        form = page.locator("#night-form")
        for name, value in (("leg", "right"), ("muscles", "calf"), ("duration", "60"), ("severity", "2")):
            form.locator(f"input[name={name}][value='{value}'] + span").click()
        form.get_by_role("button", name="Save the cramp").click()
        page.locator("#pending-nobody").wait_for(state="visible")
        assert page.evaluate(KEPT_NIGHTS) == [["ann@example.org", ["toes"]]]
        offline(context, False)

        # bob signs in on the phone: ann's night is neither shown to him nor sent into his diary.
        bob = sign_in(context, "bob@example.org", sign_up=True)
        page.goto("/diary")
        synced.wait_for(state="attached")
        assert pending.is_hidden() and page.locator("#pending-list li").count() == 0
        assert context.request.get(f"/api/v1/nights/{night}").status == 404
        assert context.request.post("/api/v1/auth/logout", headers={"X-CSRF-Token": bob}).ok

        # ann signs in again: her night is sent into her diary, once.
        sign_in(context, "ann@example.org")
        page.goto("/diary")
        synced.wait_for(state="attached")
        assert pending.is_hidden() and page.evaluate(KEPT_NIGHTS) == []
        cramps = context.request.get(f"/api/v1/nights/{night}").json()["cramps"]
        assert [c["muscles"] for c in cramps] == [["toes"]], cramps
    finally:
        context.close()
