"""Defects the last adversarial review noticed and left, each pinned by a test that failed before
its fix, through every client it concerns (engine, CLI, JSON API, web form)."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from crampcare.assess import assess, visible_questions
from crampcare.assess.answers import AnswerError
from crampcare.knowledge import load_knowledge
from crampcare.knowledge.conditions import All, AnyOf, Condition, Leaf, Not
from crampcare.web.app import create_app
from crampcare.web.settings import Settings
from test_cli import crampcare

KB = load_knowledge()
NO_WARNING_SIGNS = {qid: False for qid, q in KB.questions.items() if q.section == "warning_signs" and q.show_if is None}
ORDINARY_CRAMPS = {**NO_WARNING_SIGNS, "duration_minutes": 1, "eased_by_stretching": True, "hard_knot": True,
                   "legs": "either", "muscles": ["calf"], "frequency": "monthly"}


@pytest.fixture
def web(tmp_path: Path, new_migrated_sqlite: Callable[[Path], str]) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(db=new_migrated_sqlite(tmp_path / "diary.sqlite"))),
                    raise_server_exceptions=False) as client:
        yield client


def cli_assess(answers: dict[str, Any]) -> tuple[int, str]:
    run = crampcare("assess", "--answers", "-", "--format", "json", input=json.dumps(answers))
    return run.returncode, run.stderr


# --------------------------------------------------------------------------- 1. adult questions for small children

ADULT_HABITS = {"alcohol": 12, "athlete_after_break": 8, "physical_overload": 8}


@pytest.mark.parametrize(("question", "from_age"), sorted(ADULT_HABITS.items()))
def test_alcohol_and_training_are_asked_only_from_a_sensible_age(question: str, from_age: int) -> None:
    """A 3-year-old was asked how much alcohol they drink and whether they are an athlete back in training."""
    def shown(answers: dict[str, Any]) -> bool:
        return question in {q.id for q in visible_questions(KB, answers)}

    assert not shown({"age": 3})
    assert not shown({"age": from_age - 1})
    assert shown({"age": from_age}) and shown({"age": 40})
    assert shown({})  # no age given: asked, as every other age-bound question is


def test_sudden_activity_after_sitting_is_not_asked_of_a_toddler() -> None:
    assert "sudden_activity_after_sitting" not in {q.id for q in visible_questions(KB, {"age": 3, "sitting_hours": 8})}
    assert "sudden_activity_after_sitting" in {q.id for q in visible_questions(KB, {"age": 30, "sitting_hours": 8})}


TODDLER = {**ORDINARY_CRAMPS, "age": 3, "sex": "male", "child_fever_convulsions": False, "child_fever_limp": False}


@pytest.mark.parametrize("answer", [{"alcohol": "none"}, {"athlete_after_break": False}, {"physical_overload": True}])
def test_every_client_refuses_those_answers_for_a_toddler(web: TestClient, answer: dict[str, Any]) -> None:
    with pytest.raises(AnswerError, match="not asked"):
        assess({**TODDLER, **answer})
    code, err = cli_assess({**TODDLER, **answer})
    assert code == 2 and "not asked" in err, err
    response = web.post("/api/v1/assess", json={"answers": {**TODDLER, **answer}})
    assert response.status_code == 422 and "not asked" in response.json()["error"]["message"]


def test_the_web_interview_does_not_ask_a_toddler_about_alcohol_or_training(web: TestClient) -> None:
    fields = {**{qid: "no" for qid in NO_WARNING_SIGNS}, "child_fever_convulsions": "no", "child_fever_limp": "no",
              "age": "3", "sex": "male"}
    # Next again past the cramps' questions left open (how long, whether stretching eases it: they
    # keep a warning sign open, so the first Next names them).
    fields["skip_open"] = "the_cramps"
    page = web.post("/assess", data={**fields, "step": "the_cramps", "action": "next"})
    assert page.status_code == 200 and 'name="activity_change"' in page.text  # the daily-life step
    for question in ADULT_HABITS:
        assert f'name="{question}"' not in page.text
    adult = web.post("/assess", data={**fields, "age": "30", "step": "the_cramps", "action": "next"}).text
    assert all(f'name="{question}"' in adult for question in ADULT_HABITS)


def _negated_or_absence_leaves(condition: Condition, negated: bool = False) -> Iterator[Leaf]:
    """Leaves that hold when a fact is NOT given a value: inside a ``not``, or ``ne``/``unanswered``."""
    if isinstance(condition, Leaf):
        if negated or condition.op in ("ne", "unanswered"):
            yield condition
    elif isinstance(condition, Not):
        yield from _negated_or_absence_leaves(condition.not_, not negated)
    elif isinstance(condition, (All, AnyOf)):
        for child in condition.all if isinstance(condition, All) else condition.any:
            yield from _negated_or_absence_leaves(child, negated)


def test_no_rule_reads_an_unasked_habit_question_as_no() -> None:
    """Unasked for a child, these questions stay unanswered; a rule that fired on their absence
    (``not alcohol is heavy``, ``ne``, ``unanswered``) would conclude from a question never asked."""
    found = []
    for collection in ("factors", "cramp_types", "warning_signs", "lookalikes", "advice", "do_nots", "escalation"):
        for entry_id, entry in getattr(KB, collection).items():
            when = getattr(entry, "when", None)
            if when is None:
                continue
            found += [f"{collection}.{entry_id}: {leaf.fact} {leaf.op}" for leaf in _negated_or_absence_leaves(when)
                      if leaf.fact in (*ADULT_HABITS, "sudden_activity_after_sitting")]
    assert not found


def test_a_toddler_whose_activity_changed_is_not_told_to_build_up_training() -> None:
    """"Raise your training a little at a time… plan rest days between hard sessions" reached a
    3-year-old through the activity-change question, which stays asked at every age."""
    plan = {item.id for item in assess({**TODDLER, "activity_change": True}).plan.items}
    assert "gradual_activity" not in plan
    eight = {**ORDINARY_CRAMPS, "age": 8, "sex": "male", "child_fever_convulsions": False, "child_fever_limp": False,
             "physical_overload": True}
    assert "gradual_activity" in {item.id for item in assess(eight).plan.items}


def test_a_toddler_without_those_answers_still_gets_the_childrens_result() -> None:
    # The medicines are asked at every age (left open, the quinine side effects would be too).
    result = assess({**TODDLER, "medicines": ["none"]})
    assert result.complete and result.urgency in ("self_care", "doctor")
    assert not {"alcohol", "heavy_drinking_harm", "physical_overload", "athlete_after_break"} & {
        f.id for f in result.factors}


# --------------------------------------------------------------------------- 4. an unknown region


@pytest.mark.parametrize("region", ["XX", "ru1", "💥"])
def test_the_region_switch_refuses_an_unknown_region_with_a_reason(web: TestClient, region: str) -> None:
    """``/region`` answered 303 to any region and quietly kept the old numbers."""
    response = web.post("/region", data={"region": region, "next": "/now"}, follow_redirects=False,
                        headers={"Accept": "text/html"})
    assert response.status_code == 422, response.status_code
    assert "set-cookie" not in response.headers
    assert "unknown region" in response.text and "RU, GB, EU, US" in response.text
    russian = web.post("/region", data={"region": region, "next": "/now"}, follow_redirects=False,
                       headers={"Accept": "text/html", "Accept-Language": "ru"})
    assert russian.status_code == 422 and "unknown region" not in russian.text
    assert web.post("/region", data={"region": "gb", "next": "/now"}, follow_redirects=False).status_code == 303


@pytest.mark.parametrize("now", [("now", "--plain"), ("now",)], ids=["plain", "panels"])
def test_the_cli_refuses_an_unknown_region_the_same_way(now: tuple[str, ...]) -> None:
    run = crampcare(*now, "--region", "XX")
    assert run.returncode == 2 and run.stderr.startswith("error: unknown region 'XX'; choose from: RU, GB, EU, US")


# --------------------------------------------------------------------------- 3. a diary path that is not a file


@pytest.mark.parametrize("command", [("diary", "list"), ("log", "night", "--none"), ("insights",), ("db", "status"),
                                     ("serve", "--port", "1")])
def test_a_device_as_the_diary_is_named_as_such_not_a_full_disk(command: tuple[str, ...]) -> None:
    """``--db /dev/null`` said "the disk holding the diary is full"."""
    run = crampcare(*command, "--db", "/dev/null")
    assert run.returncode in (1, 2) and run.stderr.count("\n") == 1, run.stderr
    assert "full" not in run.stderr
    assert run.stderr.endswith("cannot use /dev/null as the diary: it is a device, not a file; give the path of a "
                               "diary file (a new one is made if none is there)\n"), run.stderr


def test_a_folder_or_another_file_as_the_diary_is_named_as_such(tmp_path: Path) -> None:
    folder = crampcare("log", "night", "--none", "--db", str(tmp_path))
    assert folder.returncode == 1 and f"cannot use {tmp_path} as the diary: it is a folder, not a file" in folder.stderr
    photo = tmp_path / "photo.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0" + bytes(range(256)) * 8)
    other = crampcare("diary", "list", "--db", str(photo))
    assert other.returncode == 1 and other.stderr.count("\n") == 1
    assert "is not a crampcare diary (not an SQLite database)" in other.stderr and "DEBUG" not in other.stderr
    assert photo.read_bytes().startswith(b"\xff\xd8")  # left as it was
    russian = crampcare("diary", "list", "--db", "/dev/null", "--lang", "ru")
    assert russian.returncode == 1 and "device" not in russian.stderr and "/dev/null" in russian.stderr


# --------------------------------------------------------------------------- 2. digits of other scripts

# Python's int()/float() and ``\d`` read these as 3, 7, 1.5…; JSON and the API's schema never did.
# The rule now, in every client: numbers, dates and times are written with 0-9, anything else is
# refused with one message that names the digit.
DIGITS_MESSAGE = "write numbers with the digits 0-9"


@pytest.mark.parametrize(("parser", "text"), [
    ("parse_decimal", "٣"), ("parse_hours", "８"), ("parse_volume_ml", "１.５L"), ("parse_duration_s", "٣m"),
    ("parse_time", "٠٣:١٠"), ("parse_date", "٢٠٢٦-١١-٠١"), ("parse_severity", "७"), ("parse_severity", "7²"),
])
def test_every_typed_number_reader_refuses_other_digits(parser: str, text: str) -> None:
    from crampcare.diary import units
    from crampcare.digits import OtherDigitsError

    with pytest.raises(OtherDigitsError, match=DIGITS_MESSAGE):
        getattr(units, parser)(text)


@pytest.mark.parametrize("args", [
    ("log", "night", "--time", "٠٣:١٠", "--duration", "3m", "--leg", "left", "--muscle", "calf", "--severity", "7"),
    ("log", "night", "--time", "03:10", "--duration", "3m", "--leg", "left", "--muscle", "calf", "--severity", "７"),
    ("log", "night", "--cramp", "03:10,３m,left,calf,7"),
    ("log", "day", "--fluids", "１.５L"),
    ("log", "day", "--pregnancy-week", "٢٠"),
    ("log", "night", "--none", "--date", "２０２６-１１-０１"),
], ids=["time", "severity", "cramp", "fluids", "pregnancy week", "date"])
def test_the_cli_refuses_other_digits_and_stores_nothing(tmp_path: Path, args: tuple[str, ...],
                                                         new_migrated_sqlite: Callable[[Path], str]) -> None:
    db = new_migrated_sqlite(tmp_path / "diary.sqlite")
    run = crampcare(*args, "--db", db)
    assert run.returncode == 2 and DIGITS_MESSAGE in run.stderr and run.stderr.count("\n") == 1, run.stderr
    listed = crampcare("export", "--format", "json", "--db", db)
    assert json.loads(listed.stdout)["nights"] == [] and json.loads(listed.stdout)["days"] == []


def test_the_cli_interview_asks_again_for_an_age_in_other_digits() -> None:
    skip_warnings = "?\n" * sum(q.section == "warning_signs" for q in visible_questions(KB, {}))
    run = crampcare("assess", "--format", "json", input=skip_warnings + "٣\n45\n")
    assert DIGITS_MESSAGE in run.stderr, run.stderr[-500:]
    assert json.loads(run.stdout)["answers"]["age"] == 45


def test_the_api_refuses_other_digits(web: TestClient) -> None:
    cramp = {"start": "٠٣:١٠", "duration_s": 60, "leg": "left", "muscles": ["calf"], "severity": 5}
    night = web.post("/api/v1/nights", json={"date": "2026-11-01", "cramps": [cramp]})
    assert night.status_code == 422 and DIGITS_MESSAGE in night.text
    dated = web.post("/api/v1/days", json={"date": "٢٠٢٦-١١-٠١"})
    assert dated.status_code == 422 and DIGITS_MESSAGE in dated.text
    assert web.post("/api/v1/assess", json={"answers": {"age": "٣"}}).status_code == 422
    assert web.get("/reminders.ics", params={"exercises": "٢١:٣٠"}).status_code == 422


def test_the_web_forms_refuse_other_digits(web: TestClient) -> None:
    interview = web.post("/assess", data={"step": "about_you", "action": "next", "age": "٣", "weight_kg": "７0"})
    assert interview.status_code == 422 and interview.text.count(DIGITS_MESSAGE) >= 2  # age and weight
    night = web.post("/diary/night", data={"date": "2026-11-01", "start": "03:10", "duration": "60", "leg": "left",
                                           "muscles": "calf", "severity": "٧"})
    assert night.status_code == 422 and DIGITS_MESSAGE in night.text
    day = web.post("/diary/day", data={"date": "2026-11-01", "fluids": "１.５L", "sitting_hours": "٨",
                                       "pregnancy_week": "٢٠"})
    assert day.status_code == 422 and day.text.count(DIGITS_MESSAGE) >= 3
    assert web.get("/api/v1/nights").json() == [] and web.get("/api/v1/days").json() == []


def test_a_csv_import_refuses_other_digits(web: TestClient, tmp_path: Path) -> None:
    csv = tmp_path / "diary.csv"
    csv.write_text("date,night_logged,fluids_ml\n2026-11-01,yes,１500\n", encoding="utf-8")
    run = crampcare("import", str(csv), "--db", str(tmp_path / "d.sqlite"))
    assert run.returncode == 2 and DIGITS_MESSAGE in run.stderr, run.stderr


# --------------------------------------------------------------------------- 6. an implausible adult weight

ADULT_LIMIT = "out of range when the answer to “How old is the person with the cramps?” is at least 18"
ADULT = {**ORDINARY_CRAMPS, "age": 40, "sex": "female", "pregnant": False, "fluids_l": 1.0}


@pytest.mark.parametrize("weight", [2, 29.5, 200.5, 300])
def test_an_implausible_adult_weight_is_refused_not_turned_into_a_fluid_target(web: TestClient, weight: float) -> None:
    """A 2 kg adult was told to drink 40 ml a day, a 300 kg one 6 litres."""
    answers = {**ADULT, "weight_kg": weight}
    with pytest.raises(AnswerError, match="weight_kg: .* " + re.escape(ADULT_LIMIT) + "; expected 30 to 200"):
        assess(answers)
    code, err = cli_assess(answers)
    assert code == 2 and err.startswith("error: weight_kg: ") and "leave it unanswered" in err, err
    api = web.post("/api/v1/assess", json={"answers": answers})
    assert api.status_code == 422 and ADULT_LIMIT in api.json()["error"]["message"]
    form = web.post("/assess", data={"step": "about_you", "action": "next", "age": "40", "sex": "female",
                                     "pregnant": "no", "weight_kg": f"{weight:g}"})
    assert form.status_code == 422 and ADULT_LIMIT in form.text


def test_plausible_adult_and_child_weights_still_work() -> None:
    assert assess({**ADULT, "weight_kg": 30}).plan.fluid_target is not None
    assert assess({**ADULT, "weight_kg": 200}).plan.fluid_target.target_ml == 4000  # type: ignore[union-attr]
    # A child's weight is asked from 8 (tests/test_interview_gp_review.py) and limited by no adult bound.
    child = {**ORDINARY_CRAMPS, "age": 9, "sex": "male", "weight_kg": 25, "child_fever_convulsions": False,
             "child_fever_limp": False}
    assert assess(child).plan.fluid_target is None  # no weight rule for a child, and no adult limit either
    assert assess({**ORDINARY_CRAMPS, "weight_kg": 2}).plan.fluid_target is None  # no age: the weight is not used


def test_the_cli_interview_asks_again_for_an_implausible_weight() -> None:
    answers: dict[str, Any] = {}
    lines = []
    for question in KB.questions.values():  # warning signs "?" up to the age, then age 40, sex, pregnancy, weight
        if question.id == "weight_kg":
            break
        if question in visible_questions(KB, answers):
            typed = {"age": "40", "sex": "1", "pregnant": "no"}.get(question.id, "?")
            lines.append(typed)
            if question.id in ("age", "sex", "pregnant"):
                answers[question.id] = {"age": 40, "sex": "female", "pregnant": False}[question.id]
    run = crampcare("assess", "--format", "json", input="\n".join([*lines, "2", "70"]) + "\n")
    assert ADULT_LIMIT in run.stderr, run.stderr[-800:]
    assert json.loads(run.stdout)["answers"]["weight_kg"] == 70


def test_a_limit_is_russian_in_a_russian_refusal() -> None:
    run = crampcare("assess", "--answers", "-", "--lang", "ru", input=json.dumps({**ADULT, "weight_kg": 300}))
    assert run.returncode == 2 and "weight_kg" in run.stderr and "adult fluid rule" not in run.stderr
    assert "20 мл на кг" in run.stderr, run.stderr


# --------------------------------------------------------------------------- 5. diaries stored before controls were refused


def _old_diary_with_controls(url: str, *, nul: bool) -> None:
    """A diary at 0006 holding what was accepted then: ESC, DEL, a C1 control (and NUL on SQLite,
    which PostgreSQL never stored) in a night's note, a day's note and tag, and the change log."""
    from sqlalchemy import text as sql

    from crampcare.db.engine import make_engine
    from crampcare.db.schema import upgrade

    upgrade(url, "0006")
    odd = "\x1b[2J" + "\x7f" + "\x85" + ("\x00" if nul else "")
    engine = make_engine(url)
    from crampcare.diary.records import DayRecord

    saved_day = {**DayRecord(date=dt.date(2026, 11, 2)).model_dump(mode="json"), "notes": odd, "tags": [f"tag{odd}"]}
    previous = json.dumps([{"kind": "day", "date": "2026-11-02", "record": saved_day}])
    with engine.begin() as conn:
        conn.execute(sql("INSERT INTO nights (owner, date, sleep_disturbed, notes) VALUES ('local', '2026-11-01', "
                         "false, :notes)"), {"notes": f"woke{odd}\ttwice\nthen slept"})
        conn.execute(sql("INSERT INTO days (owner, date, diet, medicines, tags, notes) VALUES ('local', "
                         "'2026-11-02', '[]', '[]', :tags, :notes)"),
                     {"tags": json.dumps([f"tag{odd}", "tag\u241b[2J\u2421\ufffd" + ("\u2400" if nul else "")]),
                      "notes": odd})
        conn.execute(sql("INSERT INTO change_log (owner, at, action, kind, date, previous) VALUES ('local', "
                         "'2026-11-03 10:00:00+00', 'edit', 'day', '2026-11-02', :previous)"), {"previous": previous})
    engine.dispose()


def test_an_old_diary_with_control_characters_exports_what_imports_again(db_url: str, tmp_path: Path) -> None:
    """A diary that held a control character (stored before they were refused) exported files that
    the importer refused; ``diary list`` printed the escape sequence raw."""
    _old_diary_with_controls(db_url, nul=db_url.startswith("sqlite"))
    listed = crampcare("diary", "list", "--db", db_url)  # opening it migrates it
    assert listed.returncode == 0 and "\x1b" not in listed.stdout, listed.stderr
    for kind in ("json", "csv", "fhir"):
        out = tmp_path / f"diary.{kind}"
        assert crampcare("export", "--format", kind, "--out", str(out), "--db", db_url).returncode == 0
        fresh = f"sqlite:///{tmp_path / f'fresh-{kind}.sqlite'}"
        imported = crampcare("import", str(out), "--db", fresh)
        assert imported.returncode == 0, (kind, imported.stderr)
    exported = json.loads(crampcare("export", "--format", "json", "--db", db_url).stdout)
    night, day = exported["nights"][0], exported["days"][0]
    assert night["notes"].startswith("woke\u241b[2J\u2421\ufffd") and night["notes"].endswith("\ttwice\nthen slept")
    assert day["tags"] == ["tag\u241b[2J\u2421\ufffd" + ("\u2400" if "\u2400" in day["notes"] else "")]  # one, not two
    shown = crampcare("diary", "undo", "--db", db_url)  # which change is the last (no keyboard: nothing undone)
    change = re.search(r"\(number (\d+)\)", shown.stdout)
    assert shown.returncode == 2 and change is not None, shown
    undone = crampcare("diary", "undo", "--change", change.group(1), "--db", db_url)
    assert undone.returncode == 0, undone.stderr  # the saved state comes back clean
    restored = json.loads(crampcare("export", "--format", "json", "--db", db_url).stdout)["days"][0]
    assert not any(ch in restored["notes"] + "".join(restored["tags"]) for ch in "\x00\x1b\x7f\x85")


# --------------------------------------------------------------------------- found walking the phone app at 3 a.m.


def test_a_russian_night_form_with_nothing_chosen_is_refused_in_russian(web: TestClient) -> None:
    """Tapping "Save the cramp" half asleep, with no leg, muscle or severity chosen: the reasons
    were English inside the Russian page ("Нога: choose the leg")."""
    page = web.post("/diary/night", data={"duration": "60"}, headers={"Accept-Language": "ru"})
    assert page.status_code == 422
    for english in ("choose the leg", "choose at least one muscle", "choose how bad it was"):
        assert english not in page.text
    assert "выберите ногу" in page.text


def test_answer_them_returns_to_the_open_warning_questions_with_every_answer_kept(web: TestClient) -> None:
    """The result's "Answer them" link started a new, empty interview (and the tab's saved answers
    are cleared on a result), so answering the open warning questions meant answering everything again."""
    answers = {"age": 52, "sex": "female", "muscles": ["calf"], "breathless_chest_pain": False}
    result = web.post("/assess", data={"step": "health", "action": "result", "age": "52", "sex": "female",
                                       "muscles": "calf", "breathless_chest_pain": "no", "skip_open": "health"})
    assert 'action="/assess/open"' in result.text and 'href="/assess">Answer them' not in result.text
    step = web.post("/assess/open", data={"answers": json.dumps(answers)})
    assert step.status_code == 200 and 'name="step" value="warning_signs"' in step.text
    for field, value in (("age", "52"), ("sex", "female"), ("muscles", "calf")):
        assert f'<input type="hidden" name="{field}" value="{value}">' in step.text
    assert 'name="breathless_chest_pain" value="no" checked' in step.text
    assert web.post("/assess/open", data={"answers": '{"sex": "male", "pregnant": true}'}).status_code == 422
    assert web.post("/assess/open", data={"answers": "{"}).status_code == 422


def test_text_typed_at_the_cli_interview_is_not_read_as_markup() -> None:
    """An answer such as ``[/x]`` was quoted back inside Rich markup: a MarkupError traceback."""
    skip_warnings = "?\n" * sum(q.section == "warning_signs" for q in visible_questions(KB, {}))
    run = crampcare("assess", "--format", "json", input=skip_warnings + "[/x]\n45\n")
    assert run.returncode == 0 and "Traceback" not in run.stderr and "'[/x]'" in run.stderr, run.stderr[-400:]
    assert json.loads(run.stdout)["answers"]["age"] == 45


def _report_text(web: TestClient, answers: dict[str, Any]) -> str:
    import re

    assert web.post("/assess/save", data={"answers": json.dumps(answers)}).status_code == 200
    page = re.sub(r"<style.*?</style>", "", web.get("/report.html").text, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


def test_the_report_never_calls_a_look_alike_checked_when_its_questions_were_left_open(web: TestClient) -> None:
    """After an interview with the warning questions skipped, the doctor's report said a clot, a
    seizure, a stroke and a blocked artery were "also checked, not suggested by the answers"."""
    text = _report_text(web, {"age": 52, "sex": "female", "muscles": ["calf"]})
    checked = text.split("Also checked, not suggested by the answers:")[1].split(".")[0] \
        if "Also checked" in text else ""
    for name in ("Deep vein thrombosis", "A seizure", "A stroke", "Acute limb ischaemia"):
        assert name not in checked
    assert "Not checked, because questions they depend on were left unanswered:" in text
    unchecked = text.split("left unanswered:")[1]
    assert all(name in unchecked for name in ("Deep vein thrombosis", "A seizure", "A stroke"))


def test_after_a_complete_warning_interview_those_look_alikes_are_checked(web: TestClient) -> None:
    from crampcare.assess.interview import lookalikes_not_suggested

    complete = {**ORDINARY_CRAMPS, "age": 52, "sex": "male"}
    checked, _unchecked = lookalikes_not_suggested(KB, complete, [look.id for look in assess(complete).lookalikes])
    assert {"deep_vein_thrombosis", "seizure", "stroke", "acute_limb_ischaemia"} <= set(checked)
    text = _report_text(web, complete)
    assert "Deep vein thrombosis" in text.split("Also checked, not suggested by the answers:")[1].split(".")[0]


def test_a_look_alike_behind_a_skipped_age_is_not_called_checked() -> None:
    """With the age skipped, a child's red features (limp, swelling, fever…) are never asked, as they are
    asked only under 18: the report called a bone or joint infection "checked, not suggested" on the
    fever-and-limp question alone. Given an adult's age they cannot apply, and it is checked."""
    from crampcare.assess.interview import lookalikes_not_suggested

    no_age = {**ORDINARY_CRAMPS, "sex": "male", "medicines": ["none"], "child_fever_convulsions": False,
              "child_fever_limp": False}
    checked, unchecked = lookalikes_not_suggested(KB, no_age, [look.id for look in assess(no_age).lookalikes])
    assert "child_bone_joint_infection" in unchecked and "child_bone_joint_infection" not in checked
    adult = {**ORDINARY_CRAMPS, "age": 40, "sex": "male", "medicines": ["none"]}
    checked, _unchecked = lookalikes_not_suggested(KB, adult, [look.id for look in assess(adult).lookalikes])
    assert "child_bone_joint_infection" in checked


