"""Numbers are typed with the digits 0-9, in every client alike.

Python's ``int()`` and ``float()``, ``str.isdigit()`` and the regular expression ``\\d`` also read the
digits of other scripts (Arabic-Indic ``٣``, full-width ``３``, Devanagari ``३``), while JSON, the
API's schema and the date and time readers do not: the same text was a number in the CLI and the
web forms and a refusal in the API. Every reader of a typed number, date or time checks it here
first, and refuses such a digit with a message that names it and says what to write instead.
(Reading them as numbers instead would need every reader, the API's pydantic types included, to
convert them; a refusal is one rule that no reader can quietly miss.)
"""

from __future__ import annotations

from crampcare.i18n.context import _

__all__ = ["OtherDigitsError", "refuse_other_digits"]


class OtherDigitsError(ValueError):
    """A typed number holds a digit that is not one of 0-9; the message says which."""

    def __init__(self, digit: str) -> None:
        super().__init__(_("write numbers with the digits 0-9 ({digit} is a digit of another script)",
                           digit=repr(digit)))
        self.digit = digit


def refuse_other_digits(text: str) -> str:
    """``text`` unchanged, or :class:`OtherDigitsError` for its first digit outside 0-9."""
    for char in text:
        if char.isdigit() and not "0" <= char <= "9":  # isdigit: superscripts (²) too
            raise OtherDigitsError(char)
    return text
