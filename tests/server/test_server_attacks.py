"""Server mode, attacks nobody had tried (SQLite and PostgreSQL, in-process clients):

* A personal API token made another token (API and account page): a token that leaked made copies
  that outlived its revocation; only a password change ended them.
* A role given or taken on the command line kept the account's sessions and tokens: a session id
  fixed or left on another computer while the account was a patient's reached patients' data once the
  role was given. A role change now ends them; the person logs in again, with a new session id.
* An e-mail or password longer than any stored one logged in as its first 320 or 1000 characters.
* On SQLite a revoked token's id, and a deleted account's assessment id, went to the next one made
  (migration 0012): ``/api/v1/assessments/7`` of an open page showed someone else's assessment.
* Login CSRF: another site cannot log a browser into the attacker's account (no JSON without the
  JSON type, no form without the log-in form's double-submit token).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from fastapi import FastAPI
from serverkit import PASSWORD, Person

from crampcare.clinic.roles import grant_role, revoke_role
from one_trip_client import OneTripClient


def test_a_personal_token_cannot_make_another(app: FastAPI, people: Callable[..., Person]) -> None:
    ann = people("ann@example.org")
    leaked = ann.post("/api/v1/tokens", json={"name": "phone"}).json()
    thief = Person(OneTripClient(app), ann.email)
    thief.bearer = leaked["token"]
    copied = thief.post("/api/v1/tokens", json={"name": "spare"})
    assert copied.status_code == 403 and copied.json()["error"]["code"] == "forbidden"
    page = thief.client.post("/account/tokens", data={"name": "spare"}, headers=thief.headers())
    assert page.status_code == 403 and "cc_" not in page.text
    assert [t["name"] for t in ann.get("/api/v1/tokens").json()] == ["phone"]
    # Revoked, the leak is over: nothing it made lives on.
    assert ann.request("DELETE", f"/api/v1/tokens/{leaked['id']}").status_code == 200
    assert thief.get("/api/v1/nights").status_code == 401
    # The owner still makes tokens with a session, or with the password and no session.
    assert ann.post("/api/v1/tokens", json={"name": "laptop"}).status_code == 201
    assert thief.client.post("/api/v1/tokens", json={"name": "script", "email": ann.email,
                                                     "password": PASSWORD}).status_code == 201


def test_a_role_change_ends_the_accounts_sessions_and_tokens(app: FastAPI, people: Callable[..., Person]) -> None:
    """The session id changes with the role: a cookie that existed before the grant (planted, or left
    logged in on a shared computer) never opens the clinic; nor does a token, nor after the revoke."""
    doc = people("doc@clinic.example")
    other_browser = Person(OneTripClient(app), doc.email)
    assert other_browser.log_in().status_code == 200
    before = doc.client.cookies["crampcare_session"]
    token = doc.post("/api/v1/tokens", json={"name": "script"}).json()["token"]
    grant_role(app.state.engine, doc.email, "clinician")
    for browser in (doc, other_browser):
        assert browser.client.get("/clinic", follow_redirects=False).status_code == 303  # to the log-in page
        assert browser.get("/api/v1/account").status_code == 401
    script = Person(OneTripClient(app), doc.email)
    script.bearer = token
    assert script.get("/api/v1/account").status_code == 401
    assert doc.log_in().status_code == 200
    assert doc.client.cookies["crampcare_session"] != before
    assert doc.client.get("/clinic").status_code == 200
    during = doc.client.cookies["crampcare_session"]
    revoke_role(app.state.engine, doc.email)
    assert doc.get("/api/v1/account").status_code == 401
    assert doc.log_in().status_code == 200 and doc.client.cookies["crampcare_session"] not in (before, during)
    assert doc.client.get("/clinic").status_code == 404


def test_a_longer_e_mail_or_password_is_not_matched_by_its_first_characters(
        app: FastAPI, people: Callable[..., Person]) -> None:
    local, domain = "l" * 64, ".".join(["d" * 63] * 4)[: 320 - 65 - 4] + ".org"
    email = f"{local}@{domain}"
    assert len(email) == 320
    long_password = "p" * 1000
    person = Person(people("x@example.org", sign_up=False).client, email, long_password).sign_up()
    person.client.cookies.clear()
    for typed_email, typed_password in ((email + "x", long_password), (email, long_password + "x")):
        browser = people("y@example.org", sign_up=False).client
        token = re.search(r'name="csrf_token" value="([^"]+)"', browser.get("/login").text).group(1)  # type: ignore[union-attr]
        page = browser.post("/login", data={"email": typed_email, "password": typed_password, "csrf_token": token},
                            follow_redirects=False)
        assert page.status_code == 401 and "wrong e-mail or password" in page.text, (len(typed_email), len(typed_password))
    assert person.log_in().status_code == 200


def test_ids_of_revoked_tokens_and_deleted_assessments_never_come_back(people: Callable[..., Person]) -> None:
    ann, bob = people("ann@example.org"), people("bob@example.org")
    token = ann.post("/api/v1/tokens", json={"name": "ann's phone"}).json()["id"]
    assert ann.request("DELETE", f"/api/v1/tokens/{token}").status_code == 200
    assert bob.post("/api/v1/tokens", json={"name": "bob's phone"}).json()["id"] != token
    saved = ann.post("/api/v1/assess", json={"answers": {"age": 71, "calf_swollen_red_warm": True}, "save": True})
    anns = saved.headers["location"]
    assert ann.request("DELETE", "/api/v1/account", json={"password": PASSWORD}).status_code == 200
    mine = bob.post("/api/v1/assess", json={"answers": {"age": 30}, "save": True}).headers["location"]
    assert mine != anns and bob.get(anns).status_code == 404  # ann's open page never shows bob's


def test_another_site_cannot_log_a_browser_into_an_account(app: FastAPI, people: Callable[..., Person]) -> None:
    """Login CSRF: the attacker's own account, logged into the victim's browser, would collect what the
    victim then logs. A cross-site form can send only form or plain-text bodies, and has no way to read
    or set the log-in form's token."""
    people("attacker@example.org")
    victim = people("victim@example.org", sign_up=False).client
    body = b'{"email": "attacker@example.org", "password": "%s"}' % PASSWORD.encode()
    for path in ("/api/v1/auth/login", "/api/v1/tokens"):
        plain = victim.post(path, content=body, headers={"content-type": "text/plain", "origin": "https://evil.example"})
        assert plain.status_code == 422, (path, plain.status_code)
    form = victim.post("/login", data={"email": "attacker@example.org", "password": PASSWORD},
                       headers={"origin": "https://evil.example"}, follow_redirects=False)
    assert form.status_code == 403
    victim.cookies.set("crampcare_prelogin", "y" * 43)  # a cookie of its own choosing, if it could set one
    guessed = victim.post("/login", data={"email": "attacker@example.org", "password": PASSWORD, "csrf_token": "x" * 43},
                          follow_redirects=False)
    assert guessed.status_code == 403
    assert "crampcare_session" not in victim.cookies and victim.get("/api/v1/account").status_code == 401


