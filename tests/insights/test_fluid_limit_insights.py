"""No "low fluids seems linked to your cramps" for someone whose care team sets how much they drink.

The assessment gives no fluid target with heart failure or kidney disease (tests/test_heart_failure_fluids.py),
but the diary's insights still compared days under a fixed 1.5 L with the rest and said "Low fluids seems
linked to more cramps" — in the summary, the CLI, the web page, the API and the doctor's report — which
reads as "drink more" to a heart-failure or dialysis patient. The figures stay (the statistics are
unchanged, and the team may want them); what is said around them comes from the knowledge base: with a
limit (or heart failure, kidney disease) a neutral label and the team's say; with the conditions never
answered (or not shared) the "ask first" beside any low-fluid finding. For a child under 9 the adult 1.5 L is no
measure of "low" (EFSA: about 1.1-1.6 L a day at 1-8 years, food included): the same neutral label,
and what a child of that age drinks, unless a care team's limit stands.
Pure cases first, then one end-to-end per client (CLI, API, web page, report).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from markupsafe import escape

from crampcare.assess import assess
from crampcare.assess.facts import fluid_standing
from crampcare.diary.store import DiaryStore
from crampcare.i18n.context import use_language
from crampcare.insights import compute_insights
from crampcare.insights.analysis import Insights
from crampcare.insights.simulate import simulate_diary
from crampcare.knowledge import load_knowledge
from crampcare.web.app import create_app
from crampcare.web.settings import Settings
from test_cli import crampcare

KB = load_knowledge()
END = dt.date(2024, 6, 30)
SET_BY_TEAM = "topics.diary_fluids.claims.0.text"
ASK_FIRST = "topics.diary_fluids.claims.1.text"
CHILD_BY_AGE = "topics.diary_fluids.claims.2.text"
NO_WARNING_SIGNS = {qid: False for qid, q in KB.questions.items() if q.section == "warning_signs" and q.show_if is None}
ADULT = {**NO_WARNING_SIGNS, "age": 70, "sex": "male", "duration_minutes": 2, "eased_by_stretching": True,
         "hard_knot": True, "legs": "either", "muscles": ["calf"], "frequency": "monthly", "weight_kg": 70,
         "fluids_l": 1.0, "medicines": ["none"]}
HEART_FAILURE = {**ADULT, "conditions": ["heart_failure"], "fluid_limit": False}


@pytest.fixture(scope="module")
def diary() -> tuple[list[Any], list[Any]]:
    """12 weeks with low fluids planted as a trigger: the statistics find it (seems linked)."""
    return simulate_diary(84, trigger="low_fluids", rr=2.5, seed=1, end=END)


def _low(ins: Insights) -> Any:
    return next(f for f in ins.triggers.factors if f.factor == "low_fluids")


# --------------------------------------------------------------------------- what the program knows


@pytest.mark.parametrize(("answers", "standing"), [
    (None, "not_ruled_out"),  # no assessment saved, or not shared with this reader
    ({}, "not_ruled_out"),  # nothing answered is not "no"
    ({"age": 70, "weight_kg": 70}, "not_ruled_out"),
    ({"conditions": ["heart_failure"], "fluid_limit": False}, "limited"),  # the team's say even without a limit
    ({"conditions": ["kidney"]}, "limited"),
    ({"conditions": ["liver"]}, "limited"),  # a limit not ruled out
    ({"conditions": ["liver"], "fluid_limit": False}, "not_limited"),
    ({"conditions": ["none"]}, "not_limited"),
    ({"conditions": []}, "not_ruled_out"),  # nothing ticked is not "none of these" (an answer file may hold [])
    ({"conditions": ["diabetes"]}, "not_limited"),
    ({"fluid_limit": True}, "limited"),
    ({"age": 6}, "by_age"),  # a young child's drinks go by age, whatever else is (not) answered
    ({"age": 8, "conditions": ["none"]}, "by_age"),  # EFSA's 4-8 band: 1.6 L a day, food included
    ({"age": 1, "conditions": []}, "by_age"),
    ({"age": 9, "conditions": ["none"]}, "not_limited"),  # from 9 drinks under 1.5 L are low again
    ({"age": 9}, "not_ruled_out"),
    ({"age": 6, "conditions": ["kidney"]}, "limited"),  # a care team's limit stands for a child too
    ({"age": 6, "fluid_limit": True}, "limited"),
])
def test_fluid_standing_from_the_latest_answers(answers: dict[str, Any] | None, standing: str) -> None:
    assert fluid_standing(answers) == standing


# --------------------------------------------------------------------------- pure wording


@pytest.mark.parametrize(("standing", "said", "claim", "source"), [
    # The care team's limit, or heart failure, kidney disease.
    ("limited", SET_BY_TEAM, "diary_fluids.set_by_team", "nice-ng106"),
    # A 6-year-old: most days under 1.5 L are usual, not "low", and never a reason to make them drink more.
    ("by_age", CHILD_BY_AGE, "diary_fluids.child_by_age", "efsa-water-2010"),
])
def test_no_low_fluids_link_where_a_team_or_age_sets_fluids_but_the_same_figures(
        diary: tuple[list[Any], list[Any]], standing: str, said: str, claim: str, source: str) -> None:
    nights, days = diary
    plain = compute_insights(nights, days, today=END, fluids="not_limited")
    worded = compute_insights(nights, days, today=END, fluids=standing)  # type: ignore[arg-type]
    # The statistics themselves are the same: verdicts, tests and p-values.
    assert worded.triggers.linked == plain.triggers.linked == ["low_fluids"]
    assert [t.model_dump(exclude={"label"}) for t in _low(worded).tests] == [
        t.model_dump(exclude={"label"}) for t in _low(plain).tests]
    assert worded.fluid_standing == standing
    low = _low(worded)
    assert "Low fluids" not in low.label and "1.5" in low.label
    assert all(t.label == low.label for t in low.tests)  # the chart's labels too
    assert "seems linked" not in low.message and "more cramp nights" in low.message
    assert low.note is not None and KB.text(said) in low.note
    assert low.note_claim == claim
    assert source in low.note and "supported" in low.note.lower()
    assert not any(KB.text(other) in low.note for other in (SET_BY_TEAM, ASK_FIRST, CHILD_BY_AGE) if other != said)
    summary = worded.summary()
    assert not any("Low fluids" in s or "low fluids seems" in s.lower() for s in summary)
    assert summary[summary.index(low.message) + 1] == low.note  # the say right beside it


def test_conditions_never_answered_ask_first_beside_the_finding(diary: tuple[list[Any], list[Any]]) -> None:
    nights, days = diary
    ins = compute_insights(nights, days, today=END)  # no assessment: nothing known either way
    assert ins.fluid_standing == "not_ruled_out"
    low = _low(ins)
    assert low.message.startswith("Low fluids seems linked to more cramps")  # the finding stands
    assert low.note is not None and KB.text(ASK_FIRST) in low.note
    summary = ins.summary()
    assert summary[summary.index(low.message) + 1] == low.note


def test_answered_no_such_condition_no_caveat(diary: tuple[list[Any], list[Any]]) -> None:
    nights, days = diary
    low = _low(compute_insights(nights, days, today=END, fluids="not_limited"))
    assert low.note is None and low.message.startswith("Low fluids seems linked")


def test_too_few_days_never_asks_for_days_with_more_fluid() -> None:
    """"Log 4 more days without it" asks a dialysis patient for days over 1.5 L."""
    nights, days = simulate_diary(40, trigger=None, rr=1.0, seed=3, end=END)
    days = [d.model_copy(update={"fluids_ml": 2000 if i < 3 else 900}) for i, d in enumerate(days)]
    for standing in ("limited", "by_age", "not_ruled_out"):
        low = _low(compute_insights(nights, days, today=END, fluids=standing))  # type: ignore[arg-type]
        assert low.verdict == "not_enough_data"
        assert "without it" not in low.message and "more days" not in low.message
        assert low.note is not None
    plain = _low(compute_insights(nights, days, today=END, fluids="not_limited"))
    assert "more days without it" in plain.message and plain.note is None


def test_the_fluid_wording_is_russian(diary: tuple[list[Any], list[Any]]) -> None:
    nights, days = diary
    with use_language("ru"):
        limited = compute_insights(nights, days, today=END, fluids="limited")
        asked = compute_insights(nights, days, today=END)
        child = compute_insights(nights, days, today=END, fluids="by_age")
    low = _low(limited)
    assert KB.text(SET_BY_TEAM, "ru") in (low.note or "") and KB.text(SET_BY_TEAM, "ru") != KB.text(SET_BY_TEAM)
    assert "1,5" in low.label and not any(c.isascii() and c.isalpha() for c in low.label)
    assert not any(c.isascii() and c.isalpha() for c in low.message.split("(")[0])
    assert KB.text(ASK_FIRST, "ru") in (_low(asked).note or "")
    assert KB.text(CHILD_BY_AGE, "ru") in (_low(child).note or "") and KB.text(CHILD_BY_AGE, "ru") != KB.text(CHILD_BY_AGE)


# --------------------------------------------------------------------------- every client


@pytest.fixture
def store(tmp_path: Path, new_migrated_sqlite: Callable[[Path], str],
          diary: tuple[list[Any], list[Any]]) -> Iterator[DiaryStore]:
    """A diary with the planted low-fluids link and a saved assessment: heart failure, no limit reported."""
    diary_store = DiaryStore(new_migrated_sqlite(tmp_path / "diary.sqlite"))
    diary_store.add_many(*diary)
    result = assess(HEART_FAILURE)
    diary_store.save_assessment(result.answers, result.model_dump(mode="json"))
    yield diary_store
    diary_store.close()


def test_an_old_saved_target_is_not_used_with_heart_failure(store: DiaryStore) -> None:
    """An assessment saved before heart failure lost its target still holds "1400 ml": not a threshold now."""
    from crampcare.insights.from_diary import insights_for

    result = assess(HEART_FAILURE).model_dump(mode="json")
    result["plan"]["fluid_target"] = {"target_ml": 1400, "weight_kg": 70, "caveats": []}
    store.save_assessment(HEART_FAILURE, result)
    ins = insights_for(store, today=END)
    assert ins.fluid_standing == "limited" and "1.5" in _low(ins).label


def test_cli_insights_text_and_json(store: DiaryStore) -> None:
    url = str(store.engine.url)
    text = crampcare("insights", "--db", url, env={"COLUMNS": "400"})
    assert text.returncode == 0, text.stderr
    assert "Low fluids" not in text.stdout and "seems linked to more cramps" not in text.stdout
    assert KB.text(SET_BY_TEAM)[:60] in " ".join(text.stdout.split())
    data = json.loads(crampcare("insights", "--db", url, "--format", "json").stdout)
    assert data["fluid_standing"] == "limited"
    low = next(f for f in data["triggers"]["factors"] if f["factor"] == "low_fluids")
    assert KB.text(SET_BY_TEAM) in low["note"] and low["note"] in data["summary"]


@pytest.fixture
def web(store: DiaryStore) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(db=str(store.engine.url))), raise_server_exceptions=False) as client:
        yield client


def test_api_and_web_page(web: TestClient) -> None:
    data = web.get("/api/v1/insights").json()
    low = next(f for f in data["triggers"]["factors"] if f["factor"] == "low_fluids")
    assert "Low fluids" not in json.dumps(data) and KB.text(SET_BY_TEAM) in low["note"]
    page = web.get("/insights")
    assert page.status_code == 200
    assert "Low fluids" not in page.text and "seems linked to more cramps" not in page.text
    assert KB.text(SET_BY_TEAM) in page.text
    russian = web.get("/insights", headers={"Accept-Language": "ru"}).text
    assert KB.text(SET_BY_TEAM, "ru") in russian


def test_report_for_the_person_and_for_a_clinician_without_the_assessment(store: DiaryStore) -> None:
    from crampcare.report.document import Shared, render_html, report_context

    own = render_html(report_context(store, today=END))
    assert "Low fluids" not in own and "seems linked to more cramps" not in own
    assert KB.text(SET_BY_TEAM) in own
    # A clinician the patient shares only the diary with learns nothing of the conditions, and the
    # finding comes with the "ask first" instead.
    copy = render_html(report_context(store, today=END, shared=Shared(diary=True, assessments=False)))
    assert KB.text(SET_BY_TEAM) not in copy
    assert KB.text(ASK_FIRST) in copy


def test_a_young_childs_saved_assessment_words_the_factor_in_every_client(
        tmp_path: Path, new_migrated_sqlite: Callable[[Path], str], diary: tuple[list[Any], list[Any]]) -> None:
    """A parent's diary for a 6-year-old, with the child's assessment saved: the API, the page and the
    report say what a child of that age drinks, never "Low fluids seems linked"."""
    from crampcare.report.document import render_html, report_context

    child = {**NO_WARNING_SIGNS, "age": 6, "sex": "female", "duration_minutes": 1, "eased_by_stretching": True,
             "hard_knot": True, "legs": "either", "muscles": ["calf"], "frequency": "rarely", "conditions": ["none"]}
    result = assess(child)
    with DiaryStore(new_migrated_sqlite(tmp_path / "diary.sqlite")) as store:
        store.add_many(*diary)
        store.save_assessment(result.answers, result.model_dump(mode="json"))
        report = render_html(report_context(store, today=END))
        url = str(store.engine.url)
    said = str(escape(KB.text(CHILD_BY_AGE)))  # as the templates escape it
    assert "Low fluids" not in report, report[report.index("Low fluids") - 300:][:600]
    assert said in report
    with TestClient(create_app(Settings(db=url)), raise_server_exceptions=False) as web:
        data = web.get("/api/v1/insights").json()
        page = web.get("/insights").text
    assert data["fluid_standing"] == "by_age"
    low = next(f for f in data["triggers"]["factors"] if f["factor"] == "low_fluids")
    assert KB.text(CHILD_BY_AGE) in low["note"] and "Low fluids" not in json.dumps(data)
    assert said in page and "seems linked to more cramps" not in page
