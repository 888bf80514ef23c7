"""Errors of the report package: each message is one clear line for a person."""

from __future__ import annotations

from crampcare.diary.errors import ImportFormatError

__all__ = ["FhirImportError", "ReportError"]


class ReportError(ValueError):
    """A report or reminder request that cannot be honoured (bad dates, times, file types)."""


class FhirImportError(ImportFormatError):
    """A FHIR Bundle that crampcare refuses to import; nothing was stored.

    ``location`` names the resource and the field (``Observation urn:uuid:… (entry 7)
    component[1].valueInteger``); ``message`` says what is wrong. It is an
    :class:`~crampcare.diary.errors.ImportFormatError`, hence a ``DiaryError``, so the diary
    CLI prints it as one line and exits with 2. Both stay one line whatever the file holds:
    control characters from it (a resource type with a line break, the line break and tab in a FHIR
    string pattern) are shown escaped.
    """

    def __init__(self, location: str, message: str) -> None:
        super().__init__(_one_line(location), _one_line(message))


# Characters that would break a one-line message (or reorder it on screen: bidirectional overrides).
_ESCAPED = {code: f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
            for code in (*range(0x20), *range(0x7F, 0xA0), 0x2028, 0x2029, *range(0x202A, 0x202F),
                         *range(0x2066, 0x206A))}
_ESCAPED |= {ord("\n"): "\\n", ord("\r"): "\\r", ord("\t"): "\\t"}


def _one_line(text: str) -> str:
    return text.translate(_ESCAPED)
