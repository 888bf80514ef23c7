"""Durations and figures written the same way by the insights, the report and the diary listing,
in the current language."""

from __future__ import annotations

from crampcare.i18n.context import _, current_localizer

__all__ = ["duration", "figure"]


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
