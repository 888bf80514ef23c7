"""At the doctor: the printable report (HTML / PDF), FHIR R4 export and import, calendar reminders.

Submodules load on first use (WeasyPrint, matplotlib and fhir.resources are heavy), so
``import crampcare.report`` is cheap:

* :func:`report_html`, :func:`report_pdf` (:mod:`crampcare.report.document`);
* :func:`fhir_bundle`, :func:`export_fhir`, :func:`import_fhir`, :func:`import_fhir_file`,
  :func:`read_fhir_file`, :class:`FhirImportError` (:mod:`crampcare.report.fhir`);
* :func:`reminders_ics` (:mod:`crampcare.report.reminders`);
* :class:`ReportError` for bad dates, times and file types.
"""

from __future__ import annotations

import importlib
from typing import Any

from crampcare.report.errors import FhirImportError, ReportError

__all__ = [
    "FhirImportError",
    "FhirImportResult",
    "ReportError",
    "export_fhir",
    "fhir_bundle",
    "import_fhir",
    "import_fhir_file",
    "read_fhir_file",
    "reminders_ics",
    "report_html",
    "report_pdf",
]

_LAZY = {
    "report_html": "document",
    "report_pdf": "document",
    "fhir_bundle": "fhir",
    "export_fhir": "fhir",
    "import_fhir": "fhir",
    "import_fhir_file": "fhir",
    "read_fhir_file": "fhir",
    "FhirImportResult": "fhir",
    "reminders_ics": "reminders",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'crampcare.report' has no attribute {name!r}")
    return getattr(importlib.import_module(f"crampcare.report.{module}"), name)
