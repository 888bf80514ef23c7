"""Who sees what: a clinician sees exactly what each patient shares, for as long as they share it;
every read is in the patient's audit log, which nothing else can write; patients see only their
own sharing. On SQLite and PostgreSQL, one app per module."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from clinickit import (
    PATIENT_PAGES,
    URGENT_ANSWERS,
    accept_code,
    clinician,
    code_invite,
    invite,
    log_nights,
    post_form,
    revoke,
    save_assessment,
)
from fastapi import FastAPI
from serverkit import PASSWORD, Person
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from typer.testing import CliRunner

from crampcare.clinic import sharing
from crampcare.clinic.roles import Revoked, revoke_role, role_of
from one_trip_client import OneTripClient

SECRET = "patient-secret-note"


@dataclass
class World:
    app: FastAPI
    doc: Person
    other_doc: Person
    ann: Person  # shares everything with doc
    bob: Person  # shares nothing
    cara: Person  # shared with doc, then revoked
    dan: Person  # shares only assessments with doc
    shares: dict[str, int]


def _patient(person: Callable[..., Person], email: str) -> Person:
    patient = person(email)
    log_nights(patient, dt.date.today() - dt.timedelta(days=20), [True, False] * 10)
    patient.post("/api/v1/nights", json={"date": dt.date.today().isoformat(), "cramps": [], "notes": SECRET})
    save_assessment(patient, URGENT_ANSWERS)
    return patient


@pytest.fixture(scope="module")
def world(clinic_app: FastAPI, person: Callable[..., Person]) -> World:
    doc = clinician(clinic_app, person("doc@clinic.example"))
    other_doc = clinician(clinic_app, person("other@clinic.example"))
    ann, bob, cara, dan = (_patient(person, f"{name}@example.org") for name in ("ann", "bob", "cara", "dan"))
    shares = {
        "ann": invite(ann, doc),
        "cara": invite(cara, doc),
        "dan": invite(dan, doc, ["assessments"]),
        "ann_other": invite(ann, other_doc),
        "bob_other": invite(bob, other_doc),
    }
    assert revoke(cara, shares["cara"]).status_code == 303
    return World(clinic_app, doc, other_doc, ann, bob, cara, dan, shares)


def _expected(world: World) -> dict[int, set[str | None]]:
    """Share id -> the scopes doc may read through it (an empty set: nothing)."""
    return {
        world.shares["ann"]: {None, "diary", "assessments", "reports"},
        world.shares["dan"]: {None, "assessments"},
        world.shares["cara"]: set(),
        world.shares["ann_other"]: set(),
        world.shares["bob_other"]: set(),
        2**31 - 1: set(),
    }


def violations(world: World, first_only: bool = False) -> list[str]:
    """Every way doc's view differs from what the patients share (empty when isolation holds)."""
    found: list[str] = []
    for share_id, allowed in _expected(world).items():
        for suffix, scope in PATIENT_PAGES.items():
            if first_only and found:
                return found
            url = f"/clinic/patients/{share_id}{suffix}"
            try:
                response = world.doc.client.get(url)
            except Exception as exc:  # the test client re-raises what would be a 500
                found.append(f"{url}: {type(exc).__name__}")
                continue
            want = 200 if scope in allowed else 404
            if response.status_code != want:
                found.append(f"{url}: {response.status_code}, expected {want}")
            if want == 404 and ("@example.org" in response.text or SECRET in response.text):
                found.append(f"{url}: shows a patient's data")
    dashboard = world.doc.client.get("/clinic").text
    for name in ("bob", "cara"):
        if f"{name}@example.org" in dashboard:
            found.append(f"dashboard lists {name}")
    return found


