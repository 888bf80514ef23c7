"""The diary and assessments as a FHIR R4 Bundle, and back.

:func:`fhir_bundle` (or :func:`export_fhir` for the diary's exporter registry) builds a
``collection`` Bundle of plain JSON (R4; validated with ``fhir.resources.R4B`` in the
tests) holding:

* the interview as a **Questionnaire** (see :mod:`crampcare.report.questionnaire`);
* a **Patient** with no name and a generated id; gender and an approximate birth year come
  from the latest assessment's answers when given;
* one **QuestionnaireResponse** per saved assessment (with its urgency in an extension, and
  one extension per warning question left open when the assessment was not complete; the status
  is ``completed`` only for a complete assessment, ``in-progress`` otherwise);
* per logged night, a *night entry* **Observation** (crampcare code ``night``; value: the
  number of cramps, so a quiet night is an explicit 0; a sleep-disturbed true/false component,
  left out when sleep was not logged, and read back as not logged when missing; notes) whose
  ``hasMember`` lists that night's cramps;
* one **Observation per cramp**: code text "Night leg cramp" with ICD-10-CM G47.62;
  ``effectiveDateTime`` the real moment (a 03:10 cramp of the night of 20 November is
  21 November 03:10, with the local UTC offset FHIR requires); ``valueQuantity`` the
  duration in seconds (UCUM ``s``); a component coded LOINC 72514-3 with the 0–10 severity;
  ``bodySite`` text such as "left calf"; components for leg, muscles, signs, what helped and
  minutes to relief (crampcare codes, so the record comes back exactly); a note in words;
* per logged day, a *day entry* Observation (notes) whose ``hasMember`` lists one
  **Observation per logged day factor** (fluids in mL, sitting hours, stress, …), coded in
  ``https://crampcare.example/fhir/CodeSystem/day-factor`` by the diary field name.

:func:`import_fhir` reads such a Bundle back into a diary. Everything is checked before
anything is stored: unknown resource types, invalid FHIR (per ``fhir.resources.R4B``),
unknown codes and values a diary cannot hold are refused with :class:`FhirImportError`
naming the resource and the field, and nothing is imported.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from crampcare import jsontext
from crampcare.diary.records import Cramp, DayRecord, NightRecord
from crampcare.diary.units import NIGHT_SPLIT, cramp_moment
from crampcare.i18n.context import N_, _, current_language, current_localizer
from crampcare.jsontext import UnreadableJsonError
from crampcare.report import codes
from crampcare.report.errors import FhirImportError

if TYPE_CHECKING:
    from crampcare.diary.store import DiaryStore, StoredAssessment
    from crampcare.diary.transfer import DiaryExport, ImportProgress
    from crampcare.knowledge.loader import KnowledgeBase

__all__ = [
    "FhirBatch",
    "FhirImportError",
    "FhirImportResult",
    "bundle_from_records",
    "export_fhir",
    "fhir_bundle",
    "import_fhir",
    "import_fhir_file",
    "is_fhir_bundle",
    "parse_fhir_bundle",
    "read_fhir_file",
]

ALLOWED_RESOURCES = ("Questionnaire", "Patient", "QuestionnaireResponse", "Observation")

# The words of an export are in the reader's language (``_`` when the Bundle is made); codes never change, so
# an export in any language imports anywhere. Standard terminologies keep their own (English) displays.
_SIGN_WORDS = {"hard_knot": N_("hard knot in the muscle"), "twitching": N_("twitching"), "whole_limb": N_("whole leg")}
_GENDER = {"female": "female", "male": "male", "other": "unknown"}


# --------------------------------------------------------------------------- small builders


def _coding(system: str, code: str, display: str | None = None) -> dict[str, Any]:
    coding = {"system": system, "code": code}
    if display:
        coding["display"] = display
    return coding


def _concept(system: str, code: str, display: str | None = None, text: str | None = None) -> dict[str, Any]:
    concept: dict[str, Any] = {"coding": [_coding(system, code, display)]}
    if text:
        concept["text"] = text
    return concept


def _diary_code(code: str, text: str | None = None) -> dict[str, Any]:
    display = _(codes.DIARY_DISPLAY[code])
    return _concept(codes.CS_DIARY, code, display, text or display)


def _quantity(value: float, unit: str, code: str) -> dict[str, Any]:
    return {"value": value, "unit": unit, "system": codes.UCUM, "code": code}


def _urn(value: uuid.UUID) -> str:
    return f"urn:uuid:{value}"


def _local_iso(moment: dt.datetime, zone: dt.tzinfo | None = None) -> str:
    """A FHIR dateTime with the UTC offset of ``zone`` there and then (FHIR requires an offset when a time is
    given); without a zone, the offset of the zone crampcare runs in.

    The wall-clock time is written as logged, with the offset in force there: converting the
    moment instead moved a 02:30 cramp on the night clocks go forward (a time that does not
    exist locally) to 01:30, and the import, which keeps the wall clock, then changed the diary.
    Seconds are written as stored (fractions only when the record has them), so the import gives
    back the same time. The offset is whole minutes, as FHIR's dateTime (``+hh:mm``) allows: before
    standard time zones, places kept their local mean time (Amsterdam until 1937: +00:19:32), and
    ``+00:19:32`` made a Bundle that crampcare's own import refused."""
    offset = (moment.replace(tzinfo=zone).utcoffset() if zone is not None else moment.astimezone().utcoffset()) \
        or dt.timedelta(0)
    minutes = dt.timedelta(minutes=round(offset.total_seconds() / 60))
    return moment.replace(tzinfo=dt.timezone(minutes)).isoformat()


# --------------------------------------------------------------------------- day factors

