"""Server mode, a second round of attacks (SQLite and PostgreSQL, in-process clients):

* E-mails matched by ``lower()`` were not caseless: the capitals of "νίκος" (final sigma) and of
  "straße" ("ΝΊΚΟΣ", "STRASSE") lower to another address, so "νίκοσ" and "strasse" signed up as second
  accounts beside them, and an invitation typed in capitals went to that other account. E-mails are
  now keyed by Unicode case folding (and migration 0016 re-keys the accounts stored).
* A domain written in its ASCII form ("ivan@xn--e1afmkfd.xn--p1ai") was a second account beside the
  same address written in its letters ("ivan@пример.рф"), and hid a word of mixed alphabets from the
  look-alike check ("xn--exmple-4nf" is "exаmple" with a Cyrillic "а"). Such labels are now read as
  their letters.
* A personal API token invited a clinician (by e-mail or with a one-time code): a token that leaked to
  a clinician of the server gave them a share that outlived the token's revocation, as a copied token
  would have. Sharing now needs a log-in session (or the password), like making a token.
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import FastAPI
from serverkit import PASSWORD, Person

from crampcare.clinic.roles import grant_role
from one_trip_client import OneTripClient


def test_an_e_mail_is_one_account_in_every_case_form(app: FastAPI, people: Callable[..., Person]) -> None:
    people("νίκος@example.gr")
    people("straße@example.org")
    stranger = people("stranger@example.org", sign_up=False).client
    for other_form in ("νίκοσ@example.gr", "ΝΊΚΟΣ@EXAMPLE.GR", "strasse@example.org", "STRASSE@example.org",
                       "STRAẞE@example.org"):
        again = stranger.post("/api/v1/auth/signup", json={"email": other_form, "password": PASSWORD + "!"})
        assert again.status_code == 409, (other_form, again.text)
        logged_in = OneTripClient(app).post("/api/v1/auth/login", json={"email": other_form, "password": PASSWORD})
        assert logged_in.status_code == 200, other_form
    # Folding lengthens "ß" to "ss": an address that grows past 320 characters is refused with a reason.
    long_one = "ß" * 200 + "@example.org"
    assert stranger.post("/api/v1/auth/signup", json={"email": long_one, "password": PASSWORD}).status_code == 422
    assert OneTripClient(app).post("/api/v1/auth/login", json={"email": long_one, "password": PASSWORD}).status_code == 401
    # A patient typing the clinician's address in capitals invites that clinician, nobody else.
    doctor = people("dr.strauß@clinic.example")
    grant_role(app.state.engine, doctor.email, "clinician")
    assert doctor.log_in().status_code == 200
    patient = people("pat@example.org")
    token = patient.form_token("/sharing")
    invited = patient.client.post("/sharing/invite", data={"email": "DR.STRAUSS@CLINIC.EXAMPLE", "scope": "diary",
                                                           "csrf_token": token}, follow_redirects=False)
    assert invited.status_code in (200, 303), invited.text
    assert "pat@example.org" in doctor.client.get("/clinic").text
    nobody = patient.client.post("/sharing/invite", data={"email": long_one, "scope": "diary", "csrf_token": token})
    assert nobody.status_code == 422 and "no clinician has an account" in nobody.text


def test_accounts_stored_before_case_folding_still_log_in(db_url: str) -> None:
    """Migration 0016: an address stored by ``lower()`` ("straße", final sigma) is re-keyed, so its
    owner still logs in however they type it; two accounts folding to one address are both kept."""
    from sqlalchemy import create_engine, text

    from crampcare.accounts import AccountService
    from crampcare.db.schema import upgrade

    upgrade(db_url, "0015")
    engine = create_engine(db_url)
    try:
        service = AccountService(engine)
        for email in ("n1@example.gr", "s1@example.org", "s2@example.org", "s3@example.org", "i1@example.org"):
            service.sign_up(email, PASSWORD)
        with engine.begin() as conn:  # as lower() stored them; s2 and s3 fold to one address
            for old, stored in (("n1@example.gr", "νίκος@example.gr"), ("s1@example.org", "straße@example.org"),
                                ("s2@example.org", "weiß@example.org"), ("s3@example.org", "weiss@example.org"),
                                ("i1@example.org", "ivan@xn--e1afmkfd.xn--p1ai")):
                conn.execute(text("UPDATE users SET email = :stored WHERE email = :old"), {"stored": stored, "old": old})
        upgrade(db_url)
        for typed in ("ΝΊΚΟΣ@example.gr", "νίκοσ@example.gr", "STRASSE@example.org", "straße@example.org",
                      "WEISS@example.org", "ivan@пример.рф", "IVAN@XN--E1AFMKFD.XN--P1AI"):
            assert service.authenticate(typed, PASSWORD) is not None, typed
        with engine.connect() as conn:
            emails = sorted(conn.execute(text("SELECT email FROM users")).scalars())
        assert emails == ["ivan@пример.рф", "strasse@example.org", "weiss@example.org", "weiß@example.org", "νίκοσ@example.gr"]
    finally:
        engine.dispose()


def test_a_personal_token_cannot_share_the_diary(app: FastAPI, people: Callable[..., Person]) -> None:
    ann = people("ann@example.org")
    doctor = people("doc@clinic.example")
    grant_role(app.state.engine, doctor.email, "clinician")
    assert doctor.log_in().status_code == 200
    leaked = ann.post("/api/v1/tokens", json={"name": "phone"}).json()
    thief = Person(OneTripClient(app), ann.email)
    thief.bearer = leaked["token"]
    for form in ({"email": doctor.email, "scope": "diary"}, {"method": "code", "scope": "diary"}):
        refused = thief.client.post("/sharing/invite", data=form, headers=thief.headers(), follow_redirects=False)
        assert refused.status_code == 403, (form, refused.status_code)
        assert "personal API token" in refused.text
    assert ann.request("DELETE", f"/api/v1/tokens/{leaked['id']}").status_code == 200
    assert "ann@example.org" not in doctor.client.get("/clinic").text
    sharing = ann.client.get("/sharing").text
    assert doctor.email not in sharing
    # With her log-in session, ann shares as before.
    token = ann.form_token("/sharing")
    assert ann.client.post("/sharing/invite", data={"email": doctor.email, "scope": "diary", "csrf_token": token},
                           follow_redirects=False).status_code == 303
    assert "ann@example.org" in doctor.client.get("/clinic").text


def test_a_domain_in_its_ascii_form_is_the_same_address(app: FastAPI, people: Callable[..., Person]) -> None:
    people("ivan@пример.рф")
    stranger = people("stranger@example.org", sign_up=False).client
    for ascii_form in ("ivan@xn--e1afmkfd.xn--p1ai", "IVAN@XN--E1AFMKFD.XN--P1AI"):
        again = stranger.post("/api/v1/auth/signup", json={"email": ascii_form, "password": PASSWORD})
        assert again.status_code == 409, (ascii_form, again.text)
        logged_in = OneTripClient(app).post("/api/v1/auth/login", json={"email": ascii_form, "password": PASSWORD})
        assert logged_in.status_code == 200 and logged_in.json()["user"]["email"] == "ivan@пример.рф"
    hidden = stranger.post("/api/v1/auth/signup", json={"email": "ann@xn--exmple-4nf.org", "password": PASSWORD})
    assert hidden.status_code == 422 and "alphabets" in hidden.json()["error"]["message"], hidden.text
    # A label that only looks like one (not valid Punycode) stays as typed.
    assert stranger.post("/api/v1/auth/signup", json={"email": "x@xn--zzzzzzz-.org", "password": PASSWORD}).status_code in (201, 422)
