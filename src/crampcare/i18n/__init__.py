"""Languages, regions and locale formatting for every interface (CLI, web, report, calendar).

Interface strings are gettext messages in Babel-managed catalogs (``i18n/locale/<lang>/LC_MESSAGES/
messages.po``, compiled to ``.mo`` by ``scripts/i18n_catalog.py compile``); texts of the knowledge
base are translated by key in ``knowledge/data/i18n/<lang>.yaml``. Dates, numbers and plurals go
through Babel, never through hand-written rules.

Adding a language: add its code to ``SUPPORTED_LANGUAGES``, run ``scripts/i18n_catalog.py init
<lang>``, translate the ``.po`` file and ``knowledge/data/i18n/<lang>.yaml``, then ``compile``.
"""

from __future__ import annotations

from crampcare.i18n.catalogs import translations
from crampcare.i18n.languages import (
    DEFAULT_LANGUAGE,
    SUPPORTED_LANGUAGES,
    LanguageChoice,
    choose_language,
    negotiate_language,
)
from crampcare.i18n.localizer import Localizer, localizer
from crampcare.i18n.regions import REGIONS, Region, choose_region

__all__ = [
    "DEFAULT_LANGUAGE",
    "REGIONS",
    "SUPPORTED_LANGUAGES",
    "LanguageChoice",
    "Localizer",
    "Region",
    "choose_language",
    "choose_region",
    "localizer",
    "negotiate_language",
    "translations",
]
