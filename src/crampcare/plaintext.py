"""Free text shows what is stored: invisible formatting is removed, control characters refused.

Every text a person types (a night's or a day's notes, tags, the name on the report, a personal API
token's name) goes through :func:`plain_text` once, in the record or service that takes it, so the
CLI, the web forms, the JSON API and the CSV, JSON and FHIR imports keep the same text.

**Direction controls and invisible characters are removed, silently.** A right-to-left override
(U+202E) stored in a note made "take 1 tablet at 22:00" show as "00:22 ta telbat 1 ekat" to the
clinician, in the report, the CSV and the FHIR file, with other letters stored than shown; an embedding
or isolate left open turned the rest of a line around, and a zero-width space made two tags that look
alike ("coffee", "cof\u200bfee") two factors. None of these characters is a letter, a digit or a sign a
reader sees, so removing them takes nothing a person wrote: the letters stay, in the order typed.
Refusing them instead would stop a person for a character they cannot see and cannot find to delete
(phone keyboards and copying from messengers put U+200E/U+200F into Hebrew and Arabic text), and a
night kept on the phone while offline would be refused at every later sync. Right-to-left names and
notes need none of them: Hebrew and Arabic letters are right-to-left by themselves (Unicode's
bidirectional algorithm), and the pages show free text isolated (``<bdi>``) so it cannot reorder
what is around it. Russian text is untouched. What is removed: the marks and embeddings, overrides
and isolates (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069), the zero-width space (U+200B),
the word joiner (U+2060) and the zero-width no-break space / byte-order mark (U+FEFF). Kept, because
words and emoji need them: the zero-width joiner and non-joiner (U+200C, U+200D: Persian and Indian
scripts, 👨‍👩‍👧) and tag characters (the flags of Scotland and Wales).

**Control characters are refused** with the character and its position (escape sequences, NUL,
backspace: a tag "\\x1b[2J" cleared the terminal of ``crampcare diary list``, and PostgreSQL refuses
NUL). They are not invisible formatting but commands to whatever shows the text, and nobody types
them by accident; tab and line ends stay allowed.
"""

from __future__ import annotations

import re

from crampcare.i18n.context import _

__all__ = ["CONTROLS_PATTERN", "ControlCharacterError", "plain_text", "refuse_controls", "visible_text"]

INVISIBLE_FORMATTING = re.compile("[\u061c\u200b\u200e\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]")
CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# The same set, as a JSON Schema pattern the whole text must match.
CONTROLS_PATTERN = "^[^\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f-\\x9f]*$"


class ControlCharacterError(ValueError):
    """A typed text holds a control character; the message names it and its position."""

    def __init__(self, char: str, position: int) -> None:
        super().__init__(_("contains the control character {code} (position {position}); remove it",
                           code=f"U+{ord(char):04X}", position=position))


def visible_text(value: str) -> str:
    """``value`` without direction controls and invisible characters (see the module's docstring)."""
    return INVISIBLE_FORMATTING.sub("", value)


def refuse_controls(value: str) -> str:
    """``value`` unchanged, or :class:`ControlCharacterError` for its first control character."""
    found = CONTROLS.search(value)
    if found:
        raise ControlCharacterError(found.group(), found.start() + 1)
    return value


def plain_text(value: str) -> str:
    """A typed text as it is kept: :func:`refuse_controls` (positions as typed), then :func:`visible_text`."""
    return visible_text(refuse_controls(value))