def test_a_clinician_sees_exactly_what_each_patient_shares(world: World) -> None:
    assert violations(world) == []
    dashboard = world.doc.client.get("/clinic").text
    assert "ann@example.org" in dashboard and "dan@example.org" in dashboard
    dan_row = dashboard[dashboard.index("dan@example.org"):].split("</tr>")[0]
    assert "not shared" in dan_row and "urgent" in dan_row  # assessments only: no diary figures
    diary = world.doc.client.get(f"/clinic/patients/{world.shares['ann']}/diary").text
    assert SECRET in diary  # the check is not simply refusing everything
    overview = world.doc.client.get(f"/clinic/patients/{world.shares['ann']}").text
    assert "Bar chart of cramp nights per week" in overview  # the one chart the overview shows


def _ignore_status(conn, clinician_id, share_id):  # type: ignore[no-untyped-def]
    from crampcare.accounts.models import UserRow
    from crampcare.clinic.models import ShareRow

    row = conn.execute(
        text("SELECT s.id, s.patient_id, u.owner_id, u.email, s.share_diary, s.share_assessments, s.share_reports "
             "FROM clinic_shares s JOIN users u ON u.id = s.patient_id WHERE s.id = :id"), {"id": share_id}
    ).one_or_none()
    del UserRow, ShareRow
    if row is None:
        return None
    return sharing.ActiveShare(id=row.id, patient_id=row.patient_id, patient_owner=row.owner_id,
                               patient_email=row.email, clinician_id=clinician_id,
                               scopes=sharing.Scopes(bool(row.share_diary), bool(row.share_assessments),
                                                     bool(row.share_reports)))


@pytest.mark.parametrize("broken", ["status and clinician ignored", "scopes ignored"])
def test_breaking_the_sharing_check_is_caught(world: World, monkeypatch: pytest.MonkeyPatch, broken: str) -> None:
    if broken == "scopes ignored":
        monkeypatch.setattr(sharing.Scopes, "allows", lambda self, scope: True)
    else:
        monkeypatch.setattr(sharing, "active_share", _ignore_status)
        # The audit row is written only for an active share of this clinician, and a read whose row
        # was not written is not shown: a second check, broken too here.
        from crampcare.clinic import audit

        monkeypatch.setattr(audit, "record_reads", lambda _conn, shares, _clinician, _what: {s.id for s in shares})
    assert violations(world, first_only=True), "a broken sharing check went unnoticed"


def test_patients_see_only_their_own_sharing_and_audit_log(world: World) -> None:
    world.doc.client.get(f"/clinic/patients/{world.shares['ann']}/diary")
    ann_page = world.ann.client.get("/sharing").text
    assert "doc@clinic.example viewed your diary" in ann_page
    bob_page = world.bob.client.get("/sharing").text
    assert "doc@clinic.example" not in bob_page and "viewed your diary" not in bob_page
    assert "ann@example.org" not in bob_page
    # bob cannot end (or see) ann's shares
    for share in ("ann", "ann_other"):
        assert revoke(world.bob, world.shares[share]).status_code == 404
    assert world.doc.client.get(f"/clinic/patients/{world.shares['ann']}").status_code == 200


def test_every_read_is_audited(world: World) -> None:
    from crampcare.accounts.service import User
    from crampcare.clinic.audit import audit_log_for

    engine = world.app.state.engine
    ann = world.app.state.accounts.authenticate(world.ann.email, PASSWORD)
    before = len(audit_log_for(engine, User(ann.id, ann.email, ann.owner_id)))
    share = world.shares["ann"]
    for suffix in ("", "/insights", "/assessment", "/report.pdf"):
        assert world.doc.client.get(f"/clinic/patients/{share}{suffix}").status_code == 200
    world.doc.client.get("/clinic")
    log = audit_log_for(engine, User(ann.id, ann.email, ann.owner_id))
    assert len(log) == before + 5
    assert [e.what for e in log[:5]] == ["dashboard", "report_pdf", "assessment", "insights", "overview"]
    assert {e.clinician_email for e in log[:5]} == {"doc@clinic.example"}
    # refused reads leave no trace
    world.doc.client.get(f"/clinic/patients/{world.shares['ann_other']}/diary")
    assert len(audit_log_for(engine, User(ann.id, ann.email, ann.owner_id))) == before + 5