# DayRecord field -> (kind, detail). Kinds: quantity (detail = (unit display, in the reader's language when
# exported; UCUM code)), boolean, code (detail = code system), codes (list field; one Observation per item), strings.
_FACTOR_SPEC: dict[str, tuple[str, Any]] = {
    "fluids_ml": ("quantity", (N_("mL"), "mL")),
    "activity": ("code", codes.CS_ACTIVITY),
    "unusual_activity": ("boolean", None),
    "sitting_hours": ("quantity", (N_("h"), "h")),
    "cold_exposure": ("boolean", None),
    "temperature_swing_c": ("quantity", ("°C", "Cel")),
    "stress": ("code", codes.CS_STRESS),
    "uncomfortable_shoes": ("boolean", None),
    "diet": ("codes", codes.CS_DIET),
    "alcohol_units": ("quantity", (N_("units of alcohol"), "{unit}")),
    "caffeine": ("boolean", None),
    "medicines": ("codes", codes.CS_MEDICINE),
    "pregnancy_week": ("quantity", (N_("weeks"), "wk")),
    "exercises_done": ("boolean", None),
    "tags": ("strings", None),
}
FACTOR_LABELS: dict[str, str] = {  # English; each export says them in its reader's language
    "fluids_ml": N_("Fluids drunk"),
    "activity": N_("Physical activity"),
    "unusual_activity": N_("Unusual activity (first in a while, or much more than usual)"),
    "sitting_hours": N_("Hours sitting"),
    "cold_exposure": N_("Legs got cold"),
    "temperature_swing_c": N_("Temperature swing"),
    "stress": N_("Stress"),
    "uncomfortable_shoes": N_("Uncomfortable shoes"),
    "diet": N_("Diet"),
    "alcohol_units": N_("Alcohol"),
    "caffeine": N_("Caffeine (coffee, tea, cola)"),
    "medicines": N_("Medicine taken"),
    "pregnancy_week": N_("Week of pregnancy"),
    "exercises_done": N_("Bedtime exercises done"),
    "tags": N_("Own label"),
}
_INTEGER_FIELDS = {"fluids_ml", "pregnancy_week"}
assert set(_FACTOR_SPEC) == {name for name in DayRecord.model_fields if name not in ("date", "notes")}


def _factor_values(kb: KnowledgeBase, name: str, value: Any) -> list[dict[str, Any]]:
    """The ``value[x]`` of each Observation for day field ``name`` (several for list fields)."""
    from crampcare.i18n.wording import diary_word, medicine_name

    kind, detail = _FACTOR_SPEC[name]
    if kind == "quantity":
        unit, code = detail
        return [{"valueQuantity": _quantity(value, _(unit), code)}]
    if kind == "boolean":
        return [{"valueBoolean": bool(value)}]
    if kind == "code":
        return [{"valueCodeableConcept": _concept(detail, value, text=diary_word(value))}]
    if kind == "codes":
        out = []
        for item in value:
            display = medicine_name(kb, item) if name == "medicines" else diary_word(item)
            out.append({"valueCodeableConcept": _concept(detail, item, display, display)})
        return out
    return [{"valueString": item} for item in value]


# --------------------------------------------------------------------------- export


@dataclass
class _Builder:
    kb: KnowledgeBase
    patient: uuid.UUID
    zone: dt.tzinfo | None = None  # where the clock times were lived (None: where crampcare runs)
    entries: list[dict[str, Any]] = field(default_factory=list)

    def uid(self, name: str) -> uuid.UUID:
        """Stable within one export: derived from the patient id and what the resource is."""
        return uuid.uuid5(self.patient, name)

    def add(self, ident: uuid.UUID, resource: dict[str, Any]) -> str:
        url = _urn(ident)
        kind = resource.pop("resourceType")
        # The language of the resource's texts (the Questionnaire keeps English with translation extensions).
        said = {"language": current_language()} if kind in ("Observation", "QuestionnaireResponse") else {}
        self.entries.append({"fullUrl": url, "resource": {"resourceType": kind, "id": str(ident), **said, **resource}})
        return url

    @property
    def subject(self) -> dict[str, str]:
        return {"reference": _urn(self.patient)}


def _patient(assessments: Sequence[StoredAssessment]) -> dict[str, Any]:
    resource: dict[str, Any] = {"resourceType": "Patient"}
    for stored in reversed(assessments):
        sex = stored.answers.get("sex")
        if sex in _GENDER and "gender" not in resource:
            resource["gender"] = _GENDER[sex]
        age = stored.answers.get("age")
        if isinstance(age, (int, float)) and not isinstance(age, bool) and "birthDate" not in resource:
            # Approximate: the year the person turned that age (±1), all the answers allow.
            resource["birthDate"] = f"{stored.created_at.year - math.floor(age):04d}"
    return resource


def _questionnaire_response(builder: _Builder, stored: StoredAssessment, index: int) -> None:
    from crampcare import __version__
    from crampcare.report.questionnaire import answer_items, questionnaire_canonical

    resource: dict[str, Any] = {"resourceType": "QuestionnaireResponse"}
    urgency = stored.result.get("urgency") if isinstance(stored.result, Mapping) else None
    if isinstance(urgency, str):
        resource["extension"] = [{"url": codes.EXT_URGENCY, "valueCode": urgency}]
        # One extension per warning question left open (an incomplete assessment never reassures).
        open_questions = stored.result.get("unanswered_warning_questions") or []
        resource["extension"] += [{"url": codes.EXT_NOT_RULED_OUT, "valueCode": str(qid)} for qid in open_questions]
    created = stored.created_at if stored.created_at.tzinfo else stored.created_at.replace(tzinfo=dt.UTC)
    resource |= {
        "questionnaire": questionnaire_canonical(__version__),
        "status": _response_status(stored.result),
        "subject": builder.subject,
        "authored": created.isoformat(timespec="seconds"),
    }
    items = answer_items(builder.kb, stored.answers, current_language())
    if items:  # nothing answered: no ``item`` at all (FHIR's JSON has no empty arrays)
        resource["item"] = items
    builder.add(builder.uid(f"assessment/{index}"), resource)


def _response_status(result: Any) -> str:
    """``completed`` only for a complete assessment: one with warning questions left open (or of unknown
    completeness) is ``in-progress`` (R4: "still being filled out"), never a claim that all was answered."""
    if not isinstance(result, Mapping):
        return "in-progress"
    complete = result.get("complete")
    if complete is None:  # a result saved before ``complete`` existed: open warning questions decide
        complete = not result.get("unanswered_warning_questions") and "urgency" in result
    return "completed" if complete is True else "in-progress"


