"""Interview review: one question per concept (Baker's cyst), questions that fit the person's age
(a parent answering for a toddler), being sick read by the week of pregnancy, show-conditions named
by their questions' texts in every language, and five new patients run through the CLI and the API.
Person-level expectations live in tests/clinical/cases.yaml (sections IR and RV); each test here
failed before its fix."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from clinical.test_clinical_cases import CASES, answers_of, from_cli_and_api
from crampcare.assess import assess, visible_questions
from crampcare.assess.answers import AnswerError
from crampcare.assess.model import Assessment
from crampcare.i18n.context import use_language
from crampcare.knowledge import load_knowledge
from crampcare.knowledge.conditions import leaves_of
from crampcare.report import codes
from crampcare.report.questionnaire import questionnaire_resource
from crampcare.web.app import create_app
from crampcare.web.settings import Settings
from test_cli import crampcare
from test_left_defects import _negated_or_absence_leaves

KB = load_knowledge()
NO_WARNING_SIGNS = {qid: False for qid, q in KB.questions.items() if q.section == "warning_signs" and q.show_if is None}


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    db = tmp_path_factory.mktemp("review") / "diary.sqlite"
    with TestClient(create_app(Settings(db=str(db))), raise_server_exceptions=False) as client:
        yield client


def shown(answers: dict[str, Any]) -> set[str]:
    return {q.id for q in visible_questions(KB, answers)}


# --------------------------------------------------------------------------- 1. Baker's cyst, once


def test_the_bakers_cyst_question_asks_only_about_the_knee() -> None:
    """It asked "a swelling behind the knee, or a pop there before the calf hurt or swelled": the
    calf's swelling was asked again there and in the calf warning question, which could be answered
    two ways. The knee question now asks about the knee; a calf swollen after a pop is the calf sign."""
    for lang in ("en", "ru"):
        knee = KB.text("questions.lump_behind_knee.text", lang).lower()
        assert not any(word in knee for word in ("calf", "pop", "икр", "хлоп")), knee  # the help may explain
        calf_help = KB.text("questions.calf_swollen_red_warm.help", lang)
        assert ("pop" in calf_help and "Baker" in calf_help) or ("хлоп" in calf_help and "Бейкер" in calf_help)
    readers = {rule for group in ("warning_signs", "lookalikes", "factors", "advice")
               for rule, entry in getattr(KB, group).items()
               if entry.when is not None and "lump_behind_knee" in {leaf.fact for leaf in leaves_of(entry.when)}}
    assert readers == {"bakers_cyst"}


@pytest.mark.parametrize("lump", [True, False, None])
def test_a_calf_swollen_after_a_pop_is_urgent_whatever_the_knee_answer(lump: bool | None) -> None:
    """Warning signs win: the knee answer only adds the look-alike, never lowers the calf sign."""
    answers = {**NO_WARNING_SIGNS, "age": 60, "sex": "female", "calf_swollen_red_warm": True,
               "calf_change_lasting": True}
    if lump is not None:
        answers["lump_behind_knee"] = lump
    result = assess(answers)
    assert result.urgency == "urgent" and "ws_dvt" in {w.id for w in result.warning_signs}
    assert ("bakers_cyst" in {look.id for look in result.lookalikes}) == bool(lump)


# --------------------------------------------------------------------------- 2. a parent answering for a toddler

ADULT_HABITS_FROM_8 = ("sitting_hours", "stress", "temperature_swings", "uncomfortable_shoes", "flat_feet", "diet",
                       "overweight")


@pytest.mark.parametrize("age", [2, 3, 4, 7])
def test_adult_habits_are_not_asked_of_a_young_child(age: int) -> None:
    """A 3-year-old's parent was asked about hours at a desk, stress, saunas, high heels, flat feet,
    weight-loss diets and being overweight (and, after calf pain on walking, smoking)."""
    assert not set(ADULT_HABITS_FROM_8) & shown({"age": age})
    assert "smoker" not in shown({"age": age, "pain_walking_eases_rest": True})
    assert set(ADULT_HABITS_FROM_8) <= shown({"age": 8}) and set(ADULT_HABITS_FROM_8) <= shown({})
    assert "smoker" in shown({"age": 12, "pain_walking_eases_rest": True})
    assert "smoker" in shown({"pain_walking_eases_rest": True})


@pytest.mark.parametrize("age", [2, 3, 4])
def test_no_warning_question_is_hidden_from_a_young_child(age: int) -> None:
    """Every question an urgent or emergency sign reads stays asked (pregnancy aside, asked from 12)."""
    read = {leaf.fact for sign in KB.warning_signs.values() if sign.urgency in ("urgent", "emergency")
            for leaf in leaves_of(sign.when)} & set(KB.questions)
    asked_of_anyone = read & shown({})
    assert asked_of_anyone - shown({"age": age}) <= {"pregnant"}
    assert {q for q in KB.questions if KB.questions[q].section == "warning_signs"} & shown({}) <= shown({"age": age})


def test_no_rule_reads_a_question_not_asked_of_a_young_child_as_no() -> None:
    """Unasked, these stay unanswered; a rule firing on their absence would conclude from nothing.
    (Pregnancy, asked from 12, is left out: its rules read the age too, e.g. a pregnancy test only
    from 12.)"""
    age_bound = {q for q in set(shown({"age": 30})) - set(shown({"age": 3})) if KB.questions[q].section != "pregnancy"}
    found = [f"{group}.{rule}: {leaf.fact} {leaf.op}"
             for group in ("factors", "cramp_types", "warning_signs", "lookalikes", "advice", "do_nots")
             for rule, entry in getattr(KB, group).items() if getattr(entry, "when", None) is not None
             for leaf in _negated_or_absence_leaves(entry.when) if leaf.fact in age_bound]
    assert age_bound >= set(ADULT_HABITS_FROM_8) and not found, found


TODDLER = answers_of(next(case for case in CASES if case["id"] == "RV01"))


@pytest.mark.parametrize("answer", [{"sitting_hours": 2}, {"stress": "none"}, {"diet": ["irregular"]}])
def test_every_client_refuses_an_adult_habit_for_a_toddler(web: TestClient, answer: dict[str, Any]) -> None:
    with pytest.raises(AnswerError, match="not asked"):
        assess({**TODDLER, **answer})
    run = crampcare("assess", "--answers", "-", "--format", "json", input=json.dumps({**TODDLER, **answer}))
    assert run.returncode == 2 and "not asked" in run.stderr, run.stderr
    response = web.post("/api/v1/assess", json={"answers": {**TODDLER, **answer}})
    assert response.status_code == 422 and "not asked" in response.json()["error"]["message"]


def test_a_parent_answering_is_told_that_you_means_the_child(web: TestClient) -> None:
    """Every question says "you", and the warning questions come before the age: the terminal and
    the web interview now say at the start that "you" means the person with the cramps."""
    for lang in ("en", "ru"):
        note = KB.text("messages.answering_for_someone.text", lang)
        run = crampcare("assess", "--lang", lang, input="")
        assert note in " ".join(run.stderr.split()), run.stderr[:400]
        page = web.get("/assess", params={"lang": lang}).text
        assert note.replace('"', "&#34;") in page or note in page


def test_a_young_child_is_not_told_a_harmless_cramp_is_more_likely() -> None:
    """A 3-year-old with a short calf cramp eased by stretching was told "this makes a harmless
    cramp more likely" next to "cramps are rare before 8, a doctor should find out what they are"."""
    child: Assessment = assess(TODDLER)
    assert "ordinary" not in {c.id for c in child.cramp_types}
    assert "ws_young_child" in {w.id for w in child.warning_signs}
    eight = assess({**TODDLER, "age": 8})
    assert "ordinary" in {c.id for c in eight.cramp_types}


