"""Server mode, a second round of attacks (SQLite and PostgreSQL, in-process clients):

* E-mails matched by ``lower()`` were not caseless: the capitals of "νίκος" (final sigma) and of
  "straße" ("ΝΊΚΟΣ", "STRASSE") lower to another address, so "νίκοσ" and "strasse" signed up as second
  accounts beside them, and an invitation typed in capitals went to that other account. E-mails are
  now keyed by Unicode case folding (and migration 0016 re-keys the accounts and invitations stored).
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
        for email in ("n1@example.gr", "s1@example.org", "s2@example.org", "s3@example.org"):
            service.sign_up(email, PASSWORD)
        with engine.begin() as conn:  # as lower() stored them; s2 and s3 fold to one address
            for old, stored in (("n1@example.gr", "νίκος@example.gr"), ("s1@example.org", "straße@example.org"),
                                ("s2@example.org", "weiß@example.org"), ("s3@example.org", "weiss@example.org")):
                conn.execute(text("UPDATE users SET email = :stored WHERE email = :old"), {"stored": stored, "old": old})
        upgrade(db_url)
        for typed in ("ΝΊΚΟΣ@example.gr", "νίκοσ@example.gr", "STRASSE@example.org", "straße@example.org",
                      "WEISS@example.org"):
            assert service.authenticate(typed, PASSWORD) is not None, typed
        with engine.connect() as conn:
            emails = sorted(conn.execute(text("SELECT email FROM users")).scalars())
        assert emails == ["strasse@example.org", "weiss@example.org", "weiß@example.org", "νίκοσ@example.gr"]
    finally:
        engine.dispose()