def _cramp_observation(builder: _Builder, night: NightRecord, position: int, cramp: Cramp) -> str:
    from crampcare.i18n.wording import cramp_place, diary_word, helped_words, leg_name, relief_word

    body_site = cramp_place(cramp.leg, cramp.muscles)
    components: list[dict[str, Any]] = [
        {
            "code": {
                "coding": [_coding(codes.LOINC, codes.PAIN_SEVERITY_LOINC, codes.PAIN_SEVERITY_DISPLAY)],
                "text": _("Pain severity 0-10"),
            },
            "valueInteger": cramp.severity,
        },
        {
            "code": _diary_code(codes.LEG),
            "valueCodeableConcept": _concept(codes.CS_LEG, cramp.leg, text=leg_name(cramp.leg)),
        },
    ]
    components += [
        {"code": _diary_code(codes.MUSCLE), "valueCodeableConcept": _concept(codes.CS_MUSCLE, m, text=diary_word(m))}
        for m in cramp.muscles
    ]
    components += [
        {"code": _diary_code(codes.SIGN), "valueCodeableConcept": _concept(codes.CS_SIGN, s, text=_(_SIGN_WORDS[s]))}
        for s in cramp.signs
    ]
    components += [
        {"code": _diary_code(codes.HELPED),
         "valueCodeableConcept": _concept(codes.CS_RELIEF, h, text=relief_word(h))}
        for h in cramp.helped
    ]
    if cramp.minutes_to_relief is not None:
        components.append(
            {
                "code": _diary_code(codes.MINUTES_TO_RELIEF),
                "valueQuantity": _quantity(cramp.minutes_to_relief, _("min"), "min"),
            }
        )
    helped = helped_words(cramp.helped)
    if cramp.helped and cramp.minutes_to_relief is not None:
        note = _("Helped: {methods}; eased after {minutes} min.", methods=helped,
                 minutes=current_localizer().number(cramp.minutes_to_relief))
    elif cramp.helped:
        note = _("Helped: {methods}.", methods=helped)
    else:
        note = _("Nothing logged as helping.")
    resource = {
        "resourceType": "Observation",
        "status": "final",
        "code": {
            "coding": [
                _coding(codes.ICD10CM, codes.CRAMP_ICD10CM, codes.CRAMP_ICD10CM_DISPLAY),
                _coding(codes.CS_DIARY, codes.CRAMP, _(codes.DIARY_DISPLAY[codes.CRAMP])),
            ],
            "text": _(codes.CRAMP_TEXT),
        },
        "subject": builder.subject,
        "effectiveDateTime": _local_iso(cramp_moment(night.date, cramp.start), builder.zone),
        "valueQuantity": _quantity(cramp.duration_s, _("s"), "s"),
        "note": [{"text": note}],
        "bodySite": {"text": body_site},
        "component": components,
    }
    return builder.add(builder.uid(f"cramp/{night.date.isoformat()}/{position}"), resource)


def _night_observation(builder: _Builder, night: NightRecord) -> None:
    members = [_cramp_observation(builder, night, i, c) for i, c in enumerate(night.cramps)]
    resource: dict[str, Any] = {
        "resourceType": "Observation",
        "status": "final",
        "code": _diary_code(codes.NIGHT, _("Night leg cramps: night diary entry")),
        "subject": builder.subject,
        "effectiveDateTime": night.date.isoformat(),
        "valueInteger": len(night.cramps),
    }
    if night.sleep_disturbed is not None:  # not logged: no component, never a "false" nobody said
        resource["component"] = [{"code": _diary_code(codes.SLEEP_DISTURBED), "valueBoolean": night.sleep_disturbed}]
    if night.notes:
        resource["note"] = [{"text": night.notes}]
    if members:
        resource["hasMember"] = [{"reference": url} for url in members]
    builder.add(builder.uid(f"night/{night.date.isoformat()}"), resource)


def _day_observations(builder: _Builder, day: DayRecord) -> None:
    members = []
    for name in _FACTOR_SPEC:
        value = getattr(day, name)
        if value is None or (isinstance(value, list) and not value):
            continue
        for index, value_x in enumerate(_factor_values(builder.kb, name, value)):
            resource = {
                "resourceType": "Observation",
                "status": "final",
                "code": _concept(codes.CS_DAY_FACTOR, name, _(FACTOR_LABELS[name]), _(FACTOR_LABELS[name])),
                "subject": builder.subject,
                "effectiveDateTime": day.date.isoformat(),
                **value_x,
            }
            members.append(builder.add(builder.uid(f"day/{day.date.isoformat()}/{name}/{index}"), resource))
    entry: dict[str, Any] = {
        "resourceType": "Observation",
        "status": "final",
        "code": _diary_code(codes.DAY, _("Night leg cramps: day diary entry")),
        "subject": builder.subject,
        "effectiveDateTime": day.date.isoformat(),
    }
    if day.notes:
        entry["note"] = [{"text": day.notes}]
    if members:
        entry["hasMember"] = [{"reference": url} for url in members]
    builder.add(builder.uid(f"day/{day.date.isoformat()}"), entry)


def bundle_from_records(
    nights: Sequence[NightRecord],
    days: Sequence[DayRecord],
    assessments: Sequence[StoredAssessment] = (),
    *,
    patient_id: uuid.UUID | None = None,
    now: dt.datetime | None = None,
    progress: ImportProgress | None = None,
    zone: dt.tzinfo | None = None,
) -> dict[str, Any]:
    """A FHIR R4 ``collection`` Bundle (plain JSON) of these records and assessments; ``progress`` hears how many
    nights and days are done (ten years take a few seconds). Clock times carry the offset of ``zone`` (default:
    the zone crampcare runs in)."""
    from crampcare import __version__
    from crampcare.knowledge import load_knowledge
    from crampcare.report.questionnaire import questionnaire_resource

    kb = load_knowledge()
    builder = _Builder(kb, patient_id or uuid.uuid4(), zone)
    builder.add(builder.uid("questionnaire"), questionnaire_resource(kb, version=__version__))
    builder.add(builder.patient, _patient(assessments))
    for index, stored in enumerate(assessments):
        _questionnaire_response(builder, stored, index)
    building, total = _("Building the FHIR entries"), len(nights) + len(days)
    ordered: list[tuple[Callable[[_Builder, Any], None], Any]] = [
        *((_night_observation, night) for night in sorted(nights, key=lambda n: n.date)),
        *((_day_observations, day) for day in sorted(days, key=lambda d: d.date))]
    for done, (build, record) in enumerate(ordered):
        if progress is not None and done % _PROGRESS_EVERY == 0:
            progress(building, done, total)
        build(builder, record)
    if progress is not None:
        progress(building, total, total)
    stamp = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    return {
        "resourceType": "Bundle",
        "id": str(builder.uid("bundle/" + stamp.isoformat())),
        "language": current_language(),
        "meta": {"lastUpdated": stamp.isoformat(timespec="seconds")},
        "type": "collection",
        "timestamp": stamp.isoformat(timespec="seconds"),
        "entry": builder.entries,
    }


def fhir_bundle(store: DiaryStore, start: dt.date | None = None, end: dt.date | None = None) -> dict[str, Any]:
    """The whole diary of ``store`` (or the nights and days from ``start`` to ``end``) as a Bundle."""
    return bundle_from_records(store.list_nights(start, end), store.list_days(start, end), store.list_assessments())


def export_fhir(data: DiaryExport, progress: ImportProgress | None = None, zone: dt.tzinfo | None = None) -> str:
    """The FHIR export format of :data:`crampcare.services.transfer.FORMATS` (``export --format fhir``)."""
    bundle = bundle_from_records(data.nights, data.days, data.assessments, progress=progress, zone=zone)
    if progress is not None:  # (as long again as building the entries, for a large Bundle)
        progress(_("Writing the file"), 0, 1)
    text = json.dumps(bundle, indent=2, ensure_ascii=False) + "\n"
    if progress is not None:
        progress(_("Writing the file"), 1, 1)
    return text


