"""Compiled gettext catalogs, loaded once per language."""

from __future__ import annotations

import gettext
from functools import cache
from pathlib import Path

from crampcare.i18n.languages import DEFAULT_LANGUAGE, SUPPORTED_LANGUAGES

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "messages"


@cache
def translations(lang: str) -> gettext.NullTranslations:
    """The interface messages for ``lang``; English (the source language) needs no catalog."""
    if lang == DEFAULT_LANGUAGE or lang not in SUPPORTED_LANGUAGES:
        return gettext.NullTranslations()
    # A missing .mo is a packaging bug, not a reason to show English silently: let it raise.
    return gettext.translation(DOMAIN, localedir=LOCALE_DIR, languages=[lang])