# --------------------------------------------------------------------------- 3. being sick, by the week

@pytest.mark.parametrize(("week", "factor", "sign"), [(8, True, False), (20, True, False), (21, False, True),
                                                     (36, False, True), (None, False, None)])
def test_being_sick_is_read_by_the_week_of_pregnancy(week: int | None, factor: bool, sign: bool | None) -> None:
    """"Morning sickness in early pregnancy" was named at 36 weeks. Morning sickness usually clears
    by weeks 16 to 20; after 20 being sick is not morning sickness and can be pre-eclampsia (same day).
    With the week unknown neither is assumed, and the sign stays open (sign None: not ruled out)."""
    answers = {**NO_WARNING_SIGNS, "age": 30, "sex": "female", "pregnant": True, "morning_sickness": True}
    if week is not None:
        answers["pregnancy_week"] = week
    result = assess(answers)
    assert ("morning_sickness" in {f.id for f in result.factors}) == factor
    found = "ws_sickness_late_pregnancy" in {w.id for w in result.warning_signs}
    if sign is None:
        assert not found and "ws_sickness_late_pregnancy" in result.not_ruled_out
        assert "pregnancy_week" in result.unanswered_warning_questions and result.urgency == "doctor"
    else:
        assert found == sign and result.urgency == ("urgent" if sign else "doctor")
    assert "morning sickness" not in KB.text("questions.morning_sickness.text", "en").lower()


