"""Words of the web pages that are not sentences of a template: field names in people's words for error
lists ("How long: ..." rather than "duration: ..."), what a patient shares, trends, moments."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from crampcare.i18n.context import N_, _
from crampcare.i18n.wording import TREND_NAMES

FIELD_LABELS = {
    "date": N_("Date"),
    "start": N_("Time"),
    "duration": N_("How long"),
    "leg": N_("Leg"),
    "muscles": N_("Muscle"),
    "severity": N_("How bad"),
    "helped": N_("What helped"),
    "minutes_to_relief": N_("Minutes until it eased"),
    "notes": N_("Notes"),
    "sleep_disturbed": N_("Sleep"),
    "cramps": N_("Cramps"),
    "fluids": N_("Fluids drunk"),
    "activity": N_("Activity"),
    "unusual_activity": N_("Unusual activity"),
    "sitting_hours": N_("Hours sitting"),
    "cold_exposure": N_("Cold"),
    "temperature_swing_c": N_("Temperature swing"),
    "stress": N_("Stress"),
    "uncomfortable_shoes": N_("Shoes"),
    "diet": N_("Diet"),
    "alcohol_units": N_("Alcohol"),
    "caffeine": N_("Coffee or tea"),
    "medicines": N_("Medicines"),
    "pregnancy_week": N_("Pregnancy week"),
    "exercises_done": N_("Bedtime stretches"),
    "tags": N_("Other tags"),
    "file": N_("File"),
    "form": N_("The form"),
    # Account and sharing forms (server mode).
    "email": N_("E-mail address"),
    "password": N_("Password"),
    "password_again": N_("Password again"),
    "current_password": N_("Current password"),
    "new_password": N_("New password"),
    "new_password_again": N_("New password again"),
    "delete_password": N_("Password"),
    "confirm": N_("Confirmation"),
    "name": N_("Name of the new token"),
    "code": N_("Code"),
    "scopes": N_("What to share"),
    "invite": N_("Invitation"),
}
_ROW = re.compile(r"c(?:ramp)?(\d+)_(\w+)")


def field_label(name: str) -> str:
    """``c0_duration`` -> "Cramp 1, how long"; unknown names lose their underscores."""
    row = _ROW.fullmatch(name)
    if row:
        field = row.group(2)
        label = _(FIELD_LABELS[field]) if field in FIELD_LABELS else field.replace("_", " ")
        return _("Cramp {number}, {field}", number=int(row.group(1)) + 1, field=label[:1].lower() + label[1:])
    return _(FIELD_LABELS[name]) if name in FIELD_LABELS else name.replace("_", " ").capitalize()


# What a patient shares, as the sharing pages name it.
SCOPE_NAMES = {"diary": N_("diary"), "assessments": N_("assessments"), "reports": N_("reports")}


def scope_names(scopes: Iterable[str]) -> str:
    """``diary, assessments`` in the reader's language (``scopes``: a share's scope names)."""
    return ", ".join(_(SCOPE_NAMES[name]) for name in scopes)


def trend_name(trend: str) -> str:
    return _(TREND_NAMES[trend]) if trend in TREND_NAMES else trend.replace("_", " ")


def moment(value: dt.datetime | None) -> str:
    """A stored moment as the sharing pages show it: ``2 декабря 2026 г., 14:05 UTC``."""
    if value is None:
        return ""
    from crampcare.i18n.context import current_localizer

    loc = current_localizer()
    utc = value.astimezone(dt.UTC)
    return _("{date} at {time} UTC", date=loc.date(utc.date()), time=loc.time(utc))


def offline_words() -> str:
    """Legs (named on their own) and muscles in the reader's language, as JSON for offline.js's list
    of nights waiting to sync (the list is drawn in the browser, from what the form sent)."""
    import json

    from crampcare.diary.records import LEGS, MUSCLES
    from crampcare.i18n.wording import diary_word, leg_name

    return json.dumps({**{leg: leg_name(leg) for leg in LEGS}, **{m: diary_word(m) for m in MUSCLES}}, ensure_ascii=False)