def test_nothing_else_can_write_or_change_the_audit_log(world: World) -> None:
    engine = world.app.state.engine
    doc = world.app.state.accounts.authenticate(world.doc.email, PASSWORD)
    ann = world.app.state.accounts.authenticate(world.ann.email, PASSWORD)
    world.doc.client.get(f"/clinic/patients/{world.shares['ann']}")
    forged = ("INSERT INTO clinic_audit_log (patient_id, clinician_id, clinician_email, share_id, what, at) "
              "VALUES (:patient, :clinician, 'x', :share, 'diary', CURRENT_TIMESTAMP)")
    attempts = [
        ("UPDATE clinic_audit_log SET what = 'nothing' WHERE patient_id = :patient", {"patient": ann.id}),
        ("DELETE FROM clinic_audit_log WHERE patient_id = :patient", {"patient": ann.id}),
        (forged, {"patient": ann.id, "clinician": doc.id, "share": world.shares["cara"]}),  # revoked share
        (forged, {"patient": ann.id, "clinician": doc.id, "share": world.shares["ann_other"]}),  # not doc's
    ]
    for statement, params in attempts:
        with pytest.raises(DBAPIError, match="clinic_audit_log"), engine.begin() as conn:
            conn.execute(text(statement), params)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM clinic_audit_log WHERE what = 'nothing'")).scalar() == 0


def test_revocation_takes_effect_at_once_for_an_open_session(world: World, person: Callable[..., Person]) -> None:
    eve = _patient(person, "eve@example.org")
    share = invite(eve, world.doc)
    assert world.doc.client.get(f"/clinic/patients/{share}/diary").status_code == 200
    assert "eve@example.org" in world.doc.client.get("/clinic").text
    assert revoke(eve, share).status_code == 303
    for suffix in PATIENT_PAGES:
        assert world.doc.client.get(f"/clinic/patients/{share}{suffix}").status_code == 404
    assert "eve@example.org" not in world.doc.client.get("/clinic").text
    assert "ended" in eve.client.get("/sharing").text


def test_account_deletion_takes_effect_at_once(world: World, person: Callable[..., Person]) -> None:
    fay = _patient(person, "fay@example.org")
    share = invite(fay, world.doc)
    assert world.doc.client.get(f"/clinic/patients/{share}").status_code == 200
    assert fay.request("DELETE", "/api/v1/account", json={"password": PASSWORD}).status_code in (200, 204)
    assert world.doc.client.get(f"/clinic/patients/{share}").status_code == 404
    assert "fay@example.org" not in world.doc.client.get("/clinic").text
    with world.app.state.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM clinic_shares WHERE id = :id"), {"id": share}).scalar() == 0
        # the audit rows went with the account (the only delete the log allows)
        assert conn.execute(text("SELECT count(*) FROM clinic_audit_log WHERE share_id = :id"),
                            {"id": share}).scalar() == 0


