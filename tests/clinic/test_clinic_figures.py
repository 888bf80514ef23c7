"""The figures: summary rows that follow every diary write, the dashboard's order, and cohort
figures and export that never show fewer than 10 people. On SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
import uuid
from collections.abc import Callable

import pytest
from clinickit import URGENT_ANSWERS, clinician, post_form
from fastapi import FastAPI
from serverkit import Person
from sqlalchemy import Engine, text

from crampcare.accounts.service import User
from crampcare.assess import assess
from crampcare.assess.interview import drop_hidden
from crampcare.clinic import sharing
from crampcare.clinic.cohort import EXPORT_COLUMNS, K_MIN, cohort_figures, deidentified_csv, suppress
from crampcare.clinic.dashboard import dashboard
from crampcare.clinic.figures import Window
from crampcare.clinic.roles import grant_role
from crampcare.diary.records import NightRecord
from crampcare.diary.store import DiaryStore
from crampcare.knowledge import load_knowledge

TODAY = dt.date.today()
WINDOW = Window.ending(TODAY)
CRAMP = {"start": "03:00", "duration_s": 60, "leg": "left", "muscles": ["calf"], "severity": 6, "helped": []}
WARNING_QUESTIONS = list(assess({}).warning_signs_asked)
# Every warning question this person is shown answered "no" (questions hidden for a 40-year-old are
# refused, never scored).
# A man on no medicines: neither "Are you pregnant?" nor quinine's side effects is left open.
CALM_ANSWERS = drop_hidden(load_knowledge(), {"age": 40, "sex": "male", "weight_kg": 70, "duration_minutes": 2,
                                              "eased_by_stretching": True, "medicines": ["none"],
                                              **{q: False for q in WARNING_QUESTIONS}})


def make_user(engine: Engine, email: str) -> User:
    """A patient straight in the database (no password hashing: these people never log in)."""
    owner = f"u-{uuid.uuid4().hex}"
    with engine.begin() as conn:
        user_id = conn.execute(text("INSERT INTO users (email, password_hash, owner_id, created_at) "
                                    "VALUES (:e, 'x', :o, CURRENT_TIMESTAMP) RETURNING id"),
                               {"e": email, "o": owner}).scalar_one()
    return User(id=user_id, email=email, owner_id=owner)


def log(engine: Engine, user: User, start: dt.date, pattern: list[bool]) -> None:
    """Nights from ``start``: a cramp where the pattern says True (repeated to today)."""
    nights, day = [], start
    while day <= TODAY:
        cramp = pattern[(day - start).days % len(pattern)]
        nights.append(NightRecord.model_validate({"date": day, "cramps": [CRAMP] if cramp else []}))
        day += dt.timedelta(days=1)
    with DiaryStore(engine, user.owner_id) as store:
        store.add_many(nights)


def save(engine: Engine, user: User, answers: dict[str, object]) -> None:
    result = assess(answers)
    with DiaryStore(engine, user.owner_id) as store:
        store.save_assessment(result.answers, result.model_dump(mode="json"))


def summary_rows(engine: Engine, owner: str) -> dict[dt.date, tuple[int, int, int]]:
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT week_start, nights_logged, cramp_nights, cramps FROM clinic_week_summaries "
                                 "WHERE owner = :o"), {"o": owner}).all()
    return {(r.week_start if isinstance(r.week_start, dt.date) else dt.date.fromisoformat(r.week_start)):
            (r.nights_logged, r.cramp_nights, r.cramps) for r in rows}


def expected_rows(store: DiaryStore) -> dict[dt.date, tuple[int, int, int]]:
    weeks: dict[dt.date, list[int]] = {}
    for night in store.list_nights():
        week = weeks.setdefault(night.date - dt.timedelta(days=night.date.weekday()), [0, 0, 0])
        week[0] += 1
        week[1] += bool(night.cramps)
        week[2] += len(night.cramps)
    return {week: (a, b, c) for week, (a, b, c) in weeks.items()}


def test_summary_rows_follow_every_kind_of_diary_write(clinic_app: FastAPI) -> None:
    engine = clinic_app.state.engine
    user = make_user(engine, "summaries@example.org")
    rng = random.Random(12)
    start = TODAY - dt.timedelta(days=40)
    with DiaryStore(engine, user.owner_id) as store:
        store.add_many([NightRecord.model_validate({"date": start + dt.timedelta(days=i),
                                                    "cramps": [CRAMP] * rng.randint(0, 2)}) for i in range(20)])
        assert summary_rows(engine, user.owner_id) == expected_rows(store)
        for step in range(30):
            date = start + dt.timedelta(days=rng.randint(0, 30))
            action = rng.choice(["put", "put", "delete", "undo", "add"])
            try:
                if action == "put":
                    store.put_night(NightRecord.model_validate({"date": date, "cramps": [CRAMP] * rng.randint(0, 3)}))
                elif action == "delete":
                    store.delete_night(date)
                elif action == "undo":
                    store.undo()
                else:
                    store.add_night(NightRecord.model_validate({"date": date, "cramps": [CRAMP]}))
            except Exception as exc:  # nothing to delete or undo, or the night exists already
                assert type(exc).__name__ in ("NotFoundError", "DuplicateRecordError"), exc
            assert summary_rows(engine, user.owner_id) == expected_rows(store), (step, action, date)
        store.delete_everything()
    assert summary_rows(engine, user.owner_id) == {}


def test_summary_rows_go_with_the_account_through_the_cascade(clinic_app: FastAPI) -> None:
    """Server-mode diary rows carry ``user_id`` (ON DELETE CASCADE): deleting the user row alone
    removes the diary, and the summary triggers fire for those cascaded deletes too."""
    engine = clinic_app.state.engine
    user, neighbour = make_user(engine, "cascade@example.org"), make_user(engine, "neighbour@example.org")
    nights = [NightRecord.model_validate({"date": TODAY - dt.timedelta(days=i), "cramps": [CRAMP] * (i % 3)})
              for i in range(20)]
    for someone in (user, neighbour):
        with DiaryStore(engine, someone.owner_id, user_id=someone.id) as store:
            store.add_many(nights)
            result = assess(URGENT_ANSWERS)
            store.save_assessment(result.answers, result.model_dump(mode="json"))
            kept = expected_rows(store)
    assert summary_rows(engine, user.owner_id) == kept != {}

    with engine.begin() as conn:
        conn.execute(text("DELETE FROM users WHERE id = :id"), {"id": user.id})
    with engine.connect() as conn:
        assessments = conn.execute(text("SELECT owner FROM clinic_assessment_summaries WHERE owner IN (:a, :b)"),
                                   {"a": user.owner_id, "b": neighbour.owner_id}).scalars().all()
    assert summary_rows(engine, user.owner_id) == {}
    assert summary_rows(engine, neighbour.owner_id) == kept
    assert assessments == [neighbour.owner_id]


def test_assessment_summaries_say_urgency_warnings_and_factors(clinic_app: FastAPI) -> None:
    engine = clinic_app.state.engine
    user = make_user(engine, "assessed@example.org")
    save(engine, user, URGENT_ANSWERS)
    result = assess(URGENT_ANSWERS)
    with engine.connect() as conn:
        row = conn.execute(text("SELECT * FROM clinic_assessment_summaries WHERE owner = :o"),
                           {"o": user.owner_id}).one()
    assert (row.urgency, row.urgency_rank) == ("urgent", 2)
    assert row.warning_signs_found == len(result.warning_signs) >= 1
    assert row.warning_questions_open == len(result.unanswered_warning_questions) >= 1
    factors = row.factors if isinstance(row.factors, list) else __import__("json").loads(row.factors)
    assert factors == [f.id for f in result.factors]


def test_the_dashboard_puts_patients_needing_attention_first(clinic_app: FastAPI,
                                                             person: Callable[..., Person]) -> None:
    engine = clinic_app.state.engine
    ward = clinician(clinic_app, person("ward@clinic.example"))
    ward_user = clinic_app.state.accounts.authenticate(ward.email, ward.password)
    before = WINDOW.before
    patients = {name: make_user(engine, f"{name}-dash@example.org")
                for name in ("calm", "urgent", "rising", "open", "unfinished")}
    log(engine, patients["calm"], before, [True, False, False, False, False, False, False])
    log(engine, patients["urgent"], before, [True, False, False, False, False, False, False])
    log(engine, patients["open"], before, [True, False, False, False, False, False, False])
    # one cramp night a week before, five a week in the last four weeks
    log(engine, patients["rising"], before, [True, False, False, False, False, False, False])
    log_recent = [True, True, True, True, True, False, False]
    with DiaryStore(engine, patients["rising"].owner_id) as store:
        store.put_records([NightRecord.model_validate({"date": WINDOW.recent + dt.timedelta(days=i),
                                                       "cramps": [CRAMP] if log_recent[i % 7] else []})
                           for i in range((TODAY - WINDOW.recent).days + 1)])
    save(engine, patients["calm"], CALM_ANSWERS)
    save(engine, patients["rising"], CALM_ANSWERS)
    save(engine, patients["urgent"], CALM_ANSWERS)
    save(engine, patients["urgent"], URGENT_ANSWERS)  # the latest counts
    save(engine, patients["open"], {"age": 40, "weight_kg": 70})  # warning signs never asked
    # Every first-page warning question "no", but the cramp's length and stretching left open: the
    # assessment says "not complete" (a prolonged cramp is not ruled out), and so must the dashboard.
    unfinished = {q: a for q, a in CALM_ANSWERS.items() if q not in ("duration_minutes", "eased_by_stretching")}
    assert not assess(unfinished).complete and None not in assess(unfinished).warning_signs_asked.values()
    save(engine, patients["unfinished"], unfinished)
    assert assess(CALM_ANSWERS).urgency == "self_care"
    for user in patients.values():
        share = sharing.invite_clinician(engine, user, ward.email, sharing.Scopes(True, True, True))
        sharing.accept_invite(engine, ward_user, share)
    rows = dashboard(engine, ward_user, TODAY)
    order = [r.patient_email.split("-")[0] for r in rows]
    assert order[0] == "urgent" and order[-1] == "calm", order
    by_name = {r.patient_email.split("-")[0]: r for r in rows}
    assert by_name["calm"].attention == [] and by_name["calm"].trend == "steady"
    assert by_name["rising"].trend == "rising" and "cramps rising" in by_name["rising"].attention
    assert by_name["rising"].nights_per_week is not None and 4.0 <= by_name["rising"].nights_per_week <= 6.0
    assert any("not ruled out" in reason for reason in by_name["open"].attention)
    assert by_name["unfinished"].warning_questions_open == len(assess(unfinished).unanswered_warning_questions) == 2
    assert by_name["unfinished"].attention == ["2 warning-sign questions not answered: not ruled out"]
    assert by_name["urgent"].urgency == "urgent"
    assert by_name["calm"].weeks is not None and len(by_name["calm"].weeks) == 4
    page = ward.client.get("/clinic").text
    assert page.index("urgent-dash@example.org") < page.index("rising-dash@example.org") \
        < page.index("calm-dash@example.org")


def test_suppression_withholds_small_counts_and_what_would_reveal_them() -> None:
    shown = suppress([("a", "a", 40), ("b", "b", 3), ("c", "c", 0), ("d", "d", 12)])
    assert [c.count for c in shown] == [40, None, 0, None]  # 12 withheld too: 55 - 40 - 0 would give 3
    assert [c.count for c in suppress([("a", "a", 5), ("b", "b", 4), ("c", "c", 30)])] == [None, None, 30]
    assert [c.count for c in suppress([("a", "a", 10), ("b", "b", 0)])] == [10, 0]


def _all_counts_safe(figures: object) -> None:
    for name in ("nights_per_week", "trends", "urgency", "factors"):
        counts = getattr(figures, name)
        assert all(c.count is None or c.count == 0 or c.count >= K_MIN for c in counts), (name, counts)
        if name != "factors":
            assert sum(c.count is None for c in counts) != 1, name
    for name in ("patients", "assessed"):
        value = getattr(figures, name)
        assert value is None or value >= K_MIN, name


def test_cohort_figures_and_export_never_rest_on_fewer_than_ten_people(
        clinic_app: FastAPI, person: Callable[..., Person]) -> None:
    engine = clinic_app.state.engine
    admin = clinician(clinic_app, person("admin@clinic.example"), role="admin")
    start = WINDOW.before
    cohort = []
    for i in range(K_MIN + 2):
        user = make_user(engine, f"cohort{i}@example.org")
        # ten alike (3.5 cramp nights a week), two who differ
        pattern = [True, False] if i < K_MIN else [True] * 6 + [False]
        log(engine, user, start, pattern)
        save(engine, user, CALM_ANSWERS if i % 2 else URGENT_ANSWERS)
        cohort.append(user)
    for user in cohort[:K_MIN - 1]:
        sharing.set_cohort_consent(engine, user, True)
    few = cohort_figures(engine, TODAY)
    assert few.withheld and few.nights_per_week == [] and few.factors == []
    page = admin.client.get("/clinic/cohort").text
    assert "nothing can be shown" in page and 'id="cohort-size"' not in page and "@example.org" not in page
    refused = admin.client.get("/clinic/cohort.csv")
    assert refused.status_code == 409 and "fewer than 10" in refused.text

    for user in cohort[K_MIN - 1:]:
        sharing.set_cohort_consent(engine, user, True)
    figures = cohort_figures(engine, TODAY)
    assert figures.patients == K_MIN + 2
    _all_counts_safe(figures)
    buckets = {c.key: c.count for c in figures.nights_per_week}
    # the two who differ are withheld, and so are the ten (12 - 10 would give them away)
    assert buckets["5plus"] is None and buckets["3to5"] is None
    assert {c.key: c.count for c in figures.trends}["steady"] == K_MIN + 2
    assert {c.key for c in figures.factors} <= {f.id for f in assess(URGENT_ANSWERS).factors} | {
        f.id for f in assess(CALM_ANSWERS).factors}
    assert all(c.count is not None and c.count >= K_MIN for c in figures.factors)
    page = admin.client.get("/clinic/cohort")
    assert page.status_code == 200 and f"<strong>{K_MIN + 2}</strong> patients" in page.text

    export = admin.client.get("/clinic/cohort.csv")
    assert export.status_code == 200 and export.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(export.text)))
    assert tuple(rows[0]) == EXPORT_COLUMNS
    assert len({r["subject"] for r in rows}) == K_MIN + 2
    for user in cohort:
        assert user.email not in export.text and user.owner_id not in export.text
    weeks = {user.owner_id: sorted(summary_rows(engine, user.owner_id)) for user in cohort}
    counted = sorted(max(int(r["week"]) for r in rows if r["subject"] == subject) for subject in {r["subject"] for r in rows})
    assert counted == sorted((w[-1] - w[0]).days // 7 + 1 for w in weeks.values())  # weeks from each one's first
    again = list(csv.DictReader(io.StringIO("".join(deidentified_csv(engine)))))
    assert [r["subject"] for r in rows] != [r["subject"] for r in again]  # a new numbering on every export

    for user in cohort[:3]:
        sharing.set_cohort_consent(engine, user, False)
    assert cohort_figures(engine, TODAY).withheld  # consent withdrawn: 9 left, nothing shown


def test_a_patient_gives_and_withdraws_cohort_consent(clinic_app: FastAPI, person: Callable[..., Person]) -> None:
    ida = person("ida@example.org")
    assert "You have not agreed" in ida.client.get("/sharing").text
    assert post_form(ida, "/sharing", "/sharing/consent", {"consent": "yes"}).status_code == 303
    assert "You agreed" in ida.client.get("/sharing").text
    assert post_form(ida, "/sharing", "/sharing/consent", {"consent": "no"}).status_code == 303
    assert "You have not agreed" in ida.client.get("/sharing").text
    grant_role(clinic_app.state.engine, ida.email, "clinician")  # roles do not imply consent
    assert ida.log_in().status_code == 200  # a role change ends the account's sessions
    assert "You have not agreed" in ida.client.get("/sharing").text


@pytest.mark.parametrize("answers", [URGENT_ANSWERS, CALM_ANSWERS])
def test_the_clinician_sees_the_assessment_the_patient_saw(clinic_app: FastAPI, person: Callable[..., Person],
                                                           answers: dict[str, object]) -> None:
    suffix = "u" if answers is URGENT_ANSWERS else "c"
    patient = person(f"jo{suffix}@example.org")
    doctor = clinician(clinic_app, person(f"doc-{suffix}@clinic.example"))
    patient_user = clinic_app.state.accounts.authenticate(patient.email, patient.password)
    doctor_user = clinic_app.state.accounts.authenticate(doctor.email, doctor.password)
    saved = patient.post("/api/v1/assess", json={"answers": answers, "save": True})
    assert saved.status_code == 201
    share = sharing.invite_clinician(clinic_app.state.engine, patient_user, doctor.email,
                                     sharing.Scopes(False, True, False))
    sharing.accept_invite(clinic_app.state.engine, doctor_user, share)
    seen = doctor.client.get(f"/clinic/patients/{share}/assessment").text
    headline = {"urgent": "URGENT: see a doctor today", "self_care": "Self-care"}[assess(answers).urgency]
    assert headline in seen and "Save to my diary" not in seen and 'id="viewing"' in seen
    for sign in assess(answers).warning_signs:
        assert sign.title in seen


def test_the_assessment_page_and_the_report_give_the_same_local_date(
        clinic_app: FastAPI, person: Callable[..., Person], monkeypatch: pytest.MonkeyPatch) -> None:
    """Saved at 01:30 in Moscow (22:30 UTC the day before): the report dated it 2 March, the clinic's
    assessment page (and the dashboard) the UTC day, 1 March."""
    import time

    from crampcare.i18n.formatting import local_date

    patient, doctor = person("tz-pat@example.org"), clinician(clinic_app, person("tz-doc@clinic.example"))
    patient_user = clinic_app.state.accounts.authenticate(patient.email, patient.password)
    doctor_user = clinic_app.state.accounts.authenticate(doctor.email, doctor.password)
    assert patient.post("/api/v1/assess", json={"answers": URGENT_ANSWERS, "save": True}).status_code == 201
    with clinic_app.state.engine.begin() as conn:
        conn.execute(text("UPDATE assessments SET created_at = :at WHERE owner = :o"),
                     {"at": dt.datetime(2026, 3, 1, 22, 30, tzinfo=dt.UTC), "o": patient_user.owner_id})
        conn.execute(text("UPDATE clinic_assessment_summaries SET created_at = :at WHERE owner = :o"),
                     {"at": dt.datetime(2026, 3, 1, 22, 30, tzinfo=dt.UTC), "o": patient_user.owner_id})
    share = sharing.invite_clinician(clinic_app.state.engine, patient_user, doctor.email,
                                     sharing.Scopes(True, True, True))
    sharing.accept_invite(clinic_app.state.engine, doctor_user, share)
    monkeypatch.setenv("TZ", "Europe/Moscow")
    time.tzset()
    try:
        moscow, utc_day = local_date(dt.date(2026, 3, 2)), local_date(dt.date(2026, 3, 1))
        page = doctor.client.get(f"/clinic/patients/{share}/assessment").text
        report = doctor.client.get(f"/clinic/patients/{share}/report.html").text
        dashboard_page = doctor.client.get("/clinic").text
    finally:
        monkeypatch.undo()
        time.tzset()
    assert f"(assessment of {moscow})" in report
    assert f"Assessment of tz-pat@example.org ({moscow})" in page and utc_day not in page
    row = dashboard_page[dashboard_page.index("tz-pat@example.org"):]
    assert f"({moscow})" in row[:row.index("</tr>")]
