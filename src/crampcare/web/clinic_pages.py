"""Clinic pages (server mode): a patient's sharing page, a clinician's dashboard, one patient's
read-only view, and the cohort figures.

Every clinician page that shows a patient's data goes through :func:`_shared`, which checks the
clinician's role and then (:func:`crampcare.services.clinic.open_share`) the patient's active
share and its scope in the database on each request, writing the read to the patient's audit log
in the same transaction. Anything not shared
answers 404, exactly like something that does not exist.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import HTMLResponse, Response, StreamingResponse
from starlette.concurrency import run_in_threadpool

from crampcare.i18n.context import N_, _
from crampcare.i18n.formatting import local_date
from crampcare.i18n.wording import text
from crampcare.services import clinic
from crampcare.services import diary as diary_service
from crampcare.services import report as report_service
from crampcare.services.clinic import ClinicError, Role
from crampcare.web import flash, forms
from crampcare.web.auth import require_user
from crampcare.web.deps import get_kb
from crampcare.web.errors import ApiError
from crampcare.web.pages import NO_STORE, insights_context, render, result_context
from crampcare.web.wording import moment

if TYPE_CHECKING:
    from crampcare.accounts import User
    from crampcare.knowledge.loader import KnowledgeBase
    from crampcare.services.diary import Diary

router = APIRouter(include_in_schema=False)

MAX_ID = 2**31 - 1
ShareId = Path(..., ge=1, le=MAX_ID)
NOT_SHARED = N_("nothing shared with you here")
NO_SUCH_PAGE = N_("there is no such page")
DONE = {
    "invited": N_("Invitation sent: it appears on the clinician's dashboard until they accept it."),
    "revoked": N_("Access ended. The clinician can no longer see anything of yours."),
    "consent_on": N_("Thank you: your de-identified figures now count in the clinic's cohort statistics."),
    "consent_off": N_("Your figures no longer count in cohort statistics."),
    "accepted": N_("Invitation accepted: the patient is on your dashboard."),
}


def _done(said: tuple[str, dict[str, Any]] | None) -> str:
    return _(DONE[said[0]]) if said is not None and said[0] in DONE else ""


async def _user(request: Request) -> User:
    auth = await require_user(request)
    assert auth.user is not None
    return auth.user


async def _clinician(request: Request) -> tuple[User, Role]:
    """The logged-in clinician or admin; 404 for anyone else (the pages do not exist for them). Only
    with a log-in session: a personal API token (kept in a script, on some other machine) reaches the
    person's own diary, never patients' data."""
    auth = await require_user(request)
    assert auth.user is not None
    if auth.via == "bearer":
        raise ApiError(403, _("the clinic's pages need a log-in session; a personal API token reaches only your own "
                              "diary"), code="forbidden")
    user = auth.user
    role = await run_in_threadpool(clinic.role, request.app.state.engine, user.id)
    if not clinic.is_clinician(role):
        raise ApiError(404, _(NO_SUCH_PAGE))
    return user, role


def shows_clinic_link(request: Request) -> bool:
    """For the navigation bar: is the logged-in user a clinician or an admin? (One primary-key
    lookup, once per request, only for logged-in users.)"""
    from crampcare.web.auth import current_user

    cached = getattr(request.state, "clinic_link", None)
    if cached is not None:
        return bool(cached)
    user = current_user(request)
    shown = user is not None and clinic.shows_clinic(request.app.state.engine, user.id)
    request.state.clinic_link = shown
    return shown


def _scopes_from(form: Any) -> clinic.Scopes:
    chosen = set(forms.values(form, "scope"))
    return clinic.Scopes(diary="diary" in chosen, assessments="assessments" in chosen, reports="reports" in chosen)


# --------------------------------------------------------------------------- the patient's side


def _sharing_page(request: Request, user: User, errors: dict[str, str] | None = None, with_message: bool = False,
                  new_code: tuple[str, dt.datetime] | None = None, status: int = 200) -> HTMLResponse:
    engine = request.app.state.engine
    return render(request, "clinic_sharing.html", {
        "title": _("Sharing"), "shares": clinic.shares_of_patient(engine, user),
        "log": clinic.audit_log_for(engine, user), "consent": clinic.has_cohort_consent(engine, user),
        "errors": errors or {}, "message": _done(flash.take(request, "/sharing") if with_message else None),
        "new_code": new_code, "when": moment,
        "is_clinician": clinic.is_clinician(clinic.role(engine, user.id)), "scopes": clinic.SCOPES,
    }, status)


@router.get("/sharing", response_class=HTMLResponse)
async def sharing_page(request: Request) -> HTMLResponse:
    user = await _user(request)
    return await run_in_threadpool(_sharing_page, request, user, None, True)


@router.post("/sharing/invite", response_class=HTMLResponse)
async def sharing_invite(request: Request) -> Response:
    user = await _user(request)
    form = await request.form()
    scopes = _scopes_from(form)
    engine = request.app.state.engine
    try:
        if forms.text(form, "method") == "code":
            code, share_id = await run_in_threadpool(clinic.invite_by_code, engine, user, scopes)
            expires = dt.datetime.now(dt.UTC) + clinic.CODE_LIFETIME
            return await run_in_threadpool(_sharing_page, request, user, None, False, (code, expires))
        await run_in_threadpool(clinic.invite_clinician, engine, user, forms.text(form, "email")[:320], scopes)
    except ClinicError as exc:
        return await run_in_threadpool(_sharing_page, request, user, {exc.field or "invite": exc.message}, False, None,
                                       exc.status)
    return await flash.redirect(request, "/sharing", "invited")


@router.post("/sharing/{share_id}/revoke")
async def sharing_revoke(request: Request, share_id: int = ShareId) -> Response:
    user = await _user(request)
    if not await run_in_threadpool(clinic.revoke_share, request.app.state.engine, user, share_id):
        raise ApiError(404, _("you have no such share"))
    return await flash.redirect(request, "/sharing", "revoked")


@router.post("/sharing/consent")
async def sharing_consent(request: Request) -> Response:
    user = await _user(request)
    form = await request.form()
    consent = forms.text(form, "consent") == "yes"
    await run_in_threadpool(clinic.set_cohort_consent, request.app.state.engine, user, consent)
    return await flash.redirect(request, "/sharing", "consent_on" if consent else "consent_off")


# --------------------------------------------------------------------------- the clinician's side


def _dashboard_page(request: Request, clinician: User, role: Role, errors: dict[str, str] | None = None,
                    with_message: bool = False, status: int = 200) -> HTMLResponse:
    engine = request.app.state.engine
    rows = clinic.dashboard(engine, clinician)
    return render(request, "clinic_dashboard.html", {
        "title": _("Dashboard"), "rows": rows, "pending": clinic.pending_for_clinician(engine, clinician),
        "errors": errors or {}, "message": _done(flash.take(request, "/clinic") if with_message else None), "role": role,
        "when": moment,
    }, status)


@router.get("/clinic", response_class=HTMLResponse)
async def clinic_dashboard(request: Request) -> HTMLResponse:
    clinician, role = await _clinician(request)
    return await run_in_threadpool(_dashboard_page, request, clinician, role, None, True)


@router.post("/clinic/accept", response_class=HTMLResponse)
async def clinic_accept_code(request: Request) -> Response:
    clinician, role = await _clinician(request)
    form = await request.form()
    try:
        await run_in_threadpool(clinic.accept_code, request.app.state.engine, clinician, forms.text(form, "code")[:60])
    except ClinicError as exc:
        if exc.status == 404:  # no longer a clinician (the role revoked while this request ran)
            raise ApiError(404, _(NO_SUCH_PAGE)) from None
        return await run_in_threadpool(_dashboard_page, request, clinician, role, {"code": exc.message}, False,
                                       exc.status)
    return await flash.redirect(request, "/clinic", "accepted")


@router.post("/clinic/invites/{share_id}/accept")
async def clinic_accept_invite(request: Request, share_id: int = ShareId) -> Response:
    clinician, _role = await _clinician(request)
    try:
        await run_in_threadpool(clinic.accept_invite, request.app.state.engine, clinician, share_id)
    except ClinicError as exc:
        raise ApiError(exc.status, exc.message) from None
    return await flash.redirect(request, "/clinic", "accepted")


async def _shared(request: Request, share_id: int, scope: clinic.Scope | None, what: str) -> clinic.ActiveShare:
    """THE check for every clinician read: an active share of this clinician (with ``scope``),
    recorded in the patient's audit log; 404 otherwise."""
    clinician, _role = await _clinician(request)
    try:
        share = await run_in_threadpool(clinic.open_share, request.app.state.engine, clinician, share_id, scope, what)
    except clinic.NothingToShowError as exc:
        raise ApiError(exc.status, exc.message) from None
    if share is None:
        raise ApiError(404, _(NOT_SHARED))
    return share


