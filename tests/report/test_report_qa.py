"""QA of "at the doctor": the report (HTML) and the FHIR export on cases not covered elsewhere.

Each test here failed before the fix it names. They use HTML only (no PDF render) and small diaries.
"""

from __future__ import annotations

import datetime as dt
import html as html_lib
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from report_helpers import case_answers, flat, save_assessment

from crampcare.assess import assess
from crampcare.diary.records import Cramp, DayRecord, NightRecord
from crampcare.diary.store import DiaryStore
from crampcare.report import fhir_bundle, import_fhir
from crampcare.report.document import fmt_date, report_html
from fhir_compare import normalised

TODAY = dt.date(2026, 3, 20)
# Pregnant, 17, on quinine, with the child-fever and quinine side-effect questions left open: an
# incomplete result with three or more reasons at its level, and factors where guidance differs.
PREGNANT_ON_QUININE: dict[str, Any] = {**case_answers("P2"), "age": 17, "medicines": ["quinine"]}


def page_text(html: str) -> str:
    """The visible words of the report (no styles, no chart), entities decoded."""
    html = re.sub(r"<style.*?</style>", " ", html, flags=re.S)
    html = re.sub(r"<svg.*?</svg>", " ", html, flags=re.S)
    return flat(html_lib.unescape(re.sub(r"<[^>]+>", " ", html)))


def a_few_nights(store: DiaryStore) -> None:
    cramp = Cramp(start=dt.time(3, 10), duration_s=90, leg="left", muscles=["calf"], severity=6, helped=["stretch"])
    store.add_many([NightRecord(date=TODAY - dt.timedelta(days=i), cramps=[cramp] if i % 2 else []) for i in range(1, 6)],
                   [DayRecord(date=TODAY - dt.timedelta(days=2), fluids_ml=900)])


@pytest.fixture
def local_zone(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str], None]]:
    """``local_zone("Europe/Moscow")``: the process's local time zone for the test."""

    def use(zone: str) -> None:
        monkeypatch.setenv("TZ", zone)
        time.tzset()

    yield use
    monkeypatch.undo()
    time.tzset()


# --------------------------------------------------------------------------- the report


def test_the_urgency_and_the_warning_signs_found_come_first(make_store: Callable[[str], DiaryStore]) -> None:
    """An emergency printed after the whole diary and the medicines (page 2 of a long report) is found
    last; it now comes right after who the report is about, with the signs found before the questions."""
    store = make_store("emergency")
    a_few_nights(store)
    save_assessment(store, case_answers("P9"))  # a seizure: emergency
    text = page_text(report_html(store, today=TODAY))
    urgency = text.index("Emergency: call emergency services now")
    seizure = text.index("This sounds like a seizure, not a leg cramp :")
    assert urgency < seizure < text.index("Warning signs asked") < text.index("Nights logged")
    assert text.index("Patient:") < urgency
    # The rest of the assessment follows the diary, under its own heading.
    assert text.index("Medicines") < text.index("Latest assessment: look-alikes, causes, whom to see") \
        < text.index("Look-alikes considered")


def test_no_assessment_is_said_first_too(make_store: Callable[[str], DiaryStore]) -> None:
    store = make_store("none")
    a_few_nights(store)
    text = page_text(report_html(store, today=TODAY))
    assert text.index("No assessment has been saved.") < text.index("Nights logged")
    assert "look-alikes, causes" not in text


def test_an_incomplete_assessment_says_so_however_many_reasons_it_has(make_store: Callable[[str], DiaryStore]) -> None:
    """With three reasons at its level, "Not complete" was the hidden fourth ("and 1 more reason")."""
    result = assess(PREGNANT_ON_QUININE)
    assert not result.complete and result.urgency == "doctor"
    store = make_store("incomplete")
    save_assessment(store, PREGNANT_ON_QUININE)
    html = report_html(store, today=TODAY)
    urgency_line = page_text(re.search(r'<p class="urgency doctor">(.*?)</p>', html, flags=re.S).group(1))
    assert urgency_line.startswith("See a doctor: book an appointment: Quinine in pregnancy")
    assert urgency_line.endswith("— Not complete: some warning signs were not ruled out")
    assert urgency_line.count("Not complete") == 1
    # A complete one does not say it.
    complete = make_store("complete")
    save_assessment(complete, case_answers("P2"))
    assert "Not complete" not in report_html(complete, today=TODAY)


