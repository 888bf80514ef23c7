"""Which language to speak: a flag, then ``CRAMPCARE_LANG``, then the system locale (CLI); a cookie,
then ``Accept-Language`` (web). An unsupported request falls back to English and says so once."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

DEFAULT_LANGUAGE = "en"
# English (the source language) plus every language that has compiled catalogs: adding a language
# is adding its files (README, "Translating crampcare"), not editing this list.
_LOCALE_DIR = Path(__file__).parent / "locale"
SUPPORTED_LANGUAGES: tuple[str, ...] = (DEFAULT_LANGUAGE,) + tuple(
    sorted(p.name for p in _LOCALE_DIR.iterdir() if (p / "LC_MESSAGES" / "messages.mo").is_file())
    if _LOCALE_DIR.is_dir() else ()
)

# The environment variables that carry the system locale, in the order POSIX gives them priority.
_LOCALE_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG")


@dataclass(frozen=True)
class LanguageChoice:
    """The language to use, and the unsupported one asked for (to be said once), if any."""

    code: str
    unsupported: str | None = None

    def notice(self) -> str | None:
        """One line for the person who asked for a language we don't have (English, on purpose)."""
        if self.unsupported is None:
            return None
        supported = ", ".join(SUPPORTED_LANGUAGES)
        return f"Language {self.unsupported!r} is not available (available: {supported}); using English."


def language_of(tag: str) -> str:
    """The primary language subtag of a locale or language tag: ``ru_RU.UTF-8`` → ``ru``."""
    return tag.replace("-", "_").split("_")[0].split(".")[0].split("@")[0].strip().lower()


def _system_language(environ: Mapping[str, str]) -> str | None:
    for name in _LOCALE_VARIABLES:
        value = environ.get(name, "").strip()
        if value:
            # "C" and "POSIX" name no language: the user hasn't chosen one.
            return None if value.split(".")[0] in ("C", "POSIX") else language_of(value)
    return None


def choose_language(requested: str | None = None, environ: Mapping[str, str] | None = None) -> LanguageChoice:
    """The CLI's choice: ``--lang``, else ``CRAMPCARE_LANG``, else the system locale, else English.

    An explicit request (flag or ``CRAMPCARE_LANG``) for a language we don't have is reported; a
    system locale we don't have falls back to English silently, because the user didn't ask."""
    env = os.environ if environ is None else environ
    for explicit in (requested, env.get("CRAMPCARE_LANG")):
        if explicit and explicit.strip():
            code = language_of(explicit)
            if code in SUPPORTED_LANGUAGES:
                return LanguageChoice(code)
            return LanguageChoice(DEFAULT_LANGUAGE, unsupported=explicit.strip())
    system = _system_language(env)
    if system in SUPPORTED_LANGUAGES:
        return LanguageChoice(system)
    return LanguageChoice(DEFAULT_LANGUAGE)


def _parse_accept_language(header: str) -> list[tuple[float, int, str]]:
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")):
        fields = part.strip().split(";")
        tag = fields[0].strip()
        if not tag or tag == "*":
            continue
        quality = 1.0
        for parameter in fields[1:]:
            name, _, value = parameter.strip().partition("=")
            if name.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if quality > 0:
            ranked.append((-quality, position, language_of(tag)))
    return sorted(ranked)


def negotiate_language(*, cookie: str | None = None, accept_language: str | None = None, account: str | None = None) -> str:
    """The web's choice: the visible switch (cookie), then the account's preference, then the browser."""
    for chosen in (cookie, account):
        if chosen and language_of(chosen) in SUPPORTED_LANGUAGES:
            return language_of(chosen)
    for _, _, code in _parse_accept_language(accept_language or ""):
        if code in SUPPORTED_LANGUAGES:
            return code
    return DEFAULT_LANGUAGE