def _store(request: Request, share: clinic.ActiveShare) -> Diary:
    return clinic.shared_diary(request.app.state.engine, share)


@router.get("/clinic/patients/{share_id}", response_class=HTMLResponse)
async def clinic_patient(request: Request, share_id: int = ShareId) -> HTMLResponse:
    share = await _shared(request, share_id, None, "overview")

    def build() -> dict[str, Any]:
        from crampcare.knowledge.vocabulary import vocabulary

        store = _store(request, share)
        context: dict[str, Any] = {"title": _("Patient {email}", email=share.patient_email), "viewing": share, "share": share}
        if share.scopes.diary:
            # The overview shows the summary and the weekly chart; the rest is on the insights page.
            context["ins"] = insights_context(store, charts=("weekly",), assessment=share.scopes.assessments)
        if share.scopes.assessments:
            latest = diary_service.latest_assessment(store)
            context["latest"] = latest
            if latest is not None:
                urgency = latest.result.get("urgency")
                known = isinstance(urgency, str) and urgency in vocabulary().urgency
                context["headline"] = vocabulary().headline_of(str(urgency)) if known else str(urgency or "")
        store.close()
        return context

    return render(request, "clinic_patient.html", await run_in_threadpool(build))


@router.get("/clinic/patients/{share_id}/insights", response_class=HTMLResponse)
async def clinic_patient_insights(request: Request, share_id: int = ShareId) -> HTMLResponse:
    share = await _shared(request, share_id, "diary", "insights")
    context = await run_in_threadpool(lambda: insights_context(_store(request, share),
                                                               assessment=share.scopes.assessments))
    context.update(viewing=share, read_only=True, title=_("Insights of {email}", email=share.patient_email))
    return render(request, "insights.html", context)


