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
    CLI prints it as one line and exits with 2.
    """