# --------------------------------------------------------------------------- 4. show-conditions in words

def _show_if_parts() -> list[tuple[str, list[dict[str, Any]]]]:
    items = questionnaire_resource(KB, version="test")["item"]
    return [(item["linkId"], part["extension"]) for item in items for part in item.get("extension", [])
            if part["url"] == codes.EXT_SHOW_IF]


def test_the_fhir_questionnaire_names_questions_by_their_text_in_each_language() -> None:
    """The show-if text said "Asked only if not (sex is male) and (age is not answered or …)": raw
    ids, in English only. Each question is now named by its text, in English and in Russian."""
    notes = _show_if_parts()
    assert notes
    for link, parts in notes:
        condition = KB.questions[link].show_if
        assert condition is not None
        english = next(p["valueString"] for p in parts if p["url"] == "text")
        russian = next(sub["valueString"] for p in parts if p["url"] == "translation"
                       for sub in p["extension"] if sub["url"] == "content")
        for fact in {leaf.fact for leaf in leaves_of(condition)}:
            assert f"“{KB.text(f'questions.{fact}.text', 'en')}”" in english, (link, english)
            assert f"«{KB.text(f'questions.{fact}.text', 'ru')}»" in russian, (link, russian)
        assert not re.search(r"[A-Za-z]", russian), russian


def test_crampcare_questionnaire_states_each_condition_in_the_readers_words() -> None:
    with use_language("ru"):
        week = KB.text("questions.pregnant.text", "ru")
    russian = crampcare("questionnaire", "--lang", "ru").stdout
    line = next(line for line in russian.splitlines() if "спрашивается, только если" in line and week in line)
    assert '"fact":"pregnant"' in line  # the ids stay, for people who write answer files


# --------------------------------------------------------------------------- 5. five new patients, every client

REVIEW = [case for case in CASES if case["id"].startswith("RV")]


@pytest.mark.parametrize("case", REVIEW, ids=[case["id"] for case in REVIEW])
def test_a_new_patient_gets_the_same_right_result_from_the_cli_and_the_api(web: TestClient, case: dict[str, Any],
                                                                           tmp_path: Path) -> None:
    from_cli, from_api = from_cli_and_api(web, case, tmp_path)
    assert from_cli.urgency == from_api.urgency and [f.id for f in from_cli.factors] == [f.id for f in from_api.factors]


def test_learn_prints_every_web_address_whole() -> None:
    """In an 80-column terminal the source list folded long addresses mid-word (".../vomiting-and-mo" on
    one line, "rning-sickness/" on the next): they could not be followed or copied, and the Russian
    page showed English word fragments."""
    out = crampcare("learn", "pregnancy", "--lang", "ru", env={"COLUMNS": "80"}).stdout
    for source in KB.sources.values():
        if source.url:
            assert source.url in out.split(), source.url
