"""Server-rendered pages (Jinja2, autoescaped), each working without JavaScript.

Journeys: ``/now`` (first aid, offline), ``/assess``, ``/diary``, ``/insights``, ``/learn``;
``/docs`` reads the OpenAPI description; report downloads call :mod:`crampcare.report`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import uuid
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from crampcare.assess.interview import SECTION_TITLES
from crampcare.i18n.context import N_, _, current_localizer
from crampcare.i18n.wording import diary_word, text
from crampcare.knowledge.vocabulary import vocabulary
from crampcare.services import diary as diary_service
from crampcare.services import transfer as transfer_service
from crampcare.web import forms
from crampcare.web.deps import get_kb, get_owner, get_store
from crampcare.web.errors import ApiError
from crampcare.web.i18n import ui_words
from crampcare.web.params import FromDate, ToDate, read_upload

if TYPE_CHECKING:
    from crampcare.knowledge.loader import KnowledgeBase
    from crampcare.services.diary import Diary

router = APIRouter(include_in_schema=False)

NO_STORE = {"Cache-Control": "no-store"}


def render(request: Request, name: str, context: dict[str, Any], status: int = 200,
           headers: dict[str, str] | None = None) -> HTMLResponse:
    from crampcare.i18n.context import current_language

    context.setdefault("lang", current_language())
    response: HTMLResponse = request.app.state.templates.TemplateResponse(
        request, name, context, status_code=status, headers=headers or NO_STORE
    )
    return response


def source_titles(kb: KnowledgeBase, ids: list[str]) -> str:
    from crampcare.i18n.wording import source_title

    return "; ".join(source_title(kb, s) for s in ids)


# --------------------------------------------------------------------------- home and /now


@router.get("/", response_class=HTMLResponse)
def index(request: Request) -> HTMLResponse:
    return render(request, "index.html", {"title": _("Night leg cramps")})


def _clock(seconds: int) -> str:
    return f"{seconds // 60}:{seconds % 60:02d}"


@router.get("/now", response_class=HTMLResponse)
def now_page(request: Request, kb: KnowledgeBase = Depends(get_kb)) -> HTMLResponse:
    from crampcare.i18n.context import current_language
    from crampcare.i18n.wording import evidence_label, urgency_action

    lang = current_language()  # ?lang=, the switch's cookie or the browser (LanguageMiddleware)
    t = kb.text
    steps = []
    for step in (s for s in kb.first_aid.values() if s.in_now):
        key = f"first_aid.{step.id}"
        steps.append({
            "title": t(f"{key}.title", lang),
            "text": t(f"{key}.text", lang),
            "seconds": step.seconds,
            "clock": _clock(step.seconds or 0),
            "sources": source_titles(kb, step.sources),
            "evidence": evidence_label(step.evidence),
            "note": t(f"{key}.evidence_note", lang),
            "guidance": t(f"{key}.guidance_note", lang) if step.guidance_note else "",
        })
    checks = [{
        "text": t(f"escalation.{q.id}.text", lang),
        "action": t(f"escalation.{q.id}.yes_action", lang),
        "headline": urgency_action(q.yes_urgency),
        "sources": source_titles(kb, q.sources),
    } for q in kb.escalation.values()]
    context = {"lang": lang, "ui": ui_words(), "steps": steps, "checks": checks, "css": request.app.state.now_css}
    # Revalidated each visit; the service worker serves the cached copy when offline.
    return render(request, "now.html", context, headers={"Cache-Control": "no-cache"})


@router.get("/sw.js")
def service_worker(request: Request) -> Response:
    versions: dict[str, str] = request.app.state.static_versions
    now_js = f"/static/now.js?v={versions['now.js']}"
    cache_version = hashlib.sha256(
        (json.dumps(versions, sort_keys=True) + request.app.version).encode()
    ).hexdigest()[:12]
    body = request.app.state.templates.env.get_template("sw.js").render(
        cache_version=cache_version, precache=["/now", now_js]
    )
    return Response(body, media_type="text/javascript",
                    headers={"Cache-Control": "no-cache", "Service-Worker-Allowed": "/"})


# --------------------------------------------------------------------------- /assess


def _question_groups(kb: KnowledgeBase, answers: dict[str, Any], raw: dict[str, Any],
                     errors: dict[str, str]) -> list[dict[str, Any]]:
    from crampcare.assess import visible_questions

    visible = {q.id for q in visible_questions(kb, answers)}
    groups: list[dict[str, Any]] = []
    for question in kb.questions.values():
        if not groups or groups[-1]["section"] != question.section:
            section_title = _(SECTION_TITLES[question.section]) if question.section in SECTION_TITLES else question.section
            groups.append({"section": question.section, "title": section_title,
                           "questions": []})
        value = raw.get(question.id)
        groups[-1]["questions"].append({
            "q": question,
            "visible": question.id in visible,
            "value": value if value is not None else "",
            "chosen": forms.as_list(raw, question.id),
            "error": errors.get(question.id),
            "show_if": (json.dumps(question.show_if.model_dump(by_alias=True, exclude_none=True))
                        if question.show_if is not None else ""),
        })
    return groups


def _assess_form(request: Request, kb: KnowledgeBase, answers: dict[str, Any], raw: dict[str, Any],
                 errors: dict[str, str], status: int = 200) -> HTMLResponse:
    context = {"title": _("Assessment"), "groups": _question_groups(kb, answers, raw, errors), "errors": errors,
               "kb": kb}
    return render(request, "assess.html", context, status)


# The interview pages need a logged-in user in server mode (``get_owner``); local mode: always open.
@router.get("/assess", response_class=HTMLResponse)
def assess_page(request: Request, kb: KnowledgeBase = Depends(get_kb), _owner: str = Depends(get_owner)) -> HTMLResponse:
    return _assess_form(request, kb, {}, {}, {})


def _result_context(kb: KnowledgeBase, result: Any) -> dict[str, Any]:
    from crampcare.assess.localize import localize_assessment
    from crampcare.assess.render import answer_value, question_words, urgency_headline

    def answers(items: dict[str, Any]) -> list[dict[str, str]]:
        return [{"question": question_words(kb, k), "answer": answer_value(kb, k, v)} for k, v in items.items()]

    return {
        "title": _("Your assessment"),
        "r": localize_assessment(result, kb),
        "headline": urgency_headline(result.urgency),
        "answers_of": answers,
        "sources": {s.id: s for s in kb.sources.values()},
        "answers_json": json.dumps(result.answers, ensure_ascii=False),
    }


@router.post("/assess", response_class=HTMLResponse)
async def assess_submit(request: Request, kb: KnowledgeBase = Depends(get_kb),
                        _owner: str = Depends(get_owner)) -> HTMLResponse:
    from crampcare.assess import assess
    from crampcare.assess.interview import drop_hidden

    form = await request.form()
    answers, errors = forms.answers_from_form(kb, form)
    answers = drop_hidden(kb, answers)
    raw = forms.form_dict(form)
    if forms.text(form, "action") != "result" or errors:
        return _assess_form(request, kb, answers, raw, errors, 422 if errors else 200)
    result = assess(answers)
    return render(request, "assess_result.html", _result_context(kb, result))


@router.post("/assess/save", response_class=HTMLResponse)
async def assess_save(request: Request, kb: KnowledgeBase = Depends(get_kb),
                      store: Diary = Depends(get_store)) -> HTMLResponse:
    from crampcare.assess import assess

    form = await request.form()
    try:
        answers = json.loads(forms.text(form, "answers") or "{}")
    except json.JSONDecodeError:
        raise ApiError(422, "the answers could not be read; start the assessment again",
                       fields=[{"field": "answers", "message": "not JSON"}]) from None
    if not isinstance(answers, dict):
        raise ApiError(422, "the answers could not be read", fields=[{"field": "answers", "message": "not an object"}])
    result = assess(answers)
    await run_in_threadpool(diary_service.save_assessment, store, result.answers, result.model_dump(mode="json"))
    context = _result_context(kb, result)
    context["saved"] = True
    return render(request, "assess_result.html", context)


# --------------------------------------------------------------------------- /diary

DURATIONS = [(30, N_("30 s")), (60, N_("1 min")), (180, N_("3 min")), (300, N_("5 min")), (600, N_("10 min"))]
FLASH = {
    "night": N_("Night of {date} saved."),
    "quiet": N_("Quiet night of {date} saved."),
    "day": N_("Day of {date} saved."),
    "edited": N_("Changes to {date} saved."),
    "deleted": N_("Deleted {date}."),
    "undone": N_("Undone: the last change was reverted."),
    "nothing": N_("Nothing to undo."),
    "imported": N_("Diary imported."),
}


def _diary_context(kb: KnowledgeBase, store: Diary, done: str | None = None, date: str | None = None,
                   errors: dict[str, str] | None = None, night_form: dict[str, Any] | None = None,
                   day_form: dict[str, Any] | None = None) -> dict[str, Any]:
    from crampcare.diary import units
    from crampcare.diary.records import LEGS, MUSCLES, RELIEFS

    today = dt.date.today()
    since = today - dt.timedelta(days=90)
    nights = {n.date: n for n in diary_service.nights(store, since)}
    days = {d.date: d for d in diary_service.days(store, since)}
    rows = [{"date": d, "night": nights.get(d), "day": days.get(d)} for d in sorted(nights.keys() | days.keys(),
                                                                                       reverse=True)]
    safe_date = date if date and re.fullmatch(r"\d{4}-\d{2}-\d{2}", date) else ""
    message = _(FLASH[done], date=safe_date or _("the date")) if done in FLASH else ""
    default_night = units.default_night_date()
    return {
        "title": _("Diary"),
        "rows": rows,
        "message": message,
        "undo_offer": done in ("night", "quiet", "day", "edited", "deleted", "imported"),
        "errors": errors or {},
        "nf": night_form or {},
        "df": day_form or {},
        "night_date": default_night.isoformat(),
        "today": today.isoformat(),
        "now_time": dt.datetime.now().strftime("%H:%M"),
        "durations": [(seconds, _(label)) for seconds, label in DURATIONS],
        "legs": LEGS,
        "muscles": MUSCLES,
        "reliefs": RELIEFS,
        "medicines": [(m.id, text(kb, f"medicines.{m.id}.name")) for m in kb.medicines.values()],
        "as_list": forms.as_list,
        # A fresh key per rendered form: submitting it twice (double click, reload) logs once.
        "form_keys": {"night": uuid.uuid4().hex, "quiet": uuid.uuid4().hex},
    }


@router.get("/diary", response_class=HTMLResponse)
def diary_page(request: Request, done: str | None = Query(None, max_length=20),
               date: str | None = Query(None, max_length=10), kb: KnowledgeBase = Depends(get_kb),
               store: Diary = Depends(get_store)) -> HTMLResponse:
    return render(request, "diary.html", _diary_context(kb, store, done, date))


def _redirect(done: str, date: dt.date | None = None) -> RedirectResponse:
    suffix = f"&date={date.isoformat()}" if date else ""
    return RedirectResponse(f"/diary?done={done}{suffix}", status_code=303)


async def _diary_error(request: Request, kb: KnowledgeBase, store: Diary, errors: dict[str, str],
                       night_form: dict[str, Any] | None = None, day_form: dict[str, Any] | None = None,
                       status: int = 422) -> HTMLResponse:
    context = await run_in_threadpool(_diary_context, kb, store, None, None, errors, night_form, day_form)
    return render(request, "diary.html", context, status)


@router.post("/diary/night")
async def diary_log_night(request: Request, kb: KnowledgeBase = Depends(get_kb),
                          store: Diary = Depends(get_store)) -> Response:
    from crampcare.diary import units
    from crampcare.diary.records import NightRecord

    form = await request.form()
    errors: dict[str, str] = {}
    date = forms.parse_date(forms.text(form, "date"), "date", errors, units.default_night_date())
    cramp, cramp_errors = forms.cramp_from_form(form)
    errors.update(cramp_errors)
    if not cramp.get("leg"):
        errors.setdefault("leg", "choose the leg")
    if not cramp.get("muscles"):
        errors.setdefault("muscles", "choose at least one muscle")
    if cramp.get("severity") is None:
        errors.setdefault("severity", "choose how bad it was (0-10)")
    if errors or date is None:
        return await _diary_error(request, kb, store, errors, forms.form_dict(form))

    record_data = {"date": date, "cramps": [cramp], "sleep_disturbed": forms.text(form, "sleep_disturbed") == "yes",
                   "notes": forms.text(form, "notes")}
    try:
        record = NightRecord.model_validate(record_data)
        await run_in_threadpool(diary_service.log_night, store, record, _form_key(form))
    except ValidationError as exc:
        return await _diary_error(request, kb, store, forms.validation_messages(exc), forms.form_dict(form))
    return _redirect("night", date)


def _form_key(form: Any) -> str | None:
    """The form's hidden idempotency key: a resubmitted form (double click, reload) is stored once."""
    return forms.text(form, "idempotency_key")[:200] or None


