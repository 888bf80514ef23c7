"""Report use cases: the report for the doctor (HTML or PDF) and the calendar reminders."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from crampcare.diary.store import DiaryStore

__all__ = ["NAME_LIMIT", "name_on_report", "reminders", "report_html", "report_html_for_web", "report_pdf"]

NAME_LIMIT = 80  # characters of the name typed for the report


def name_on_report(name: str) -> str:
    """The name typed for the report as it is printed (:func:`crampcare.plaintext.plain_text`, trimmed), or
    ``ValueError`` with the reason (a control character, or longer than :data:`NAME_LIMIT`)."""
    from crampcare.i18n.context import _
    from crampcare.plaintext import plain_text

    value = plain_text(name).strip()
    if len(value) > NAME_LIMIT:
        raise ValueError(_("the name on the report can be at most {n} characters long", n=NAME_LIMIT))
    return value


def report_html(diary: DiaryStore, start: dt.date | None = None, end: dt.date | None = None,
                progress: Callable[[str], None] | None = None) -> str:
    """The one- to two-page report as a self-contained HTML document."""
    from crampcare.report.document import report_html as render

    return render(diary, start, end, progress=progress) if progress else render(diary, start, end)


def report_html_for_web(diary: DiaryStore, start: dt.date | None = None, end: dt.date | None = None,
                        name: str = "", *, records: bool = True, assessments: bool = True) -> str:
    """The HTML report as the web app shows it: an optional name on it, and no terminal commands.
    A clinician's copy shows the diary only with ``records`` and the assessment only with ``assessments``
    (what the patient shares)."""
    from crampcare.report.document import Shared, render_html, report_context

    context = report_context(diary, start, end, shared=Shared(diary=records, assessments=assessments))
    context.update(web=True, person_name=name_on_report(name))
    return render_html(context)


def report_pdf(diary: DiaryStore, start: dt.date | None = None, end: dt.date | None = None,
               progress: Callable[[str], None] | None = None, *, web: bool = False,
               records: bool = True, assessments: bool = True) -> bytes:
    """The report as an A4 PDF (``web``: for the web app, which names its own pages, not commands;
    ``records``, ``assessments``: as in :func:`report_html_for_web`)."""
    from crampcare.report.document import Shared
    from crampcare.report.document import report_pdf as render

    shared = Shared(diary=records, assessments=assessments)
    if progress:
        return render(diary, start, end, progress=progress, web=web, shared=shared)
    return render(diary, start, end, web=web, shared=shared)


def reminders(exercises: str | None, diary: str | None, start: dt.date | None = None,
              app_url: str | None = None) -> bytes:
    """Daily calendar reminders (.ics) for the bedtime exercises and the evening diary (``None``: off);
    with ``app_url`` (the web app) the texts are plain words with links back to the app."""
    from crampcare.report.reminders import reminders_ics

    return reminders_ics(exercises, diary, start, app_url=app_url)
