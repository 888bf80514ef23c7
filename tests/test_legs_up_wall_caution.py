""""Legs up the wall" carries a short, sourced caution wherever it is listed.

The assessment's plan leaves it out for heart failure (breathlessness may be worse lying down,
nhs-heart-failure) and from week 16 of pregnancy (nhs-exercise-pregnancy), but every place that
lists it without knowing the person — `crampcare exercises`, `crampcare learn exercises` and
/learn/exercises, the calendar reminders, and a plan whose conditions question was skipped — showed
it to everyone. Each now says, before the steps, in one line, whom it does not suit.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from icalendar import Calendar

from crampcare.assess import assess
from crampcare.assess.localize import localize_assessment
from crampcare.i18n.context import use_language
from crampcare.knowledge import load_knowledge
from crampcare.report import reminders_ics
from crampcare.report.reminders import EXERCISES_UID
from crampcare.web.app import create_app
from crampcare.web.settings import Settings
from test_cli import crampcare

KB = load_knowledge()
CAUTION_EN = KB.text("exercises.legs_up_wall.caution.text")
CAUTION_RU = KB.text("exercises.legs_up_wall.caution.text", "ru")
NO_WARNING_SIGNS = {qid: False for qid, q in KB.questions.items() if q.section == "warning_signs" and q.show_if is None}
CONDITIONS_SKIPPED = {**NO_WARNING_SIGNS, "age": 66, "sex": "female", "duration_minutes": 2,
                      "eased_by_stretching": True, "hard_knot": True, "legs": "either", "muscles": ["calf"],
                      "frequency": "monthly", "medicines": ["none"]}


def flat(text: str) -> str:
    """Terminal output as one line of words: no panel borders, no wrapping."""
    return re.sub(r"\s+", " ", re.sub(r"[│╭╮╰╯─]", " ", text))


def test_an_exercise_done_lying_on_the_back_has_a_sourced_one_line_caution() -> None:
    lying = [e for e in KB.exercises.values() if any("Lie on your back" in step for step in e.steps)]
    assert [e.id for e in lying] == ["legs_up_wall"]
    for exercise in lying:
        caution = exercise.caution
        assert caution is not None, exercise.id
        assert {"nhs-heart-failure", "nhs-exercise-pregnancy"} <= set(caution.sources)
        assert caution.evidence == "supported" and caution.evidence_note
        assert "heart failure" in caution.text and "breathless" in caution.text
        assert "\n" not in caution.text and len(caution.text) < 160  # one line, not a paragraph
    assert CAUTION_RU != CAUTION_EN and "сердечная недостаточность" in CAUTION_RU


@pytest.mark.parametrize(("lang", "caution", "first_step"), [
    ("en", CAUTION_EN, KB.exercises["legs_up_wall"].steps[0]),
    ("ru", CAUTION_RU, KB.text("exercises.legs_up_wall.steps.0", "ru")),
])
def test_crampcare_exercises_says_it_before_the_steps(lang: str, caution: str, first_step: str) -> None:
    run = crampcare("exercises", "--plain", "--lang", lang)
    assert run.returncode == 0, run.stderr
    out = flat(run.stdout)
    assert caution in out and out.index(caution) < out.index(first_step)


def test_crampcare_learn_exercises_says_it() -> None:
    assert CAUTION_EN in flat(crampcare("learn", "exercises").stdout)
    assert CAUTION_RU in flat(crampcare("learn", "exercises", "--lang", "ru").stdout)


@pytest.mark.parametrize(("lang", "caution"), [("en", CAUTION_EN), ("ru", CAUTION_RU)])
def test_the_calendar_reminder_says_it_before_the_steps(lang: str, caution: str) -> None:
    with use_language(lang):
        data = reminders_ics()
    event = next(e for e in Calendar.from_ical(data).walk("VEVENT") if str(e["UID"]) == EXERCISES_UID)
    description = str(event["DESCRIPTION"])
    assert caution in description
    assert description.index(caution) < description.index(KB.text("exercises.legs_up_wall.steps.0", lang))


def test_a_plan_offering_it_carries_the_caution_and_its_sources() -> None:
    """Conditions skipped: heart failure is not ruled out, and the plan names legs up the wall."""
    result = assess(CONDITIONS_SKIPPED)
    item = next(p for p in result.plan.items if p.id == "bedtime_exercises")
    legs = next(e for e in item.exercises if e.id == "legs_up_wall")
    assert legs.caution is not None and legs.caution.text == CAUTION_EN
    assert {"nhs-heart-failure", "nhs-exercise-pregnancy"} <= {s.id for s in result.sources}
    assert all(e.caution is None for e in item.exercises if e.id != "legs_up_wall")
    russian = localize_assessment(result, KB, "ru")
    item_ru = next(p for p in russian.plan.items if p.id == "bedtime_exercises")
    assert next(e for e in item_ru.exercises if e.id == "legs_up_wall").caution.text == CAUTION_RU  # type: ignore[union-attr]


def test_cli_assess_markdown_says_it_under_the_exercises() -> None:
    markdown = crampcare("assess", "--answers", "-", "--format", "markdown", input=json.dumps(CONDITIONS_SKIPPED)).stdout
    exercises = markdown.index("Exercises: Legs up the wall")
    assert markdown.index("Caution: " + CAUTION_EN) > exercises


@pytest.fixture
def web(tmp_path: Path, new_migrated_sqlite: Callable[[Path], str]) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(db=new_migrated_sqlite(tmp_path / "diary.sqlite"))),
                    raise_server_exceptions=False) as client:
        yield client


def test_api_and_web_pages_say_it(web: TestClient) -> None:
    api = web.post("/api/v1/assess", json={"answers": CONDITIONS_SKIPPED}).json()
    item = next(p for p in api["plan"]["items"] if p["id"] == "bedtime_exercises")
    assert next(e for e in item["exercises"] if e["id"] == "legs_up_wall")["caution"]["text"] == CAUTION_EN
    learn = web.get("/learn/exercises").text
    assert CAUTION_EN in learn and learn.index(CAUTION_EN) < learn.index(KB.exercises["legs_up_wall"].steps[0])
    assert CAUTION_RU in web.get("/learn/exercises?lang=ru").text


def test_the_3am_flow_does_not_offer_it_without_the_caution(web: TestClient) -> None:
    """`crampcare now` and /now list the first-aid steps, not the bedtime exercises: if legs up the
    wall is ever added to them, it must come with its caution."""
    for text in (crampcare("now", "--plain").stdout, web.get("/now").text):
        assert "Legs up the wall" not in text or CAUTION_EN in text


def test_a_caution_citing_an_unknown_source_is_refused(tmp_path: Path) -> None:
    import shutil

    from crampcare.knowledge import KnowledgeError, load_knowledge_from
    from crampcare.knowledge.loader import DATA_DIR

    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    path = data / "exercises.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "sources: [nhs-heart-failure, nhs-exercise-pregnancy]", "sources: [nhs-heart-failure, no-such-source]"),
        encoding="utf-8")
    with pytest.raises(KnowledgeError, match="'legs_up_wall': caution: unknown source 'no-such-source'"):
        load_knowledge_from(data)