@router.post("/diary/quiet")
async def diary_quiet_night(request: Request, kb: KnowledgeBase = Depends(get_kb),
                            store: Diary = Depends(get_store)) -> Response:
    from crampcare.diary import units
    from crampcare.diary.records import NightRecord

    form = await request.form()
    errors: dict[str, str] = {}
    date = forms.parse_date(forms.text(form, "date"), "date", errors, units.default_night_date())
    if errors or date is None:
        return await _diary_error(request, kb, store, errors)
    logged = await run_in_threadpool(diary_service.log_night, store, NightRecord(date=date), _form_key(form))
    if logged.outcome == "unchanged" and logged.night.cramps and not logged.replayed:
        problem = "that night already has a cramp logged; a quiet night does not erase it (edit the night below)"
        return await _diary_error(request, kb, store, {"date": problem}, status=409)
    return _redirect("quiet", date)


@router.post("/diary/day")
async def diary_log_day(request: Request, kb: KnowledgeBase = Depends(get_kb),
                        store: Diary = Depends(get_store)) -> Response:
    from crampcare.diary.records import DayRecord

    form = await request.form()
    errors: dict[str, str] = {}
    date = forms.parse_date(forms.text(form, "date"), "date", errors, dt.date.today())
    try:
        values = forms.day_from_form(form, date or dt.date.today())
    except forms.FormErrors as exc:
        errors.update(exc.errors)
        values = {}
    if errors or date is None:
        return await _diary_error(request, kb, store, errors, day_form=forms.form_dict(form))
    try:
        record = DayRecord.model_validate(values)
    except ValidationError as exc:
        return await _diary_error(request, kb, store, forms.validation_messages(exc), day_form=forms.form_dict(form))
    await run_in_threadpool(diary_service.put_day, store, record)
    return _redirect("day", date)


