"""Messages, plurals, numbers and dates for one language, through gettext and Babel."""

from __future__ import annotations

import datetime as dt
import gettext
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from crampcare.i18n.catalogs import translations

if TYPE_CHECKING:
    from babel import Locale

# Babel is imported where it formats: `crampcare now --plain` loads this module but never formats.


@dataclass(frozen=True)
class Localizer:
    """Everything an interface needs to speak one language. ``_`` and ``ngettext`` are gettext's."""

    lang: str
    catalog: gettext.NullTranslations

    @property
    def locale(self) -> Locale:
        from babel import Locale

        return Locale.parse(self.lang)

    def _(self, message: str, /, **values: object) -> str:
        text = self.catalog.gettext(message)
        return text.format(**values) if values else text

    def ngettext(self, singular: str, plural: str, count: int, /, **values: object) -> str:
        """A counted phrase; ``{n}`` is the count, formatted for the language (``1 ночь``, ``5 ночей``)."""
        text = self.catalog.ngettext(singular, plural, count)
        return text.format(n=self.number(count), **values)

    # Counts that every interface shows; one wording each, so the CLI, web and report agree.
    def nights(self, count: int) -> str:
        return self.ngettext("{n} night", "{n} nights", count)

    def weeks(self, count: int) -> str:
        return self.ngettext("{n} week", "{n} weeks", count)

    def days(self, count: int) -> str:
        return self.ngettext("{n} day", "{n} days", count)

    def cramps(self, count: int) -> str:
        return self.ngettext("{n} cramp", "{n} cramps", count)

    def number(self, value: float, *, digits: int | None = None) -> str:
        """``1.5`` → ``1.5`` (en) or ``1,5`` (ru); ``digits`` fixes the decimals shown."""
        from babel import numbers as babel_numbers

        if digits is None:
            return babel_numbers.format_decimal(value, locale=self.lang)
        pattern = "#,##0" + ("." + "0" * digits if digits else "")
        return babel_numbers.format_decimal(value, format=pattern, locale=self.lang)

    def percent(self, fraction: float) -> str:
        from babel import numbers as babel_numbers

        return babel_numbers.format_percent(fraction, locale=self.lang)

    def date(self, day: dt.date, *, form: str = "long") -> str:
        """``2 December 2026`` / ``2 декабря 2026 г.``; ``form`` is Babel's short/medium/long/full."""
        from babel import dates as babel_dates

        return babel_dates.format_date(day, format=form, locale=self.lang)

    def day_month(self, day: dt.date) -> str:
        """``2 December`` / ``2 декабря``."""
        from babel import dates as babel_dates

        return babel_dates.format_skeleton("MMMMd", day, locale=self.lang)

    def short_day_month(self, day: dt.date) -> str:
        """``Dec 2`` / ``2 дек.`` (chart axes)."""
        from babel import dates as babel_dates

        return babel_dates.format_skeleton("MMMd", day, locale=self.lang)

    def short_month_year(self, day: dt.date) -> str:
        """``Jan 2021`` / ``янв. 2021 г.`` (chart axes over more than a year)."""
        from babel import dates as babel_dates

        return babel_dates.format_skeleton("yMMM", day, locale=self.lang)

    def time(self, moment: dt.time | dt.datetime) -> str:
        """Hours and minutes, 24-hour: ``03:10``."""
        from babel import dates as babel_dates

        return babel_dates.format_time(moment, format="HH:mm", locale=self.lang)

    def datetime(self, moment: dt.datetime) -> str:
        return f"{self.day_month(moment.date())} {self.time(moment)}"


@cache
def localizer(lang: str) -> Localizer:
    return Localizer(lang, translations(lang))