def test_the_questionnaire_states_the_weight_limit_in_the_readers_language() -> None:
    english = crampcare("questionnaire", "--format", "json").stdout
    weight = next(q for q in json.loads(english) if q["id"] == "weight_kg")
    assert [(limit["min"], limit["max"]) for limit in weight["limits"]] == [(30, 200)]
    assert "note" not in weight["limits"][0]  # the reviewers' note stays in the data
    russian = json.loads(crampcare("questionnaire", "--format", "json", "--lang", "ru").stdout)
    assert "20 мл на кг" in next(q for q in russian if q["id"] == "weight_kg")["limits"][0]["reason"]
    assert "от 30 до 200" in crampcare("questionnaire", "--lang", "ru").stdout


@pytest.mark.parametrize(("typed", "read"), [("45", 45), ("45,5", 45.5), ("4 5", None), ("1e1", None),
                                             ("1_0", None), ("45 years", None)])
def test_the_cli_prompt_and_the_web_form_read_a_typed_age_alike(web: TestClient, typed: str,
                                                              read: float | None) -> None:
    """The web form dropped spaces and both used float(): "4 5" was 45 on the web and refused at
    the prompt; "1e1" and "1_0" were 10 in both."""
    from crampcare.assess.answers import parse_text_answer

    try:
        at_prompt: float | None = parse_text_answer(KB.questions["age"], typed)
    except AnswerError:
        at_prompt = None
    page = web.post("/assess", data={"step": "about_you", "action": "next", "age": typed, "sex": "male"})
    on_web = None if page.status_code == 422 else read
    assert at_prompt == read and on_web == read, (at_prompt, page.status_code)