def test_where_guidance_differs_from_the_article_the_report_says_so(make_store: Callable[[str], DiaryStore]) -> None:
    result = assess(PREGNANT_ON_QUININE)
    notes = [f.guidance_note for f in result.factors if f.guidance_note]
    assert notes  # the electrolytes factor: guidance (AAFP) says otherwise
    store = make_store("guidance")
    save_assessment(store, PREGNANT_ON_QUININE)
    text = page_text(report_html(store, today=TODAY))
    for note in notes:
        assert f"Guidance differs from the article: {note}" in text


def test_a_prescription_medicine_named_only_in_the_assessment_is_marked(make_store: Callable[[str], DiaryStore]) -> None:
    """Quinine logged in the diary was marked "(prescription)", named in the assessment it was not."""
    store = make_store("quinine")
    save_assessment(store, PREGNANT_ON_QUININE)
    text = page_text(report_html(store, today=TODAY))
    assert "Quinine (prescription) — named in the assessment" in text


def test_the_assessment_is_dated_in_the_local_zone(local_zone: Callable[[str], None]) -> None:
    """Saved at 01:30 in Moscow (22:30 UTC the day before): the report said the day before."""
    local_zone("Europe/Moscow")
    saved = dt.datetime(2026, 3, 1, 22, 30, tzinfo=dt.UTC)
    assert fmt_date(saved) == fmt_date(dt.date(2026, 3, 2))
    local_zone("America/New_York")
    assert fmt_date(saved) == fmt_date(dt.date(2026, 3, 1))


def test_sex_other_is_printed_as_answered(make_store: Callable[[str], DiaryStore]) -> None:
    """"Other or prefer not to say" was printed "sex not stated", as if the question had not been answered."""
    from crampcare.i18n.context import use_language

    store = make_store("other")
    save_assessment(store, {"age": 40, "sex": "other"})
    for lang, said in (("en", "Age 40, sex: other or prefer not to say"), ("ru", "Возраст 40, пол: другой или не хочу указывать")):
        with use_language(lang):
            text = page_text(report_html(store, today=TODAY))
        assert said in text and "not stated" not in text and "не указан " not in text


# --------------------------------------------------------------------------- FHIR


def test_an_empty_choice_answer_is_not_an_empty_fhir_array(make_store: Callable[[str], DiaryStore]) -> None:
    """``medicines: []`` was exported as ``"answer": []`` (FHIR JSON never has empty arrays), and
    export → import → export then differed."""
    source = make_store("source")
    save_assessment(source, {"age": 30, "sex": "female", "medicines": [], "conditions": []})
    bundle = fhir_bundle(source)
    response = next(e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "QuestionnaireResponse")
    assert all(item.get("answer") for item in response["item"])
    assert {item["linkId"] for item in response["item"]} == {"age", "sex"}
    target = make_store("target")
    import_fhir(target, bundle)
    assert normalised(fhir_bundle(target)) == normalised(bundle)


def test_a_tag_cannot_turn_the_rest_of_a_line_around(make_store: Callable[[str], DiaryStore]) -> None:
    """A tag holding a right-to-left override (U+202E, invisible) reversed every factor named after it
    on the report's line; right-to-left words are now isolated, and direction controls left out."""
    from crampcare.insights.simulate import simulate_diary

    nights, days = simulate_diary(42, trigger="low_fluids", rr=2.0, seed=5, end=TODAY - dt.timedelta(days=1))
    tags = ["evil\u202eend", "שלום עולם", "\u2069\u202bboth", "<b>bold</b>"]
    days = [d.model_copy(update={"tags": [tags[i % len(tags)]]}) for i, d in enumerate(days)]
    store = make_store("tags")
    store.add_many(nights, days)
    html = report_html(store, today=TODAY)
    text = page_text(html)
    assert "Tag: evilend" in text or "tag: evilend" in text
    assert "\u2068שלום עולם\u2069" in text
    assert "both" in text and not re.search("[\u202a-\u202e\u2067\u2066]", text)
    assert text.count("\u2068") == text.count("\u2069")  # every isolate closed
    assert "&lt;b&gt;bold&lt;/b&gt;" in html and "<b>bold" not in html


