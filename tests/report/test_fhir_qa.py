"""FHIR export and import attacked from outside: the reader's language, the API's date range, odd diaries
and Bundles that crampcare did not write (or wrote and someone changed). Every refusal is one line, a 4xx
or exit 2, and the diary is left as it was."""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from report_helpers import save_assessment
from test_fhir import NIGHT, coded, records, resources, small_diary

from crampcare.diary.records import Cramp, DayRecord, NightRecord
from crampcare.diary.store import DiaryStore
from crampcare.i18n.context import use_language
from crampcare.knowledge import load_knowledge
from crampcare.report import FhirImportError, codes, fhir_bundle, import_fhir
from crampcare.report.fhir import bundle_from_records
from fhir_compare import normalised
from test_cli import crampcare

CYRILLIC = re.compile("[а-яё]", re.IGNORECASE)
STANDARD = (codes.LOINC, codes.ICD10CM, codes.UCUM)  # their displays are the terminology's own (English)
USER_TEXTS = {"woke twice; «ouch»", "hot day", "gardening", "long drive"}  # typed by the person: kept as typed


def r4_valid(bundle: dict[str, Any]) -> None:
    from fhir.resources.R4B import get_fhir_model_class
    from fhir.resources.R4B.bundle import Bundle

    Bundle.model_validate(bundle)
    for entry in bundle["entry"]:
        get_fhir_model_class(entry["resource"]["resourceType"]).model_validate(entry["resource"])


def words(node: Any, system: str | None = None) -> Iterator[tuple[str, str, str | None]]:
    """Every (key, text, code system) of a ``text``, ``display`` or ``unit`` in ``node``."""
    if isinstance(node, dict):
        own = node.get("system") if isinstance(node.get("system"), str) else system
        for key, value in node.items():
            if key in ("text", "display", "unit") and isinstance(value, str):
                yield key, value, own
            else:
                yield from words(value, own)
    elif isinstance(node, list):
        for item in node:
            yield from words(item, system)


def without_words(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: without_words(v) for k, v in node.items()
                if k not in ("text", "display", "unit", "language") and not k.startswith("_")}  # (_text: translations)
    if isinstance(node, list):
        return [without_words(item) for item in node]
    return node


@pytest.fixture
def small(make_store: Callable[[str], DiaryStore]) -> DiaryStore:
    store = make_store("small")
    small_diary(store)
    return store


@pytest.fixture
def db(tmp_path: Path, new_migrated_sqlite: Callable[[Path], str]) -> str:
    return new_migrated_sqlite(tmp_path / "diary.db")


@pytest.fixture
def client(db: str) -> Iterator[Any]:
    from crampcare.web.app import create_app
    from crampcare.web.settings import Settings
    from one_trip_client import OneTripClient

    with OneTripClient(create_app(Settings(db=db))) as test_client:
        yield test_client


# --------------------------------------------------------------------------- the reader's language


def test_a_russian_export_speaks_russian_with_the_same_codes(small: DiaryStore, make_store) -> None:
    english = fhir_bundle(small)
    with use_language("ru"):
        russian = fhir_bundle(small)
    r4_valid(russian)
    assert normalised(without_words(russian)) == normalised(without_words(english))  # codes, values, structure
    observations = resources(russian, "Observation")
    assert {r["language"] for r in observations} == {"ru"}
    english_words = []
    for resource in observations:
        for key, text, system in words(resource):
            if (key != "unit" and system in STANDARD) or text in USER_TEXTS or text == "°C":
                continue  # LOINC's and ICD-10's displays, what the person typed, a symbol read everywhere
            if not CYRILLIC.search(text):
                english_words.append((resource["code"].get("text"), key, text))
    assert not english_words, english_words
    cramp = next(r for r in observations if coded(r, codes.ICD10CM))
    assert cramp["code"]["coding"][0]["display"] == codes.CRAMP_ICD10CM_DISPLAY  # the terminology's display
    assert "левая" in cramp["bodySite"]["text"] and "икра" in cramp["bodySite"]["text"]
    # The person's answers too: what each question asked and what was chosen, in Russian (codes unchanged).
    (response,) = resources(russian, "QuestionnaireResponse")
    assert response["language"] == "ru"
    shown = [text for key, text, _system in words(response.get("item", [])) if key in ("text", "display")]
    assert shown and all(CYRILLIC.search(text) for text in shown), shown
    item = response["item"][0]  # with the English in the standard translation extension, for a reader abroad
    (translation,) = item["_text"]["extension"]
    assert {part["url"]: part.get("valueCode") or part.get("valueString") for part in translation["extension"]} == {
        "lang": "en", "content": load_knowledge().text(f"questions.{item['linkId']}.text")}
    statin = next(r for r in observations if coded(r, codes.CS_DAY_FACTOR, "medicines")
                  and r["valueCodeableConcept"]["coding"][0]["code"] == "statin")
    assert CYRILLIC.search(statin["valueCodeableConcept"]["text"])
    # Read back: the same records, and exported again the same Russian Bundle.
    target = make_store("from-russian")
    import_fhir(target, russian)
    assert records(target) == records(small)
    with use_language("ru"):
        assert normalised(fhir_bundle(target)) == normalised(russian)


