"""FHIR R4 export and import: validation with fhir.resources.R4B, codes, enableWhen, round trip, refusals."""

from __future__ import annotations

import copy
import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from report_helpers import case_answers, save_assessment, simulated_diary

from crampcare.assess.facts import derive_facts
from crampcare.diary.errors import ConflictError, DiaryError
from crampcare.diary.records import Cramp, DayRecord, NightRecord
from crampcare.diary.store import DiaryStore
from crampcare.diary.transfer import collect
from crampcare.knowledge import load_knowledge
from crampcare.knowledge.conditions import All, AnyOf, Condition, Leaf, Not, evaluate
from crampcare.report import FhirImportError, codes, fhir_bundle, import_fhir
from crampcare.report.fhir import export_fhir, import_fhir_file, parse_fhir_bundle, read_fhir_file
from crampcare.report.questionnaire import Inexpressible, enable_when
from fhir_compare import normalised
from strategies import answer_sets

KB = load_knowledge()
NIGHT = dt.date(2026, 3, 10)


# --------------------------------------------------------------------------- helpers


def resources(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def coded(resource: dict[str, Any], system: str, code: str | None = None) -> bool:
    return any(
        c.get("system") == system and (code is None or c.get("code") == code)
        for c in resource.get("code", {}).get("coding", [])
    )


def cramp_observations(bundle: dict[str, Any]) -> list[dict[str, Any]]:
    return [r for r in resources(bundle, "Observation") if coded(r, codes.ICD10CM, "G47.62")]


def factor_observations(bundle: dict[str, Any], name: str | None = None) -> list[dict[str, Any]]:
    return [r for r in resources(bundle, "Observation") if coded(r, codes.CS_DAY_FACTOR, name)]


def small_diary(store: DiaryStore) -> None:
    """Every kind of value once: a past-midnight and an evening cramp, a quiet night, notes, all day fields."""
    late = Cramp(
        start=dt.time(3, 10), duration_s=180, leg="left", muscles=["calf", "foot"], severity=7,
        signs=["hard_knot"], helped=["stretch", "walk"], minutes_to_relief=2.5,
    )  # fmt: skip
    evening = Cramp(start=dt.time(23, 40), duration_s=45, leg="both", muscles=["thigh"], severity=0)
    store.add_many(
        nights=[
            NightRecord(date=NIGHT, cramps=[late, evening], sleep_disturbed=True, notes="woke twice; «ouch»"),
            NightRecord(date=NIGHT + dt.timedelta(days=1)),
        ],
        days=[
            DayRecord(
                date=NIGHT, fluids_ml=1250, activity="high", unusual_activity=True, sitting_hours=8.5,
                cold_exposure=False, temperature_swing_c=12.0, stress="high", uncomfortable_shoes=True,
                diet=["protein_diet"], alcohol_units=2.5, caffeine=True, medicines=["statin", "magnesium_supplement"],
                pregnancy_week=None, exercises_done=False, tags=["gardening", "long drive"], notes="hot day",
            ),
            DayRecord(date=NIGHT + dt.timedelta(days=2)),
        ],
    )  # fmt: skip
    save_assessment(store, case_answers("P2"))


@pytest.fixture
def small(make_store: Callable[[str], DiaryStore]) -> DiaryStore:
    store = make_store("small")
    small_diary(store)
    return store


@pytest.fixture(scope="module")
def big_bundle(three_months: DiaryStore) -> dict[str, Any]:
    return fhir_bundle(three_months)


# --------------------------------------------------------------------------- validation


def test_every_resource_validates_as_r4(big_bundle: dict[str, Any], small: DiaryStore) -> None:
    from fhir.resources.R4B import get_fhir_model_class
    from fhir.resources.R4B.bundle import Bundle

    for bundle in (big_bundle, fhir_bundle(small)):
        json.dumps(bundle)  # JSON-ready
        Bundle.model_validate(bundle)
        kinds = set()
        for entry in bundle["entry"]:
            resource = entry["resource"]
            kinds.add(resource["resourceType"])
            get_fhir_model_class(resource["resourceType"]).model_validate(resource)
            assert entry["fullUrl"] == f"urn:uuid:{resource['id']}"
        assert kinds == {"Questionnaire", "Patient", "QuestionnaireResponse", "Observation"}
        assert bundle["type"] == "collection"


def test_three_month_bundle_counts(big_bundle: dict[str, Any], three_months: DiaryStore) -> None:
    nights = three_months.list_nights()
    assert len(cramp_observations(big_bundle)) == sum(len(n.cramps) for n in nights)
    night_entries = [r for r in resources(big_bundle, "Observation") if coded(r, codes.CS_DIARY, "night")]
    assert len(night_entries) == len(nights)
    assert len(resources(big_bundle, "QuestionnaireResponse")) == 1
    assert len(resources(big_bundle, "Questionnaire")) == 1
    assert len(resources(big_bundle, "Patient")) == 1


# --------------------------------------------------------------------------- resources


def test_cramp_observation(small: DiaryStore) -> None:
    bundle = fhir_bundle(small)
    first, second = cramp_observations(bundle)
    patient = resources(bundle, "Patient")[0]
    # code: text plus ICD-10-CM; never the wrong SNOMED code
    assert first["code"]["text"] == "Night leg cramp"
    assert {"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "G47.62"}.items() <= first["code"]["coding"][
        0
    ].items()
    assert "84387000" not in json.dumps(bundle)
    assert first["status"] == "final"
    assert first["subject"]["reference"] == f"urn:uuid:{patient['id']}"
    # 03:10 in the night of 10 March is the morning of 11 March; 23:40 is still 10 March
    assert first["effectiveDateTime"].startswith("2026-03-11T03:10:00")
    assert second["effectiveDateTime"].startswith("2026-03-10T23:40:00")
    for obs in (first, second):
        stamp = dt.datetime.fromisoformat(obs["effectiveDateTime"])
        assert stamp.tzinfo is not None  # FHIR requires an offset with a time
    assert first["valueQuantity"] == {"value": 180, "unit": "s", "system": "http://unitsofmeasure.org", "code": "s"}
    severity = [c for c in first["component"] if c["code"]["coding"][0]["code"] == "72514-3"]
    assert severity[0]["code"]["coding"][0]["system"] == "http://loinc.org"
    assert severity[0]["valueInteger"] == 7
    assert first["bodySite"]["text"] == "left leg: calf, foot"  # (leg and muscles apart: Russian agrees no other way)
    assert second["bodySite"]["text"] == "both legs: thigh"
    assert first["note"][0]["text"] == "Helped: stretching, walking about; eased after 2.5 min."
    legs = [c["valueCodeableConcept"]["text"] for c in first["component"] if c["code"]["coding"][0]["code"] == "leg"]
    assert legs == ["left leg"]


def test_night_entries_keep_quiet_nights_and_notes(small: DiaryStore) -> None:
    bundle = fhir_bundle(small)
    nights = [r for r in resources(bundle, "Observation") if coded(r, codes.CS_DIARY, "night")]
    assert [n["effectiveDateTime"] for n in nights] == ["2026-03-10", "2026-03-11"]
    assert [n["valueInteger"] for n in nights] == [2, 0]
    assert len(nights[0]["hasMember"]) == 2 and "hasMember" not in nights[1]
    assert nights[0]["note"][0]["text"] == "woke twice; «ouch»"


def test_day_factor_observations(small: DiaryStore) -> None:
    bundle = fhir_bundle(small)
    fluids = factor_observations(bundle, "fluids_ml")
    assert len(fluids) == 1
    assert fluids[0]["code"]["coding"][0]["system"] == "https://crampcare.example/fhir/CodeSystem/day-factor"
    assert fluids[0]["code"]["text"] == "Fluids drunk"
    assert fluids[0]["effectiveDateTime"] == "2026-03-10"
    assert fluids[0]["valueQuantity"] == {
        "value": 1250,
        "unit": "mL",
        "system": "http://unitsofmeasure.org",
        "code": "mL",
    }
    stress = factor_observations(bundle, "stress")[0]
    assert stress["valueCodeableConcept"]["coding"][0]["code"] == "high"
    assert factor_observations(bundle, "cold_exposure")[0]["valueBoolean"] is False
    assert factor_observations(bundle, "temperature_swing_c")[0]["valueQuantity"]["code"] == "Cel"
    medicines = factor_observations(bundle, "medicines")
    assert [m["valueCodeableConcept"]["text"] for m in medicines] == [
        "Statins (cholesterol medicines)",
        "Magnesium supplements",
    ]
    assert [t["valueString"] for t in factor_observations(bundle, "tags")] == ["gardening", "long drive"]
    assert not factor_observations(bundle, "pregnancy_week")  # not logged: no observation


def test_patient_has_no_name_and_answers_only(small: DiaryStore) -> None:
    patient = resources(fhir_bundle(small), "Patient")[0]
    assert set(patient) <= {"resourceType", "id", "gender", "birthDate"}
    assert patient["gender"] == "female"
    # Age 29 at the assessment: the year it was made in (stored in UTC, which at New Year is not the
    # local year everywhere: in Kiribati on 1 January the local date.today() was a year ahead).
    made = small.latest_assessment()
    assert made is not None
    assert patient["birthDate"] == str(made.created_at.astimezone(dt.UTC).year - 29)


def test_questionnaire_response(small: DiaryStore) -> None:
    bundle = fhir_bundle(small)
    response = resources(bundle, "QuestionnaireResponse")[0]
    assert response["status"] == "completed"
    assert response["questionnaire"].startswith(codes.QUESTIONNAIRE_URL + "|")
    assert (
        response["extension"] == [{"url": codes.EXT_URGENCY, "valueCode": "doctor"}]
        or response["extension"][0]["url"] == codes.EXT_URGENCY
    )
    items = {i["linkId"]: i["answer"] for i in response["item"]}
    assert items["age"] == [{"valueDecimal": 29}]
    assert items["pregnancy_week"] == [{"valueInteger": 26}]
    assert items["pregnant"] == [{"valueBoolean": True}]
    assert items["sex"][0]["valueCoding"]["code"] == "female"
    assert [a["valueCoding"]["code"] for a in items["muscles"]] == ["calf"]
    questionnaire = resources(bundle, "Questionnaire")[0]
    link_ids = {i["linkId"] for i in questionnaire["item"]}
    assert set(items) <= link_ids


# --------------------------------------------------------------------------- the Questionnaire


def questionnaire_items() -> dict[str, dict[str, Any]]:
    from crampcare.report.questionnaire import questionnaire_resource

    return {i["linkId"]: i for i in questionnaire_resource(KB, version="test")["item"]}


def test_questionnaire_item_types_and_options() -> None:
    items = questionnaire_items()
    assert list(items) == list(KB.questions)  # interview order
    assert items["calf_swollen_red_warm"]["type"] == "boolean"
    assert items["age"]["type"] == "decimal"
    assert items["pregnancy_week"]["type"] == "integer"
    assert items["sex"]["type"] == "choice" and "repeats" not in items["sex"]
    assert items["muscles"]["type"] == "choice" and items["muscles"]["repeats"] is True
    options = [o["valueCoding"]["code"] for o in items["sex"]["answerOption"]]
    assert options == ["female", "male", "other"]
    extensions = {e["url"]: e for e in items["age"]["extension"]}
    assert extensions["http://hl7.org/fhir/StructureDefinition/minValue"]["valueDecimal"] == 0
    assert extensions["http://hl7.org/fhir/StructureDefinition/maxValue"]["valueDecimal"] == 120
    assert extensions["http://hl7.org/fhir/StructureDefinition/questionnaire-unit"]["valueCoding"]["code"] == "a"
    help_item = items["breathless_chest_pain"]["item"][0]
    assert help_item["type"] == "display" and "ambulance" in help_item["text"]


def test_enable_when_translations() -> None:
    items = questionnaire_items()
    assert items["pregnancy_week"]["enableWhen"] == [{"question": "pregnant", "operator": "=", "answerBoolean": True}]
    assert "enableBehavior" not in items["pregnancy_week"]
    training = items["physical_overload"]  # asked from age 8, or when the age is not given
    assert training["enableBehavior"] == "any"
    assert training["enableWhen"] == [{"question": "age", "operator": "exists", "answerBoolean": False},
                                      {"question": "age", "operator": ">=", "answerDecimal": 8}]
    medicine = items["medicine_started_recently"]
    assert medicine["enableBehavior"] == "any"
    assert {c["operator"] for c in medicine["enableWhen"]} == {"="}
    assert len(medicine["enableWhen"]) == 12  # every cramp-causing medicine on the list
    child = items["child_fever_convulsions"]
    assert child["enableBehavior"] == "any"
    assert {"question": "age", "operator": "exists", "answerBoolean": False} in child["enableWhen"]
    # sex is not male AND (age unanswered OR 12 <= age <= 55): FHIR cannot nest, so no enableWhen...
    pregnant = items["pregnant"]
    assert "enableWhen" not in pregnant
    note = next(e for e in pregnant["extension"] if e["url"] == codes.EXT_SHOW_IF)
    parts = {p["url"]: p.get("valueString") for p in note["extension"]}
    assert parts["text"].startswith("Asked only if not (the answer to “Sex” is “Male”) and")
    assert json.loads(parts["condition"])["all"][0] == {"not": {"fact": "sex", "op": "eq", "value": "male"}}


def negate(condition: Condition) -> Not:
    return Not.model_validate({"not": condition})


SYNTHETIC = [
    Leaf(fact="sex", op="ne", value="male"),
    Leaf(fact="age", op="answered"),
    Leaf(fact="age", op="unanswered"),
    Leaf(fact="frequency", op="in", value=["weekly", "most_nights"]),
    Leaf(fact="muscles", op="contains", value="calf"),
    Leaf(fact="conditions", op="intersects", value=["diabetes", "kidney"]),
    negate(Leaf(fact="age", op="gt", value=60)),
    negate(Leaf(fact="age", op="le", value=18)),
    negate(Leaf(fact="sex", op="ne", value="female")),
    negate(Leaf(fact="muscles", op="contains", value="calf")),
    negate(Leaf(fact="frequency", op="in", value=["weekly", "most_nights"])),
    negate(negate(Leaf(fact="pregnant", op="eq", value=True))),
    negate(AnyOf(any=[Leaf(fact="age", op="answered"), Leaf(fact="sex", op="eq", value="male")])),
    All(all=[Leaf(fact="pregnant", op="eq", value=True), Leaf(fact="sex", op="ne", value="male")]),
    AnyOf(
        any=[Leaf(fact="stress", op="eq", value="high"), Leaf(fact="conditions", op="intersects", value=["thyroid"])]
    ),
]


def fhir_enabled(item_when: list[dict[str, Any]], behavior: str | None, answers: dict[str, Any]) -> bool:
    """R4 enableWhen semantics, written out independently of the translator."""

    def one(condition: dict[str, Any]) -> bool:
        given = answers.get(condition["question"])
        values = [] if given is None else given if isinstance(given, list) else [given]
        if condition["operator"] == "exists":
            return bool(values) == condition["answerBoolean"]
        key = next(k for k in condition if k.startswith("answer"))
        expected = condition[key]["code"] if key == "answerCoding" else condition[key]
        compare = {
            "=": lambda v: v == expected,
            "!=": lambda v: v == expected,
            ">": lambda v: v > expected,
            ">=": lambda v: v >= expected,
            "<": lambda v: v < expected,
            "<=": lambda v: v <= expected,
        }[condition["operator"]]
        hit = any(compare(v) for v in values)
        return not hit if condition["operator"] == "!=" else hit

    results = [one(c) for c in item_when]
    return all(results) if (behavior or "all") == "all" else any(results)


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(answers=answer_sets())
def test_enable_when_means_the_same_as_show_if(answers: dict[str, Any]) -> None:
    facts = derive_facts(KB, answers)
    conditions = [q.show_if for q in KB.questions.values() if q.show_if is not None] + SYNTHETIC
    for condition in conditions:
        try:
            when, behavior = enable_when(KB, condition)
        except Inexpressible:
            continue
        assert fhir_enabled(when, behavior, answers) == evaluate(condition, facts), condition


@pytest.mark.parametrize(
    "condition",
    [
        All(all=[Leaf(fact="sex", op="eq", value="male"), AnyOf(any=[Leaf(fact="age", op="lt", value=18), Leaf(fact="age", op="gt", value=60)])]),
        Leaf(fact="is_child", op="eq", value=True),  # a derived fact, not a question
        Leaf(fact="muscles", op="eq", value=["calf"]),  # a whole multiple-choice answer
        Leaf(fact="sex", op="gt", value="female"),  # ordering a choice
    ],
)  # fmt: skip
def test_what_fhir_cannot_say_is_refused(condition: Any) -> None:
    with pytest.raises(Inexpressible):
        enable_when(KB, condition)


def test_synthetic_conditions_are_all_expressible() -> None:
    for condition in SYNTHETIC:
        enable_when(KB, condition)


# --------------------------------------------------------------------------- round trip


def records(store: DiaryStore) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    return (
        [n.model_dump(mode="json") for n in store.list_nights()],
        [d.model_dump(mode="json") for d in store.list_days()],
        [a.answers for a in store.list_assessments()],
    )


def test_round_trip_of_the_three_month_diary(big_bundle: dict[str, Any], three_months: DiaryStore, make_store) -> None:
    target = make_store("copy")
    result = import_fhir(target, copy.deepcopy(big_bundle))
    nights = three_months.list_nights()
    assert (result.nights_added, result.days_added, result.assessments_added) == (
        len(nights),
        len(three_months.list_days()),
        1,
    )
    assert records(target) == records(three_months)
    assert normalised(fhir_bundle(target)) == normalised(big_bundle)


def test_round_trip_on_each_database(migrated_db_url: str, make_store: Callable[[str], DiaryStore]) -> None:
    """The same export, import and export again on SQLite and on PostgreSQL."""
    source = make_store("source")
    small_diary(source)
    with DiaryStore(migrated_db_url) as target:
        bundle = fhir_bundle(source)
        import_fhir(target, bundle)
        assert records(target) == records(source)
        assert normalised(fhir_bundle(target)) == normalised(bundle)


def test_importing_twice_adds_nothing(small: DiaryStore, make_store) -> None:
    bundle = fhir_bundle(small)
    target = make_store("twice")
    import_fhir(target, bundle)
    again = import_fhir(target, bundle)
    assert (again.nights_added, again.days_added, again.assessments_added) == (0, 0, 0)
    assert again.nights_unchanged == 2 and again.days_unchanged == 2 and again.assessments_unchanged == 1
    assert "already in the diary" in again.message
    assert len(target.list_assessments()) == 1


def test_a_conflicting_import_changes_nothing(small: DiaryStore, make_store) -> None:
    target = make_store("conflict")
    target.add_night(NightRecord(date=NIGHT))  # a quiet night where the bundle has two cramps
    with pytest.raises(ConflictError):
        import_fhir(target, fhir_bundle(small))
    assert len(target.list_nights()) == 1 and not target.list_days() and not target.list_assessments()


def test_cramps_without_a_night_entry_are_placed_by_their_time(small: DiaryStore) -> None:
    bundle = fhir_bundle(small)
    bundle["entry"] = [
        e for e in bundle["entry"] if not coded(e["resource"], codes.CS_DIARY, "night")
    ]  # only the cramp Observations are left
    batch = parse_fhir_bundle(bundle)
    assert [n.date for n in batch.nights] == [NIGHT]  # 03:10 on 11 March and 23:40 on 10 March
    assert [c.start for c in batch.nights[0].cramps] == [dt.time(23, 40), dt.time(3, 10)]


def test_export_fhir_is_a_diary_exporter(small: DiaryStore) -> None:
    text = export_fhir(collect(small))
    document = json.loads(text)
    assert document["resourceType"] == "Bundle" and text.endswith("\n")
    assert len(cramp_observations(document)) == 2


# --------------------------------------------------------------------------- refusals


def first_of(bundle: dict[str, Any], test: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
    return next(e["resource"] for e in bundle["entry"] if test(e["resource"]))


def is_cramp(r: dict[str, Any]) -> bool:
    return r["resourceType"] == "Observation" and coded(r, codes.ICD10CM)


def set_severity(value: Any) -> Callable[[dict[str, Any]], None]:
    def change(bundle: dict[str, Any]) -> None:
        cramp = first_of(bundle, is_cramp)
        next(c for c in cramp["component"] if c["code"]["coding"][0]["code"] == "72514-3")["valueInteger"] = value

    return change


def add_entry(resource: dict[str, Any]) -> Callable[[dict[str, Any]], None]:
    def change(bundle: dict[str, Any]) -> None:
        bundle["entry"].append({"fullUrl": "urn:uuid:0b7b5b1e-0000-4000-8000-000000000001", "resource": resource})

    return change


def set_in(test: Callable[[dict[str, Any]], bool], key: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(bundle: dict[str, Any]) -> None:
        first_of(bundle, test)[key] = value

    return change


def answer_age(value: Any) -> Callable[[dict[str, Any]], None]:
    def change(bundle: dict[str, Any]) -> None:
        response = first_of(bundle, lambda r: r["resourceType"] == "QuestionnaireResponse")
        next(i for i in response["item"] if i["linkId"] == "age")["answer"] = [{"valueDecimal": value}]

    return change


def whole(change: Callable[[dict[str, Any]], Any]) -> Callable[[dict[str, Any]], Any]:
    return change


REFUSALS = [
    ("not a bundle", lambda b: b.update(resourceType="Patient"), ["Bundle.resourceType", "'Patient'"]),
    ("transaction", lambda b: b.update(type="transaction"), ["Bundle.type", "collection"]),
    ("unknown resource", add_entry({"resourceType": "Medication", "id": "m"}), ["resourceType", "'Medication'"]),
    ("invalid FHIR", set_severity("seven"), ["Observation", "component[", "valueInteger"]),
    ("severity out of range", set_severity(11), ["Observation", "72514-3", "less than or equal to 10"]),
    ("unknown field", set_in(is_cramp, "colour", "red"), ["Observation", "colour", "Extra inputs"]),
    ("no status", set_in(is_cramp, "status", None), ["Observation", "status"]),
    (
        "unknown code",
        set_in(is_cramp, "code", {"coding": [{"system": "http://snomed.info/sct", "code": "84387000"}]}),
        ["Observation", "code", "not a crampcare diary observation", "84387000"],
    ),
    (
        "unknown day factor",
        set_in(lambda r: coded(r, codes.CS_DAY_FACTOR, "stress"), "code", {"coding": [{"system": codes.CS_DAY_FACTOR, "code": "mood"}]}),
        ["Observation", "code.coding", "unknown day factor 'mood'"],
    ),
    (
        "wrong unit",
        set_in(lambda r: coded(r, codes.CS_DAY_FACTOR, "fluids_ml"), "valueQuantity", {"value": 3, "unit": "cups", "code": "cups"}),
        ["Observation", "valueQuantity.code", "'cups'"],
    ),
    ("impossible answer", answer_age(500), ["QuestionnaireResponse", "item[", "age", "out of range"]),
    (
        "unknown question",
        lambda b: first_of(b, lambda r: r["resourceType"] == "QuestionnaireResponse")["item"].append(
            {"linkId": "favourite_colour", "answer": [{"valueString": "red"}]}
        ),
        ["QuestionnaireResponse", "linkId", "favourite_colour"],
    ),
    (
        "other questionnaire",
        set_in(lambda r: r["resourceType"] == "QuestionnaireResponse", "questionnaire", "http://example.org/Questionnaire/phq9"),
        ["QuestionnaireResponse", "questionnaire", "phq9"],
    ),
    (
        "cramp outside its night",
        set_in(is_cramp, "effectiveDateTime", "2026-03-12T03:10:00+00:00"),
        ["Observation", "effectiveDateTime", "not in the night of 2026-03-10"],
    ),
]  # fmt: skip


@pytest.mark.parametrize(("case", "change", "expected"), REFUSALS, ids=[r[0] for r in REFUSALS])
def test_bad_fhir_is_refused_naming_resource_and_field(
    small: DiaryStore, make_store, case: str, change: Callable[[dict[str, Any]], Any], expected: list[str]
) -> None:
    bundle = fhir_bundle(small)
    change(bundle)
    target = make_store("refused")
    with pytest.raises(FhirImportError) as caught:
        import_fhir(target, bundle)
    message = str(caught.value)
    assert "\n" not in message
    assert message.endswith("nothing was imported")
    for part in expected:
        assert part in message, (part, message)
    assert isinstance(caught.value, DiaryError)  # the diary CLI prints it as one line, exit 2
    assert records(target) == ([], [], [])


def test_not_json_object_is_refused(make_store) -> None:
    with pytest.raises(FhirImportError, match="expected a JSON object"):
        import_fhir(make_store("list"), [])  # type: ignore[arg-type]


# --------------------------------------------------------------------------- files


def test_read_fhir_file_tells_fhir_from_diary_files(small: DiaryStore, tmp_path: Path, make_store) -> None:
    from crampcare.diary.transfer import export_csv, export_json

    fhir_path = tmp_path / "bundle.json"
    fhir_path.write_text(json.dumps(fhir_bundle(small)), encoding="utf-8")
    assert read_fhir_file(fhir_path)["resourceType"] == "Bundle"
    diary_json = tmp_path / "diary.json"
    diary_json.write_text(export_json(collect(small)), encoding="utf-8")
    diary_csv = tmp_path / "diary.csv"
    diary_csv.write_text(export_csv(collect(small)), encoding="utf-8")
    broken_diary = tmp_path / "broken.json"
    broken_diary.write_text('{"nights": [', encoding="utf-8")
    for path in (diary_json, diary_csv, broken_diary):
        assert read_fhir_file(path) is None  # left to the diary's own importer
    broken = tmp_path / "broken-fhir.json"
    broken.write_text('{"resourceType": "Bundle", "entry": [', encoding="utf-8")
    with pytest.raises(FhirImportError, match="broken-fhir.json line 1"):
        read_fhir_file(broken)
    with pytest.raises(FhirImportError, match="cannot be read"):
        read_fhir_file(tmp_path)  # a folder: unreadable as a file
    result = import_fhir_file(make_store("from-file"), fhir_path)
    assert result.nights_added == 2 and result.assessments_added == 1


@given(st.sampled_from(["P1", "P3", "P6", "P8", "P9", "P12"]))
@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
def test_assessments_round_trip(tmp_path_factory: pytest.TempPathFactory, new_migrated_sqlite: Callable[[Path], str],
                                case: str) -> None:
    folder = tmp_path_factory.mktemp(case)
    source, target = DiaryStore(new_migrated_sqlite(folder / "a.db")), DiaryStore(new_migrated_sqlite(folder / "b.db"))
    save_assessment(source, case_answers(case))
    import_fhir(target, fhir_bundle(source))
    assert [a.answers for a in target.list_assessments()] == [a.answers for a in source.list_assessments()]
    assert target.latest_assessment().result["urgency"] == source.latest_assessment().result["urgency"]
    source.close()
    target.close()


def test_simulated_diary_is_what_the_fixture_uses() -> None:
    nights, days = simulated_diary()
    assert len({n.date for n in nights}) == len(nights) and days


def test_an_incomplete_assessment_names_its_open_warning_questions(make_store: Callable[[str], DiaryStore]) -> None:
    store = make_store("incomplete")
    save_assessment(store, {"age": 45, "sex": "female"})
    response = resources(fhir_bundle(store), "QuestionnaireResponse")[0]
    assert response["extension"][0] == {"url": codes.EXT_URGENCY, "valueCode": "doctor"}
    open_questions = [e["valueCode"] for e in response["extension"] if e["url"] == codes.EXT_NOT_RULED_OUT]
    assert "breathless_chest_pain" in open_questions and "calf_swollen_red_warm" in open_questions
    complete = make_store("complete")
    save_assessment(complete, case_answers("P1"))
    response = resources(fhir_bundle(complete), "QuestionnaireResponse")[0]
    assert response["extension"] == [{"url": codes.EXT_URGENCY, "valueCode": "self_care"}]


# --------------------------------------------------------------------------- status of an assessment


def test_an_incomplete_assessment_is_in_progress_and_comes_back_incomplete(
        make_store: Callable[[str], DiaryStore]) -> None:
    """FHIR's ``completed`` says every question was answered: an assessment with warning questions left
    open is ``in-progress`` (R4's status valueset), and the import takes it back as it was."""
    store = make_store("incomplete")
    save_assessment(store, {"age": 45, "sex": "female"})
    save_assessment(store, case_answers("P1"))
    bundle = fhir_bundle(store)
    assert [r["status"] for r in resources(bundle, "QuestionnaireResponse")] == ["in-progress", "completed"]
    target = make_store("target")
    result = import_fhir(target, bundle)
    assert result.assessments_added == 2
    assert [(a.answers, a.result["complete"]) for a in target.list_assessments()] == [
        ({"age": 45, "sex": "female"}, False), (case_answers("P1"), True)]
    assert normalised(fhir_bundle(target)) == normalised(bundle)


@pytest.mark.parametrize("status", ["entered-in-error", "stopped", "amended-typo", None])
def test_a_response_that_does_not_stand_is_never_stored(small: DiaryStore, make_store, status: str | None) -> None:
    bundle = fhir_bundle(small)
    set_in(lambda r: r["resourceType"] == "QuestionnaireResponse", "status", status)(bundle)
    target = make_store("refused")
    with pytest.raises(FhirImportError, match="status") as caught:
        import_fhir(target, bundle)
    assert "nothing was imported" in str(caught.value)
    assert records(target) == ([], [], [])