@pytest.mark.parametrize(("field", "typed"), [("alcohol_units", "1 5"), ("alcohol_units", "1e1"),
                                              ("temperature_swing_c", "12,5x")])
def test_the_web_day_form_reads_numbers_as_the_cli_does(tmp_path: Path, web: TestClient, field: str,
                                                       typed: str) -> None:
    flag = {"alcohol_units": "--alcohol", "temperature_swing_c": "--temp-swing"}[field]
    cli = crampcare("log", "day", "--date", "2026-11-01", flag, typed, "--db", str(tmp_path / "d.sqlite"))
    page = web.post("/diary/day", data={"date": "2026-11-01", field: typed})
    assert cli.returncode == 2 and page.status_code == 422
    accepted = web.post("/diary/day", data={"date": "2026-11-01", "temperature_swing_c": "12C"}, follow_redirects=False)
    assert accepted.status_code == 303  # "12C", as `--temp-swing 12C`


def test_a_fhir_export_with_an_assessment_saved_before_the_weight_limit_imports(tmp_path: Path) -> None:
    """FHIR import re-assesses saved answers: one saved with an adult weight of 250 kg (accepted
    then) made the whole import fail; like an answer no longer shown, it no longer counts."""
    from crampcare.services.diary import open_diary, save_assessment

    old = {**ADULT, "weight_kg": 250}
    db = str(tmp_path / "old.sqlite")
    with open_diary(db) as store:
        save_assessment(store, old, {"urgency": "self_care"})
    bundle = tmp_path / "history.json"
    assert crampcare("export", "--format", "fhir", "--out", str(bundle), "--db", db).returncode == 0
    fresh = str(tmp_path / "fresh.sqlite")
    imported = crampcare("import", str(bundle), "--db", fresh)
    assert imported.returncode == 0, imported.stderr
    with open_diary(fresh) as store:
        from crampcare.services.diary import latest_assessment

        latest = latest_assessment(store)
    assert latest is not None and "weight_kg" not in latest.answers and latest.answers["age"] == 40