# --------------------------------------------------------------------------- import: checking


@dataclass
class FhirBatch:
    """What a Bundle holds, validated and ready to store."""

    nights: list[NightRecord] = field(default_factory=list)
    days: list[DayRecord] = field(default_factory=list)
    assessments: list[dict[str, Any]] = field(default_factory=list)  # validated answers, oldest first
    assessed_at: list[dt.datetime | None] = field(default_factory=list)  # each one's ``authored``, if it has one


@dataclass(frozen=True)
class FhirImportResult:
    nights_added: int
    days_added: int
    nights_unchanged: int
    days_unchanged: int
    assessments_added: int
    assessments_unchanged: int

    @property
    def message(self) -> str:
        from crampcare.diary.transfer import import_message

        unchanged = self.nights_unchanged + self.days_unchanged + self.assessments_unchanged
        return import_message("fhir", self.nights_added, self.days_added, unchanged, self.assessments_added)


class _Refuse(Exception):
    """Internal: a problem at ``field`` of the current resource."""

    def __init__(self, field_path: str, message: str) -> None:
        self.field_path, self.message = field_path, message
        super().__init__(f"{field_path}: {message}")


def _loc(parts: Sequence[Any]) -> str:
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


@dataclass
class _Entry:
    index: int
    url: str
    resource: dict[str, Any]

    @property
    def name(self) -> str:
        kind = self.resource.get("resourceType", "resource")
        if self.url:
            return _("{kind} {url} (entry {index})", kind=kind, url=self.url, index=self.index)
        return _("{kind} (entry {index})", kind=kind, index=self.index)


def _model_problems(kind: str, resource: Mapping[str, Any]) -> tuple[str, str] | None:
    """The first R4B validation problem of ``resource`` as (field, message), or None (``kind``: a resource
    type, or ``BundleEntry`` for an entry's own fields)."""
    from fhir.resources.R4B import get_fhir_model_class
    from fhir.resources.R4B.bundle import BundleEntry
    from pydantic import ValidationError

    from crampcare.diary.transfer import shown_value
    from crampcare.i18n.context import ngettext
    from crampcare.i18n.validation import validation_text

    model = BundleEntry if kind == "BundleEntry" else get_fhir_model_class(kind)
    try:
        model.model_validate(dict(resource))
    except ValidationError as exc:
        first = exc.errors()[0]
        message = validation_text(first)
        if first["type"] == "string_pattern_mismatch" and first.get("input") == "":
            # FHIR's pattern for a string ('[ \r\n\t\S]+') said nothing to a person.
            message = _("must not be empty: FHIR leaves out an element that has no value")
        elif first["type"] not in ("missing", "extra_forbidden") and "input" in first:
            message += _(" (got {value})", value=shown_value(first["input"]))
        more = len(exc.errors()) - 1
        if more:
            message += ngettext(" (and {n} more problem in this resource)", " (and {n} more problems in this resource)",
                                more)
        return _loc(first["loc"]) or "(resource)", message
    except Exception as exc:  # the library raises a few non-pydantic errors on odd input
        return "(resource)", str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return None


def _NOTHING() -> str:  # noqa: N802 (reads as the constant it would be, but in the reader's language)
    return _("; nothing was imported")


_PROGRESS_EVERY = 64  # entries checked between two progress reports


def _bundle_entries(bundle: Any, progress: ImportProgress | None = None) -> list[_Entry]:
    if not isinstance(bundle, Mapping):
        raise FhirImportError("Bundle", _("expected a JSON object (a FHIR Bundle)") + _NOTHING())
    if bundle.get("resourceType") != "Bundle":
        found = bundle.get("resourceType")
        raise FhirImportError("Bundle.resourceType", _("expected 'Bundle', found {found}", found=repr(found)) + _NOTHING())
    if bundle.get("type") != "collection":
        raise FhirImportError(
            "Bundle.type",
            _("expected 'collection' (as crampcare exports), found {found}", found=repr(bundle.get("type"))) + _NOTHING(),
        )
    problem = _model_problems("Bundle", {**bundle, "entry": []})
    if problem is not None:
        raise FhirImportError(f"Bundle.{problem[0]}", problem[1] + _NOTHING())
    raw = bundle.get("entry") or []
    if not isinstance(raw, list):
        raise FhirImportError("Bundle.entry", _("must be a list") + _NOTHING())
    resources = [item["resource"] for item in raw if isinstance(item, Mapping) and isinstance(item.get("resource"), Mapping)]
    if resources and not any(_is_crampcares(resource) for resource in resources):
        # Another program's Bundle (a lab's results, a fitness app's heart rates): say that, not that its first
        # entry's code is unknown.
        kinds = sorted({str(resource.get("resourceType")) for resource in resources})
        raise FhirImportError("Bundle", _("holds no crampcare diary entries (only {kinds}); crampcare imports the FHIR "
                                          "files it exports", kinds=", ".join(kinds[:5])) + _NOTHING())
    entries = []
    seen: dict[str, int] = {}
    named: dict[str, int] = {}  # "Observation/<id>": its entry (a reference may name a resource so)
    checking = _("Checking the FHIR entries")
    for index, item in enumerate(raw):
        if progress is not None and index % _PROGRESS_EVERY == 0:
            progress(checking, index, len(raw))
        where = f"Bundle.entry[{index}]"
        if not isinstance(item, Mapping) or not isinstance(item.get("resource"), Mapping):
            raise FhirImportError(where, _("has no resource") + _NOTHING())
        problem = _model_problems("BundleEntry", {key: value for key, value in item.items() if key != "resource"})
        if problem is not None:  # (a fullUrl that is not a URI, say: it names the entry in every message)
            raise FhirImportError(f"{where}.{problem[0]}", problem[1] + _NOTHING())
        resource = dict(item["resource"])
        kind = resource.get("resourceType")
        url = item.get("fullUrl") or ""
        entry = _Entry(index, str(url), resource)
        if kind not in ALLOWED_RESOURCES:
            raise FhirImportError(
                f"{where}.resource.resourceType",
                _("{kind} is not a resource crampcare imports (only {allowed})", kind=repr(kind),
                  allowed=", ".join(ALLOWED_RESOURCES)) + _NOTHING(),
            )
        problem = _model_problems(kind, resource)
        if problem is not None:
            raise FhirImportError(f"{entry.name} {problem[0]}", problem[1] + _NOTHING())
        if url:
            if url in seen:
                raise FhirImportError(f"{where}.fullUrl", _("{url} also names entry {other}", url=url, other=seen[url])
                                      + _NOTHING())
            seen[url] = index
        if isinstance(resource.get("id"), str):
            name = f"{kind}/{resource['id']}"
            if name in named:
                raise FhirImportError(f"{where}.resource.id", _("{url} also names entry {other}", url=name,
                                                                other=named[name]) + _NOTHING())
            named[name] = index
        entries.append(entry)
    if progress is not None:
        progress(checking, len(raw), len(raw))
    return entries