def test_the_cli_and_the_api_export_in_the_readers_language(small: DiaryStore, client: Any, db: str,
                                                            tmp_path: Path) -> None:
    out = tmp_path / "ru.json"
    result = crampcare("--lang", "ru", "export", "--format", "fhir", "--out", str(out), "--db", db)
    assert result.returncode == 0, result.stderr
    client.post("/api/v1/nights", json={"date": NIGHT.isoformat(), "cramps": [
        {"start": "23:40", "duration_s": 60, "leg": "right", "muscles": ["foot"], "severity": 4}]})
    for bundle in (json.loads(out.read_text(encoding="utf-8")),
                   client.get("/api/v1/export/fhir", headers={"Accept-Language": "ru"}).json()):
        assert bundle["language"] == "ru"
        for cramp in (r for r in resources(bundle, "Observation") if coded(r, codes.ICD10CM)):
            assert CYRILLIC.search(cramp["code"]["text"]) and CYRILLIC.search(cramp["bodySite"]["text"])
    english = client.get("/api/v1/export/fhir", headers={"Accept-Language": "en"}).json()
    assert english["language"] == "en"
    assert next(r for r in resources(english, "Observation") if coded(r, codes.ICD10CM))["code"]["text"] == \
        codes.CRAMP_TEXT


# --------------------------------------------------------------------------- the API's date range


def test_the_api_export_takes_the_clis_date_range(client: Any, db: str, tmp_path: Path) -> None:
    for offset in range(3):
        day = (NIGHT + dt.timedelta(days=offset)).isoformat()
        assert client.put(f"/api/v1/nights/{day}", json={"date": day}).status_code in (200, 201)
    first, last = NIGHT + dt.timedelta(days=1), NIGHT + dt.timedelta(days=2)
    bundle = client.get("/api/v1/export/fhir", params={"from": first.isoformat(), "to": last.isoformat()}).json()
    api_dates = sorted(r["effectiveDateTime"] for r in resources(bundle, "Observation") if coded(r, codes.CS_DIARY, "night"))
    out = tmp_path / "range.json"
    assert crampcare("export", "--format", "fhir", "--from", first.isoformat(), "--to", last.isoformat(),
                     "--out", str(out), "--db", db).returncode == 0
    cli = json.loads(out.read_text(encoding="utf-8"))
    cli_dates = sorted(r["effectiveDateTime"] for r in resources(cli, "Observation") if coded(r, codes.CS_DIARY, "night"))
    assert api_dates == cli_dates == [first.isoformat(), last.isoformat()]
    reversed_range = client.get("/api/v1/export/fhir", params={"from": last.isoformat(), "to": first.isoformat()})
    assert reversed_range.status_code == 422 and "after" in reversed_range.json()["error"]["message"]
    for bad in ({"from": "2026-13-01"}, {"to": "1899-12-31"}, {"from": "9999-01-01"}):
        answer = client.get("/api/v1/export/fhir", params=bad)
        assert answer.status_code == 422 and answer.json()["error"]["fields"], (bad, answer.text)


