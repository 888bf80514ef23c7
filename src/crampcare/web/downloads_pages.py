"""Downloads for people: reminders chosen on a page, CSV files that open in Excel, the report.

The .ics texts here speak plain words and link back to this app (the CLI's name terminal
commands); both CSV files start with a byte-order mark, which Excel needs to read UTF-8
(Cyrillic notes, "°C"); crampcare's own import skips it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from typing import TYPE_CHECKING

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from crampcare.diary.records import DiaryDate
from crampcare.digits import OtherDigitsError, refuse_other_digits
from crampcare.i18n.context import _
from crampcare.services import diary as diary_service
from crampcare.web import forms
from crampcare.web.deps import get_store
from crampcare.web.errors import ApiError
from crampcare.web.pages import NO_STORE, render
from crampcare.web.params import FromDate, ToDate

if TYPE_CHECKING:
    from crampcare.diary.records import NightRecord
    from crampcare.services.diary import Diary

router = APIRouter(include_in_schema=False)

_CLOCK = re.compile(r"([01]\d|2[0-3]):[0-5]\d")
OFF = ("", "off")
# A night's date is the evening it began: cramps before noon happened on the next calendar day.
MORNING_ENDS = dt.time(12, 0)


def _clock_problem(value: str) -> str | None:
    """Why a reminder time cannot be used (``None``: HH:MM or off); 0-9 only, as everywhere (crampcare.digits)."""
    if value in OFF:
        return None
    try:
        refuse_other_digits(value)
    except OtherDigitsError as exc:
        return str(exc)
    return None if _CLOCK.fullmatch(value) else _("write the time as HH:MM, or off")


def _app_url(request: Request) -> str:
    return str(request.base_url).rstrip("/")


@router.get("/reminders", response_class=HTMLResponse)
def reminders_page(request: Request) -> HTMLResponse:
    return render(request, "reminders.html", {"title": _("Reminders")})


@router.get("/reminders.ics")
def reminders(request: Request, exercises: str = Query("21:30", max_length=5),
              diary: str = Query("21:45", max_length=5)) -> Response:
    chosen = {"exercises": exercises.strip().lower(), "diary": diary.strip().lower()}
    fields = [{"field": f"query.{name}", "message": problem}
              for name, value in chosen.items() if (problem := _clock_problem(value))]
    if fields:
        raise ApiError(422, _("write the reminder times as HH:MM, e.g. 21:30, or off"), fields=fields)
    times = {name: None if value in OFF else value for name, value in chosen.items()}
    if times["exercises"] is None and times["diary"] is None:
        raise ApiError(422, _("choose a time for the exercises, the diary or both"),
                       fields=[{"field": "query", "message": _("both reminders are off")}])
    from crampcare.services.report import reminders as reminders_ics

    ics = reminders_ics(times["exercises"], times["diary"], app_url=_app_url(request))
    return Response(ics, media_type="text/calendar; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="crampcare-reminders.ics"'})


def _csv_response(text: str, name: str) -> Response:
    stamp = dt.date.today().isoformat()
    from crampcare.services.transfer import EXCEL_BOM

    return Response((EXCEL_BOM + text).encode("utf-8"), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="crampcare-{name}-{stamp}.csv"',
                             **NO_STORE})


@router.get("/export/diary.csv")
def diary_csv(start: DiaryDate | None = FromDate, end: DiaryDate | None = ToDate,
              store: Diary = Depends(get_store)) -> Response:
    from crampcare.services.transfer import export_diary

    return _csv_response(export_diary(store, "csv", start, end).text, "diary")


CRAMP_COLUMNS = ["night_of", "calendar_date", "start", "duration_s", "leg", "muscles", "severity", "signs",
                 "helped", "minutes_to_relief"]


def cramps_csv_text(nights: list[NightRecord]) -> str:
    """One row per cramp: the night it belongs to and the calendar day it happened on."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CRAMP_COLUMNS)
    for night in sorted(nights, key=lambda n: n.date):
        for cramp in sorted(night.cramps, key=lambda c: (c.start < MORNING_ENDS, c.start)):
            happened = night.date + dt.timedelta(days=1) if cramp.start < MORNING_ENDS else night.date
            writer.writerow([
                night.date.isoformat(), happened.isoformat(), cramp.start.strftime("%H:%M"), cramp.duration_s,
                cramp.leg, ";".join(cramp.muscles), cramp.severity, ";".join(cramp.signs), ";".join(cramp.helped),
                "" if cramp.minutes_to_relief is None else f"{cramp.minutes_to_relief:g}",
            ])
    return out.getvalue()


@router.get("/export/cramps.csv")
def cramps_csv(start: DiaryDate | None = FromDate, end: DiaryDate | None = ToDate,
               store: Diary = Depends(get_store)) -> Response:
    return _csv_response(cramps_csv_text(diary_service.nights(store, start, end)), "cramps")


# The report is a self-contained printable document: its own inline styles, no scripts at all.
_REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'; base-uri 'none'"


def _report_response(store: Diary, start: dt.date | None, end: dt.date | None, name: str = "") -> Response:
    from crampcare.services.report import report_html_for_web

    html = report_html_for_web(store, start, end, name)
    return HTMLResponse(html, headers={"Content-Security-Policy": _REPORT_CSP, **NO_STORE})


@router.get("/report.html")
def report_html(start: DiaryDate | None = FromDate, end: DiaryDate | None = ToDate,
                store: Diary = Depends(get_store)) -> Response:
    """The report, without a name: nothing in an address is printed on it (anyone can send a link)."""
    return _report_response(store, start, end)


@router.post("/report.html")
async def report_html_with_name(request: Request, store: Diary = Depends(get_store)) -> Response:
    """The report with the name the person typed on the home page's form: posted by this app's own page
    (a session's CSRF token in server mode, the same origin in local mode), never read from a link."""
    from crampcare.services.report import name_on_report

    try:
        name = name_on_report(forms.text(await request.form(), "name"))
    except ValueError as exc:
        raise ApiError(422, str(exc), fields=[{"field": "name", "message": str(exc)}]) from None
    return await run_in_threadpool(_report_response, store, None, None, name)
