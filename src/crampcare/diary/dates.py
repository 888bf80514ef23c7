"""The dates a diary accepts, in one place: from 1900-01-01 to tomorrow.

Nobody alive logged a night before 1900, and a date further back breaks the calendar arithmetic
of insights and reports (a week before 0001-01-01 does not exist). Tomorrow, not today: a
client a few time zones ahead of the machine may already be living on tomorrow's date. Every
way in — CLI, API (bodies, paths and queries), forms and imports — checks with this module.
"""

from __future__ import annotations

import datetime as dt

from crampcare.i18n.context import _

__all__ = ["EARLIEST", "check_date", "check_range", "latest"]

EARLIEST = dt.date(1900, 1, 1)


def latest(today: dt.date | None = None) -> dt.date:
    """The last date accepted: tomorrow."""
    return (today or dt.date.today()) + dt.timedelta(days=1)


def check_date(value: dt.date, today: dt.date | None = None) -> dt.date:
    """``value`` if it lies from :data:`EARLIEST` to tomorrow; ``ValueError`` naming the range otherwise."""
    last = latest(today)
    if value < EARLIEST:
        raise ValueError(_("{date} is before {earliest}; use a date from {earliest} to {last}",
                           date=value.isoformat(), earliest=EARLIEST.isoformat(), last=last.isoformat()))
    if value > last:
        raise ValueError(_("{date} is in the future; the diary records nights that happened "
                           "(use a date up to {last})", date=value.isoformat(), last=last.isoformat()))
    return value


def check_range(start: dt.date | None, end: dt.date | None) -> None:
    """Both ends allowed, and ``start`` not after ``end``; ``ValueError`` otherwise."""
    for value in (start, end):
        if value is not None:
            check_date(value)
    if start is not None and end is not None and start > end:
        raise ValueError(_("the start {start} is after the end {end}", start=start.isoformat(), end=end.isoformat()))