def _night_form_rows(night: Any) -> list[dict[str, Any]]:
    return [{
        "start": c.start.strftime("%H:%M"),
        "duration": str(c.duration_s),
        "leg": c.leg,
        "muscles": list(c.muscles),
        "severity": str(c.severity),
        "helped": list(c.helped),
        "minutes_to_relief": "" if c.minutes_to_relief is None else f"{c.minutes_to_relief:g}",
    } for c in night.cramps]


@router.get("/diary/night/{date}", response_class=HTMLResponse)
def diary_edit_night(request: Request, date: dt.date, kb: KnowledgeBase = Depends(get_kb),
                     store: Diary = Depends(get_store)) -> HTMLResponse:
    from crampcare.diary.records import LEGS, MUSCLES, RELIEFS

    night = diary_service.night(store, date)
    if night is None:
        raise ApiError(404, f"no night logged for {date.isoformat()}")
    return render(request, "night_edit.html", {
        "title": _("Edit the night of {date}", date=date.isoformat()), "date": date.isoformat(), "night": night,
        "rows": _night_form_rows(night), "legs": LEGS, "muscles": MUSCLES, "reliefs": RELIEFS, "errors": {},
    })


@router.post("/diary/night/{date}")
async def diary_save_night(request: Request, date: dt.date, kb: KnowledgeBase = Depends(get_kb),
                           store: Diary = Depends(get_store)) -> Response:
    from crampcare.diary.records import LEGS, MUSCLES, RELIEFS, NightRecord

    form = await request.form()
    count_raw = forms.text(form, "count")
    count = int(count_raw) if count_raw.isdigit() and int(count_raw) <= 50 else 0
    cramps, errors, rows = [], {}, []
    for i in range(count):
        prefix = f"c{i}_"
        row = {k.removeprefix(prefix): v for k, v in forms.form_dict(form).items() if k.startswith(prefix)}
        row["muscles"] = forms.values(form, prefix + "muscles")
        row["helped"] = forms.values(form, prefix + "helped")
        if forms.text(form, prefix + "remove") == "yes":
            continue
        rows.append(row)
        cramp, cramp_errors = forms.cramp_from_form(form, prefix)
        errors.update(cramp_errors)
        cramps.append(cramp)
    try:
        record = NightRecord.model_validate({"date": date, "cramps": cramps,
                                             "sleep_disturbed": forms.text(form, "sleep_disturbed") == "yes",
                                             "notes": forms.text(form, "notes")}) if not errors else None
    except ValidationError as exc:
        errors.update(forms.validation_messages(exc))
        record = None
    if record is None:
        night = await run_in_threadpool(diary_service.night, store, date)
        return render(request, "night_edit.html", {
            "title": _("Edit the night of {date}", date=date.isoformat()), "date": date.isoformat(), "night": night,
            "rows": rows, "legs": LEGS, "muscles": MUSCLES, "reliefs": RELIEFS, "errors": errors,
        }, 422)
    await run_in_threadpool(diary_service.put_night, store, record)
    return _redirect("edited", date)


