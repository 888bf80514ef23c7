"""The language (and emergency region) of the current command or request.

Interfaces choose once — the CLI from ``--lang``/``CRAMPCARE_LANG``/the system locale, the web
from the cookie/account/``Accept-Language`` — and everything below them (assessment wording,
insights, report, reminders, the FHIR Questionnaire) asks here instead of taking a parameter
through every call. A context variable keeps concurrent web requests apart.

``_`` and ``ngettext`` are the gettext functions Babel extracts; ``N_`` marks a message that is
translated later, where it is shown (constants, labels in tables).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING

from crampcare.i18n.catalogs import translations
from crampcare.i18n.languages import DEFAULT_LANGUAGE

if TYPE_CHECKING:
    from crampcare.i18n.localizer import Localizer
    from crampcare.i18n.regions import Region

_language: ContextVar[str] = ContextVar("crampcare_language", default=DEFAULT_LANGUAGE)
_region: ContextVar[str | None] = ContextVar("crampcare_region", default=None)


def activate(lang: str, region: str | None = None) -> None:
    """Speak ``lang`` from now on in this context (a CLI run, a web request)."""
    _language.set(lang)
    _region.set(region)


@contextmanager
def use_language(lang: str, region: str | None = None) -> Iterator[None]:
    """Speak ``lang`` inside the block only (tests, rendering a document in another language)."""
    language_token, region_token = _language.set(lang), _region.set(region)
    try:
        yield
    finally:
        _language.reset(language_token)
        _region.reset(region_token)


def current_language() -> str:
    return _language.get()


def current_localizer() -> Localizer:
    from crampcare.i18n.localizer import localizer

    return localizer(_language.get())


def chosen_region() -> str | None:
    """The region set with the language (a setting, a cookie, an account), if any was."""
    return _region.get()


def current_region() -> Region:
    """The region set with the language, else the one the locale or the language implies."""
    from crampcare.i18n.regions import choose_region

    return choose_region(_region.get(), lang=_language.get())


def _(message: str, /, **values: object) -> str:
    text = translations(_language.get()).gettext(message)
    return text.format(**values) if values else text


def ngettext(singular: str, plural: str, count: int, /, **values: object) -> str:
    """A counted phrase; ``{n}`` is the count, formatted for the language (``1 ночь``, ``5 ночей``)."""
    return current_localizer().ngettext(singular, plural, count, **values)


def N_(message: str, /) -> str:
    return message