def _is_crampcares(resource: Mapping[str, Any]) -> bool:
    """Whether ``resource`` is one crampcare writes: its Questionnaire, an answer to it, or a diary Observation."""
    kind = resource.get("resourceType")
    if kind in ("Questionnaire", "QuestionnaireResponse"):
        canonical = resource.get("url" if kind == "Questionnaire" else "questionnaire")
        return isinstance(canonical, str) and canonical.split("|")[0] == codes.QUESTIONNAIRE_URL
    concept = resource.get("code")
    return kind == "Observation" and any(
        _has_coding(concept, system, code) for system, code in ((codes.CS_DIARY, None), (codes.CS_DAY_FACTOR, None),
                                                                (codes.ICD10CM, codes.CRAMP_ICD10CM)))


def _has_coding(concept: Any, system: str, code: str | None = None) -> str | None:
    """The code of the first coding in ``concept`` from ``system`` (and equal to ``code`` if given)."""
    codings = concept.get("coding") if isinstance(concept, Mapping) else None
    for coding in codings if isinstance(codings, list) else []:  # (also read before the R4B check: any JSON)
        if isinstance(coding, Mapping) and coding.get("system") == system and (code is None or coding.get("code") == code):
            return coding.get("code")
    return None


def _observation_kind(resource: Mapping[str, Any]) -> tuple[str, str | None]:
    concept = resource.get("code")
    if _has_coding(concept, codes.ICD10CM, codes.CRAMP_ICD10CM) or _has_coding(concept, codes.CS_DIARY, codes.CRAMP):
        return "cramp", None
    diary = _has_coding(concept, codes.CS_DIARY)
    if diary in (codes.NIGHT, codes.DAY):
        return diary, None
    factor = _has_coding(concept, codes.CS_DAY_FACTOR)
    if factor is not None:
        if factor not in _FACTOR_SPEC:
            raise _Refuse("code.coding", _("unknown day factor {factor}; known: {known}", factor=repr(factor),
                                           known=", ".join(_FACTOR_SPEC)))
        return "factor", factor
    shown = ", ".join(f"{c.get('system')}|{c.get('code')}" for c in (concept or {}).get("coding") or []) or (
        concept or {}
    ).get("text", "no coding")
    raise _Refuse("code", _("not a crampcare diary observation ({shown})", shown=shown))


def _date_of(resource: Mapping[str, Any]) -> dt.date:
    value = resource.get("effectiveDateTime")
    if not isinstance(value, str):
        raise _Refuse("effectiveDateTime", _("is required (the date of the diary entry)"))
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        raise _Refuse("effectiveDateTime", _("{value} is not a full date (YYYY-MM-DD)", value=repr(value))) from None


def _moment_of(resource: Mapping[str, Any]) -> dt.datetime:
    """The wall-clock moment as written (the offset says where it was; the diary keeps local time)."""
    value = resource.get("effectiveDateTime")
    if not isinstance(value, str) or len(value) < 16:
        raise _Refuse("effectiveDateTime", _("needs a date and a time for a cramp"))
    try:
        return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).replace(tzinfo=None)
    except ValueError:
        raise _Refuse("effectiveDateTime", _("{value} is not a date and time", value=repr(value))) from None


def _night_of(moment: dt.datetime) -> dt.date:
    return moment.date() - dt.timedelta(days=1) if moment.time() < NIGHT_SPLIT else moment.date()


def _quantity_value(quantity: Any, where: str, units: Mapping[str, float]) -> float:
    if not isinstance(quantity, Mapping) or quantity.get("value") is None:
        raise _Refuse(where, _("needs a value"))
    system = quantity.get("system")
    if system is not None and system != codes.UCUM:  # "s" of another unit system need not be seconds
        raise _Refuse(f"{where}.system", _("{system} is not UCUM; crampcare reads units coded in {ucum}",
                                           system=repr(system), ucum=codes.UCUM))
    code = str(quantity.get("code") or quantity.get("unit"))
    if code not in units:
        raise _Refuse(f"{where}.code", _("unit {unit} not understood; use {units} (UCUM)", unit=repr(code),
                                         units=_(" or ").join(units)))
    return float(quantity["value"]) * units[code] if units[code] != 1 else quantity["value"]


def _component_code(component: Mapping[str, Any]) -> str:
    concept = component.get("code")
    if _has_coding(concept, codes.LOINC, codes.PAIN_SEVERITY_LOINC):
        return "severity"
    code = _has_coding(concept, codes.CS_DIARY)
    return code or ""


def _concept_code(value: Any, system: str, where: str) -> str:
    code = _has_coding(value, system)
    if code is None:
        raise _Refuse(where, _("needs a coding from {system}", system=system))
    return code


def _cramp_from(resource: Mapping[str, Any]) -> tuple[dt.datetime, dict[str, Any]]:
    moment = _moment_of(resource)
    values: dict[str, Any] = {
        "start": moment.time(),
        "duration_s": _quantity_value(resource.get("valueQuantity"), "valueQuantity", {"s": 1, "min": 60}),
        "muscles": [],
        "signs": [],
        "helped": [],
    }
    if isinstance(values["duration_s"], float):
        if not values["duration_s"].is_integer():
            raise _Refuse("valueQuantity.value", _("the duration must be whole seconds"))
        values["duration_s"] = int(values["duration_s"])
    lists = {
        codes.MUSCLE: ("muscles", codes.CS_MUSCLE),
        codes.SIGN: ("signs", codes.CS_SIGN),
        codes.HELPED: ("helped", codes.CS_RELIEF),
    }
    for index, component in enumerate(resource.get("component") or []):
        where = f"component[{index}]"
        kind = _component_code(component)
        if kind == "severity":
            if "valueInteger" not in component:
                raise _Refuse(f"{where}.valueInteger", _("pain severity (LOINC 72514-3) must be a whole number 0-10"))
            values["severity"] = component["valueInteger"]
        elif kind == codes.LEG:
            values["leg"] = _concept_code(
                component.get("valueCodeableConcept"), codes.CS_LEG, f"{where}.valueCodeableConcept"
            )
        elif kind in lists:
            name, system = lists[kind]
            values[name].append(
                _concept_code(component.get("valueCodeableConcept"), system, f"{where}.valueCodeableConcept")
            )
        elif kind == codes.MINUTES_TO_RELIEF:
            values["minutes_to_relief"] = _quantity_value(
                component.get("valueQuantity"), f"{where}.valueQuantity", {"min": 1, "s": 1 / 60}
            )
        else:
            raise _Refuse(f"{where}.code", _("unknown component for a cramp"))
    if "severity" not in values:
        raise _Refuse("component", _("a cramp needs a pain severity component (LOINC 72514-3)"))
    if "leg" not in values:
        raise _Refuse("component", _("a cramp needs a leg component"))
    return moment, values


