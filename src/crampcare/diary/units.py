"""Parse values the way people type them at 3 a.m.: ``1,5 l``, ``1m30s``, ``0310``, ``yesterday``.

Every parser returns one canonical unit (millilitres, seconds, :class:`datetime.time`,
:class:`datetime.date`) and raises :class:`ValueError` whose message says what *is* allowed,
so the CLI and importers can show it to the person unchanged.

Night dates
-----------
A night is keyed by the date of the evening it begins on. A cramp at 03:10 on 21 November
belongs to the night of 20 November. Clock times before 12:00 are therefore the "morning
half" of the previous evening's night; times from 12:00 on belong to the same date's night.
:func:`default_night_date` and :func:`night_date_for` implement that rule.
"""

from __future__ import annotations

import datetime as dt
import math
import re

from crampcare.diary import dates
from crampcare.digits import refuse_other_digits
from crampcare.i18n.context import N_, _

__all__ = [
    "CRAMP_SPEC_HELP",
    "NIGHT_SPLIT",
    "check_happened",
    "cramp_moment",
    "default_night_date",
    "night_date_for",
    "parse_date",
    "parse_decimal",
    "parse_duration_s",
    "parse_cramp_spec",
    "parse_hours",
    "parse_severity",
    "parse_time",
    "parse_volume_ml",
]

# Clock times before this belong to the previous evening's night.
NIGHT_SPLIT = dt.time(12, 0)

_NUMBER = r"\d+(?:[.,]\d+)?"


def _to_float(text: str) -> float:
    """A decimal written with a point or a comma (``1.5`` or ``1,5``); ``ValueError`` past any float
    (400 nines are infinity, which ``round`` turned into an OverflowError and a traceback)."""
    value = float(text.replace(",", "."))
    if not math.isfinite(value):
        raise ValueError(_("{text} is too large a number", text=repr(text[:40] + ("…" if len(text) > 40 else ""))))
    return value


# The reader's own word for a unit a number may carry ("2 мин" in Russian), as crampcare writes it.
_LOCAL_UNIT = {"m": N_("min"), "h": N_("h")}


def parse_decimal(text: str, *, what: str = "value", unit: str = "") -> float:
    """A non-negative decimal number, optionally followed by ``unit`` (``9``, ``8,5``, ``12C``) or the
    reader's word for it (``2 мин`` for ``m``)."""
    cleaned = refuse_other_digits(text).strip().lower().replace("°", "")
    spellings = [unit, _(_LOCAL_UNIT[unit])] if unit in _LOCAL_UNIT else [unit]
    for spelling in sorted((s.lower() for s in spellings if s), key=len, reverse=True):
        if cleaned.endswith(spelling):
            cleaned = cleaned[: -len(spelling)].strip()
            break
    if not re.fullmatch(_NUMBER, cleaned):
        shown = _(_LOCAL_UNIT[unit]) if unit in _LOCAL_UNIT else unit
        suffix = _(" (optionally followed by {unit})", unit=repr(shown)) if unit else ""
        raise ValueError(_("{what} {text} is not a number; write e.g. 2 or 1.5{suffix}", what=what, text=repr(text),
                           suffix=suffix))
    return _to_float(cleaned)


def parse_hours(text: str) -> float:
    """Hours as ``9``, ``8.5``, ``8,5h``, ``7:30`` (hours:minutes)."""
    cleaned = refuse_other_digits(text).strip().lower()
    match = re.fullmatch(r"(\d{1,2}):([0-5]\d)", cleaned)
    if match:
        return int(match[1]) + int(match[2]) / 60
    match = re.fullmatch(rf"({_NUMBER})\s*(h|hr|hrs|hour|hours|{re.escape(_(_LOCAL_UNIT['h']).lower())})?", cleaned)
    if not match:
        raise ValueError(_("hours {text!r} not understood; write e.g. 9, 8.5, 8,5h or 7:30", text=text))
    return _to_float(match[1])


