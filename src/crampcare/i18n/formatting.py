"""Durations, figures and dates written the same way by the insights, the report, the diary listing
and the clinic's pages, in the current language."""

from __future__ import annotations

import datetime as dt

from crampcare.i18n.context import _, current_localizer

__all__ = ["duration", "figure", "local_date"]


def duration(seconds: float) -> str:
    """``45 s``, ``3 min``, ``2 min 30 s`` (rounded to the second)."""
    whole = int(round(seconds))
    if whole < 60:
        return _("{seconds} s", seconds=whole)
    minutes, rest = divmod(whole, 60)
    return _("{minutes} min", minutes=minutes) if rest == 0 else _("{minutes} min {seconds} s", minutes=minutes,
                                                                    seconds=rest)


def figure(value: float) -> str:
    """A median or a measurement: a whole number as such, otherwise one decimal (``7``, ``1.5``; ``1,5`` in Russian)."""
    digits = 0 if abs(value - round(value)) < 1e-9 else 1
    return current_localizer().number(value, digits=digits)


def local_date(value: dt.date | dt.datetime | None) -> str:
    """A day in the medium form (``2 Mar 2026``); a stored moment (UTC) is dated in the local zone, where
    the report is made, as its "generated" date and the diary's nights are: an assessment saved at 01:30
    in Moscow is dated that day, not the day before. The report and the clinic's pages both date so."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        day = (value.astimezone() if value.tzinfo is not None else value).date()
    else:
        day = value
    return current_localizer().date(day, form="medium")
