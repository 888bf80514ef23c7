"""Issue 13, the FHIR Questionnaire: every text a form filler reads — item texts, help, choices and the
units shown beside number boxes — carries a Russian ``translation`` extension (i18nqa)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from tests.i18n.leak import LIMIT, describe, latin_share

from crampcare.knowledge import load_knowledge
from crampcare.report.questionnaire import questionnaire_resource

# Shown to nobody: FHIR's own code for a help item, and the display inside an enableWhen condition.
_NOT_READ = {"Help-Button"}


def _russian_of(element: dict[str, Any], field: str) -> str | None:
    for extension in element.get("_" + field, {}).get("extension", []):
        parts = {part["url"]: part for part in extension["extension"]}
        if parts["lang"]["valueCode"] == "ru":
            return str(parts["content"]["valueString"])
    return None


def test_every_read_text_has_russian() -> None:
    resource = questionnaire_resource(load_knowledge(), version="test")
    untranslated: list[str] = []
    russian: list[str] = []

    def walk(node: Any, path: str) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("text", "display") and isinstance(value, str) and value not in _NOT_READ \
                        and "enableWhen" not in path:
                    found = _russian_of(node, key)
                    if found is None:
                        untranslated.append(f"{path}.{key}: {value}")
                    else:
                        russian.append(found)
                walk(value, f"{path}.{key}")
        elif isinstance(node, list):
            for index, value in enumerate(node):
                walk(value, f"{path}[{index}]")

    walk(resource["item"], "item")
    assert untranslated == []
    assert latin_share("\n".join(russian)) <= LIMIT, describe("\n".join(russian))


# --------------------------------------------------------------------------- refusals of a FHIR import

def _small_bundle() -> dict[str, Any]:
    """Questionnaire, Patient, then a cramp (2), its night entry (3), fluids (4), caffeine (5), the day entry (6)."""
    import datetime as dt

    from crampcare.diary.records import Cramp, DayRecord, NightRecord
    from crampcare.report.fhir import bundle_from_records

    cramp = Cramp(start=dt.time(3, 10), duration_s=120, leg="left", muscles=["calf"], severity=5, minutes_to_relief=2)
    date = dt.date(2026, 9, 1)
    return bundle_from_records([NightRecord(date=date, cramps=[cramp])],
                               [DayRecord(date=date, fluids_ml=1500, caffeine=True)])


def _resource(bundle: dict[str, Any], index: int) -> dict[str, Any]:
    return bundle["entry"][index]["resource"]  # type: ignore[no-any-return]


def _component(code: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
    def find(bundle: dict[str, Any]) -> dict[str, Any]:
        return next(c for c in _resource(bundle, 2)["component"] if c["code"]["coding"][0]["code"] == code)
    return find


def _drop_component(code: str) -> Callable[[dict[str, Any]], None]:
    def drop(bundle: dict[str, Any]) -> None:
        cramp = _resource(bundle, 2)
        cramp["component"] = [c for c in cramp["component"] if c["code"]["coding"][0]["code"] != code]
    return drop


BAD_BUNDLES: dict[str, Callable[[dict[str, Any]], Any]] = {
    "transaction": lambda b: b.update(type="transaction"),
    "unknown resource": lambda b: b["entry"].append({"resource": {"resourceType": "Medication", "id": "m"}}),
    "invalid FHIR": lambda b: _component("72514-3")(b).update(valueInteger="seven"),
    "severity out of range": lambda b: _component("72514-3")(b).update(valueInteger=11),
    "severity not an integer": lambda b: _component("72514-3")(b).pop("valueInteger"),
    "no severity": _drop_component("72514-3"),
    "no leg": _drop_component("leg"),
    "unknown component": lambda b: _component("muscle")(b)["code"]["coding"][0].update(code="colour"),
    "leg from another system": lambda b: _component("leg")(b)["valueCodeableConcept"]["coding"][0].update(system="x:y"),
    "duration in parts of a second": lambda b: _resource(b, 2)["valueQuantity"].update(value=90.5),
    "a quantity without a value": lambda b: _resource(b, 2)["valueQuantity"].pop("value"),
    "unknown code": lambda b: _resource(b, 2).update(code={"coding": [{"system": "http://snomed.info/sct", "code": "1"}]}),
    "unknown day factor": lambda b: _resource(b, 4)["code"]["coding"][0].update(code="mood"),
    "wrong unit": lambda b: _resource(b, 4)["valueQuantity"].update(code="cups", unit="cups"),
    "fluids in parts of a millilitre": lambda b: _resource(b, 4)["valueQuantity"].update(value=1500.5),
    "caffeine as text": lambda b: (_resource(b, 5).pop("valueBoolean"), _resource(b, 5).update(valueString="yes")),
    "night count": lambda b: _resource(b, 3).update(valueInteger=3),
    "night component": lambda b: _resource(b, 3).update(component=[_component("leg")(b)]),
    "night listing a missing cramp": lambda b: _resource(b, 3)["hasMember"].append({"reference": "urn:uuid:gone"}),
    "night listing a day factor": lambda b: _resource(b, 3)["hasMember"].append(
        {"reference": b["entry"][4]["fullUrl"]}),
    "day listing a cramp": lambda b: _resource(b, 6)["hasMember"].append({"reference": b["entry"][2]["fullUrl"]}),
    "cramp outside its night": lambda b: _resource(b, 2).update(effectiveDateTime="2026-09-05T03:10:00+00:00"),
    "factor on another date": lambda b: _resource(b, 4).update(effectiveDateTime="2026-09-02"),
    "night entry twice": lambda b: b["entry"].append({"resource": {**_resource(b, 3), "id": "again",
                                                                   "hasMember": []}}),
    "factor twice": lambda b: b["entry"].append({"resource": {**_resource(b, 4), "id": "again"}}),
    "second patient": lambda b: b["entry"].append({"resource": {**_resource(b, 1), "id": "other"}}),
    "entered in error": lambda b: _resource(b, 4).update(status="entered-in-error"),
}


@pytest.mark.parametrize("case", list(BAD_BUNDLES))
def test_each_refusal_of_a_fhir_import_is_russian(case: str) -> None:
    """What is wrong is said in Russian; where it is (a FHIR path such as ``Observation urn:uuid:… (запись 2)
    component[0].valueInteger``) stays the file's own names, as CSV columns do, and values from the file are
    marked as code."""
    from crampcare.i18n.context import use_language
    from crampcare.report.errors import FhirImportError
    from crampcare.report.fhir import parse_fhir_bundle

    bundle = _small_bundle()
    BAD_BUNDLES[case](bundle)
    with use_language("ru"), pytest.raises(FhirImportError) as refused:
        parse_fhir_bundle(bundle)
    message = refused.value.message
    assert message.endswith("ничего не загружено"), message
    assert any("а" <= ch <= "я" for ch in message.lower()) and latin_share(message) <= LIMIT, describe(message)
    assert "(entry" not in refused.value.location, refused.value.location  # «(запись 2)»


@pytest.mark.parametrize("item", [
    {"linkId": "favourite_colour", "answer": [{"valueString": "red"}]},
    {"linkId": "age", "answer": [{"valueString": "forty"}]},
    {"linkId": "age", "answer": [{"valueInteger": 40}, {"valueInteger": 41}]},
    {"linkId": "sex", "answer": [{"valueCoding": {"system": "x:y", "code": "female"}}]},
])
def test_each_refusal_of_imported_answers_is_russian(item: dict[str, Any]) -> None:
    from crampcare.i18n.context import use_language
    from crampcare.report.questionnaire import answers_from_items

    with use_language("ru"), pytest.raises(ValueError) as refused:
        answers_from_items(load_knowledge(), [item], "")
    _where, _sep, message = str(refused.value).partition(": ")
    assert any("а" <= ch <= "я" for ch in message.lower()) and latin_share(message) <= LIMIT, describe(message)


@pytest.mark.parametrize("code", [
    {"coding": [{"system": "http://loinc.org", "code": "8867-4"}]}, {"coding": "8867-4"}, {"coding": [5]}, "x",
])
def test_another_programs_bundle_is_named_so_in_russian(code: Any) -> None:
    """A Bundle with no crampcare entry (a fitness app's heart rates) was refused naming its first entry's code;
    it is refused as another program's file, whatever its codes look like (also malformed ones)."""
    from crampcare.i18n.context import use_language
    from crampcare.report.errors import FhirImportError
    from crampcare.report.fhir import parse_fhir_bundle

    bundle = {"resourceType": "Bundle", "type": "collection", "entry": [
        {"resource": {"resourceType": "Patient", "id": "p"}},
        {"resource": {"resourceType": "Observation", "status": "final", "code": code}}]}
    with use_language("ru"), pytest.raises(FhirImportError) as refused:
        parse_fhir_bundle(bundle)
    message = refused.value.message
    assert refused.value.location == "Bundle" and "crampcare" in message, str(refused.value)
    assert latin_share(message) <= LIMIT, describe(message)