def _member_urls(resource: Mapping[str, Any]) -> list[tuple[int, str]]:
    return [(i, str(m.get("reference", ""))) for i, m in enumerate(resource.get("hasMember") or [])]


def _factor_value(name: str, resource: Mapping[str, Any]) -> Any:
    kind, detail = _FACTOR_SPEC[name]
    if kind == "quantity":
        unit_code = detail[1]
        units = {unit_code: 1.0}
        if name == "fluids_ml":
            units["L"] = 1000.0
        value = _quantity_value(resource.get("valueQuantity"), "valueQuantity", units)
        if name in _INTEGER_FIELDS:
            if not float(value).is_integer():
                raise _Refuse("valueQuantity.value", _("{factor} must be a whole number", factor=name))
            return int(value)
        return value
    if kind == "boolean":
        if "valueBoolean" not in resource:
            raise _Refuse("valueBoolean", _("{factor} needs a true/false value", factor=name))
        return resource["valueBoolean"]
    if kind in ("code", "codes"):
        return _concept_code(resource.get("valueCodeableConcept"), detail, "valueCodeableConcept")
    if "valueString" not in resource:
        raise _Refuse("valueString", _("{factor} needs a text value", factor=name))
    return resource["valueString"]


# Where a diary field lives in a cramp or night Observation, for error messages.
_CRAMP_PATHS = {
    "start": "effectiveDateTime",
    "duration_s": "valueQuantity.value",
    "severity": "component (LOINC 72514-3).valueInteger",
    "leg": "component (leg).valueCodeableConcept",
    "muscles": "component (muscle).valueCodeableConcept",
    "signs": "component (sign).valueCodeableConcept",
    "helped": "component (helped).valueCodeableConcept",
    "minutes_to_relief": "component (minutes-to-relief).valueQuantity",
}
_NIGHT_PATHS = {"date": "effectiveDateTime", "notes": "note", "sleep_disturbed": "component (sleep-disturbed)"}


def _validated(model: type[Any], values: dict[str, Any], locate: Callable[[tuple[Any, ...]], str]) -> Any:
    """``model`` built from ``values``; a pydantic error becomes a FhirImportError at ``locate(loc)``."""
    from pydantic import ValidationError

    from crampcare.diary.transfer import shown_value
    from crampcare.i18n.validation import validation_text

    try:
        return model.model_validate(values)
    except ValidationError as exc:
        first = exc.errors()[0]
        message = validation_text(first)
        if first["type"] not in ("value_error", "missing"):
            message += _(" (got {value})", value=shown_value(first["input"]))
        raise FhirImportError(locate(tuple(first["loc"])), message + _NOTHING()) from None


def _at(entry: _Entry, paths: Mapping[str, str]) -> Callable[[tuple[Any, ...]], str]:
    def locate(loc: tuple[Any, ...]) -> str:
        head = str(loc[0]) if loc else ""
        return f"{entry.name} {paths.get(head, head or '(resource)')}"

    return locate


def _one_person(entries: Sequence[_Entry]) -> set[str]:
    """The references that name the Bundle's one Patient (its ``fullUrl``, ``Patient/<id>``); empty without one.
    A second Patient refuses the Bundle: crampcare imports one person's diary."""
    patients = [entry for entry in entries if entry.resource["resourceType"] == "Patient"]
    if len(patients) > 1:
        raise _Reader.refuse(patients[1], _Refuse("resourceType", _(
            "a second Patient in the Bundle; a diary holds one person's records, so export that person's records alone")))
    if not patients:
        return set()
    patient = patients[0]
    ident = patient.resource.get("id")
    return {name for name in (patient.url, f"Patient/{ident}" if ident else "") if name}


def _authored(resource: Mapping[str, Any]) -> dt.datetime | None:
    """When a QuestionnaireResponse was answered: its ``authored`` moment when it has a time (FHIR then
    requires the offset); a date alone or none leaves it to the import's moment."""
    value = resource.get("authored")
    if not isinstance(value, str) or len(value) <= 10:
        return None
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:  # a valid FHIR dateTime Python cannot read (a leap second): the import's moment
        return None
    return moment if moment.tzinfo is not None else None


def _notes(resource: Mapping[str, Any]) -> str:
    return "\n".join(str(n.get("text", "")) for n in resource.get("note") or [])


_STANDING = ("final", "amended", "corrected")  # Observation statuses of a record that stands
_ANSWERED = ("completed", "amended", "in-progress")  # QuestionnaireResponse statuses of answers that stand


