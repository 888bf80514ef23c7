"""Compiled gettext catalogs, loaded once per language.

Two catalogs (domains) exist so the CLI and the web can be translated side by side: ``messages``
(CLI and the core) and ``web`` (pages and templates). A lookup tries both, so a phrase translated
once serves every interface."""

from __future__ import annotations

import gettext
from functools import cache
from pathlib import Path

from crampcare.i18n.languages import DEFAULT_LANGUAGE, SUPPORTED_LANGUAGES

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAINS = ("messages", "web")


@cache
def translations(lang: str) -> gettext.NullTranslations:
    """The interface messages for ``lang``; English (the source language) needs no catalog."""
    if lang == DEFAULT_LANGUAGE or lang not in SUPPORTED_LANGUAGES:
        return gettext.NullTranslations()
    # A missing .mo is a packaging bug, not a reason to show English silently: let it raise.
    first, *rest = (gettext.translation(domain, localedir=LOCALE_DIR, languages=[lang]) for domain in DOMAINS)
    for fallback in rest:
        first.add_fallback(fallback)
    return first