@router.get("/diary/day/{date}", response_class=HTMLResponse)
def diary_edit_day(request: Request, date: dt.date, kb: KnowledgeBase = Depends(get_kb),
                   store: Diary = Depends(get_store)) -> HTMLResponse:
    day = diary_service.day(store, date)
    if day is None:
        raise ApiError(404, f"no day logged for {date.isoformat()}")
    values = day.model_dump(mode="json")
    form_values = {k: v for k, v in values.items() if v is not None and k not in ("tags",)}
    for name in forms.DAY_BOOLS:
        if isinstance(values.get(name), bool):
            form_values[name] = "yes" if values[name] else "no"
    form_values["fluids"] = str(values["fluids_ml"]) if values.get("fluids_ml") is not None else ""
    form_values["tags"] = ", ".join(values.get("tags") or [])
    form_values["date"] = date.isoformat()
    context = _diary_context(kb, store, day_form=form_values)
    context["title"] = f"Edit the day of {date.isoformat()}"
    context["edit_day"] = date.isoformat()
    return render(request, "day_edit.html", context)


@router.post("/diary/{kind}/{date}/delete")
def diary_delete(kind: str, date: dt.date, store: Diary = Depends(get_store)) -> Response:
    if kind == "night":
        diary_service.delete(store, date, "night")
    elif kind == "day":
        diary_service.delete(store, date, "day")
    else:
        raise ApiError(404, "nothing to delete there")
    return _redirect("deleted", date)