@pytest.mark.parametrize(("lang", "year_tick"), [("en", "Jan 2025"), ("ru", "янв. 2025\u202fг.")])
def test_the_weekly_chart_over_years_names_the_years(lang: str, year_tick: str) -> None:
    """Over three years the date ticks fell on 1 January and read "Jan 1", "Jan 1", "Jan 1"."""
    from crampcare.i18n.context import use_language
    from crampcare.insights import compute_insights
    from crampcare.insights.charts import chart_svg

    cramp = Cramp(start=dt.time(2, 0), duration_s=60, leg="left", muscles=["calf"], severity=4)
    nights = [NightRecord(date=dt.date(2023, 11, 1) + dt.timedelta(days=i), cramps=[cramp] if i % 2 else [])
              for i in range(0, 3 * 365, 7)]
    with use_language(lang):
        svg = chart_svg(compute_insights(nights, [], today=dt.date(2026, 11, 2)), "weekly")
    ticks = re.findall(r">([^<>]+)</text>", svg)
    assert year_tick in ticks
    assert not any(re.fullmatch(r"Jan 1|1 янв\.", tick) for tick in ticks)


def test_counts_are_written_as_the_language_writes_numbers(make_store: Callable[[str], DiaryStore]) -> None:
    """"days logged: 1200" stood next to "(1,200 days)": counts were printed raw."""
    from crampcare.i18n.context import use_language

    store = make_store("long")
    first = TODAY - dt.timedelta(days=1200)
    store.add_many(days=[DayRecord(date=first + dt.timedelta(days=i), exercises_done=True) for i in range(1200)])
    for lang, logged, exercises in (
        ("en", "Nights logged 0: 0 with cramps, 0 quiet · days logged: 1,200", "done on 1,200 of 1,200 days"),
        ("ru", "Записано ночей 0: с судорогами — 0, спокойных — 0 · записано дней: 1 200", ": 1 200, из них сделаны: 1 200"),
    ):
        with use_language(lang):
            text = page_text(report_html(store, today=TODAY))
        assert logged in text and exercises in text


def test_the_longest_assessment_fits_two_pages_in_russian(make_store: Callable[[str], DiaryStore]) -> None:
    """The longest assessment in Russian took three pages, even in the compact form (a PDF render: the
    page count is the point)."""
    from report_helpers import HEAVY_ANSWERS, pdf_pages, simulated_diary

    from crampcare.i18n.context import use_language
    from crampcare.report.document import report_pdf

    store = make_store("heavy")
    store.add_many(*simulated_diary())
    save_assessment(store, HEAVY_ANSWERS)
    with use_language("ru"):
        pages = pdf_pages(report_pdf(store, today=dt.date(2026, 4, 2)))
    assert len(pages) <= 2
    text = flat(" ".join(pages))
    assert "Возможно также (менее вероятно)" in text  # the factors not in full are still named
    assert "Источники" in text and "не доказательство причины" in text


def test_a_medicine_as_a_day_factor_is_named_in_the_readers_language() -> None:
    """The trigger lines said "лекарство: statin" (the id) in a Russian report."""
    from crampcare.i18n.context import use_language
    from crampcare.insights import factor_label

    with use_language("ru"):
        assert factor_label("medicine:statin") == "Лекарство: Статины (лекарства от холестерина)"
    assert factor_label("medicine:beta_agonist") == "Medicine: Asthma and COPD inhalers (beta-agonists)"


def test_the_web_apps_pdf_names_its_pages_not_terminal_commands(tmp_path: Path) -> None:
    """/report.html said "Save one from the assessment page", /report.pdf of the same app (and the
    clinic's copy) "To add one: crampcare assess --save", a command a phone or a clinic has no terminal for."""
    from fastapi.testclient import TestClient
    from report_helpers import pdf_pages

    from crampcare.web.app import create_app
    from crampcare.web.settings import Settings

    client = TestClient(create_app(Settings(db=str(tmp_path / "diary.db"))))
    for text in (page_text(client.get("/report.html").text), flat(" ".join(pdf_pages(client.get("/report.pdf").content)))):
        assert "No assessment has been saved. (Save one from the assessment page of crampcare.)" in text
        assert "crampcare assess" not in text