def test_two_accounts_never_differ_only_by_case_or_unicode_form(app: FastAPI, people: Callable[..., Person]) -> None:
    """"José" typed with a composed é, a decomposed e + accent, in capitals or full-width letters is one
    account: the second sign-up is told it exists, and each spelling logs in to the first."""
    first = people("jose\u0301@example.org")  # decomposed
    for spelling in ("jos\u00e9@example.org", "JOS\u00c9@EXAMPLE.ORG", "ｊｏｓé@example.org", " José@Example.org "):
        again = OneTripClient(app).post("/api/v1/auth/signup", json={"email": spelling, "password": PASSWORD})
        assert again.status_code == 409, spelling
        logged_in = OneTripClient(app).post("/api/v1/auth/login", json={"email": spelling, "password": PASSWORD})
        assert logged_in.status_code == 200 and logged_in.json()["user"]["email"] == "jos\u00e9@example.org", spelling
    assert first.get("/api/v1/account").json()["email"] == "jos\u00e9@example.org"


def test_a_token_used_while_it_is_revoked_is_refused_from_the_revocation_on(
        app: FastAPI, people: Callable[..., Person]) -> None:
    """Reads with a token race its revocation: every one that starts after the revocation answered is
    refused (one already past the token check may finish: it was authorised when it started)."""
    import threading
    import time
    from concurrent.futures import ThreadPoolExecutor

    ann = people("ann@example.org")
    made = ann.post("/api/v1/tokens", json={"name": "phone"}).json()
    revoked_at: list[float] = []
    go = threading.Event()

    def read(_: int) -> tuple[float, int]:
        with OneTripClient(app, headers={"Authorization": f"Bearer {made['token']}"}) as client:
            go.wait()
            started = time.monotonic()
            return started, client.get("/api/v1/nights").status_code

    with ThreadPoolExecutor(4) as pool:
        reads = [pool.submit(read, i) for i in range(16)]
        go.set()
        assert ann.request("DELETE", f"/api/v1/tokens/{made['id']}").status_code == 200
        revoked_at.append(time.monotonic())
        outcomes = [r.result() for r in reads]
    assert {status for _started, status in outcomes} <= {200, 401}
    assert all(status == 401 for started, status in outcomes if started > revoked_at[0]), outcomes
    assert OneTripClient(app).get("/api/v1/nights", headers={"Authorization": f"Bearer {made['token']}"}).status_code == 401

