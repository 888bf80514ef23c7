"""FHIR export and import attacked from outside: the reader's language, the API's date range, odd diaries
and Bundles that crampcare did not write (or wrote and someone changed). Every refusal is one line, a 4xx
or exit 2, and the diary is left as it was."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from test_fhir import NIGHT, coded, records, resources, small_diary

from crampcare.diary.store import DiaryStore
from crampcare.i18n.context import use_language
from crampcare.report import codes, fhir_bundle, import_fhir
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
        return {k: without_words(v) for k, v in node.items() if k not in ("text", "display", "unit", "language")}
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
            if system in STANDARD or text in USER_TEXTS or (key == "unit" and not CYRILLIC.search(text)
                                                             and text.isascii() and len(text) <= 3):
                continue  # LOINC/ICD-10 displays, what the person typed, unit symbols (mL, h, s, min, °C)
            if not CYRILLIC.search(text):
                english_words.append((resource["code"].get("text"), key, text))
    assert not english_words, english_words
    cramp = next(r for r in observations if coded(r, codes.ICD10CM))
    assert cramp["code"]["coding"][0]["display"] == codes.CRAMP_ICD10CM_DISPLAY  # the terminology's display
    assert "левая" in cramp["bodySite"]["text"] and "икра" in cramp["bodySite"]["text"]
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


def test_every_client_of_the_export_service_is_refused_a_reversed_range(small: DiaryStore) -> None:
    from crampcare.report import ReportError
    from crampcare.services.transfer import export_diary

    for fmt in ("csv", "json", "fhir"):
        with pytest.raises(ReportError, match="2026-03-11 is after the end 2026-03-10"):
            export_diary(small, fmt, NIGHT + dt.timedelta(days=1), NIGHT)