@pytest.mark.parametrize(("zone", "winter", "summer"), [("Europe/Moscow", "+03:00", "+03:00"),
                                                       ("America/New_York", "-05:00", "-04:00"),
                                                       ("UTC", "+00:00", "+00:00")])
def test_a_cramps_clock_time_carries_the_offset_of_the_zone_crampcare_runs_in(
        client: Any, monkeypatch: pytest.MonkeyPatch, zone: str, winter: str, summer: str) -> None:
    """FHIR needs an offset with a clock time: the zone of the process (``TZ``), which is how a clinic runs
    its server in its patients' zone (README). The clock time itself is never moved, in winter or summer."""
    cramp = {"start": "03:10", "duration_s": 60, "leg": "left", "muscles": ["calf"], "severity": 5}
    for night in ("2026-01-14", "2026-07-14"):
        assert client.put(f"/api/v1/nights/{night}", json={"date": night, "cramps": [cramp]}).status_code in (200, 201)
    monkeypatch.setenv("TZ", zone)
    time.tzset()
    try:
        bundle = client.get("/api/v1/export/fhir").json()
    finally:
        monkeypatch.undo()
        time.tzset()
    times = sorted(r["effectiveDateTime"] for r in resources(bundle, "Observation") if "T" in r.get("effectiveDateTime", ""))
    assert times == [f"2026-01-15T03:10:00{winter}", f"2026-07-15T03:10:00{summer}"]


def test_every_client_of_the_export_service_is_refused_a_reversed_range(small: DiaryStore) -> None:
    from crampcare.report import ReportError
    from crampcare.services.transfer import export_diary

    for fmt in ("csv", "json", "fhir"):
        with pytest.raises(ReportError, match="2026-03-11 is after the end 2026-03-10"):
            export_diary(small, fmt, NIGHT + dt.timedelta(days=1), NIGHT)


# --------------------------------------------------------------------------- odd diaries


def test_an_empty_diary_and_a_diary_of_days_only_go_out_and_come_back(make_store) -> None:
    empty = bundle_from_records([], [])
    r4_valid(empty)
    assert {r["resourceType"] for r in (e["resource"] for e in empty["entry"])} == {"Questionnaire", "Patient"}
    target = make_store("empty")
    result = import_fhir(target, empty)
    assert (result.nights_added, result.days_added, result.assessments_added) == (0, 0, 0)
    assert records(target) == ([], [], [])
    days = [DayRecord(date=NIGHT + dt.timedelta(days=i), fluids_ml=1200 + i) for i in range(3)]
    only_days = bundle_from_records([], days)
    r4_valid(only_days)
    import_fhir(target, only_days)
    assert target.list_days() == days and not target.list_nights()


NOTES = ["ночью свело 😖🦵 дважды", "RTL: שלום עולם, مرحبا", "a tab\there and\na second line", "«ouch» — 3 × 2"]


def test_notes_in_any_script_come_back_as_written(make_store) -> None:
    nights = [NightRecord(date=NIGHT + dt.timedelta(days=i), notes=note) for i, note in enumerate(NOTES)]
    days = [DayRecord(date=NIGHT + dt.timedelta(days=i), notes=note, tags=[note[:20]]) for i, note in enumerate(NOTES)]
    bundle = json.loads(json.dumps(bundle_from_records(nights, days), ensure_ascii=False))
    r4_valid(bundle)
    target = make_store("notes")
    import_fhir(target, bundle)
    assert [n.notes for n in target.list_nights()] == NOTES and [d.notes for d in target.list_days()] == NOTES
    assert [d.tags for d in target.list_days()] == [[note[:20]] for note in NOTES]


# --------------------------------------------------------------------------- Bundles changed or made elsewhere


def base_bundle() -> dict[str, Any]:
    cramp = Cramp(start=dt.time(3, 10), duration_s=180, leg="left", muscles=["calf"], severity=7, minutes_to_relief=2)
    return bundle_from_records([NightRecord(date=NIGHT, cramps=[cramp])],
                               [DayRecord(date=NIGHT, fluids_ml=1500, temperature_swing_c=5)])