@router.get("/clinic/patients/{share_id}/diary", response_class=HTMLResponse)
async def clinic_patient_diary(request: Request, share_id: int = ShareId) -> HTMLResponse:
    share = await _shared(request, share_id, "diary", "diary")

    def rows() -> list[dict[str, Any]]:
        store = _store(request, share)
        since = dt.date.today() - dt.timedelta(days=365)
        nights = {n.date: n for n in diary_service.nights(store, since)}
        days = {d.date: d for d in diary_service.days(store, since)}
        store.close()
        return [{"date": d, "night": nights.get(d), "day": days.get(d)}
                for d in sorted(nights.keys() | days.keys(), reverse=True)]

    return render(request, "clinic_diary.html", {"title": _("Diary of {email}", email=share.patient_email), "viewing": share,
                                                  "rows": await run_in_threadpool(rows)})


@router.get("/clinic/patients/{share_id}/assessment", response_class=HTMLResponse)
async def clinic_patient_assessment(request: Request, share_id: int = ShareId,
                                    kb: KnowledgeBase = Depends(get_kb)) -> HTMLResponse:
    from pydantic import ValidationError

    from crampcare.assess import assess
    from crampcare.assess.model import Assessment

    share = await _shared(request, share_id, "assessments", "assessment")
    latest = await run_in_threadpool(lambda: diary_service.latest_assessment(_store(request, share)))
    if latest is None:
        raise ApiError(404, _("this patient has saved no assessment yet"))
    # The result the patient saw; an assessment saved by an older version whose result no longer
    # fits the model is re-assessed from its answers (same answers, same result in every client).
    try:
        result = Assessment.model_validate(latest.result)
    except ValidationError:
        result = assess(latest.answers)
    context = result_context(kb, result)
    context.update(viewing=share, read_only=True, saved=True,
                   title=_("Assessment of {email} ({date})", email=share.patient_email,
                                           date=local_date(latest.created_at)))  # as the report dates it
    return render(request, "assess_result.html", context)