@router.post("/diary/undo")
def diary_undo(store: Diary = Depends(get_store)) -> Response:
    from crampcare.diary.errors import NotFoundError

    try:
        diary_service.undo(store)
    except NotFoundError:
        return _redirect("nothing")
    return _redirect("undone")


@router.post("/diary/import")
async def diary_import(request: Request, kb: KnowledgeBase = Depends(get_kb),
                       store: Diary = Depends(get_store)) -> Response:
    from crampcare.diary.errors import DiaryError

    try:
        text, name = await read_upload(request)
        await run_in_threadpool(transfer_service.import_text, store, text, name)
    except ApiError as exc:
        return await _diary_error(request, kb, store, {"file": exc.message}, status=exc.status)
    except DiaryError as exc:
        return await _diary_error(request, kb, store, {"file": str(exc)})
    return _redirect("imported")


# --------------------------------------------------------------------------- /insights

def _pct(x: float | None) -> str:
    return "—" if x is None else f"{100 * x:.0f}%"


def _rr(test: Any) -> str:
    if test.risk_ratio is None:
        return "—"
    text = f"{test.risk_ratio:.2g}×"
    if test.rr_low is not None and test.rr_high is not None:
        text += f" (95% CI {test.rr_low:.2g}–{test.rr_high:.2g})"
    return text