# --------------------------------------------------------------------------- volumes

_VOLUME_UNITS_ML = {
    "ml": 1.0,
    "milliliter": 1.0,
    "milliliters": 1.0,
    "millilitre": 1.0,
    "millilitres": 1.0,
    "cl": 10.0,
    "dl": 100.0,
    "l": 1000.0,
    "liter": 1000.0,
    "liters": 1000.0,
    "litre": 1000.0,
    "litres": 1000.0,
}

# A bare number below this is almost certainly litres typed without a unit ("1.5"); guessing
# would silently store 1.5 ml, so we ask instead.
_SMALLEST_BARE_ML = 50


def parse_volume_ml(text: str) -> int:
    """Volume in whole millilitres: ``1.5L``, ``1,5 l``, ``1500ml``, ``1500`` (bare = ml), ``1,500 ml``."""
    allowed = _("write e.g. 1.5L, 1,5 l, 1500ml or 1500 (millilitres)")
    cleaned = refuse_other_digits(text).strip().lower().replace(" ", "")
    match = re.fullmatch(r"(\d+(?:[.,]\d+)?)([^\W\d_]*)", cleaned)
    if not match:
        raise ValueError(_("volume {text!r} not understood; {allowed}", text=text, allowed=allowed))
    number, unit = match[1], match[2] or "ml"
    # The reader's own abbreviations too ("1,5 л" in Russian), as the catalog spells them.
    known = {**_VOLUME_UNITS_ML, _("L").lower(): 1000.0, _("ml").lower(): 1.0}
    if unit not in known:
        raise ValueError(_("volume unit {unit!r} not known; {allowed}", unit=match[2], allowed=allowed))
    factor = known[unit]
    # "1,500" with millilitres is a thousands separator; "1,5" is a decimal comma.
    if factor == 1.0 and re.fullmatch(r"\d{1,2},\d{3}", number):
        number = number.replace(",", "")
    value = _to_float(number) * factor
    if not match[2] and 0 < value < _SMALLEST_BARE_ML:
        raise ValueError(_("volume {text} is ambiguous: did you mean {litres}L? {allowed}", text=repr(text),
                           litres=text.strip(), allowed=allowed))
    return round(value)


# --------------------------------------------------------------------------- durations

_DURATION_UNITS_S = {
    "s": 1,
    "sec": 1,
    "secs": 1,
    "second": 1,
    "seconds": 1,
    "m": 60,
    "min": 60,
    "mins": 60,
    "minute": 60,
    "minutes": 60,
    "h": 3600,
    "hr": 3600,
    "hrs": 3600,
    "hour": 3600,
    "hours": 3600,
}
_DURATION_PART = re.compile(rf"({_NUMBER})\s*([^\W\d_]+)")


def parse_duration_s(text: str) -> int:
    """Duration in whole seconds, always positive.

    Accepts ``90s``, ``3m``, ``2 min``, ``1.5m``, ``1m30s``, ``1 min 30 s``, ``1h5m``,
    ``1:30`` (minutes:seconds) and ``00:03:00`` (hours:minutes:seconds). A bare number is
    refused: "3" could mean seconds or minutes, and a wrong guess corrupts the diary quietly.
    """
    allowed = _("write e.g. 90s, 3m, 2 min, 1.5m, 1m30s, 1:30 (min:sec) or 00:03:00")
    cleaned = refuse_other_digits(text).strip().lower()
    if not cleaned:
        raise ValueError(_("duration is empty; {allowed}", allowed=allowed))
    if cleaned.startswith("-"):
        raise ValueError(_("duration {text!r} must be longer than zero; {allowed}", text=text, allowed=allowed))
    if re.fullmatch(r"\d+(?:[.,]\d+)?", cleaned):
        raise ValueError(_("duration {text!r} needs a unit; {allowed}", text=text, allowed=allowed))
    clock = re.fullmatch(r"(?:(\d{1,2}):)?(\d{1,3}):([0-5]\d)", cleaned)
    if clock:
        hours = int(clock[1] or 0)
        seconds = hours * 3600 + int(clock[2]) * 60 + int(clock[3])
    else:
        # The reader's own abbreviations too ("1 мин 30 с" in Russian), as crampcare writes durations.
        known = {**_DURATION_UNITS_S, _("s").lower(): 1, _("sec").lower(): 1, _("min").lower(): 60,
                 _("h").lower(): 3600}
        seconds_f = 0.0
        position = 0
        compact = cleaned.replace(" ", "")
        for part in _DURATION_PART.finditer(compact):
            if part.start() != position or part[2] not in known:
                raise ValueError(_("duration {text!r} not understood; {allowed}", text=text, allowed=allowed))
            seconds_f += _to_float(part[1]) * known[part[2]]
            position = part.end()
        if position != len(compact) or position == 0:
            raise ValueError(_("duration {text!r} not understood; {allowed}", text=text, allowed=allowed))
        seconds = round(seconds_f)
    if seconds <= 0:
        raise ValueError(_("duration {text!r} must be longer than zero; {allowed}", text=text, allowed=allowed))
    return seconds