def observation(bundle: dict[str, Any], system: str, code: str) -> dict[str, Any]:
    return next(e["resource"] for e in bundle["entry"] if coded(e["resource"], system, code))


def without_night_entries(bundle: dict[str, Any]) -> dict[str, Any]:
    bundle["entry"] = [e for e in bundle["entry"] if not coded(e["resource"], codes.CS_DIARY, "night")]
    return bundle


@pytest.mark.parametrize(("moment", "night", "start"), [
    ("2026-03-10T23:30:00+03:00", NIGHT, dt.time(23, 30)),
    ("2026-03-11T01:30:00+03:00", NIGHT, dt.time(1, 30)),  # 22:30 on the 10th in UTC: still 01:30, as lived
    ("2026-03-10T23:30:00Z", NIGHT, dt.time(23, 30)),
    ("2026-03-11T02:30:00-05:00", NIGHT, dt.time(2, 30)),  # 07:30 UTC: not moved into the morning
])
def test_a_cramp_keeps_the_wall_clock_and_the_night_it_was_written_with(moment: str, night: dt.date,
                                                                        start: dt.time) -> None:
    """The diary keeps local clock times: the offset says where the clock was, so a cramp is never moved into
    another night (or hour) by converting it to the importing machine's zone or to UTC."""
    from crampcare.report.fhir import parse_fhir_bundle

    bundle = without_night_entries(base_bundle())
    observation(bundle, codes.ICD10CM, codes.CRAMP_ICD10CM)["effectiveDateTime"] = moment
    (parsed,) = parse_fhir_bundle(bundle).nights
    assert (parsed.date, parsed.cramps[0].start) == (night, start)


def as_a_server_wrote_it(bundle: dict[str, Any]) -> dict[str, Any]:
    """References by type and id, full URLs on a server: what a FHIR server gives back of a stored Bundle."""
    for entry in bundle["entry"]:
        resource = entry["resource"]
        entry["fullUrl"] = f"https://ehr.example/fhir/{resource['resourceType']}/{resource['id']}"
        for member in resource.get("hasMember", []):
            member["reference"] = "Observation/" + member["reference"].removeprefix("urn:uuid:")
        if "subject" in resource:
            resource["subject"]["reference"] = "Patient/" + resource["subject"]["reference"].removeprefix("urn:uuid:")
    return bundle


def test_references_by_type_and_id_are_followed(make_store) -> None:
    bundle = base_bundle()
    target = make_store("server")
    import_fhir(target, as_a_server_wrote_it(copy.deepcopy(bundle)))
    reference = make_store("reference")
    import_fhir(reference, bundle)
    assert records(target) == records(reference)


def other_app_observation(ident: str = "hr1") -> dict[str, Any]:
    return {"resourceType": "Observation", "id": ident, "status": "final",
            "code": {"coding": [{"system": codes.LOINC, "code": "8867-4", "display": "Heart rate"}]},
            "effectiveDateTime": "2026-03-10T08:00:00Z",
            "valueQuantity": {"value": 60, "unit": "/min", "system": codes.UCUM, "code": "/min"}}


