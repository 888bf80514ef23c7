"""How much of a Russian text is English: the share of Latin-script words.

Not counted, because they are not English sentences a reader has to understand: acronyms
(NHS, NICE, FHIR, PDF…), the product name, what a person types (``crampcare log night --none``,
code in backticks, option and file names), web addresses, and one-letter tokens (units such as °C, key q).
"""

from __future__ import annotations

import re

LIMIT = 0.02  # issue 13: fail above 2 % Latin-script words

_CODE = re.compile(r"`[^`\n]*`")
_COMMAND = re.compile(r"crampcare(?:[ \t]+(?:--?[\w-]+(?:=\S+)?|[a-z][\w:./<>-]*|\d[\w:.,+/-]*|ТЕМА))*")
_URL = re.compile(r"(?:https?://|www\.)\S+|\b[\w.-]+\.(?:uk|org|com|gov|net|io|example)(?:/\S*)?|[\w.+-]+@[\w.-]+")
_PATH = re.compile(r"(?:/[\w.@+-]+)+/?")
_FILE = re.compile(r"[\w~/-]*\w\.[A-Za-z]{2,5}\b|(?<![\w.])\.[a-z]{2,5}\b")
_OPTION = re.compile(r"(?<![\w-])--?[a-z][\w-]*")
_WORD = re.compile(r"[^\W\d_]+")
# Names a reader meets as they are: the product, keys on the keyboard, a brand in a source title,
# file formats and database engines, and "English" on the language switch (each language is named in itself).
_ALLOWED = frozenset({"crampcare", "enter", "ctrl", "best", "practice", "json", "csv", "english", "sqlite"})


def _is_latin(word: str) -> bool:
    return all("a" <= ch.lower() <= "z" for ch in word)


def english_words(text: str) -> tuple[list[str], int]:
    """The Latin-script words that count as English, and the number of words counted in all."""
    for pattern in (_CODE, _URL, _COMMAND, _PATH, _FILE, _OPTION):
        text = pattern.sub(" ", text)
    latin: list[str] = []
    total = 0
    for word in _WORD.findall(text):
        if len(word) < 2:
            continue
        total += 1
        if _is_latin(word) and not (word.isupper() or word.lower() in _ALLOWED):
            latin.append(word)
    return latin, total


def latin_share(text: str) -> float:
    latin, total = english_words(text)
    return len(latin) / total if total else 0.0


def describe(text: str) -> str:
    latin, total = english_words(text)
    return f"{len(latin)} of {total} words are English ({len(latin) / max(total, 1):.1%}): {sorted(set(latin))[:40]}"