# --------------------------------------------------------------------------- clock times


def parse_time(text: str, *, now: dt.datetime | None = None) -> dt.time:
    """Clock time: ``03:10``, ``3:10``, ``0310``, ``3.10``, ``3:10am``, ``11:05 pm``, ``03:10:20``, ``now``."""
    allowed = _("write e.g. 03:10, 3:10, 0310, 3:10am or now")
    cleaned = refuse_other_digits(text).strip().lower().replace(" ", "")
    if cleaned == "now":
        current = now or dt.datetime.now()
        return current.time().replace(second=0, microsecond=0)
    match = re.fullmatch(r"(\d{1,2})(?:[:.h]?(\d{2}))?(?::(\d{2}))?(am|pm)?", cleaned)
    if not match or (match[2] is None and match[4] is None):
        raise ValueError(_("time {text!r} not understood; {allowed}", text=text, allowed=allowed))
    hour, minute, second = int(match[1]), int(match[2] or 0), int(match[3] or 0)
    if match[4]:
        if not 1 <= hour <= 12:
            raise ValueError(_("time {text!r} is impossible: with am/pm the hour is 1-12; {allowed}", text=text, allowed=allowed))
        hour = hour % 12 + (12 if match[4] == "pm" else 0)
    if hour > 23 or minute > 59 or second > 59:
        raise ValueError(_("time {text!r} is impossible (hours 0-23, minutes 0-59); {allowed}", text=text, allowed=allowed))
    return dt.time(hour, minute, second)


# --------------------------------------------------------------------------- dates


def parse_date(text: str, *, today: dt.date | None = None, allow_future: bool = False) -> dt.date:
    """Calendar date: ``2026-11-20``, ``today``, ``tonight`` (= today), ``yesterday``.

    ``tonight`` is today's date because nights are keyed by their evening. Future dates are
    refused unless ``allow_future``: a diary records what happened; even then, only dates from
    1900 to tomorrow exist for crampcare (:mod:`crampcare.diary.dates`).
    """
    allowed = _("write YYYY-MM-DD (e.g. 2026-11-20), today, tonight or yesterday")
    current = today or dt.date.today()
    cleaned = refuse_other_digits(text).strip().lower()
    if cleaned in ("today", "tonight"):
        return current
    if cleaned == "yesterday":
        return current - dt.timedelta(days=1)
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", cleaned):
        raise ValueError(_("date {text!r} not understood; {allowed}", text=text, allowed=allowed))
    try:
        value = dt.date.fromisoformat(cleaned)
    except ValueError:
        raise ValueError(_("date {text!r} does not exist; {allowed}", text=text, allowed=allowed)) from None
    if value > current and not allow_future:
        raise ValueError(_("date {date} is in the future; the diary records nights that happened", date=value.isoformat()))
    return dates.check_date(value, current)


