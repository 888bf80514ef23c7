"""Server mode, an attacker's QA pass over accounts, sessions and forms (SQLite and PostgreSQL):

* The offline night form, opened by a logged-in person, carries their e-mail and their session's
  CSRF token: it must be ``no-store`` like every other page shown to an account (it was
  ``no-cache``, which lets a shared cache or the browser's disk keep it). A visitor's copy, the one
  the service worker keeps, stays ``no-cache``.
* Behind HTTPS every cookie a log-in through the pages sets or clears is Secure, HttpOnly and
  SameSite=Lax (the log-in cleared the ``crampcare_prelogin`` cookie without any of them).
"""

from __future__ import annotations

from collections.abc import Callable

from serverkit import CSRF_INPUT, PASSWORD, Person

from crampcare.web.auth import OFFLINE_COPY_HEADER


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
    assert {"crampcare_prelogin", "crampcare_session", "crampcare_flash"} <= names, cookies
    for cookie in cookies:
        flags = {part.strip().lower() for part in cookie.split(";")[1:]}
        assert {"secure", "httponly", "samesite=lax", "path=/"} <= flags, cookie