@router.get("/insights", response_class=HTMLResponse)
def insights_page(request: Request, start: dt.date | None = FromDate, end: dt.date | None = ToDate,
                  store: Diary = Depends(get_store)) -> HTMLResponse:
    from crampcare.services.insights import insights as compute
    from crampcare.web import charts

    ins = compute(store, start, end)
    weekly = ins.weekly[-26:]
    context: dict[str, Any] = {"title": _("Insights"), "ins": ins, "summary": ins.summary(), "charts": {},
                               "verdicts": {key: vocabulary().verdict(key) for key in vocabulary().verdicts},
                               "pct": _pct, "rr": _rr}
    if weekly:
        context["charts"]["weekly"] = charts.vertical_bars(
            [current_localizer().short_day_month(w.week_start) for w in weekly], [w.cramp_nights for w in weekly],
            totals=[w.nights_logged for w in weekly], label_every=max(1, len(weekly) // 6),
            label=_("Cramp nights per week (dark) out of nights logged (light)"))
    if ins.time_of_night.total:
        buckets = ins.time_of_night.buckets
        context["charts"]["hours"] = charts.vertical_bars(
            [b.label for b in buckets], [b.count for b in buckets], label_every=3,
            label=_("When cramps started, by hour, from 18:00 to 17:00"))
    if ins.muscles:
        context["charts"]["muscles"] = charts.horizontal_bars(
            [diary_word(m.name) for m in ins.muscles], [m.count for m in ins.muscles], label=_("Cramps by muscle"))
    if ins.legs:
        context["charts"]["legs"] = charts.horizontal_bars(
            [diary_word(m.name) for m in ins.legs], [m.count for m in ins.legs], label=_("Cramps by leg"))
    return render(request, "insights.html", context)


# --------------------------------------------------------------------------- /learn


@router.get("/learn", response_class=HTMLResponse)
def learn_index(request: Request, kb: KnowledgeBase = Depends(get_kb)) -> HTMLResponse:
    from crampcare.learn import topic_titles

    topics = list(topic_titles(kb).items())
    return render(request, "learn_index.html", {"title": _("Learn"), "topics": topics})


@router.get("/learn/{topic}", response_class=HTMLResponse)
def learn_topic(request: Request, topic: str, kb: KnowledgeBase = Depends(get_kb)) -> HTMLResponse:
    from markdown_it import MarkdownIt

    from crampcare.learn import topic_markdown, topic_titles

    try:
        markdown = topic_markdown(kb, topic)
    except KeyError:
        raise ApiError(404, _("no topic {topic!r}; see /learn", topic=topic)) from None
    # html=False: any markup in the knowledge base is shown as text, never run.
    html = MarkdownIt("commonmark", {"html": False}).render(markdown)
    return render(request, "learn_topic.html", {"title": topic_titles(kb).get(topic, topic), "body": html,
                                                "topic": topic})


# --------------------------------------------------------------------------- /docs


def _schema_name(schema: dict[str, Any] | None) -> str:
    if not schema:
        return ""
    if "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[-1]
    if schema.get("type") == "array" and isinstance(schema.get("items"), dict):
        return f"list of {_schema_name(schema['items']) or schema['items'].get('type', 'items')}"
    return str(schema.get("type", "object"))


@router.get("/docs", response_class=HTMLResponse)
def api_docs(request: Request) -> HTMLResponse:
    spec = request.app.openapi()
    endpoints = []
    for path, methods in spec.get("paths", {}).items():
        for method, op in methods.items():
            body = (op.get("requestBody") or {}).get("content", {})
            endpoints.append({
                "method": method.upper(), "path": path, "summary": op.get("summary", ""),
                "tag": (op.get("tags") or [""])[0],
                "params": [{"name": p["name"], "in": p["in"], "required": p.get("required", False),
                            "type": _schema_name(p.get("schema")), "description": p.get("description", "")}
                           for p in op.get("parameters", [])],
                "body": [{"type": ctype, "schema": _schema_name(c.get("schema"))} for ctype, c in body.items()],
                "responses": [{"code": code, "description": r.get("description", "")}
                              for code, r in op.get("responses", {}).items()],
            })
    schemas = {name: json.dumps(s, indent=2) for name, s in spec.get("components", {}).get("schemas", {}).items()}
    return render(request, "docs.html", {"title": "API", "endpoints": endpoints, "schemas": schemas,
                                         "info": spec.get("info", {})})


# --------------------------------------------------------------------------- downloads (crampcare.report)

_CLOCK = re.compile(r"([01]\d|2[0-3]):[0-5]\d")


@router.get("/report.html")
def report_html(start: dt.date | None = FromDate, end: dt.date | None = ToDate,
                store: Diary = Depends(get_store)) -> Response:
    from crampcare.services.report import report_html as render_report

    html = render_report(store, start, end)
    # The report is a self-contained printable document: its own inline styles, no scripts at all.
    csp = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'; base-uri 'none'"
    return HTMLResponse(html, headers={"Content-Security-Policy": csp, **NO_STORE})


@router.get("/report.pdf")
def report_pdf(start: dt.date | None = FromDate, end: dt.date | None = ToDate,
               store: Diary = Depends(get_store)) -> Response:
    from crampcare.services.report import report_pdf as render_pdf

    pdf = render_pdf(store, start, end)
    name = f"crampcare-report-{dt.date.today().isoformat()}.pdf"
    return Response(pdf, media_type="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{name}"', **NO_STORE})


@router.get("/reminders.ics")
def reminders(exercises: str = Query("21:30", max_length=5), diary: str = Query("21:45", max_length=5)) -> Response:
    fields = [{"field": f"query.{name}", "message": "write the time as HH:MM"}
              for name, value in (("exercises", exercises), ("diary", diary)) if not _CLOCK.fullmatch(value)]
    if fields:
        raise ApiError(422, "write the reminder times as HH:MM, e.g. 21:30", fields=fields)
    from crampcare.services.report import reminders as reminders_ics

    ics = reminders_ics(exercises, diary)
    return Response(ics, media_type="text/calendar; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="crampcare-reminders.ics"'})