def test_a_revoked_role_ends_clinician_access_and_every_share_with_them(world: World, person: Callable[..., Person],
                                                                     clinic_db: str) -> None:
    """Revoking a role left every share with the account active: its pages answered 404, but giving the
    role again brought back every patient's data, and the patients' pages still said "has access"."""
    gus = clinician(world.app, person("gus@clinic.example"))
    ivy = person("ivy@example.org")
    share = invite(world.ann, gus)
    waiting = post_form(ivy, "/sharing", "/sharing/invite", {"method": "email", "email": gus.email, "scope": ["diary"]})
    assert waiting.status_code == 303
    assert gus.client.get(f"/clinic/patients/{share}").status_code == 200
    engine = world.app.state.engine
    from crampcare.cli import app

    revoked = CliRunner().invoke(app, ["users", "revoke", gus.email, "--db", clinic_db])
    assert revoked.exit_code == 0, revoked.output
    assert revoked.output.splitlines() == [  # Ann's share and Ivy's invitation
        "gus@clinic.example is a patient (was clinician)",
        "Their sessions and personal API tokens have ended: they log in again.",
        "2 shares with patients ended (each patient's sharing page says so)."]
    # The role change ended gus's session (and tokens); logged in again, as a patient, the pages are gone.
    assert gus.client.get("/clinic", follow_redirects=False).status_code == 303
    assert gus.log_in().status_code == 200
    for url in ("/clinic", f"/clinic/patients/{share}", "/clinic/cohort"):
        assert gus.client.get(url).status_code == 404
    # The patients see it: ended on their access list, and why in their log.
    ann_page = world.ann.client.get("/sharing").text
    assert 'class="entry share-revoked" id="share-' + str(share) + '"' in ann_page
    assert "gus@clinic.example is no longer a clinician here: your share with them has ended" in ann_page
    assert "gus@clinic.example больше не работает здесь врачом — доступ к вашим данным закрыт" in (
        world.ann.client.get("/sharing?lang=ru").text)
    assert "share-pending" not in ivy.client.get("/sharing").text
    # Given the role again, the account starts with no patient: nothing comes back.
    clinician(world.app, gus)
    dashboard = gus.client.get("/clinic").text
    assert "ann@example.org" not in dashboard and "ivy@example.org" not in dashboard
    assert gus.client.get(f"/clinic/patients/{share}").status_code == 404
    assert revoke_role(engine, gus.email) == Revoked("clinician", 0)


