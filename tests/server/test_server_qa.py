"""Security and data-safety QA of server and clinic mode, on SQLite and PostgreSQL: races between
two people (or two requests of one person) that each looked harmless alone.

* Sign-ups from one address stay within the limit when they arrive together.
* Two clinicians typing the same code at once: the first gets the share, the other is told the
  code is used (not "database is locked").
* An invitation the patient withdraws while the clinician is accepting it stays withdrawn.
* No session or token is issued for an account deleted meanwhile, nor on a credential that a
  password change ended while the request was on its way (it would outlive the change).

A race is made certain, not likely, where it can be: the test holds the database lock of the
other party's transaction while the request under test waits for it.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

import pytest
from fastapi import FastAPI
from serverkit import PASSWORD, Person
from sqlalchemy import Connection, Engine, text

from crampcare.accounts import AccountService
from crampcare.accounts.service import AccountError, TooManyAttemptsError, User
from crampcare.clinic import sharing
from crampcare.clinic.roles import ClinicError, grant_role
from crampcare.db.engine import IMMEDIATE
from crampcare.db.writes import OwnerGoneError

EVERYTHING = sharing.Scopes(diary=True, assessments=True, reports=True)


def _parallel(count: int, job: Callable[[int], str]) -> Counter[str]:
    """``job(0..count-1)`` in ``count`` threads released together."""
    start = threading.Barrier(count)

    def run(i: int) -> str:
        start.wait()
        return job(i)

    with ThreadPoolExecutor(count) as pool:
        return Counter(pool.map(run, range(count)))


@contextmanager
def _held_write(engine: Engine) -> Any:
    """A write transaction of "another request", open (its locks held) until the block ends."""
    options = {IMMEDIATE: True} if engine.dialect.name == "sqlite" else {}
    with engine.connect().execution_options(**options) as conn, conn.begin():
        yield conn


def _wait_until_blocked(engine: Engine, holder: Connection, worker: threading.Thread) -> None:
    """Until ``worker`` waits for the lock ``holder`` holds (PostgreSQL says so; SQLite's busy wait
    cannot be seen, so a moment is given)."""
    deadline = time.monotonic() + 10
    while worker.is_alive() and time.monotonic() < deadline:
        if engine.dialect.name == "sqlite":
            time.sleep(0.2)
            return
        holder.execute(text("SELECT pg_stat_clear_snapshot()"))  # else the transaction sees its first look
        waiting = holder.execute(text("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                                      "AND datname = current_database()")).scalar_one()
        if waiting:
            return
        time.sleep(0.01)


def _in_thread(work: Callable[[], Any]) -> tuple[threading.Thread, list[Any]]:
    outcome: list[Any] = []

    def run() -> None:
        try:
            outcome.append(work())
        except Exception as exc:  # the outcome under test
            outcome.append(exc)

    worker = threading.Thread(target=run)
    worker.start()
    return worker, outcome


def _user(app: FastAPI, person: Person) -> User:
    return AccountService(app.state.engine).authenticate(person.email, person.password)


def _ann_and_her_doctor(app: FastAPI, people: Callable[..., Person]) -> tuple[User, User]:
    """ann, a patient, and doc@clinic.example, made a clinician (no share between them yet)."""
    patient = _user(app, people("ann@example.org"))
    doctor = people("doc@clinic.example")
    grant_role(app.state.engine, doctor.email, "clinician")
    assert doctor.log_in().status_code == 200  # a role change ends the account's sessions
    return patient, _user(app, doctor)


def _ann_with_a_history_and_her_doctor(app: FastAPI, people: Callable[..., Person]) -> tuple[User, User, Person]:
    """ann, a patient with a week of diary (a note "private-diary-note") and a saved urgent
    assessment, and doc@clinic.example, made a clinician (no share between them yet)."""
    import datetime as dt

    ann = people("ann@example.org")
    ann.log_week(dt.date.today() - dt.timedelta(days=9), "private-diary-note")
    assert ann.post("/api/v1/assess", json={"answers": {"age": 71, "calf_swollen_red_warm": True},
                                            "save": True}).status_code == 201
    doctor = people("doc@clinic.example")
    grant_role(app.state.engine, doctor.email, "clinician")
    assert doctor.log_in().status_code == 200  # a role change ends the account's sessions
    return _user(app, ann), _user(app, doctor), doctor


# --------------------------------------------------------------------------- sign-up limit


def test_parallel_sign_ups_from_one_address_stay_within_the_limit(app: FastAPI) -> None:
    """Counted before the check, in its own transaction (as log-ins are): on PostgreSQL eight sign-ups
    at once all read the count below 3 before any was written, and six got accounts."""
    service = AccountService(app.state.engine)

    def sign_up(i: int) -> str:
        try:
            service.sign_up(f"burst{i}@example.org", PASSWORD, client="203.0.113.7", limit=3)
        except TooManyAttemptsError:
            return "refused"
        return "created"

    outcome = _parallel(8, sign_up)
    assert set(outcome) <= {"created", "refused"}
    # At most the limit (all eight may be refused: each counts the others, as parallel log-ins do).
    assert outcome["created"] <= 3, outcome
    # A refused sign-up is not counted: once the burst is over, what is left of the limit is usable.
    left = 3 - outcome["created"]
    for i in range(left):
        service.sign_up(f"later{i}@example.org", PASSWORD, client="203.0.113.7", limit=3)
    with pytest.raises(TooManyAttemptsError):
        service.sign_up("one-too-many@example.org", PASSWORD, client="203.0.113.7", limit=3)


# --------------------------------------------------------------------------- sharing races


def test_a_code_used_while_another_clinician_types_it_is_refused_with_a_reason(
        app: FastAPI, people: Callable[..., Person]) -> None:
    """Two clinicians type one code at once. On SQLite the second read the code in a deferred
    transaction, then wrote after the first had committed: "database is locked" (a 503) instead
    of "used already"."""
    engine = app.state.engine
    patient = _user(app, people("ann@example.org"))
    first, second = people("doc@clinic.example"), people("other@clinic.example")
    for doctor in (first, second):
        grant_role(engine, doctor.email, "clinician")
        assert doctor.log_in().status_code == 200  # a role change ends the account's sessions
    late = _user(app, second)
    code, share_id = sharing.invite_by_code(engine, patient, EVERYTHING)

    with _held_write(engine) as accepted:  # the first clinician's accept, as _activate writes it
        accepted.execute(text("UPDATE clinic_shares SET status = 'active', accepted_at = CURRENT_TIMESTAMP, "
                              "code_hash = NULL, clinician_id = (SELECT id FROM users WHERE email = :email) "
                              "WHERE id = :id"), {"id": share_id, "email": first.email})
        worker, outcome = _in_thread(lambda: sharing.accept_code(engine, late, code))
        _wait_until_blocked(engine, accepted, worker)
    worker.join(30)

    assert len(outcome) == 1 and isinstance(outcome[0], ClinicError), outcome
    assert outcome[0].field == "code"
    assert [(s.status, s.clinician_email) for s in sharing.shares_of_patient(engine, patient)] == [
        ("active", first.email)]


def test_an_invitation_withdrawn_while_it_is_being_accepted_stays_withdrawn(app: FastAPI,
                                                                           people: Callable[..., Person]) -> None:
    """The accept read "pending", then the patient's withdrawal committed, then the accept set the
    share active: the clinician saw everything the patient had just taken back (PostgreSQL)."""
    engine = app.state.engine
    patient, clinician = _ann_and_her_doctor(app, people)
    share_id = sharing.invite_clinician(engine, patient, clinician.email, EVERYTHING)

    with _held_write(engine) as withdrawal:  # the patient's "end access", as revoke_share writes it
        withdrawal.execute(text("UPDATE clinic_shares SET status = 'revoked', revoked_at = CURRENT_TIMESTAMP "
                                "WHERE id = :id AND status IN ('pending', 'active')"), {"id": share_id})
        worker, outcome = _in_thread(lambda: sharing.accept_invite(engine, clinician, share_id))
        _wait_until_blocked(engine, withdrawal, worker)
    worker.join(30)

    assert len(outcome) == 1 and isinstance(outcome[0], ClinicError), outcome
    assert outcome[0].status == 404
    assert [s.status for s in sharing.shares_of_patient(engine, patient)] == ["revoked"]


# --------------------------------------------------------------------------- sessions and tokens


def test_no_session_token_or_share_for_an_account_deleted_meanwhile(app: FastAPI,
                                                                    people: Callable[..., Person]) -> None:
    """A log-in or a token request that checked its credential just before the account was deleted
    (in another tab): a foreign-key error, a 500, before; now the same 410 as a diary write."""
    engine = app.state.engine
    service = AccountService(engine)
    ann = _user(app, people("ann@example.org"))
    service.delete_account(ann, PASSWORD)

    for attempt in (lambda: service.create_session(ann), lambda: service.issue_api_token(ann, "phone"),
                    lambda: sharing.invite_by_code(engine, ann, EVERYTHING),
                    lambda: sharing.set_cohort_consent(engine, ann, True)):
        with pytest.raises(OwnerGoneError):
            attempt()
    with engine.connect() as conn:
        left = {table: conn.execute(text(f"SELECT count(*) FROM {table} WHERE user_id = :id"), {"id": ann.id}).scalar_one()
                for table in ("sessions", "api_tokens", "clinic_cohort_consents")}
    assert left == {"sessions": 0, "api_tokens": 0, "clinic_cohort_consents": 0}


def test_a_password_change_ends_what_was_asked_for_on_the_old_password(app: FastAPI,
                                                                         people: Callable[..., Person]) -> None:
    """Someone with a stolen session (or the old password) asks for a token or a session; the owner
    changes the password; the request, checked before the change, wrote after it, and its token or
    session outlived the change that was meant to end them all."""
    engine = app.state.engine
    service = AccountService(engine)
    ann = people("ann@example.org")
    thief = service.session(ann.client.cookies["crampcare_session"])
    with_old_password = _user(app, ann)
    assert thief is not None

    owner = AccountService(engine)
    second_token, _session = owner.create_session(with_old_password)
    owner.change_password(with_old_password, PASSWORD, "a brand new password", keep_session=second_token)

    for stale in (lambda: service.issue_api_token(thief.user, "keep me"), lambda: service.create_session(with_old_password)):
        with pytest.raises(AccountError) as refused:
            stale()
        assert refused.value.code == "unauthorized"
    assert service.list_api_tokens(thief.user) == []
    assert service.session(second_token) is not None  # the owner's own session is untouched


def test_a_token_request_waiting_on_a_password_change_is_refused_with_a_reason(app: FastAPI,
                                                                               people: Callable[..., Person]) -> None:
    """The same race through the API, made certain: the request has checked its session and waits
    while the password change (holding the account's row) commits. Before: 201 and a live token."""
    engine = app.state.engine
    ann = people("ann@example.org")
    user = _user(app, ann)

    with _held_write(engine) as change:  # what change_password writes, in its own transaction
        change.execute(text("UPDATE users SET password_hash = 'changed' WHERE id = :id"), {"id": user.id})
        worker, outcome = _in_thread(lambda: ann.post("/api/v1/tokens", json={"name": "keep me"}))
        _wait_until_blocked(engine, change, worker)
        change.execute(text("DELETE FROM sessions WHERE user_id = :id"), {"id": user.id})
        change.execute(text("DELETE FROM api_tokens WHERE user_id = :id"), {"id": user.id})
    worker.join(30)

    assert len(outcome) == 1, outcome
    response = outcome[0]
    assert response.status_code == 401, response.text
    assert response.json()["error"]["code"] == "unauthorized"
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM api_tokens WHERE user_id = :id"), {"id": user.id}).scalar_one() == 0


# --------------------------------------------------------------------------- look-alike e-mails


def test_a_look_alike_e_mail_cannot_pass_for_another_patient(app: FastAPI, people: Callable[..., Person]) -> None:
    """"аnn@example.org" (a Cyrillic а) signed up beside ann@example.org, and a clinician's dashboard,
    invitation list and audit log showed the two exactly alike; full-width "ａnn" was a third."""
    people("ann@example.org")
    stranger = people("stranger@example.org", sign_up=False).client

    def sign_up(email: str) -> Any:
        return stranger.post("/api/v1/auth/signup", json={"email": email, "password": PASSWORD})

    for look_alike in ("аnn@example.org", "ann@examрle.org", "ann_аdmin@example.org"):  # Cyrillic а, р, а
        refused = sign_up(look_alike)
        assert refused.status_code == 422, (look_alike, refused.text)
        assert refused.json()["error"]["fields"][0]["field"] == "email"
    # Full-width letters are the letters everyone types: the same address, so ann's account.
    assert sign_up("ａｎｎ@example.org").status_code == 409
    logged_in = stranger.post("/api/v1/auth/login", json={"email": "ＡＮＮ@example.org", "password": PASSWORD})
    assert logged_in.status_code == 200 and logged_in.json()["user"]["email"] == "ann@example.org"
    # Addresses written in one alphabet per word still sign up, and a decomposed accent is the accent.
    assert sign_up("иван.ivanov@пример.рф").status_code == 201
    service = AccountService(app.state.engine)
    assert service.sign_up("jose\u0301@example.org", PASSWORD).email == "jos\u00e9@example.org"
    assert service.authenticate("jos\u00e9@example.org", PASSWORD).email == "jos\u00e9@example.org"


# --------------------------------------------------------------------------- the de-identified export


def test_the_research_export_gives_away_no_patients_calendar(app: FastAPI, people: Callable[..., Person]) -> None:
    """Each patient's weeks were moved by their own random number of weeks, but a patient who logged
    this week gave the number away (their last moved week minus this week), and with it every real
    date; two exports of anyone else, shifted afresh, narrowed theirs down. Now a subject's weeks are
    counted from their own first week: 1, 2, 3 ..."""
    import csv
    import datetime as dt
    import io

    from crampcare.clinic.cohort import K_MIN, deidentified_csv
    from crampcare.clinic.sharing import set_cohort_consent

    engine = app.state.engine
    this_monday = dt.date.today() - dt.timedelta(days=dt.date.today().weekday())
    first_nights = {}
    for i in range(K_MIN):
        patient = people(f"p{i}@example.org")
        first = this_monday - dt.timedelta(weeks=2 + i % 3)
        first_nights[patient.email] = first
        nights = [{"date": (first + dt.timedelta(days=d)).isoformat(), "cramps": []}
                  for d in range((dt.date.today() - first).days + 1)]
        imported = patient.post("/api/v1/import", json={"format": "crampcare-diary", "version": 1, "nights": nights,
                                                         "days": []})
        assert imported.status_code == 200, imported.text
        set_cohort_consent(engine, _user(app, patient), True)

    rows = list(csv.DictReader(io.StringIO("".join(deidentified_csv(engine)))))
    assert len({r["subject"] for r in rows}) == K_MIN
    real_weeks = {str(w) for w in first_nights.values()} | {str(this_monday)}
    for row in rows:
        assert not set(row.values()) & real_weeks, row
        for value in row.values():  # no calendar date at all, moved or not
            with pytest.raises(ValueError):
                dt.date.fromisoformat(value)
    weeks_of: dict[str, list[int]] = {}
    for row in rows:
        weeks_of.setdefault(row["subject"], []).append(int(row["week"]))
    lengths = sorted(len(w) for w in weeks_of.values())
    assert all(w == list(range(1, len(w) + 1)) for w in weeks_of.values()), weeks_of
    assert lengths == sorted(3 + i % 3 for i in range(K_MIN))


# --------------------------------------------------------------------------- switches for visitors


def test_a_visitor_can_choose_the_language_and_emergency_numbers_before_logging_in(
        people: Callable[..., Person]) -> None:
    """The switches on the log-in, sign-up and /learn pages sent a visitor to /login and changed
    nothing: a Russian speaker could not read the sign-up page or see their emergency numbers."""
    visitor = people("visitor@example.org", sign_up=False).client
    same_site = {"Origin": "http://testserver"}
    switched = visitor.post("/language", data={"lang": "ru", "next": "/signup"}, headers=same_site,
                            follow_redirects=False)
    assert switched.status_code == 303 and switched.headers["location"] == "/signup", switched.text
    assert "Зарегистрироваться" in visitor.get("/signup").text
    region = visitor.post("/region", data={"region": "US", "next": "/learn"}, follow_redirects=False)  # no Origin
    assert region.status_code == 303, region.text
    assert '<option value="US" selected>' in visitor.get("/learn").text
    # Another site's page cannot switch them (a form there sends its own Origin).
    other = people("other-visitor@example.org", sign_up=False).client
    refused = other.post("/language", data={"lang": "ru", "next": "/"}, headers={"Origin": "https://evil.example"},
                         follow_redirects=False)
    assert refused.status_code == 403 and "crampcare_lang" not in refused.headers.get("set-cookie", "")


# --------------------------------------------------------------------------- audited reads


@pytest.mark.parametrize("view", ["patient page", "dashboard"])
def test_a_read_as_the_patient_ends_access_shows_nothing_the_log_does_not_show(
        app: FastAPI, people: Callable[..., Person], view: str) -> None:
    """The read found the share active, the patient ended it, then the audit row (INSERT ... SELECT
    of the active share) found none and wrote nothing: the clinician still got the page, and the
    patient's log never showed that read (PostgreSQL; on SQLite "database is locked")."""
    from crampcare.services import clinic

    engine = app.state.engine
    patient, clinician = _ann_and_her_doctor(app, people)
    share_id = sharing.invite_clinician(engine, patient, clinician.email, EVERYTHING)
    sharing.accept_invite(engine, clinician, share_id)

    def read() -> Any:
        if view == "dashboard":
            return [row.share_id for row in clinic.dashboard(engine, clinician)]
        return clinic.open_share(engine, clinician, share_id, None, "overview")

    with _held_write(engine) as ending:
        if engine.dialect.name == "postgresql":  # SQLite's write lock already holds every insert back
            ending.execute(text("LOCK TABLE clinic_audit_log IN SHARE ROW EXCLUSIVE MODE"))
        worker, outcome = _in_thread(read)
        _wait_until_blocked(engine, ending, worker)
        ending.execute(text("UPDATE clinic_shares SET status = 'revoked', revoked_at = CURRENT_TIMESTAMP "
                            "WHERE id = :id"), {"id": share_id})  # the patient's "end access"
    worker.join(30)

    assert outcome == ([[]] if view == "dashboard" else [None]), outcome
    assert clinic.audit_log_for(engine, patient) == []


# --------------------------------------------------------------------------- wrong content types


def test_an_import_posted_as_a_plain_form_is_refused_with_a_reason(people: Callable[..., Person]) -> None:
    """A form without enctype="multipart/form-data" (or "curl -d @diary.csv" with the token in the
    form): the CSRF check parsed the form and used up the body the import then read, a 500."""
    ann = people("ann@example.org")
    form = {"content": f"csrf_token={ann.csrf}&file=date".encode(),
            "headers": {"content-type": "application/x-www-form-urlencoded"}}
    for url in ("/api/v1/import", "/diary/import"):
        refused = ann.client.post(url, **form)
        assert refused.status_code == 422, (url, refused.status_code, refused.text[:200])
    assert ann.get("/api/v1/nights").json() == []
    # The same body with the token in the header is read as the file it is.
    csv_body = "date,night_logged,cramp_count\n2026-01-05,yes,0\n"
    imported = ann.post("/api/v1/import", content=csv_body.encode(),
                        headers={"content-type": "application/x-www-form-urlencoded"})
    assert imported.status_code == 200, imported.text


# --------------------------------------------------------------------------- invitation floods


def test_a_patient_cannot_flood_a_clinicians_dashboard_with_invitations(app: FastAPI,
                                                                       people: Callable[..., Person]) -> None:
    """Every invitation was a new line on the clinician's dashboard, without limit: a script could
    bury the real patients under thousands. Inviting the same clinician again now changes the one
    invitation waiting, and at most MAX_PENDING wait at once."""
    engine = app.state.engine
    patient, clinician = _ann_and_her_doctor(app, people)

    first = sharing.invite_clinician(engine, patient, clinician.email, EVERYTHING)
    only_diary = sharing.Scopes(diary=True, assessments=False, reports=False)
    assert sharing.invite_clinician(engine, patient, clinician.email, only_diary) == first
    waiting = sharing.pending_for_clinician(engine, clinician)
    assert [(w.id, w.scopes) for w in waiting] == [(first, only_diary)]

    for _ in range(sharing.MAX_PENDING - 1):
        sharing.invite_by_code(engine, patient, EVERYTHING)
    with pytest.raises(ClinicError) as refused:
        sharing.invite_by_code(engine, patient, EVERYTHING)
    assert str(sharing.MAX_PENDING) in refused.value.message
    # The page says so next to the form; ending one makes room again.
    page = people("ann@example.org", sign_up=False)
    assert page.log_in().status_code == 200
    token = page.form_token("/sharing")
    again = page.client.post("/sharing/invite", data={"csrf_token": token, "method": "code", "scope": ["diary"]})
    assert again.status_code == 422 and "already waiting" in again.text
    assert sharing.revoke_share(engine, patient, first)
    sharing.invite_by_code(engine, patient, EVERYTHING)


# --------------------------------------------------------------------------- what a share carries


def test_the_fhir_download_carries_only_what_the_patient_shares(app: FastAPI, people: Callable[..., Person]) -> None:
    """A patient who shared "reports (PDF, FHIR)" and not "my diary and insights" still sent the
    clinician every night, day and note of the diary, and every saved assessment, in the FHIR file."""
    engine = app.state.engine
    patient, clinician, doctor = _ann_with_a_history_and_her_doctor(app, people)

    def download(scopes: sharing.Scopes) -> tuple[set[str], bool]:
        share_id = sharing.invite_clinician(engine, patient, doctor.email, scopes)
        sharing.accept_invite(engine, clinician, share_id)
        response = doctor.client.get(f"/clinic/patients/{share_id}/history.fhir.json")
        assert response.status_code == 200, response.text
        kinds = {entry["resource"]["resourceType"] for entry in response.json()["entry"]} - {"Questionnaire"}
        return kinds, "private-diary-note" in response.text  # (the questionnaire itself is nobody's data)

    only_reports = download(sharing.Scopes(diary=False, assessments=False, reports=True))
    assert only_reports == ({"Patient"}, False)
    with_diary = download(sharing.Scopes(diary=True, assessments=False, reports=True))
    assert "Observation" in with_diary[0] and "QuestionnaireResponse" not in with_diary[0] and with_diary[1]
    everything = download(EVERYTHING)
    assert {"Observation", "QuestionnaireResponse"} <= everything[0] and everything[1]


def test_the_report_shows_only_what_the_patient_shares(app: FastAPI, people: Callable[..., Person]) -> None:
    """The FHIR file kept to the share, the report (HTML and PDF) did not: a patient who shared
    "reports" but not "my diary and insights" nor "my assessments" still showed the clinician the
    diary's figures, medicines and chart, and the whole latest assessment, with age and sex."""
    engine = app.state.engine
    patient, clinician, doctor = _ann_with_a_history_and_her_doctor(app, people)

    def report(scopes: sharing.Scopes) -> str:
        share_id = sharing.invite_clinician(engine, patient, doctor.email, scopes)
        sharing.accept_invite(engine, clinician, share_id)
        response = doctor.client.get(f"/clinic/patients/{share_id}/report.html")
        assert response.status_code == 200, response.text
        return response.text

    only_reports = report(sharing.Scopes(diary=False, assessments=False, reports=True))
    assert "The patient has not shared the diary with you." in only_reports
    assert "The patient has not shared assessments with you." in only_reports
    assert "Nights logged" not in only_reports and "<svg" not in only_reports
    assert "Warning signs asked" not in only_reports and "Age 71" not in only_reports
    with_diary = report(sharing.Scopes(diary=True, assessments=False, reports=True))
    assert "Nights logged" in with_diary and "Warning signs asked" not in with_diary
    everything = report(EVERYTHING)
    assert "Nights logged" in everything and "Warning signs asked" in everything and "Age 71" in everything


# --------------------------------------------------------------------------- limits and IPv6


def test_guesses_from_one_ipv6_network_share_one_allowance(app: FastAPI, people: Callable[..., Person]) -> None:
    """Limits were per address, and one IPv6 subscriber has 2**64 of them: a new address per guess
    was a new allowance, without end."""
    from crampcare.accounts.service import MAX_FAILED_LOGINS

    ann = people("ann@example.org")
    service = AccountService(app.state.engine)
    for guess in range(MAX_FAILED_LOGINS):
        with pytest.raises(AccountError) as wrong:
            service.authenticate(ann.email, f"wrong guess {guess}", client=f"2001:db8:7:7::{guess + 1:x}")
        assert wrong.value.code == "unauthorized"
    with pytest.raises(TooManyAttemptsError):
        service.authenticate(ann.email, PASSWORD, client="2001:db8:7:7:abcd::99")
    # Another network, and IPv4, are other places: the owner still logs in from there.
    assert service.authenticate(ann.email, PASSWORD, client="2001:db8:7:8::1").email == ann.email
    for i in range(3):
        service.sign_up(f"v6-{i}@example.org", PASSWORD, client=f"2001:db8:9:9::{i + 1}", limit=3)
    with pytest.raises(TooManyAttemptsError):
        service.sign_up("v6-more@example.org", PASSWORD, client="2001:db8:9:9:1::1", limit=3)