def test_an_imported_assessment_keeps_its_date(make_store: Callable[[str], DiaryStore]) -> None:
    """Imported assessments were dated the day of the import: the report of an imported diary said the
    warning signs were asked that day, and the Patient's approximate birth year moved with it."""
    source = make_store("source")
    save_assessment(source, case_answers("P1"))
    save_assessment(source, case_answers("P9"))
    bundle = fhir_bundle(source)
    responses = [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "QuestionnaireResponse"]
    responses[0]["authored"] = "2024-05-06T10:08:09+03:00"  # written in Moscow time
    responses[1]["authored"] = "2024-06-01T23:30:00Z"
    target = make_store("target")
    import_fhir(target, bundle)
    first, second = target.list_assessments()
    assert first.created_at == dt.datetime(2024, 5, 6, 7, 8, 9, tzinfo=dt.UTC) and first.answers == case_answers("P1")
    assert second.created_at == dt.datetime(2024, 6, 1, 23, 30, tzinfo=dt.UTC)
    again = fhir_bundle(target)
    patient = next(e["resource"] for e in again["entry"] if e["resource"]["resourceType"] == "Patient")
    assert patient["birthDate"] == "1984"  # P9, the latest: 40 in 2024
    assert [e["resource"]["authored"] for e in again["entry"] if e["resource"]["resourceType"] == "QuestionnaireResponse"] \
        == ["2024-05-06T07:08:09+00:00", "2024-06-01T23:30:00+00:00"]
    # A date without a time says no moment: the import's own.
    responses[1]["authored"] = "2024-06-01"
    before = dt.datetime.now(dt.UTC).replace(microsecond=0)
    dated = make_store("dated")
    import_fhir(dated, bundle)
    assert dated.list_assessments()[-1].created_at >= before


def test_one_night_with_nothing_that_helped_has_no_empty_table(make_store: Callable[[str], DiaryStore]) -> None:
    """A diary of one night whose cramp nothing eased showed the table's headings with no rows."""
    store = make_store("one")
    cramp = Cramp(start=dt.time(3, 10), duration_s=90, leg="left", muscles=["calf"], severity=7)
    store.add_many([NightRecord(date=TODAY - dt.timedelta(days=2), cramps=[cramp])])
    html = report_html(store, today=TODAY)
    text = page_text(html)
    assert "Nights logged 1: 1 with cramps, 0 quiet" in text and "Cramps 1 in all" in text
    assert "Pain (0-10) median 7 of 10 (range 7–7)" in text and "Duration median 1 min 30 s" in text
    assert "Nothing logged as helping for 1 of 1 cramps." in text
    assert "Median time to relief" not in text


def test_undoing_a_fhir_import_takes_its_assessments_away_too(make_store: Callable[[str], DiaryStore]) -> None:
    """After "undo" of an import, its nights went and its assessment stayed: the report then led with an
    emergency from a history the person had just taken back."""
    source = make_store("source")
    save_assessment(source, case_answers("P9"))
    source.add_many([NightRecord(date=TODAY - dt.timedelta(days=3))])
    target = make_store("target")
    save_assessment(target, case_answers("P1"))  # the person's own, before the import
    import_fhir(target, fhir_bundle(source))
    assert case_answers("P9") in [a.answers for a in target.list_assessments()]
    assert target.undo() == "Undid importing 1 night and 0 days."
    assert target.list_nights() == [] and [a.answers for a in target.list_assessments()] == [case_answers("P1")]
    assert "Emergency" not in report_html(target, today=TODAY)


def test_the_same_answers_at_two_moments_are_two_assessments(migrated_db_url: str,
                                                             make_store: Callable[[str], DiaryStore]) -> None:
    """Someone who answered alike in May and in June had one assessment after export → import: the
    import skipped any answers already seen. Importing a diary's own export back still adds nothing
    (on both databases: the moments compare to the second)."""
    source = DiaryStore(migrated_db_url)
    save_assessment(source, case_answers("P1"))
    save_assessment(source, case_answers("P1"))
    bundle = fhir_bundle(source)
    responses = [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "QuestionnaireResponse"]
    responses[0]["authored"], responses[1]["authored"] = "2025-05-01T08:00:00+00:00", "2025-06-01T08:00:00+00:00"
    target = make_store("target")
    assert import_fhir(target, bundle).assessments_added == 2
    assert [(a.answers, a.created_at.month) for a in target.list_assessments()] == [(case_answers("P1"), 5),
                                                                                   (case_answers("P1"), 6)]
    again = import_fhir(target, bundle)
    assert (again.assessments_added, again.assessments_unchanged) == (0, 2)
    own = import_fhir(source, fhir_bundle(source))  # the source's own export, its moments to the second
    assert own.assessments_added == 0 and len(source.list_assessments()) == 2
    source.close()
