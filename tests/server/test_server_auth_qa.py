"""Server mode, an attacker's QA pass over accounts, sessions and forms (SQLite and PostgreSQL):

* The offline night form, opened by a logged-in person, carries their e-mail and their session's
  CSRF token: it must be ``no-store`` like every other page shown to an account (it was
  ``no-cache``, which lets a shared cache or the browser's disk keep it). A visitor's copy, the one
  the service worker keeps, stays ``no-cache``.
* Behind HTTPS every cookie a log-in through the pages sets or clears is Secure, HttpOnly and
  SameSite=Lax (the log-in cleared the ``crampcare_prelogin`` cookie without any of them).
* Every unsafe route of the app (walked, so a route added later is covered) refuses a session
  cookie that comes without its CSRF token, the report form that posts a name included.
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import FastAPI
from serverkit import CSRF_INPUT, PASSWORD, Person, routes_of

from crampcare.web.auth import CREDENTIAL_PATHS, OFFLINE_COPY_HEADER, SAFE_METHODS


def _set_cookies(response: object) -> list[str]:
    return response.headers.get_list("set-cookie")  # type: ignore[attr-defined]


def test_the_offline_night_form_shown_to_an_account_is_not_kept(people: Callable[..., Person]) -> None:
    ann = people("ann@example.org")
    mine = ann.client.get("/diary/offline")
    assert mine.status_code == 200 and ann.email in mine.text and CSRF_INPUT.search(mine.text)
    assert mine.headers["cache-control"] == "no-store"
    visitor = people("visitor@example.org", sign_up=False).client
    for headers in ({}, {OFFLINE_COPY_HEADER: "1"}):
        public = visitor.get("/diary/offline", headers=headers)
        assert public.status_code == 200 and not CSRF_INPUT.search(public.text)
        assert public.headers["cache-control"] == "no-cache"  # the service worker's copy is revalidated
    copy = ann.client.get("/diary/offline", headers={OFFLINE_COPY_HEADER: "1"})  # made as for a visitor
    assert ann.email not in copy.text and copy.headers["cache-control"] == "no-cache"


def test_every_cookie_of_a_log_in_and_out_over_https_is_secure_httponly_and_lax(
        people: Callable[..., Person]) -> None:
    people("bea@example.org", base_url="https://testserver").client.cookies.clear()
    bea = people("bea@example.org", sign_up=False, base_url="https://testserver")
    page = bea.client.get("/login")
    token = CSRF_INPUT.search(page.text).group(1)  # type: ignore[union-attr]
    logged_in = bea.client.post("/login", data={"email": bea.email, "password": PASSWORD, "csrf_token": token},
                                follow_redirects=False)
    assert logged_in.status_code == 303
    logged_out = bea.client.post("/logout", data={"csrf_token": bea.form_token("/account")}, follow_redirects=False)
    assert logged_out.status_code == 303
    cookies = [c for r in (page, logged_in, logged_out) for c in _set_cookies(r)]
    names = {c.split("=", 1)[0] for c in cookies}
    assert {"__Host-crampcare_prelogin", "__Host-crampcare_session", "__Host-crampcare_flash"} <= names, cookies
    assert bea.client.get("/login").text.count("You are logged out.") == 1  # the flash cookie read back
    for cookie in cookies:
        flags = {part.strip().lower() for part in cookie.split(";")[1:]}
        assert {"secure", "httponly", "samesite=lax", "path=/"} <= flags, cookie


PATH_VALUES = {"date": "2026-03-02", "kind": "night", "token_id": "1", "share_id": "1", "assessment_id": "1"}


def test_every_unsafe_route_refuses_a_session_cookie_without_its_csrf_token(app: FastAPI,
                                                                            people: Callable[..., Person]) -> None:
    """Walks the app's routes, so a form or API route added later without the guard fails here: a
    browser's cookie alone (what another site's form or fetch would carry) changes nothing."""
    ann = people("ann@example.org")
    unsafe = sorted({(method, route.path) for route in routes_of(app.routes)
                     for method in getattr(route, "methods", None) or () if method not in SAFE_METHODS})
    assert len(unsafe) > 30 and ("POST", "/report.html") in unsafe and ("POST", "/logout") in unsafe
    refused = []
    for method, path in unsafe:
        if path in CREDENTIAL_PATHS:
            continue
        url = path.format(**PATH_VALUES)
        for body in ({"data": {"name": "x", "date": "2026-03-02"}}, {"json": {"name": "x", "date": "2026-03-02"}}):
            response = ann.client.request(method, url, follow_redirects=False, **body)  # type: ignore[arg-type]
            refused.append((method, url, response.status_code,
                            response.json()["error"]["code"] if response.status_code == 403 else ""))
    assert all(status == 403 and code == "csrf_failed" for _m, _u, status, code in refused), [
        r for r in refused if r[2:] != (403, "csrf_failed")]
    assert ann.get("/api/v1/nights").json() == [] and ann.get("/api/v1/tokens").json() == []
