"""Server-rendered pages (Jinja2, autoescaped), each working without JavaScript.

Journeys: ``/now`` (first aid, offline), ``/assess``, ``/diary``, ``/insights``, ``/learn``;
``/docs`` reads the OpenAPI description; report downloads call :mod:`crampcare.report`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import json
import uuid
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from crampcare import jsontext
from crampcare.assess.render import headline
from crampcare.diary.errors import DuplicateRecordError
from crampcare.diary.records import DiaryDate
from crampcare.i18n.context import N_, _, current_localizer
from crampcare.i18n.wording import evidence_label, text, urgency_action
from crampcare.knowledge.vocabulary import vocabulary
from crampcare.services import diary as diary_service
from crampcare.services import transfer as transfer_service
from crampcare.web import flash, forms
from crampcare.web.deps import get_kb, get_store
from crampcare.web.errors import ApiError
from crampcare.web.i18n import ui_words
from crampcare.web.params import FromDate, ToDate, read_upload

if TYPE_CHECKING:
    from collections.abc import Collection

    from crampcare.diary.records import Cramp, DayRecord
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
    flash.forget_cookie(request, response)
    return response


# Local mode: the browser may keep a page that answers a form (POST) for Back and Forward (``private``;
# any other load asks the server again), so Back shows it instead of "Confirm form resubmission" (a
# POST answered ``no-store`` cannot be shown again without sending it again). Server mode keeps
# ``no-store``: a shared computer's cache keeps nobody's answers.
BACK_FORWARD = {"Cache-Control": "private, no-cache"}


def answer_to_post(request: Request, name: str, context: dict[str, Any], status: int = 200) -> HTMLResponse:
    """:func:`render` for a page that answers a form: an interview step, a result, a form refused."""
    local = request.app.state.settings.mode == "local"
    return render(request, name, context, status, headers=BACK_FORWARD if local else None)


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
        "evidence": evidence_label(q.evidence),
    } for q in kb.escalation.values()]
    context = {"lang": lang, "ui": ui_words(), "steps": steps, "checks": checks, "css": request.app.state.now_css}
    # Revalidated each visit; the service worker serves the cached copy when offline.
    return render(request, "now.html", context, headers={"Cache-Control": "no-cache"})


# --------------------------------------------------------------------------- /assess (the steps: interview_pages)


def result_context(kb: KnowledgeBase, result: Any) -> dict[str, Any]:
    from crampcare.assess.interview import SEVERE_URGENCIES, severe_signs
    from crampcare.assess.localize import localize_assessment
    from crampcare.assess.render import answer_words, question_words

    result = localize_assessment(result, kb)

    def answers(items: dict[str, Any]) -> list[dict[str, str]]:
        return [{"question": question_words(kb, k), "answer": answer_words(kb, k, v)} for k, v in items.items()]

    # The reasons for the level, once: the warning signs at that level when there are any (a
    # look-alike such as "deep vein thrombosis" repeats the sign that raised it), else the rest.
    top = [r for r in result.urgency_reasons if r.urgency == result.urgency]
    signs = [r for r in top if r.rule.startswith("warning_signs.")]
    reasons = list(dict.fromkeys(r.title for r in (signs or top)))
    do_now = list(dict.fromkeys(w.action for w in result.warning_signs if w.urgency == result.urgency))
    return {
        "title": _("Your assessment"),
        "r": result,
        # The same headline as every other client: it says when warning signs are still open.
        "headline": headline(result, kb),
        "unanswered": [q for q in result.unanswered_warning_questions if q in kb.questions],
        "action": urgency_action(result.urgency),
        "reasons": reasons,
        "do_now": do_now,
        "severe": result.urgency in SEVERE_URGENCIES,
        "severe_signs": severe_signs(result),
        "other_signs": [w for w in result.warning_signs if w.urgency not in SEVERE_URGENCIES],
        "evidence_labels": {grade: evidence_label(grade) for grade in vocabulary().evidence},
        "answers_of": answers,
        "sources": {s.id: s for s in kb.sources.values()},
        "answers_json": json.dumps(result.answers, ensure_ascii=False),
        "save_key": uuid.uuid4().hex,  # "Save to my diary" tapped twice, or the page reloaded: kept once
    }


def posted_answers(form: Any) -> dict[str, Any]:
    """The answers a result page posts back (one JSON field), or a 422 saying they cannot be read."""
    try:
        answers = jsontext.loads(forms.text(form, "answers") or "{}")
    except jsontext.UnreadableJsonError:
        raise ApiError(422, _("the answers could not be read; start the assessment again"),
                       fields=[{"field": "answers", "message": _("not JSON")}]) from None
    if not isinstance(answers, dict):
        raise ApiError(422, _("the answers could not be read"),
                       fields=[{"field": "answers", "message": _("not an object")}])
    return answers


@router.post("/assess/save", response_class=HTMLResponse)
async def assess_save(request: Request, kb: KnowledgeBase = Depends(get_kb),
                      store: Diary = Depends(get_store)) -> HTMLResponse:
    from crampcare.assess import assess

    form = await request.form()
    result = assess(posted_answers(form))
    await run_in_threadpool(diary_service.save_assessment, store, result.answers, result.model_dump(mode="json"),
                            _form_key(form))
    context = result_context(kb, result)
    context["saved"] = True
    return answer_to_post(request, "assess_result.html", context)


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
    "stale": N_("Nothing was undone: the diary changed since (perhaps on another device), so that change is no "
                "longer the last one."),
}
# After these the message offers Undo (of the change just made).
UNDO_OFFER = frozenset({"night", "quiet", "day", "edited", "deleted", "imported"})


def _flash_message(said: tuple[str, dict[str, Any]] | None) -> str:
    """What the diary page says once after a form: from the server's own record of what the form
    did (:mod:`crampcare.web.flash`), never from the URL. An import says what the CLI says (the
    service's own summary, not a bare "imported" when nothing was added)."""
    if said is None:
        return ""
    kind, params = said
    if kind == "imported":
        try:  # the summary's fields, without the change the import made (what its Undo names)
            return transfer_service.ImportSummary(**{k: v for k, v in params.items() if k != "change"}).message
        except TypeError:
            return _("Diary imported.")
    if kind not in FLASH:
        return ""
    date = params.get("date")
    return _(FLASH[kind], date=date if isinstance(date, str) else _("the date"))


def _diary_context(kb: KnowledgeBase, store: Diary, said: tuple[str, dict[str, Any]] | None = None,
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
    message = _flash_message(said)
    latest = diary_service.latest_change(store)
    now = _now()
    default_night = units.default_night_date(now)
    return {
        "title": _("Diary"),
        "rows": rows,
        "message": message,
        # The Undo offered with the message names the change the form made, never "whatever is last now".
        "undo_offer": (said[1]["change"] if bool(message) and said is not None and said[0] in UNDO_OFFER
                       and isinstance(said[1].get("change"), int) else None),
        "latest_change": latest.id if latest is not None else None,
        "errors": errors or {},
        "nf": night_form or {},
        "df": day_form or {},
        "night_date": default_night.isoformat(),
        "today": today.isoformat(),
        "now_time": now.strftime("%H:%M"),
        "durations": [(seconds, _(label)) for seconds, label in DURATIONS],
        "legs": LEGS,
        "muscles": MUSCLES,
        "reliefs": RELIEFS,
        "medicines": [(m.id, text(kb, f"medicines.{m.id}.name")) for m in kb.medicines.values()],
        "as_list": forms.as_list,
        "again": _cramp_again(diary_service.last_cramp(store), now),
        # A fresh key per rendered form: submitting it twice (double click, reload) logs once.
        "form_keys": {name: uuid.uuid4().hex for name in ("night", "quiet", "again", "day", "undo", "delete")},
    }


def _cramp_again(cramp: Cramp | None, now: dt.datetime) -> dict[str, Any] | None:
    """The one-tap "cramp like last time" offer: the last cramp's details, shown in full and posted
    as they are to the night form, so choosing it confirms every value stored (none is guessed). Its
    night is the latest in which a cramp at that time has happened: in the evening, a cramp "at 03:10"
    is last night's, not tonight's, which is still to come."""
    from crampcare.diary import units

    if cramp is None:
        return None
    labels = dict(DURATIONS)
    duration = _(labels[cramp.duration_s]) if cramp.duration_s in labels else _("{seconds} s", seconds=cramp.duration_s)
    return {
        "night": units.night_date_for(cramp.start, now).isoformat(),
        "start": cramp.start.strftime("%H:%M"),
        "duration_s": cramp.duration_s,
        "duration": duration,
        "leg": cramp.leg,
        "muscles": list(cramp.muscles),
        "severity": cramp.severity,
    }


@router.get("/diary", response_class=HTMLResponse)
def diary_page(request: Request, kb: KnowledgeBase = Depends(get_kb), store: Diary = Depends(get_store)) -> HTMLResponse:
    return render(request, "diary.html", _diary_context(kb, store, flash.take(request, "/diary")))


def _now() -> dt.datetime:
    """The local time the forms' dates and times are read against (the machine's clock)."""
    return dt.datetime.now()


async def _redirect(request: Request, done: str, date: dt.date | None = None,
                    params: dict[str, Any] | None = None, store: Diary | None = None) -> RedirectResponse:
    """Back to the diary, which says once what the form did (kept on the server, not in the URL);
    with the ``store`` the form wrote through, the message's Undo names the change it made."""
    change = diary_service.change_made(store) if store is not None else None
    return await flash.redirect(request, "/diary", done, {**(params or {}), **({"date": date.isoformat()} if date else {}),
                                                          **({"change": change} if change is not None else {})})


async def _diary_error(request: Request, kb: KnowledgeBase, store: Diary, errors: dict[str, str],
                       night_form: dict[str, Any] | None = None, day_form: dict[str, Any] | None = None,
                       status: int = 422) -> HTMLResponse:
    context = await run_in_threadpool(_diary_context, kb, store, None, errors, night_form, day_form)
    return answer_to_post(request, "diary.html", context, status)


@router.post("/diary/night")
async def diary_log_night(request: Request, kb: KnowledgeBase = Depends(get_kb),
                          store: Diary = Depends(get_store)) -> Response:
    from crampcare.diary import units
    from crampcare.diary.records import NightRecord

    form = await request.form()
    errors: dict[str, str] = {}
    now = _now()
    date = forms.parse_date(forms.text(form, "date"), "date", errors, units.default_night_date(now))
    cramp, cramp_errors = forms.cramp_from_form(form)
    errors.update(cramp_errors)
    if date is not None and cramp.get("start") is not None and "date_default" in form:  # the form's typed time
        # A phone's clock may run a few minutes ahead of this machine's (the offline form takes the phone's time).
        latest = now + diary_service.CLOCK_TOLERANCE
        if forms.text(form, "date") == forms.text(form, "date_default") and units.cramp_moment(date, cramp["start"]) > latest:
            # The night the form offered, left as it was, with a time still to come in it: the night before, as
            # `crampcare log night --time` without --date (03:10 typed at 14:00 is last night's, not tonight's).
            # Only then: a night saved offline and sent later keeps the night it was logged for.
            date -= dt.timedelta(days=1)
        try:
            units.check_happened(date, cramp["start"], latest)
        except ValueError as exc:
            errors["start"] = str(exc)
    if not cramp.get("leg"):
        errors.setdefault("leg", _("choose the leg"))
    if not cramp.get("muscles"):
        errors.setdefault("muscles", _("choose at least one muscle"))
    if cramp.get("severity") is None:
        errors.setdefault("severity", _("choose how bad it was (0-10)"))
    sleep_disturbed = forms.yes_no(form, "sleep_disturbed", errors)
    if errors or date is None:
        return await _diary_error(request, kb, store, errors, forms.form_dict(form))

    record_data = {"date": date, "cramps": [cramp], "sleep_disturbed": sleep_disturbed,
                   "notes": forms.text(form, "notes")}
    try:
        record = NightRecord.model_validate(record_data)
        await run_in_threadpool(diary_service.log_night, store, record, _form_key(form))
    except ValidationError as exc:
        return await _diary_error(request, kb, store, forms.validation_messages(exc, cramp_prefixes=[""]),
                                  forms.form_dict(form))
    return await _redirect(request, "night", date, store=store)


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
        problem = _("{date} already has a cramp logged; a quiet night does not erase it. To change that night, "
                    "choose Edit next to it in the list.", date=current_localizer().date(date))
        return await _diary_error(request, kb, store, {"date": problem}, status=409)
    return await _redirect(request, "quiet", date, store=store)


@router.post("/diary/day")
async def diary_log_day(request: Request, kb: KnowledgeBase = Depends(get_kb),
                        store: Diary = Depends(get_store)) -> Response:
    form = await request.form()
    errors: dict[str, str] = {}
    date = forms.parse_date(forms.text(form, "date"), "date", errors, dt.date.today())
    record = _day_record(form, date or dt.date.today(), errors)
    if record is None or date is None:
        return await _diary_error(request, kb, store, errors, day_form=forms.form_dict(form))
    try:
        # The one day policy of every client: logging a day that is already logged is refused
        # (the CLI says so, the API answers 409); changing it is an edit.
        await run_in_threadpool(diary_service.log_day, store, record, _form_key(form))
    except DuplicateRecordError:
        message = _("{date} is already logged; choose Edit next to it in the list to change it.",
                    date=current_localizer().date(date))
        return await _diary_error(request, kb, store, {"date": message}, day_form=forms.form_dict(form), status=409)
    return await _redirect(request, "day", date, store=store)


def _day_record(form: Any, date: dt.date, errors: dict[str, str]) -> DayRecord | None:
    """The day a form describes, or ``None`` with the reasons added to ``errors`` (by field)."""
    from crampcare.diary.records import DayRecord

    try:
        values = forms.day_from_form(form, date)
    except forms.FormErrors as exc:
        errors.update(exc.errors)
        return None
    if errors:
        return None
    try:
        return DayRecord.model_validate(values)
    except ValidationError as exc:
        errors.update(forms.validation_messages(exc))
        return None


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
def diary_edit_night(request: Request, date: DiaryDate, kb: KnowledgeBase = Depends(get_kb),
                     store: Diary = Depends(get_store)) -> HTMLResponse:
    from crampcare.diary.records import LEGS, MUSCLES, RELIEFS

    night = diary_service.night(store, date)
    if night is None:
        raise ApiError(404, _("no night logged for {date}", date=date.isoformat()))
    return render(request, "night_edit.html", {
        "title": _("Edit the night of {date}", date=date.isoformat()), "date": date.isoformat(), "night": night,
        "rows": _night_form_rows(night), "legs": LEGS, "muscles": MUSCLES, "reliefs": RELIEFS, "errors": {},
        "version": diary_service.record_version(night),
    })


@router.post("/diary/night/{date}")
async def diary_save_night(request: Request, date: DiaryDate, kb: KnowledgeBase = Depends(get_kb),
                           store: Diary = Depends(get_store)) -> Response:
    from crampcare.diary import units
    from crampcare.diary.records import LEGS, MUSCLES, RELIEFS, NightRecord

    form = await request.form()
    count_raw = forms.text(form, "count")
    count = int(count_raw) if count_raw.isascii() and count_raw.isdigit() and int(count_raw) <= 50 else 0
    cramps: list[dict[str, Any]] = []
    errors: dict[str, str] = {}
    rows: list[dict[str, Any]] = []
    row_prefixes: list[str] = []
    for i in range(count):
        prefix = f"c{i}_"
        row = {k.removeprefix(prefix): v for k, v in forms.form_dict(form).items() if k.startswith(prefix)}
        row["muscles"] = forms.values(form, prefix + "muscles")
        row["helped"] = forms.values(form, prefix + "helped")
        if forms.text(form, prefix + "remove") == "yes" or forms.blank_cramp(form, prefix):
            continue
        # A refused form shows the kept rows again, numbered afresh: an error is named by the row it
        # is shown in (the third row posted is the second shown when the first was removed).
        shown = f"c{len(rows)}_"
        rows.append(row)
        cramp, cramp_errors = forms.cramp_from_form(form, prefix)
        errors.update({shown + name.removeprefix(prefix): message for name, message in cramp_errors.items()})
        if cramp.get("start") is not None:
            try:  # as `crampcare diary edit` checks: no cramp still to come
                units.check_happened(date, cramp["start"], _now() + diary_service.CLOCK_TOLERANCE)
            except ValueError as exc:
                errors.setdefault(shown + "start", str(exc))
        cramps.append(cramp)
        row_prefixes.append(shown)
    sleep_disturbed = forms.yes_no(form, "sleep_disturbed", errors)
    try:
        record = NightRecord.model_validate({"date": date, "cramps": cramps, "sleep_disturbed": sleep_disturbed,
                                             "notes": forms.text(form, "notes")}) if not errors else None
    except ValidationError as exc:
        errors.update(forms.validation_messages(exc, cramp_prefixes=row_prefixes))
        record = None
    if record is None:
        night = await run_in_threadpool(diary_service.night, store, date)
        return answer_to_post(request, "night_edit.html", {
            "title": _("Edit the night of {date}", date=date.isoformat()), "date": date.isoformat(), "night": night,
            "rows": rows, "legs": LEGS, "muscles": MUSCLES, "reliefs": RELIEFS, "errors": errors,
            "sleep": forms.text(form, "sleep_disturbed"), "version": forms.text(form, "version"),
        }, 422)
    # The night as the form showed it: a cramp logged from elsewhere since is refused, never overwritten.
    await run_in_threadpool(diary_service.edit_seen, store, record, forms.text(form, "version") or None)
    return await _redirect(request, "edited", date, store=store)


@router.get("/diary/day/{date}", response_class=HTMLResponse)
def diary_edit_day(request: Request, date: DiaryDate, kb: KnowledgeBase = Depends(get_kb),
                   store: Diary = Depends(get_store)) -> HTMLResponse:
    day = diary_service.day(store, date)
    if day is None:
        raise ApiError(404, _("no day logged for {date}", date=date.isoformat()))
    values = day.model_dump(mode="json")
    form_values = {k: v for k, v in values.items() if v is not None and k not in ("tags",)}
    for name in forms.DAY_BOOLS:
        if isinstance(values.get(name), bool):
            form_values[name] = "yes" if values[name] else "no"
    form_values["fluids"] = str(values["fluids_ml"]) if values.get("fluids_ml") is not None else ""
    form_values["tags"] = ", ".join(values.get("tags") or [])
    form_values["date"] = date.isoformat()
    form_values["version"] = diary_service.record_version(day)
    return render(request, "day_edit.html", _day_edit_context(kb, store, date, form_values, {}))


def _day_edit_context(kb: KnowledgeBase, store: Diary, date: dt.date, form_values: dict[str, Any],
                      errors: dict[str, str]) -> dict[str, Any]:
    context = _diary_context(kb, store, errors=errors, day_form=form_values)
    context["title"] = _("Edit the day of {date}", date=date.isoformat())
    context["edit_day"] = date.isoformat()
    return context


@router.post("/diary/day/{date}")
async def diary_save_day(request: Request, date: DiaryDate, kb: KnowledgeBase = Depends(get_kb),
                         store: Diary = Depends(get_store)) -> Response:
    """The edit-day form: the day of ``date`` replaced by what the form says (undoable)."""
    if await run_in_threadpool(diary_service.day, store, date) is None:
        raise ApiError(404, _("no day logged for {date}", date=date.isoformat()))
    form = await request.form()
    errors: dict[str, str] = {}
    record = _day_record(form, date, errors)
    if record is None:
        context = await run_in_threadpool(_day_edit_context, kb, store, date, forms.form_dict(form), errors)
        return answer_to_post(request, "day_edit.html", context, 422)
    await run_in_threadpool(diary_service.edit_seen, store, record, forms.text(form, "version") or None)
    return await _redirect(request, "edited", date, store=store)


@router.post("/diary/{kind}/{date}/delete")
async def diary_delete(request: Request, kind: str, date: DiaryDate, store: Diary = Depends(get_store)) -> Response:
    if kind not in ("night", "day"):
        raise ApiError(404, _("nothing to delete there"))
    key = _form_key(await request.form())
    await run_in_threadpool(diary_service.delete, store, date, "night" if kind == "night" else "day", key)
    return await _redirect(request, "deleted", date, store=store)


@router.post("/diary/undo")
async def diary_undo(request: Request, store: Diary = Depends(get_store)) -> Response:
    from crampcare.diary.errors import NotFoundError, UndoStaleError

    form = await request.form()
    change = forms.text(form, "change")
    if not (change.isascii() and change.isdigit() and len(change) <= 18):  # a page from before changes were named: it cannot say which one it meant
        return await _redirect(request, "stale")
    try:
        await run_in_threadpool(diary_service.undo, store, int(change), _form_key(form))
    except UndoStaleError:
        return await _redirect(request, "stale")
    except NotFoundError:
        return await _redirect(request, "nothing")
    return await _redirect(request, "undone")


@router.post("/diary/import")
async def diary_import(request: Request, kb: KnowledgeBase = Depends(get_kb),
                       store: Diary = Depends(get_store)) -> Response:
    from crampcare.diary.errors import DiaryError

    try:
        text, name = await read_upload(request)
        summary = await run_in_threadpool(transfer_service.import_text, store, text, name)
    except ApiError as exc:
        return await _diary_error(request, kb, store, {"file": exc.message}, status=exc.status)
    except DiaryError as exc:
        return await _diary_error(request, kb, store, {"file": str(exc)})
    return await _redirect(request, "imported", params=dataclasses.asdict(summary), store=store)


# --------------------------------------------------------------------------- /insights

@router.get("/insights", response_class=HTMLResponse)
def insights_page(request: Request, start: DiaryDate | None = FromDate, end: DiaryDate | None = ToDate,
                  store: Diary = Depends(get_store)) -> HTMLResponse:
    return render(request, "insights.html", insights_context(store, start, end))


def insights_context(store: Diary, start: dt.date | None = None, end: dt.date | None = None,
                     charts: Collection[str] | None = None, *, assessment: bool = True) -> dict[str, Any]:
    """What the insights page shows (also to a clinician the patient shares the diary with); ``charts``:
    only these of :data:`~crampcare.web.insights_view.CHARTS` are drawn (default: all); ``assessment``:
    whether the reader may see the assessments (a clinician only when they are shared)."""
    from crampcare.services.insights import insights as compute
    from crampcare.web.insights_view import CHARTS
    from crampcare.web.insights_view import insights_context as view_context

    return view_context(compute(store, start, end, assessment=assessment), CHARTS if charts is None else charts)


# --------------------------------------------------------------------------- /learn


@router.get("/learn", response_class=HTMLResponse)
def learn_index(request: Request, kb: KnowledgeBase = Depends(get_kb)) -> HTMLResponse:
    from crampcare.learn import topic_titles

    topics = list(topic_titles(kb).items())
    return render(request, "learn_index.html", {"title": _("Learn"), "topics": topics})


@functools.lru_cache(maxsize=64)
def _topic_html(markdown: str) -> str:
    """A topic's Markdown as HTML. Keyed by the text itself: the same topic in the same language is
    converted once (6 ms for the longest) while any change to the text is a new key."""
    from markdown_it import MarkdownIt

    # html=False: any markup in the knowledge base is shown as text, never run.
    return MarkdownIt("commonmark", {"html": False}).render(markdown)


@router.get("/learn/{topic}", response_class=HTMLResponse)
def learn_topic(request: Request, topic: str, kb: KnowledgeBase = Depends(get_kb)) -> HTMLResponse:
    from crampcare.learn import topic_markdown, topic_titles

    try:
        markdown = topic_markdown(kb, topic)
    except KeyError:
        raise ApiError(404, _("no such topic; see /learn")) from None  # never the address's words
    html = _topic_html(markdown)
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


@router.get("/report.pdf")
def report_pdf(start: DiaryDate | None = FromDate, end: DiaryDate | None = ToDate,
               store: Diary = Depends(get_store)) -> Response:
    from crampcare.services.report import report_pdf as render_pdf

    pdf = render_pdf(store, start, end, web=True)
    name = f"crampcare-report-{dt.date.today().isoformat()}.pdf"
    return Response(pdf, media_type="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{name}"', **NO_STORE})