class _Reader:
    """Reads the checked entries of one Bundle into diary records (see :func:`parse_fhir_bundle`)."""

    def __init__(self, kb: KnowledgeBase, entries: list[_Entry]) -> None:
        self.kb = kb
        self.by_url = {e.url: e for e in entries if e.url}
        # A reference may also name a resource by type and id ("Observation/123"), as a FHIR server writes them.
        self.by_name = {f"{e.resource['resourceType']}/{e.resource['id']}": e for e in entries
                        if isinstance(e.resource.get("id"), str)}
        self.person = _one_person(entries)
        self.assessments: list[dict[str, Any]] = []
        self.assessed_at: list[dt.datetime | None] = []
        self.night_entries: dict[dt.date, tuple[_Entry, dict[str, Any]]] = {}
        self.day_entries: dict[dt.date, tuple[_Entry, dict[str, Any]]] = {}
        self.cramps: dict[str, tuple[_Entry, dt.datetime, dict[str, Any]]] = {}
        self.factors: dict[str, tuple[_Entry, dt.date, str, Any]] = {}
        for entry in entries:
            try:
                if entry.resource["resourceType"] in ("QuestionnaireResponse", "Observation"):
                    self._same_person(entry.resource)
                if entry.resource["resourceType"] == "QuestionnaireResponse":
                    self._response(entry.resource)
                elif entry.resource["resourceType"] == "Observation":
                    self._observation(entry)
            except _Refuse as problem:
                raise self.refuse(entry, problem) from None

    @staticmethod
    def refuse(entry: _Entry, problem: _Refuse) -> FhirImportError:
        return FhirImportError(f"{entry.name} {problem.field_path}", problem.message + _NOTHING())

    def _same_person(self, resource: Mapping[str, Any]) -> None:
        """A diary is one person's: a resource about anyone else refuses the whole Bundle (a clinic system's
        export may hold several people, and their nights must not land in this diary)."""
        subject = resource.get("subject")
        reference = subject.get("reference") if isinstance(subject, Mapping) else None
        if not isinstance(reference, str):
            return  # no subject: the Bundle's own person, as in files made by hand
        if not self.person:
            self.person = {reference}  # without a Patient resource, the first subject named is the person
        elif reference not in self.person:
            raise _Refuse("subject.reference", _(
                "{reference} is another person than {person} of the other entries; a diary holds one person's "
                "records, so export that person's records alone", reference=reference, person=sorted(self.person)[0]))

    # ----------------------------------------------------------------- one resource at a time

    def _response(self, resource: Mapping[str, Any]) -> None:
        from crampcare.assess.answers import AnswerError, validate_answers
        from crampcare.report.questionnaire import answers_from_items

        canonical = str(resource.get("questionnaire", ""))
        if canonical.split("|")[0] != codes.QUESTIONNAIRE_URL:
            raise _Refuse("questionnaire", _("{found}; crampcare imports answers to {url}", found=canonical, url=codes.QUESTIONNAIRE_URL)
                          if canonical else _("missing; crampcare imports answers to {url}", url=codes.QUESTIONNAIRE_URL))
        if resource.get("status") not in _ANSWERED:
            # "entered-in-error" (a mistake) and "stopped" (abandoned) are not an assessment to keep; an
            # "in-progress" one is imported and assessed again from its answers, so it stays incomplete.
            raise _Refuse("status", _("{status}: only completed, amended or in-progress assessments are imported",
                                      status=repr(resource.get("status"))))
        items = resource.get("item") or []
        try:
            answers = answers_from_items(self.kb, items, "")
        except ValueError as exc:
            field_path, _sep, message = str(exc).partition(": ")
            raise _Refuse(field_path.lstrip("."), message) from None
        try:
            self.assessments.append(validate_answers(self.kb, answers))
        except AnswerError as exc:
            position = next((i for i, item in enumerate(items) if item.get("linkId") == exc.question_id), None)
            at = f"item[{position}].answer" if position is not None else "item"
            raise _Refuse(at, f"{exc.question_id}: {exc.message}") from None
        self.assessed_at.append(_authored(resource))

    def _observation(self, entry: _Entry) -> None:
        resource = entry.resource
        key = entry.url or f"#{entry.index}"
        kind, factor = _observation_kind(resource)
        if resource.get("status") not in _STANDING:
            # "entered-in-error", "cancelled", "preliminary"…: not a record of what happened (R4B checks the form of a
            # status, not its value).
            raise _Refuse("status", _("{status}: only final diary entries are imported (as crampcare exports them)",
                                      status=repr(resource.get("status"))))
        if kind == "cramp":
            moment, cramp = _cramp_from(resource)
            self.cramps[key] = (entry, moment, cramp)
        elif kind == "factor":
            assert factor is not None
            self.factors[key] = (entry, _date_of(resource), factor, _factor_value(factor, resource))
        elif kind == "night":
            date = self._new_date(self.night_entries, resource, "night")
            values: dict[str, Any] = {"date": date, "sleep_disturbed": None, "notes": _notes(resource), "cramps": []}
            for index, component in enumerate(resource.get("component") or []):
                if _component_code(component) != codes.SLEEP_DISTURBED or not isinstance(component.get("valueBoolean"), bool):
                    raise _Refuse(f"component[{index}]",
                                  _("a night entry takes only a sleep-disturbed true/false component"))
                values["sleep_disturbed"] = component["valueBoolean"]
            if "valueInteger" in resource and not isinstance(resource["valueInteger"], int):
                raise _Refuse("valueInteger", _("must be the number of cramps"))
            self.night_entries[date] = (entry, values)
        else:
            date = self._new_date(self.day_entries, resource, "day")
            self.day_entries[date] = (entry, {"date": date, "notes": _notes(resource)})

    @staticmethod
    def _new_date(seen: Mapping[dt.date, tuple[_Entry, Any]], resource: Mapping[str, Any], what: str) -> dt.date:
        date = _date_of(resource)
        if date in seen:
            also = seen[date][0].name
            raise _Refuse("effectiveDateTime", _("a night entry for {date} appears twice (also {also})", date=date, also=also)
                          if what == "night" else _("a day entry for {date} appears twice (also {also})", date=date, also=also))
        return date

    def _members(self, entry: _Entry, pool: Mapping[str, Any], what: str) -> list[str]:
        urls = []
        for index, reference in _member_urls(entry.resource):
            target = self.by_url.get(reference) or self.by_name.get(reference)
            url = (target.url or f"#{target.index}") if target is not None else reference  # the key of its pool
            if url not in pool:
                if target is None:
                    problem = _("{url} is not in the Bundle", url=reference)
                elif what == "cramp":
                    problem = _("{url} is a {kind}, not a cramp", url=reference, kind=target.resource["resourceType"])
                else:
                    problem = _("{url} is a {kind}, not a day factor", url=reference, kind=target.resource["resourceType"])
                raise self.refuse(entry, _Refuse(f"hasMember[{index}].reference", problem))
            urls.append(url)
        return urls

    # ----------------------------------------------------------------- records

    def nights(self) -> list[NightRecord]:
        """Cramps listed by a night entry belong to it, in that order; the others go by their time."""
        listed: set[str] = set()
        for date, (entry, values) in self.night_entries.items():
            for url in self._members(entry, self.cramps, "cramp"):
                cramp_entry, moment, cramp_values = self.cramps[url]
                if url in listed:
                    raise self.refuse(entry, _Refuse("hasMember", _("{url} is listed by two nights", url=url)))
                if _night_of(moment) != date:
                    problem = _("{moment} is not in the night of {date} that lists it", moment=f"{moment:%Y-%m-%d %H:%M}",
                                date=date)
                    raise self.refuse(cramp_entry, _Refuse("effectiveDateTime", problem))
                listed.add(url)
                values["cramps"].append((cramp_entry, cramp_values))
        for url, (cramp_entry, moment, cramp_values) in sorted(self.cramps.items(), key=lambda item: item[1][1]):
            if url not in listed:
                date = _night_of(moment)
                new: dict[str, Any] = {"date": date, "sleep_disturbed": None, "notes": "", "cramps": []}
                self.night_entries.setdefault(date, (cramp_entry, new))[1]["cramps"].append((cramp_entry, cramp_values))
        out = []
        for date in sorted(self.night_entries):
            entry, values = self.night_entries[date]
            count = entry.resource.get("valueInteger")
            if _observation_kind(entry.resource)[0] == "night" and count not in (None, len(values["cramps"])):
                problem = _("says {count} cramps but the Bundle holds {held} for that night", count=count,
                            held=len(values["cramps"]))
                raise self.refuse(entry, _Refuse("valueInteger", problem))
            cramps = [_validated(Cramp, cv, _at(ce, _CRAMP_PATHS)) for ce, cv in values["cramps"]]
            out.append(_validated(NightRecord, {**values, "cramps": cramps}, _at(entry, _NIGHT_PATHS)))
        return out

    def days(self) -> list[DayRecord]:
        """Day factors are gathered by their date (a day entry's hasMember must agree)."""
        for date, (entry, _values) in self.day_entries.items():
            for url in self._members(entry, self.factors, "factor"):
                factor_entry, factor_date = self.factors[url][:2]
                if factor_date != date:
                    problem = _("{factor_date} differs from the date of its day entry ({date})", factor_date=factor_date,
                                date=date)
                    raise self.refuse(factor_entry, _Refuse("effectiveDateTime", problem))
        gathered = {date: (entry, dict(values)) for date, (entry, values) in self.day_entries.items()}
        sources: dict[dt.date, dict[str, _Entry]] = {}
        for factor_entry, date, name, value in self.factors.values():
            values = gathered.setdefault(date, (factor_entry, {"date": date, "notes": ""}))[1]
            sources.setdefault(date, {})[name] = factor_entry
            if _FACTOR_SPEC[name][0] in ("codes", "strings"):
                values.setdefault(name, []).append(value)
            elif name in values:
                raise self.refuse(factor_entry, _Refuse("code", _("{factor} is logged twice for {date}", factor=name,
                                                                  date=date)))
            else:
                values[name] = value
        out = []
        for date in sorted(gathered):
            entry, values = gathered[date]
            out.append(_validated(DayRecord, values, self._day_locator(entry, sources.get(date, {}))))
        return out

    @staticmethod
    def _day_locator(entry: _Entry, sources: Mapping[str, _Entry]) -> Callable[[tuple[Any, ...]], str]:
        def locate(loc: tuple[Any, ...]) -> str:
            head = str(loc[0]) if loc else ""
            if head in sources:
                return f"{sources[head].name} value"
            return f"{entry.name} {_NIGHT_PATHS.get(head, head or '(resource)')}"

        return locate


