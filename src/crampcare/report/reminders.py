"""Calendar reminders (RFC 5545, ``.ics``): the bedtime exercises and the evening diary.

Two daily events (``RRULE:FREQ=DAILY``) with an alarm at the start. Times are *floating*
(no time zone), so "21:30" stays 21:30 wherever the person is. UIDs are fixed, so importing
a newer file updates the reminders instead of adding a second set. The exercise event
lists the steps of every exercise in the knowledge base, the one clinical guidance
recommends first at the top.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import TYPE_CHECKING

from crampcare.i18n.context import _, current_language, ngettext
from crampcare.report.errors import ReportError

if TYPE_CHECKING:
    from icalendar import Event

__all__ = ["DIARY_UID", "EXERCISES_UID", "parse_clock", "reminders_ics"]

EXERCISES_UID = "bedtime-exercises@crampcare.example"
DIARY_UID = "evening-diary@crampcare.example"
DIARY_MINUTES = 5


def parse_clock(text: str, what: str) -> dt.time:
    """``21:30`` / ``9:30pm`` / ``2130`` as a clock time; :class:`ReportError` naming ``what`` otherwise."""
    from crampcare.diary.units import parse_time

    if not isinstance(text, str) or text.strip().lower() == "now":
        raise ReportError(_("{option}: give a clock time such as 21:30, not {value!r}", option=what, value=text))
    try:
        return parse_time(text)
    except ValueError as exc:
        raise ReportError(f"{what}: {str(exc).replace(' or now', '')}") from None


def _exercise_text(app_url: str | None = None) -> tuple[str, int]:
    """The description of the exercise event (in the current language) and its length in minutes
    (a link for the web app)."""
    from crampcare.i18n.wording import caution_line, evidence_label, text
    from crampcare.knowledge import load_knowledge

    kb = load_knowledge()
    # Guidance first (the calf stretch), then the article's exercises; during_cramp ones included.
    exercises = sorted(kb.exercises.values(), key=lambda e: e.from_article)
    total = 0
    if app_url:
        how = _("how to do them: {url}", url=f"{app_url}/learn/exercises")
    else:
        how = _("`crampcare exercises` runs them with a timer")
    blocks = [_("Bedtime exercises against night leg cramps (crampcare). Stop if anything hurts; {how}.", how=how)]
    for exercise in exercises:
        total += exercise.seconds * exercise.repetitions
        rounds = ngettext("{n} round of {seconds} s", "{n} rounds of {seconds} s", exercise.repetitions,
                          seconds=exercise.seconds)
        key = f"exercises.{exercise.id}"
        steps = "\n".join(f"  {number}. {text(kb, f'{key}.steps.{number - 1}')}"
                          for number in range(1, len(exercise.steps) + 1))
        caution = caution_line(kb, exercise.id)
        lead = f"{caution}\n" if caution else ""  # before the steps: whom it does not suit
        blocks.append(f"{text(kb, key + '.title')} ({rounds}; {evidence_label(exercise.evidence)})\n{lead}{steps}")
    return "\n\n".join(blocks), max(5, math.ceil(total / 60))


def _diary_text(app_url: str | None) -> str:
    """The diary reminder: commands for the terminal, or plain words and a link for the web app."""
    if not app_url:
        return _(
            "Log today in your cramp diary (under 30 seconds), for example:\n"
            "  crampcare log day --fluids 1.5L --activity normal --stress some\n"
            "In the morning, log the night too, with or without a cramp:\n"
            "  crampcare log night --none\n"
            "  crampcare log night --cramp 03:10,3m,left,calf,6,stretch\n"
            "Quiet nights count: they are what shows whether something helps."
        )
    return _(
        "Log today in your cramp diary (under 30 seconds): {url}\n"
        "In the morning, log the night too, with or without a cramp.\n"
        "Quiet nights count: they are what shows whether something helps.",
        url=f"{app_url}/diary",
    )


def _event(uid: str, summary: str, description: str, start: dt.datetime, minutes: int, stamp: dt.datetime,
           url: str | None = None) -> Event:
    from icalendar import Alarm, Event

    event = Event()
    if url:
        event.add("url", url)
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    # RFC 5545 LANGUAGE parameter: calendars and screen readers know which language the text is in.
    language = {"language": current_language()}
    event.add("summary", summary, parameters=language)
    event.add("description", description, parameters=language)
    event.add("dtstart", start)  # floating local time: no TZID
    event.add("duration", dt.timedelta(minutes=minutes))
    event.add("rrule", {"freq": "daily"})
    event.add("categories", ["crampcare"])
    event.add("transp", "TRANSPARENT")  # a reminder, not a busy slot
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", summary, parameters=language)
    alarm.add("trigger", dt.timedelta(0))
    event.add_component(alarm)
    return event


def reminders_ics(
    exercises: str | dt.time | None = "21:30",
    diary: str | dt.time | None = "21:45",
    start: dt.date | None = None,
    *,
    now: dt.datetime | None = None,
    app_url: str | None = None,
) -> bytes:
    """An iCalendar file with a daily bedtime-exercise reminder and a daily diary reminder.

    ``exercises`` / ``diary`` are clock times (``"21:30"``) or ``None`` to leave that reminder
    out; ``start`` is the first day (default today); ``app_url`` (the web app's address) gives
    texts in plain words with links back to the app instead of terminal commands. Raises :class:`ReportError` for a time
    that cannot be read or when both reminders are left out.
    """
    from icalendar import Calendar

    times = {
        "exercises": exercises
        if isinstance(exercises, dt.time) or exercises is None
        else parse_clock(exercises, "--exercises"),
        "diary": diary if isinstance(diary, dt.time) or diary is None else parse_clock(diary, "--diary"),
    }
    if times["exercises"] is None and times["diary"] is None:
        raise ReportError(_("nothing to remind: give a time for the exercises, the diary or both"))
    first_day = start or dt.date.today()
    stamp = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).replace(microsecond=0)

    calendar = Calendar()
    calendar.add("prodid", "-//crampcare//reminders//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", "crampcare")
    if times["exercises"] is not None:
        description, minutes = _exercise_text(app_url)
        calendar.add_component(
            _event(
                EXERCISES_UID,
                _("Bedtime exercises for leg cramps"),
                description,
                dt.datetime.combine(first_day, times["exercises"]),
                minutes,
                stamp,
                f"{app_url}/learn/exercises" if app_url else None,
            )
        )
    if times["diary"] is not None:
        calendar.add_component(
            _event(
                DIARY_UID,
                _("Cramp diary: log today"),
                _diary_text(app_url),
                dt.datetime.combine(first_day, times["diary"]),
                DIARY_MINUTES,
                stamp,
                f"{app_url}/diary" if app_url else None,
            )
        )
    return calendar.to_ical()