@router.get("/clinic/patients/{share_id}/report.html")
async def clinic_patient_report_html(request: Request, share_id: int = ShareId) -> Response:
    share = await _shared(request, share_id, "reports", "report_html")
    # The report shows the diary and the assessment only as far as the patient shares them (as the FHIR file).
    html = await run_in_threadpool(lambda: report_service.report_html_for_web(
        _store(request, share), records=share.scopes.diary, assessments=share.scopes.assessments))
    csp = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'; base-uri 'none'"
    return HTMLResponse(html, headers={"Content-Security-Policy": csp, **NO_STORE})


@router.get("/clinic/patients/{share_id}/report.pdf")
async def clinic_patient_report_pdf(request: Request, share_id: int = ShareId) -> Response:
    share = await _shared(request, share_id, "reports", "report_pdf")
    pdf = await run_in_threadpool(lambda: report_service.report_pdf(
        _store(request, share), web=True, records=share.scopes.diary, assessments=share.scopes.assessments))
    return Response(pdf, media_type="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="crampcare-report-{share.id}.pdf"',
                             **NO_STORE})


@router.get("/clinic/patients/{share_id}/history.fhir.json")
async def clinic_patient_fhir(request: Request, share_id: int = ShareId) -> Response:
    share = await _shared(request, share_id, "reports", "fhir")
    bundle = await run_in_threadpool(clinic.shared_history, request.app.state.engine, share)
    return Response(bundle.text.encode(), media_type="application/fhir+json",
                    headers={"Content-Disposition": f'attachment; filename="crampcare-fhir-{share.id}.json"',
                             **NO_STORE})


# --------------------------------------------------------------------------- cohort


@router.get("/clinic/cohort", response_class=HTMLResponse)
async def clinic_cohort(request: Request, kb: KnowledgeBase = Depends(get_kb)) -> HTMLResponse:
    _clinician_user, role = await _clinician(request)
    figures = await run_in_threadpool(clinic.cohort_figures, request.app.state.engine)
    titles = {f.id: text(kb, f"factors.{f.id}.title") for f in kb.factors.values()}
    return render(request, "clinic_cohort.html", {"title": _("Cohort"), "f": figures, "role": role,
                                                  "factor_titles": titles})


@router.get("/clinic/cohort.csv")
async def clinic_cohort_csv(request: Request) -> Response:
    _user, role = await _clinician(request)
    if role != "admin":
        raise ApiError(404, _(NO_SUCH_PAGE))
    chunks = clinic.deidentified_csv(request.app.state.engine)
    try:
        first = await run_in_threadpool(next, chunks)
    except clinic.CohortTooSmallError as exc:
        raise ApiError(409, str(exc)) from None

    def rest() -> Any:
        yield first
        yield from chunks

    name = f"crampcare-cohort-{dt.date.today().isoformat()}.csv"
    return StreamingResponse(rest(), media_type="text/csv; charset=utf-8",
                             headers={"Content-Disposition": f'attachment; filename="{name}"', **NO_STORE})