def put(test: Callable[[dict[str, Any]], bool], key: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(bundle: dict[str, Any]) -> None:
        next(e["resource"] for e in bundle["entry"] if test(e["resource"]))[key] = value
    return change


def is_cramp(resource: dict[str, Any]) -> bool:
    return coded(resource, codes.ICD10CM)


def is_factor(name: str) -> Callable[[dict[str, Any]], bool]:
    return lambda resource: coded(resource, codes.CS_DAY_FACTOR, name)


def is_night(resource: dict[str, Any]) -> bool:
    return coded(resource, codes.CS_DIARY, "night")


def same_id_twice(bundle: dict[str, Any]) -> None:
    first, second = [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Observation"][:2]
    second["id"] = first["id"]


def member(reference: str) -> Callable[[dict[str, Any]], None]:
    def change(bundle: dict[str, Any]) -> None:
        next(e["resource"] for e in bundle["entry"] if is_night(e["resource"]))["hasMember"].append({"reference": reference})
    return change


def patient_url(bundle: dict[str, Any]) -> str:
    return next(e["fullUrl"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Patient")


ATTACKS = [
    ("only another app's entries", lambda b: b.update(entry=[{"fullUrl": "urn:uuid:1", "resource": other_app_observation()}]),
     ["holds no crampcare diary entries", "Observation"]),
    ("another app's LOINC code among crampcare's",
     lambda b: b["entry"].append({"fullUrl": "urn:uuid:0b7b5b1e-0000-4000-8000-000000000009", "resource": other_app_observation()}),
     ["(entry 7) code", "not a crampcare diary observation", "loinc.org|8867-4"]),
    ("another app's resource type", lambda b: b["entry"].append({"resource": {"resourceType": "Encounter", "id": "e",
                                                                             "status": "finished", "class": {"code": "AMB"}}}),
     ["Bundle.entry[7].resource.resourceType", "'Encounter' is not a resource crampcare imports"]),
    ("a transaction", lambda b: b.update(type="transaction"), ["Bundle.type", "expected 'collection'", "'transaction'"]),
    ("a search result", lambda b: b.update(type="searchset"), ["Bundle.type", "'searchset'"]),
    ("the same id twice", same_id_twice, ["Bundle.entry[3].resource.id", "also names entry 2"]),
    ("the same fullUrl twice", lambda b: b["entry"][3].update(fullUrl=b["entry"][2]["fullUrl"]),
     ["Bundle.entry[3].fullUrl", "also names entry 2"]),
    ("a fullUrl that is not a URI", lambda b: b["entry"][2].update(fullUrl={"url": "x"}),
     ["Bundle.entry[2].fullUrl", "valid string"]),
    ("a member that is missing", member("urn:uuid:99999999-1111-4111-8111-111111111111"),
     ["hasMember[1].reference", "urn:uuid:99999999-1111-4111-8111-111111111111 is not in the Bundle"]),
    ("a member by type and id that is missing", member("Observation/nowhere"),
     ["hasMember[1].reference", "Observation/nowhere is not in the Bundle"]),
    ("a member of the wrong type", lambda b: member(patient_url(b))(b), ["hasMember[1].reference", "is a Patient, not a cramp"]),
    ("a subject that is missing", put(is_cramp, "subject", {"reference": "Patient/nobody"}),
     ["subject.reference", "Patient/nobody is another person"]),
    ("a cramp as a Condition", put(is_cramp, "resourceType", "Condition"), ["'Condition' is not a resource"]),
    ("a duration in hours", put(is_cramp, "valueQuantity", {"value": 0.05, "unit": "h", "system": codes.UCUM, "code": "h"}),
     ["valueQuantity.code", "unit 'h' not understood", "s or min"]),
    ("a duration in another unit system",
     put(is_cramp, "valueQuantity", {"value": 180, "unit": "s", "system": "http://example.org/units", "code": "s"}),
     ["valueQuantity.system", "'http://example.org/units' is not UCUM"]),
    ("a temperature in Fahrenheit",
     put(is_factor("temperature_swing_c"), "valueQuantity", {"value": 9, "unit": "°F", "system": codes.UCUM, "code": "[degF]"}),
     ["valueQuantity.code", "'[degF]'", "Cel"]),
    ("fluids in US fluid ounces",
     put(is_factor("fluids_ml"), "valueQuantity", {"value": 50, "unit": "fl oz", "system": codes.UCUM, "code": "[foz_us]"}),
     ["valueQuantity.code", "'[foz_us]'"]),
    ("a count instead of a duration", put(is_cramp, "valueQuantity", {"value": 3, "system": codes.UCUM, "code": "{count}"}),
     ["valueQuantity.code", "'{count}'"]),
    ("an empty text", put(is_cramp, "bodySite", {"text": ""}), ["bodySite.text", "must not be empty"]),
    ("a resource type with a line break", lambda b: b.update(entry=[{"resource": {"resourceType": "Evil\nType"}}]),
     ["Evil\\nType"]),
]  # fmt: skip


@pytest.mark.parametrize(("case", "change", "expected"), ATTACKS, ids=[a[0] for a in ATTACKS])
def test_a_bundle_crampcare_cannot_take_is_refused_in_one_line(make_store, case: str,
                                                              change: Callable[[dict[str, Any]], Any],
                                                              expected: list[str]) -> None:
    bundle = base_bundle()
    change(bundle)
    target = make_store("target")
    target.add_night(NightRecord(date=NIGHT - dt.timedelta(days=5), notes="kept"))
    with pytest.raises(FhirImportError) as caught:
        import_fhir(target, bundle)
    message = str(caught.value)
    assert "\n" not in message and "\r" not in message and message.endswith("nothing was imported"), message
    for part in expected:
        assert part in message, (part, message)
    assert [n.notes for n in target.list_nights()] == ["kept"] and not target.list_days()


# --------------------------------------------------------------------------- through the CLI and the API


def test_a_refused_bundle_is_one_line_and_exit_2_and_a_4xx_and_the_diary_is_kept(client: Any, db: str,
                                                                                  tmp_path: Path) -> None:
    assert client.put(f"/api/v1/nights/{NIGHT.isoformat()}", json={"date": NIGHT.isoformat(), "notes": "kept"}).status_code \
        in (200, 201)
    bad = base_bundle()
    bad["entry"].append({"fullUrl": "urn:uuid:0b7b5b1e-0000-4000-8000-000000000009", "resource": other_app_observation()})
    path = tmp_path / "other-app.json"
    path.write_text(json.dumps(bad), encoding="utf-8")
    for args in (["import", str(path)], ["--lang", "ru", "import", str(path)]):
        result = crampcare(*args, "--db", db)
        assert result.returncode == 2 and result.stdout == "", result
        assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr, result.stderr
        assert "8867-4" in result.stderr
    assert "не" in crampcare("--lang", "ru", "import", str(path), "--db", db).stderr  # in the reader's language
    answer = client.post("/api/v1/import", content=json.dumps(bad), headers={"Content-Type": "application/fhir+json"})
    assert answer.status_code == 422 and "8867-4" in answer.json()["error"]["message"]
    not_json = client.post("/api/v1/import", content=b'{"resourceType": "Bundle", "entry": [',
                           headers={"Content-Type": "application/fhir+json"})
    assert not_json.status_code == 422, not_json.text
    nights = client.get("/api/v1/nights").json()
    assert [(n["date"], n["notes"]) for n in nights] == [(NIGHT.isoformat(), "kept")]


# --------------------------------------------------------------------------- any diary, either language


NOTE_TEXT = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00\x01\x02\x03\x04\x05\x06\x07"
                                  "\x08\x0b\x0c\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e"
                                  "\x1f\x7f" + "".join(map(chr, range(0x80, 0xA0)))), max_size=30)
CRAMPS = st.builds(
    Cramp, start=st.times().map(lambda t: t.replace(microsecond=0)), duration_s=st.integers(1, 7200),
    leg=st.sampled_from(["left", "right", "both"]),
    muscles=st.lists(st.sampled_from(["calf", "foot", "toes", "thigh", "other"]), min_size=1, max_size=5, unique=True),
    severity=st.integers(0, 10), signs=st.lists(st.sampled_from(["hard_knot", "twitching", "whole_limb"]), unique=True),
    helped=st.lists(st.sampled_from(["stretch", "walk", "massage", "warmth", "pain_reliever", "other"]), unique=True),
    minutes_to_relief=st.none() | st.integers(0, 120) | st.sampled_from([0.5, 2.5, 17.25]))
DAYS = st.builds(
    DayRecord, date=st.just(NIGHT), fluids_ml=st.none() | st.integers(0, 15000),
    activity=st.none() | st.sampled_from(["low", "normal", "high"]), sitting_hours=st.none() | st.sampled_from([0, 7.5, 24]),
    temperature_swing_c=st.none() | st.sampled_from([0.0, 12.5]), stress=st.none() | st.sampled_from(["none", "some", "high"]),
    diet=st.lists(st.sampled_from(["protein_diet", "strict_diet"]), unique=True),
    alcohol_units=st.none() | st.sampled_from([0.0, 2.5]), caffeine=st.none() | st.booleans(),
    medicines=st.lists(st.sampled_from(["statin", "diuretic", "magnesium_supplement"]), unique=True),
    pregnancy_week=st.none() | st.integers(1, 42), exercises_done=st.none() | st.booleans(),
    tags=st.lists(NOTE_TEXT.filter(lambda t: t.strip() and len(t) <= 40), max_size=3, unique=True), notes=NOTE_TEXT)


@given(nights=st.lists(st.tuples(st.integers(0, 400), st.lists(CRAMPS, max_size=3), st.none() | st.booleans(), NOTE_TEXT),
                       min_size=1, max_size=4, unique_by=lambda n: n[0]),
       days=st.lists(st.tuples(st.integers(0, 400), DAYS), max_size=3, unique_by=lambda d: d[0]),
       lang=st.sampled_from(["en", "ru"]))
@settings(deadline=None)
def test_any_diary_comes_back_from_fhir_in_either_language(nights: list[Any], days: list[Any], lang: str) -> None:
    from crampcare.report.fhir import parse_fhir_bundle

    first = dt.date(2020, 1, 1)
    night_records = sorted((NightRecord(date=first + dt.timedelta(days=offset), cramps=cramps, sleep_disturbed=sleep,
                                        notes=notes) for offset, cramps, sleep, notes in nights), key=lambda n: n.date)
    day_records = sorted((day.model_copy(update={"date": first + dt.timedelta(days=offset)}) for offset, day in days),
                         key=lambda d: d.date)
    with use_language(lang):
        bundle = bundle_from_records(night_records, day_records)
    # (The Questionnaire, the same in every export, is checked above: left out, each example costs a tenth.)
    bundle["entry"] = [e for e in bundle["entry"] if e["resource"]["resourceType"] != "Questionnaire"]
    batch = parse_fhir_bundle(json.loads(json.dumps(bundle, ensure_ascii=False)))
    assert [n.model_dump() for n in batch.nights] == [n.model_dump() for n in night_records]
    assert [d.model_dump() for d in batch.days] == [d.model_dump() for d in day_records]


def empties(node: Any, path: str = "") -> Iterator[str]:
    """Where ``node`` holds an empty array, object or string: FHIR's JSON never has one."""
    if node in ([], {}, ""):
        yield path
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from empties(value, f"{path}.{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from empties(value, f"{path}[{index}]")


def test_nothing_empty_is_written_even_for_an_assessment_with_nothing_answered(small: DiaryStore, make_store) -> None:
    """An assessment saved before any answer had ``"item": []`` (FHIR: "JSON arrays are never empty")."""
    save_assessment(small, {})
    bundle = fhir_bundle(small)
    assert list(empties(bundle)) == []
    target = make_store("target")
    import_fhir(target, bundle)
    assert [a.answers for a in target.list_assessments()] == [a.answers for a in small.list_assessments()]
    assert target.list_assessments()[-1].result["complete"] is False


@pytest.mark.parametrize(("result", "status"), [
    ({"urgency": "doctor", "unanswered_warning_questions": ["calf_swollen_red_warm"]}, "in-progress"),  # saved before
    ({"urgency": "self_care", "unanswered_warning_questions": []}, "completed"),  # `complete` existed
    ({"urgency": "doctor", "complete": False, "unanswered_warning_questions": []}, "in-progress"),
    ({}, "in-progress"),  # no result at all: nothing says it was complete
])
def test_the_status_of_a_stored_result_never_claims_more_than_it_holds(result: dict[str, Any], status: str) -> None:
    from crampcare.diary.store import StoredAssessment

    stored = StoredAssessment(id=1, created_at=dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC), answers={"age": 50},
                              result=result)
    (response,) = resources(bundle_from_records([], [], [stored]), "QuestionnaireResponse")
    assert response["status"] == status