def test_a_read_in_progress_finishes_before_the_revocation_and_is_in_the_log(
        world: World, person: Callable[..., Person], monkeypatch: pytest.MonkeyPatch) -> None:
    """Revocation takes the clinician's write lock, as every audited read does: a read that found the
    share finishes (and is in the patient's log) before the shares end, never half after."""
    import threading
    import time
    from concurrent.futures import ThreadPoolExecutor

    from crampcare.clinic import audit
    from crampcare.services import clinic as clinic_service

    lena = clinician(world.app, person("lena@clinic.example"))
    max_ = person("max@example.org")
    share = invite(max_, lena)
    engine = world.app.state.engine
    lena_user = world.app.state.accounts.authenticate(lena.email, PASSWORD)
    found, go_on = threading.Event(), threading.Event()
    record_reads = audit.record_reads

    def slow_record(*args: object) -> set[int]:
        found.set()  # the share was found active; the read is not recorded yet
        go_on.wait(10)
        return record_reads(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(audit, "record_reads", slow_record)
    with ThreadPoolExecutor(2) as pool:
        reading = pool.submit(clinic_service.open_share, engine, lena_user, share, "diary", "diary")
        assert found.wait(10)
        revoking = pool.submit(revoke_role, engine, lena.email)
        time.sleep(0.3)
        assert not revoking.done()  # waits for the read's transaction
        go_on.set()
        assert reading.result(10) is not None
        assert revoking.result(20) == Revoked("clinician", 1)
    with engine.connect() as conn:
        log = conn.execute(text("SELECT what FROM clinic_audit_log WHERE share_id = :id AND clinician_email = :email "
                                "ORDER BY id"), {"id": share, "email": lena.email}).scalars().all()
    assert log == ["diary", "role_revoked"]


def test_revoking_the_role_of_an_account_deleted_meanwhile_says_there_is_no_account(
        world: World, person: Callable[..., Person], monkeypatch: pytest.MonkeyPatch) -> None:
    """Found, then deleted before the revocation's transaction: one clear message (the CLI's exit 2), not
    the storage layer's exception (a traceback at the command line)."""
    from crampcare.db import writes

    ray = clinician(world.app, person("ray@clinic.example"))
    ray_user = world.app.state.accounts.authenticate(ray.email, PASSWORD)
    run_write = writes.run_write

    def deleted_first(*args: object) -> object:
        world.app.state.accounts.delete_account(ray_user, PASSWORD)
        return run_write(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(writes, "run_write", deleted_first)
    with pytest.raises(sharing.ClinicError, match="no account with the e-mail"):
        revoke_role(world.app.state.engine, ray.email)


def test_a_clinician_deleting_their_account_tells_each_patient(world: World, person: Callable[..., Person]) -> None:
    """The shares went with the clinician's account without a word: the patient's access list simply
    lost the line, and nothing said the clinician had gone."""
    ida = clinician(world.app, person("ida@clinic.example"))
    kim = person("kim@example.org")
    share = invite(kim, ida)
    assert ida.client.get(f"/clinic/patients/{share}").status_code == 200
    assert ida.request("DELETE", "/api/v1/account", json={"password": PASSWORD}).status_code in (200, 204)
    page = kim.client.get("/sharing").text
    assert "ida@clinic.example deleted their account: your share with them has ended" in page
    assert "ida@clinic.example opened your overview" in page  # the reads stay in the log


def test_a_clinicians_old_link_never_opens_another_patient(world: World, person: Callable[..., Person]) -> None:
    """On SQLite a share's id was used again once its row was gone (the patient deleted their account):
    the clinician's open tab or bookmark of that patient then showed the next patient to share, at the
    same address. Ids of shares are never reused now (AUTOINCREMENT; PostgreSQL's sequences never did)."""
    nia = clinician(world.app, person("nia@clinic.example"))
    oli = person("oli@example.org")
    old = invite(oli, nia)
    assert oli.request("DELETE", "/api/v1/account", json={"password": PASSWORD}).status_code in (200, 204)
    pia = person("pia@example.org")
    new = invite(pia, nia)
    assert new != old
    stale = nia.client.get(f"/clinic/patients/{old}")
    assert stale.status_code == 404 and "pia@example.org" not in stale.text


def test_a_role_revoked_while_a_clinician_request_runs_shows_nothing_more(
        world: World, person: Callable[..., Person], monkeypatch: pytest.MonkeyPatch) -> None:
    """The page checks the role first, then opens the share: a revocation landing in between used to
    leave the share open, so the read went ahead (and a code accepted then made a new share)."""
    from crampcare.services import clinic as clinic_service
    from crampcare.web import clinic_pages

    hugo = clinician(world.app, person("hugo@clinic.example"))
    jo = person("jo@example.org")
    share = invite(jo, hugo)
    engine = world.app.state.engine
    open_share = clinic_service.open_share

    def revoked_meanwhile(*args: object) -> object:
        revoke_role(engine, hugo.email)
        return open_share(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(clinic_pages.clinic, "open_share", revoked_meanwhile)
    assert hugo.client.get(f"/clinic/patients/{share}/diary").status_code == 404
    monkeypatch.undo()
    with engine.connect() as conn:  # Jo's log: the share ended, no read
        log = conn.execute(text("SELECT what FROM clinic_audit_log WHERE share_id = :id AND clinician_email = :email "
                                "ORDER BY id"), {"id": share, "email": hugo.email}).scalars().all()
    assert log == ["role_revoked"]
    # A code accepted by the former clinician in the same gap starts no share.
    code = code_invite(jo, ["diary"])
    hugo_user = world.app.state.accounts.authenticate(hugo.email, PASSWORD)
    with pytest.raises(sharing.ClinicError):
        sharing.accept_code(engine, hugo_user, code)
    assert "share-active" not in jo.client.get("/sharing").text


def test_only_clinicians_reach_clinic_pages_and_only_admins_the_export(world: World) -> None:
    for url in ("/clinic", "/clinic/cohort", "/clinic/cohort.csv", f"/clinic/patients/{world.shares['bob_other']}"):
        response = world.bob.client.get(url)
        assert response.status_code == 404, url
    assert world.doc.client.get("/clinic/cohort.csv").status_code == 404
    assert world.bob.client.post("/clinic/accept", data={"code": "ABCD-EFGH-JKMN"},
                                 headers={"X-CSRF-Token": world.bob.csrf}).status_code == 404


def test_a_clinicians_personal_token_never_reaches_patients_data(world: World) -> None:
    """A token kept in a script on some machine reached every shared patient's diary, report and FHIR file
    through the clinic pages: they now need a log-in session."""
    made = world.doc.post("/api/v1/tokens", json={"name": "script"}).json()
    script = Person(OneTripClient(world.app), world.doc.email)
    script.bearer = made["token"]
    share = world.shares["ann"]
    for url in ("/clinic", f"/clinic/patients/{share}", f"/clinic/patients/{share}/diary",
                f"/clinic/patients/{share}/history.fhir.json", "/clinic/cohort", "/clinic/cohort.csv"):
        refused = script.get(url)
        assert refused.status_code == 403 and world.ann.email not in refused.text, url
    assert script.post("/clinic/accept", data={"code": "ABCD-EFGH-JKMN"}).status_code == 403
    assert script.get("/api/v1/nights").status_code == 200  # the token's own diary, as before
    assert world.doc.client.get(f"/clinic/patients/{share}/diary").status_code == 200  # the session, as before
    assert world.doc.request("DELETE", f"/api/v1/tokens/{made['id']}").status_code == 200


def test_an_invitation_not_yet_accepted_shows_the_invited_clinician_nothing(world: World,
                                                                         person: Callable[..., Person]) -> None:
    """Invited, not accepted: the clinician the invitation names opens nothing of the patient by its id
    (the pages, the downloads), and no read is written to the patient's log."""
    jo = person("jo-pending@example.org")
    log_nights(jo, dt.date.today() - dt.timedelta(days=3), [True, True])
    sent = post_form(jo, "/sharing", "/sharing/invite", {"method": "email", "email": world.doc.email,
                                                          "scope": ["diary", "assessments", "reports"]})
    assert sent.status_code == 303
    with world.app.state.engine.connect() as conn:
        pending = conn.execute(text("SELECT max(id) FROM clinic_shares WHERE status = 'pending'")).scalar_one()
    for suffix in PATIENT_PAGES:
        response = world.doc.client.get(f"/clinic/patients/{pending}{suffix}")
        assert response.status_code == 404 and "jo-pending@example.org" not in response.text, suffix
    assert "Who looked at what" in jo.client.get("/sharing").text
    assert world.doc.email not in jo.client.get("/sharing").text.split("Who looked at what", 1)[1]


def test_the_log_never_says_a_clinician_saw_an_assessment_there_is_none_of(world: World,
                                                                         person: Callable[..., Person]) -> None:
    """The assessment page of a patient who saved none answered 404, yet the patient's log said the
    clinician "viewed your latest assessment". Now nothing is recorded until there is one to see."""
    kim = person("kim-unassessed@example.org")
    share = invite(kim, world.doc)
    empty = world.doc.client.get(f"/clinic/patients/{share}/assessment")
    assert empty.status_code == 404 and "saved no assessment yet" in empty.text
    assert "viewed your latest assessment" not in kim.client.get("/sharing").text
    save_assessment(kim, URGENT_ANSWERS)
    assert world.doc.client.get(f"/clinic/patients/{share}/assessment").status_code == 200
    log = kim.client.get("/sharing").text
    assert log.count("doc@clinic.example viewed your latest assessment") == 1


def test_invites_by_e_mail_need_a_clinician_account(world: World) -> None:
    refused = post_form(world.bob, "/sharing", "/sharing/invite",
                        {"method": "email", "email": world.ann.email, "scope": ["diary"]})
    assert refused.status_code == 422 and "no clinician has an account" in refused.text
    nothing = post_form(world.bob, "/sharing", "/sharing/invite",
                        {"method": "email", "email": world.doc.email})
    assert nothing.status_code == 422 and "choose at least one" in nothing.text


def test_codes_work_once_and_expire(world: World, person: Callable[..., Person]) -> None:
    hal = _patient(person, "hal@example.org")
    code = code_invite(hal, ["diary"])
    assert accept_code(world.doc, code.lower().replace("-", " ")).status_code == 303  # forgiving typing
    again = accept_code(world.other_doc, code)
    assert again.status_code == 422 and "not valid" in again.text
    assert "hal@example.org" not in world.other_doc.client.get("/clinic").text
    accounts = world.app.state.accounts
    hal_user = accounts.authenticate(hal.email, PASSWORD)
    expired, _share = sharing.invite_by_code(world.app.state.engine, hal_user, sharing.Scopes(True, False, False),
                                             lifetime=dt.timedelta(seconds=-1))
    assert accept_code(world.other_doc, expired).status_code == 422
    own, _share = sharing.invite_by_code(world.app.state.engine, hal_user, sharing.Scopes(True, False, False))
    with pytest.raises(sharing.ClinicError, match="your own"):
        sharing.accept_code(world.app.state.engine, hal_user, own)


def test_users_grant_and_revoke_on_the_command_line(world: World, clinic_db: str) -> None:
    from crampcare.cli import app

    runner = CliRunner()
    no_db = runner.invoke(app, ["users", "grant", "bob@example.org", "--role", "admin"], env={"CRAMPCARE_DB": ""})
    assert no_db.exit_code == 2 and "only on a server" in no_db.output
    unknown = runner.invoke(app, ["users", "grant", "nobody@example.org", "--role", "admin", "--db", clinic_db])
    assert unknown.exit_code == 2 and "no account" in unknown.output
    granted = runner.invoke(app, ["users", "grant", "Bob@example.org", "--role", "admin", "--db", clinic_db])
    assert granted.exit_code == 0, granted.output
    engine = world.app.state.engine
    bob = world.app.state.accounts.authenticate(world.bob.email, PASSWORD)
    with engine.connect() as conn:
        assert role_of(conn, bob.id) == "admin"
    listed = runner.invoke(app, ["users", "list", "--db", clinic_db])
    assert "admin      bob@example.org" in listed.output
    revoked = runner.invoke(app, ["users", "revoke", "bob@example.org", "--db", clinic_db])
    assert revoked.exit_code == 0 and "was admin" in revoked.output
    with engine.connect() as conn:
        assert role_of(conn, bob.id) == "patient"
    assert world.bob.log_in().status_code == 200  # a role change ended bob's session
    clinician(world.app, world.doc)  # unchanged for the other tests


def test_all_my_data_includes_sharing_and_the_audit_log(world: World) -> None:
    world.doc.client.get(f"/clinic/patients/{world.shares['ann']}/insights")
    document = world.ann.get("/api/v1/account/export").json()
    clinic = document["clinic"]
    assert {"doc@clinic.example", "other@clinic.example"} <= {s["clinician"] for s in clinic["shares"]}
    assert any(e["what"] == "insights" and e["clinician"] == "doc@clinic.example" for e in clinic["audit_log"])
    assert "ann@example.org" not in str(world.bob.get("/api/v1/account/export").json()["clinic"])


def test_a_patients_fhir_history_gives_clock_times_the_offset_of_the_patients_time_zone(
        clinic_app: FastAPI, person: Callable[..., Person], monkeypatch: pytest.MonkeyPatch) -> None:
    """The clinician (in the server's zone, UTC here) downloads the history of a patient whose browser
    said Asia/Yekaterinburg at log-in: the patient's cramp at 03:10 is 03:10+05:00, as the patient lived it."""
    import time

    patient = person("zone.patient@example.org")
    login = patient.client.post("/api/v1/auth/login", json={"email": patient.email, "password": PASSWORD,
                                                            "time_zone": "Asia/Yekaterinburg"})
    assert login.status_code == 200
    patient.csrf = login.json()["csrf_token"]
    assert patient.post("/api/v1/nights", json={"date": "2026-01-14", "cramps": [
        {"start": "03:10", "duration_s": 60, "leg": "left", "muscles": ["calf"], "severity": 5}]}).status_code == 201
    doc = clinician(clinic_app, person("zone.doc@example.org"))
    share = invite(patient, doc)
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    try:
        bundle = doc.client.get(f"/clinic/patients/{share}/history.fhir.json").json()
    finally:
        monkeypatch.undo()
        time.tzset()
    times = [e["resource"]["effectiveDateTime"] for e in bundle["entry"] if "T" in e["resource"].get("effectiveDateTime", "")]
    assert times == ["2026-01-15T03:10:00+05:00"]