def parse_fhir_bundle(bundle: Any, *, kb: KnowledgeBase | None = None,
                      progress: ImportProgress | None = None) -> FhirBatch:
    """Check ``bundle`` completely and return its records; :class:`FhirImportError` on the first problem.

    Nothing is stored: :func:`import_fhir` stores the result. ``progress`` hears how many entries are
    checked (the slow part of a large Bundle).
    """
    from crampcare.knowledge import load_knowledge

    reader = _Reader(kb or load_knowledge(), _bundle_entries(bundle, progress))
    return FhirBatch(nights=reader.nights(), days=reader.days(), assessments=reader.assessments,
                     assessed_at=reader.assessed_at)


# --------------------------------------------------------------------------- import: storing


def import_fhir(store: DiaryStore, bundle: Mapping[str, Any],
                progress: ImportProgress | None = None) -> FhirImportResult:
    """Import a crampcare FHIR Bundle into ``store``; all or nothing.

    Nights, days and assessments go in with :meth:`DiaryStore.add_many` (one transaction;
    records equal to stored ones are skipped, differing ones refused with ``ConflictError``).
    Assessments are re-assessed from their answers (the engine's result is not part of FHIR)
    and saved, with their ``authored`` moment, unless the diary already holds one with the same answers
    from the same moment. ``progress`` hears the entries checked, then the records written, as the other
    imports report them.
    """
    from crampcare.assess import assess
    from crampcare.assess.interview import drop_unusable
    from crampcare.diary.transfer import writing_stage
    from crampcare.knowledge import load_knowledge

    batch = parse_fhir_bundle(bundle, progress=progress)
    # Older exports may hold answers the interview no longer takes (hidden with those answers, or an
    # adult weight outside its limit); they never count.
    kb = load_knowledge()
    assessed = [(result.answers, result.model_dump(mode="json"), made)
                for result, made in zip((assess(drop_unusable(kb, answers)) for answers in batch.assessments),
                                        batch.assessed_at, strict=True)]
    with writing_stage(progress, len(batch.nights) + len(batch.days) + len(assessed)):
        added = store.add_many(batch.nights, batch.days, assessed)  # one transaction: all of it, or nothing
    return FhirImportResult(added.nights_added, added.days_added, added.nights_unchanged, added.days_unchanged,
                            added.assessments_added, added.assessments_unchanged)


def is_fhir_bundle(document: Any) -> bool:
    """True for a parsed JSON document that is a FHIR resource (crampcare then imports it as FHIR)."""
    return isinstance(document, Mapping) and "resourceType" in document


def read_fhir_file(path: Path) -> dict[str, Any] | None:
    """The parsed document if ``path`` holds FHIR JSON (an object with ``resourceType``), else ``None``.

    ``None`` means "not FHIR: let the diary's own CSV/JSON import read it". A file that
    mentions ``resourceType`` but is not valid JSON raises :class:`FhirImportError`.
    """
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        return None
    except OSError as exc:
        from crampcare.i18n.wording import os_reason

        raise FhirImportError(str(path), _("cannot be read: {reason}; nothing was imported", reason=os_reason(exc))) from None
    if not text.lstrip().startswith("{"):
        return None
    try:
        document = jsontext.loads(text)
    except UnreadableJsonError as exc:
        if exc.line is None:
            raise FhirImportError(path.name, _("is not valid JSON: {reason}; nothing was imported", reason=exc.reason)) from None
        if '"resourceType"' not in text:
            return None
        where = _("line {line}, column {column}", line=exc.line, column=exc.column)
        raise FhirImportError(f"{path.name} {where}", _("not valid JSON: {reason}", reason=exc.reason) + _NOTHING()) from None
    return document if is_fhir_bundle(document) else None


def import_fhir_file(store: DiaryStore, path: Path, document: Mapping[str, Any] | None = None) -> FhirImportResult:
    """Import the FHIR Bundle in ``path`` (``document``: already read by :func:`read_fhir_file`).

    Errors name the file: ``bundle.json: Observation urn:uuid:… (entry 7) component[1]…``.
    """
    if document is None:
        document = read_fhir_file(path)
    if document is None:
        raise FhirImportError(path.name, _("is not a FHIR JSON resource; nothing was imported"))
    try:
        return import_fhir(store, document)
    except FhirImportError as exc:
        raise FhirImportError(f"{path.name}: {exc.location}", exc.message) from None
    except RecursionError:
        raise FhirImportError(path.name, _("the FHIR resources are nested too deeply; nothing was imported")) from None