def default_night_date(now: dt.datetime | None = None) -> dt.date:
    """The night someone means by "last night / tonight" at ``now``.

    Before noon it is the previous evening's night (you are logging the cramp that woke you);
    from noon on it is tonight.
    """
    current = now or dt.datetime.now()
    if current.time() < NIGHT_SPLIT:
        return current.date() - dt.timedelta(days=1)
    return current.date()


def cramp_moment(night: dt.date, start: dt.time) -> dt.datetime:
    """The real date and time of a cramp at clock time ``start`` in the night of ``night``."""
    day = night + dt.timedelta(days=1) if start < NIGHT_SPLIT else night
    return dt.datetime.combine(day, start)


def night_date_for(start: dt.time, now: dt.datetime | None = None) -> dt.date:
    """The most recent night in which a cramp at clock time ``start`` has already happened.

    Logged at 13:00, a cramp "at 03:10" is this morning's, i.e. last night's, not tomorrow's.
    """
    current = now or dt.datetime.now()
    night = current.date() if start >= NIGHT_SPLIT else current.date() - dt.timedelta(days=1)
    if cramp_moment(night, start) > current:
        night -= dt.timedelta(days=1)
    return night


def check_happened(night: dt.date, start: dt.time, now: dt.datetime | None = None) -> None:
    """``ValueError`` naming the night when a cramp at ``start`` in the night of ``night`` is still to come."""
    current = now or dt.datetime.now()
    if cramp_moment(night, start) > current:
        hint = _(" (times before 12:00 belong to the previous evening's night)") if start < NIGHT_SPLIT else ""
        raise ValueError(_("a cramp at {time} in the night of {night} has not happened yet{hint}",
                           time=start.strftime("%H:%M"), night=night.isoformat(), hint=hint))


# --------------------------------------------------------------------------- cramp shorthand

CRAMP_SPEC_HELP = "TIME,DURATION,LEG,MUSCLE[+MUSCLE],SEVERITY[,HELPED[+HELPED][,RELIEF_MINUTES]]"


def _split_multi(text: str) -> list[str]:
    return [item.strip().lower() for item in re.split(r"[+;/]", text) if item.strip()]


def parse_cramp_spec(text: str, *, now: dt.datetime | None = None) -> dict[str, object]:
    """One cramp written on one line, e.g. ``03:10,3m,left,calf+toes,7,stretch,2``.

    Returns the field values for :class:`crampcare.diary.records.Cramp` (which still
    validates leg, muscle and relief names), so several cramps fit in one command.
    """
    parts = [part.strip() for part in text.split(",")]
    if not 5 <= len(parts) <= 7:
        raise ValueError(_("cramp {text} not understood; write {spec}, e.g. {example}", text=repr(text),
                           spec=CRAMP_SPEC_HELP, example="03:10,3m,left,calf,7,stretch"))
    values: dict[str, object] = {
        "start": parse_time(parts[0], now=now),
        "duration_s": parse_duration_s(parts[1]),
        "leg": parts[2].lower(),
        "muscles": _split_multi(parts[3]),
        "severity": parse_severity(parts[4]),
    }
    if len(parts) > 5 and parts[5]:
        values["helped"] = _split_multi(parts[5])
    if len(parts) > 6 and parts[6]:
        values["minutes_to_relief"] = parse_decimal(parts[6], what=_("minutes to relief"), unit="m")
    return values


def parse_severity(text: str) -> int:
    """Pain severity, a whole number 0 (none) to 10 (worst imaginable)."""
    cleaned = refuse_other_digits(text).strip().removesuffix("/10").strip()
    # At most 4 digits before int(): 5,000 digits passed Python's own ValueError text through.
    if not re.fullmatch(r"-?\d{1,4}", cleaned) or not 0 <= int(cleaned) <= 10:
        raise ValueError(_("severity {text!r} must be a whole number from 0 (no pain) to 10 (worst)", text=text[:40]))
    return int(cleaned)
