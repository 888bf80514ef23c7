"""The same answers give the same result in every client, and nothing answered is not "no" — an
adversarial pass over the terminal interview (answers file), the JSON API and the web interview's
step pages (walked as a person without JavaScript walks them: only the questions on each step).

Each test failed before its fix (see the docstrings)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crampcare.assess import assess, visible_questions
from crampcare.assess.interview import drop_unusable
from crampcare.knowledge import load_knowledge
from crampcare.knowledge.conditions import All, AnyOf, Condition, Leaf
from crampcare.knowledge.schema import URGENCY_RANK, Question
from crampcare.web.app import create_app
from crampcare.web.settings import Settings
from one_trip_client import OneTripClient
from page_loads import click_to_load
from strategies import answer_sets
from test_cli import crampcare

KB = load_knowledge()
NO_WARNING_SIGNS = {qid: False for qid, q in KB.questions.items() if q.section == "warning_signs" and q.show_if is None}
CASES = Path(__file__).parent.parent / "examples" / "cases"


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    db = tmp_path_factory.mktemp("parity") / "diary.sqlite"
    with OneTripClient(create_app(Settings(db=f"sqlite:///{db}")), raise_server_exceptions=False) as client:
        yield client


# --------------------------------------------------------------------------- walking the web interview


class _Page(HTMLParser):
    """The forms of a page (inputs and buttons), the questions on it and the urgency of a result."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.forms: list[dict[str, Any]] = []
        self.questions: list[str] = []
        self.urgency: str | None = None
        self._form: dict[str, Any] | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._form = {"action": found.get("action"), "id": found.get("id"), "inputs": [], "buttons": []}
            self.forms.append(self._form)
        elif tag == "input" and self._form is not None:
            self._form["inputs"].append((found.get("type"), found.get("name"), found.get("value", "")))
        elif tag == "button" and self._form is not None:
            self._form["buttons"].append((found.get("name"), found.get("value")))
        elif tag == "fieldset" and "data-q" in found:
            self.questions.append(found["data-q"])
        elif tag == "div" and "banner" in found.get("class", ""):
            level = re.search(r"urgency-(\w+)", found["class"])
            self.urgency = level.group(1) if level else None

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None

    def form(self, key: str, value: str) -> dict[str, Any] | None:
        return next((f for f in self.forms if f[key] == value), None)


def typed(question: Question, value: Any, comma: bool = False) -> list[str]:
    """What a person types or ticks for ``value``: every digit of a number, never an exponent."""
    if question.type == "yes_no":
        return ["yes" if value else "no"]
    if question.type == "multiple":
        return list(value)
    if question.type == "number":
        written = format(Decimal(repr(value)), "f")
        return [written.replace(".", ",") if comma else written]
    return [str(value)]


def walk_web(client: TestClient, answers: dict[str, Any], *, comma: bool = False,
             headers: dict[str, str] | None = None) -> tuple[str | None, dict[str, Any]]:
    """Answer the web interview step by step, as shown (only the questions on each step, Next on
    each; a warning question left open is left open; after an early result, go on); returns the
    final result's urgency and the answers it was made from."""
    page = client.get("/assess", headers=headers)
    for _ in range(40):
        assert page.status_code == 200, page.text[:2000]
        parsed = _Page(page.text)
        interview = parsed.form("id", "interview")
        if interview is None:
            go_on = parsed.form("id", "go-on")
            if go_on is not None:  # a severe sign shown at once: answer the other questions
                page = client.post("/assess/open", data={n: v for _t, n, v in go_on["inputs"] if n}, headers=headers)
                continue
            save = parsed.form("action", "/assess/save")
            assert save is not None, page.text[:2000]
            return parsed.urgency, json.loads(next(v for _t, n, v in save["inputs"] if n == "answers"))
        data: dict[str, list[str]] = {}
        for kind, name, value in interview["inputs"]:
            if kind == "hidden" and name and name not in parsed.questions:
                data.setdefault(name, []).append(value)
        for qid in parsed.questions:
            if qid in answers:
                data[qid] = typed(KB.questions[qid], answers[qid], comma)
        data["action"] = [next(v for n, v in interview["buttons"] if n == "action" and v in ("next", "result"))]
        page = client.post("/assess", data=data, headers=headers)
    raise AssertionError("the web interview did not reach a result in 40 pages")


def api_assess(client: TestClient, answers: dict[str, Any], **headers: str) -> dict[str, Any]:
    response = client.post("/api/v1/assess", json={"answers": answers}, headers=headers)
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()
    return data


def cli_assess(answers: dict[str, Any], *args: str) -> dict[str, Any]:
    run = crampcare("assess", "--answers", "-", "--format", "json", *args, input=json.dumps(answers))
    assert run.returncode == 0, run.stderr
    data: dict[str, Any] = json.loads(run.stdout)
    return data


# --------------------------------------------------------------------------- 1. a warning question a later step brings up


QUININE = {**NO_WARNING_SIGNS, "age": 70, "sex": "female", "medicines": ["quinine"]}


@pytest.mark.parametrize("side_effects", [True, False])
def test_the_web_asks_a_warning_question_that_a_later_step_brings_up(web: TestClient, side_effects: bool) -> None:
    """Taking quinine brings up a warning question (bruising, racing heart, changes in sight: get
    help today). The terminal asks it at once; the web's steps never showed it (its section's step
    was passed), so the web result said "see a doctor, not complete" where the others said "urgent"."""
    answers = {**QUININE, "quinine_side_effects": side_effects}
    expected = assess(answers)
    urgency, used = walk_web(web, answers)
    assert used == expected.answers and urgency == expected.urgency
    assert api_assess(web, answers)["urgency"] == cli_assess(answers)["urgency"] == expected.urgency
    assert (expected.urgency == "urgent") is side_effects
    # It is asked on the step that brought it up, with the note that an answer brought up a question.
    fields = {**{qid: "no" for qid in NO_WARNING_SIGNS}, "age": "70", "sex": "female", "medicines": "quinine",
              "step": "health", "shown": "medicines", "action": "next"}
    again = web.post("/assess", data=fields)
    assert again.status_code == 200 and 'name="quinine_side_effects"' in again.text and 'id="flash"' in again.text


@pytest.mark.parametrize(("gate", "sign"), [("pregnant", "ws_sickness_late_pregnancy"),
                                            ("medicines", "ws_quinine_side_effects")])
def test_every_client_names_a_skipped_gate_as_the_question_to_answer(web: TestClient, gate: str, sign: str) -> None:
    """A 30-year-old woman who skipped "Are you pregnant?" was never asked about being sick after week 20
    (pre-eclampsia), one who skipped the medicines never about quinine's side effects: every client said
    "self-care, complete". Now each says "see a doctor, not complete", names the sign as not ruled out
    and asks for the skipped question itself (its follow-ups cannot be answered before it)."""
    answers = {**NO_WARNING_SIGNS, "age": 30, "sex": "female", "pregnant": False, "medicines": ["none"],
               "duration_minutes": 2, "eased_by_stretching": True, "muscles": ["calf"], "legs": "one",
               "hard_knot": True, "frequency": "monthly"}
    assert assess(answers).urgency == "self_care"
    del answers[gate]
    for result in (api_assess(web, answers), cli_assess(answers)):
        assert (result["urgency"], result["complete"]) == ("doctor", False)
        assert (result["not_ruled_out"], result["unanswered_warning_questions"]) == ([sign], [gate])
    assert walk_web(web, answers) == ("doctor", assess(answers).answers)
    fields = {qid: "no" if value is False else "yes" if value is True else ",".join(value)
              if isinstance(value, list) else str(value) for qid, value in answers.items()}
    page = web.post("/assess", data={**fields, "action": "result"})
    assert page.status_code == 200
    listed = re.search(r'<ul class="unanswered">(.*?)</ul>', page.text, re.S)
    assert listed is not None and re.findall(r"<li>(.*?)</li>", listed.group(1)) == [
        KB.questions[gate].text.replace("'", "&#39;")]


# --------------------------------------------------------------------------- 2. numbers carried between steps


@pytest.mark.parametrize(("minutes", "urgency"), [(10.000001, "urgent"), (0.0000001, "self_care")])
def test_the_web_carries_every_digit_of_a_number_to_the_next_step(web: TestClient, minutes: float,
                                                                 urgency: str) -> None:
    """A step carries the earlier answers as hidden fields, written with ``{:g}``: six digits, so a
    cramp of 10.000001 minutes (over 10: see a doctor today, shown at once) came back from the next
    step as 10, and the final result dropped to self-care; 0.0000001 came back as ``1e-07``, which the
    step then refused, sending the person round the same two steps for ever."""
    answers = {**NO_WARNING_SIGNS, "age": 40, "sex": "male", "weight_kg": 80, "duration_minutes": minutes,
               "muscles": ["calf"], "legs": "one", "hard_knot": True, "eased_by_stretching": True,
               "frequency": "monthly", "medicines": ["none"]}
    expected = assess(answers)
    assert expected.urgency == urgency
    assert walk_web(web, answers) == (urgency, expected.answers)
    assert api_assess(web, answers)["urgency"] == urgency


# --------------------------------------------------------------------------- 3. the API in the reader's language


def test_the_api_gives_the_assessment_in_the_readers_language_as_the_cli_does(web: TestClient) -> None:
    """The API answered ``Content-Language: ru`` (and Russian refusals) over an English assessment,
    where ``crampcare assess --format json --lang ru`` gives it in Russian; saved, it stays English
    (the diary keeps the engine's words, as the CLI and the web page save it)."""
    answers = json.loads((CASES / "P3.json").read_text(encoding="utf-8"))
    russian = web.post("/api/v1/assess", json={"answers": answers}, headers={"Accept-Language": "ru"})
    assert russian.headers["content-language"] == "ru"
    assert russian.json() == {**cli_assess(answers, "--lang", "ru"), "trace": []}
    assert "тромб" in russian.json()["warning_signs"][0]["title"]
    assert api_assess(web, answers, **{"Accept-Language": "en"}) == {**cli_assess(answers, "--lang", "en"), "trace": []}
    saved = web.post("/api/v1/assess", json={"answers": answers, "save": True}, headers={"Accept-Language": "ru"})
    assert saved.status_code == 201
    stored = web.get(saved.headers["location"]).json()["result"]
    assert stored["warning_signs"][0]["title"] == assess(answers).warning_signs[0].title  # English


# --------------------------------------------------------------------------- 4. duplicate keys and unreadable JSON


@pytest.mark.parametrize(("body", "reason"), [
    ('{"answers": {"cold_pale_limb": true, "cold_pale_limb": false}}', '"cold_pale_limb" appears twice'),
    ('{"answers": {"age": 45}, "answers": {"age": 5}}', '"answers" appears twice'),
    ('{"answers": {"age": 1' + "0" * 5000 + "}}", "4,300 digits"),
    ('{"answers": ' + "[" * 100_000 + "]" * 100_000 + "}", "nested too deeply"),
])
def test_the_api_refuses_what_the_cli_refuses_in_a_json_body(web: TestClient, body: str, reason: str) -> None:
    """``{"cold_pale_limb": true, "cold_pale_limb": false}``: the CLI refuses a key given twice, the
    API kept the last one and assessed the blocked-artery sign as "no". A huge number or deep nesting
    got a bare 400 "There was an error parsing the body"; now each says why, as the CLI does."""
    inner = body[len('{"answers": '):-1] if body.count('"answers"') == 1 else body
    cli = crampcare("assess", "--answers", "-", input=inner)
    assert cli.returncode == 2 and reason in cli.stderr, cli.stderr
    response = web.post("/api/v1/assess", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 422, response.text
    assert reason in response.json()["error"]["message"]
    # Bad syntax keeps FastAPI's own refusal, with where it is.
    broken = web.post("/api/v1/assess", content='{"answers": {', headers={"Content-Type": "application/json"})
    assert broken.status_code == 422 and broken.json()["error"]["fields"]


# --------------------------------------------------------------------------- 5. answers beside "answers"


def test_an_answers_file_with_an_answer_beside_its_answers_object_is_refused() -> None:
    """A file holding ``"answers"`` (an API request, a printed assessment) was read from that object
    alone: ``{"answers": {...}, "cold_pale_limb": true}`` dropped the "yes" to an emergency sign
    without a word and reassured less urgently than the answer asked for."""
    run = crampcare("assess", "--answers", "-", input=json.dumps({"answers": {"age": 40}, "cold_pale_limb": True}))
    assert run.returncode == 2 and "cold_pale_limb" in run.stderr and len(run.stderr.splitlines()) == 1
    request = json.dumps({"answers": {**NO_WARNING_SIGNS, "cold_pale_limb": True}, "save": False, "trace": False})
    assert json.loads(crampcare("assess", "--answers", "-", "--format", "json", input=request).stdout)["urgency"] \
        == "emergency"
    # The same file through stdin with a byte-order mark, as a file with one is read (it was "not valid JSON").
    assert json.loads(crampcare("assess", "--answers", "-", "--format", "json", input="\ufeff" + request).stdout)[
        "urgency"] == "emergency"


# --------------------------------------------------------------------------- 6. every client, generated answers


@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
@given(answers=answer_sets(), russian=st.booleans())
def test_the_web_steps_and_the_api_agree_with_the_engine(web: TestClient, answers: dict[str, Any],
                                                         russian: bool) -> None:
    """Walked step by step (in Russian with decimal commas, or in English), the web interview ends
    with exactly the answers given and the engine's urgency; the API says the same."""
    expected = assess(answers)
    headers = {"Accept-Language": "ru"} if russian else None
    assert walk_web(web, answers, comma=russian, headers=headers) == (expected.urgency, expected.answers)
    assert api_assess(web, answers)["urgency"] == expected.urgency


# --------------------------------------------------------------------------- 7. a sign given through any question


def _positive_leaves(condition: Condition) -> Iterator[Leaf]:
    """The comparisons a warning sign fires on when a question's answer meets them (not under a ``not``)."""
    if isinstance(condition, Leaf):
        if condition.fact in KB.questions and condition.op in ("eq", "gt", "ge", "contains", "intersects"):
            yield condition
    elif isinstance(condition, (All, AnyOf)):
        for part in condition.all if isinstance(condition, All) else condition.any:
            yield from _positive_leaves(part)


SIGN_ANSWERS = [(sign.id, sign.urgency, leaf) for sign in KB.warning_signs.values() for leaf in _positive_leaves(sign.when)]


def _meeting(answers: dict[str, Any], leaf: Leaf) -> dict[str, Any]:
    """``answers`` with the answer to ``leaf``'s question changed to meet it (a choice added to a list)."""
    question = KB.questions[leaf.fact]
    if leaf.op == "eq":
        return {**answers, question.id: leaf.value}
    if leaf.op in ("gt", "ge"):
        assert question.max is not None
        return {**answers, question.id: min(question.max, leaf.value + 1)}
    chosen = [c for c in answers.get(question.id) or [] if c != "none"]
    wanted = [leaf.value] if leaf.op == "contains" else list(leaf.value)
    return {**answers, question.id: chosen if set(wanted) & set(chosen) else [*chosen, wanted[0]]}


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(answers=answer_sets(), given_sign=st.sampled_from(SIGN_ANSWERS))
def test_a_warning_sign_given_through_any_question_never_lowers_urgency(
        answers: dict[str, Any], given_sign: tuple[str, str, Leaf]) -> None:
    """tests/test_invariants.py adds a "yes" to a warning question; signs also come through other
    answers (a cramp of more than 10 minutes, one stretching does not ease, cramps most nights, in
    muscles beyond the legs, a known kidney disease, a child's limp): meeting any of them never
    lowers the urgency, and a sign that fires gets at least its own level."""
    sign, level, leaf = given_sign
    if leaf.fact not in {q.id for q in visible_questions(KB, answers)}:
        return
    changed = _meeting(answers, leaf)
    kept = drop_unusable(KB, changed)
    if kept.get(leaf.fact) != changed[leaf.fact]:
        return
    before, after = assess(answers), assess(kept)
    assert URGENCY_RANK[after.urgency] >= URGENCY_RANK[before.urgency]
    if sign in {w.id for w in after.warning_signs}:
        assert URGENCY_RANK[after.urgency] >= URGENCY_RANK[level]


# --------------------------------------------------------------------------- 8. with JavaScript: a forgotten answer stays forgotten


@pytest.mark.browser
def test_with_javascript_an_answer_hidden_by_a_later_one_does_not_come_back(browser: Any, tmp_path: Path) -> None:
    """The step pages' script keeps answers in the tab and puts back, as hidden fields, any it holds
    that a step neither shows nor carries. An answer the server forgot because a later one hid its
    question (a child's fever, once the age said 70) came back that way once the question showed
    again (the age corrected to 10): with JavaScript the fever questions counted as answered, without
    it they stayed open, not ruled out."""
    from tests.web.threaded_server import serve_in_thread

    application = create_app(Settings(db=f"sqlite:///{tmp_path / 'diary.sqlite'}"))
    for url in serve_in_thread(application):
        context = browser.new_context(base_url=url)  # type: ignore[attr-defined]
        try:
            page = context.new_page()
            page.goto("/assess")

            for qid in ("child_fever_convulsions", "child_fever_limp"):
                page.locator(f"#q-{qid} label:has-text('No')").click()
            click_to_load(page, page.get_by_role("button", name="Next"))
            click_to_load(page, page.get_by_role("button", name="Next"))  # the other warning questions left open
            page.fill("#q-age input", "70")
            click_to_load(page, page.get_by_role("button", name="Next"))  # age 70: the fever questions are forgotten
            click_to_load(page, page.get_by_role("button", name="Back"))
            page.fill("#q-age input", "10")
            click_to_load(page, page.get_by_role("button", name="Next"))  # age 10: they are asked again, unanswered
            assert page.locator("#interview").count() == 1
            assert page.locator("#interview input[name=child_fever_convulsions]").count() == 0
            for _ in range(12):
                if page.locator("#urgency").count():
                    break
                click_to_load(page, page.locator("#interview button[value=next], #interview button[value=result]"))
            unanswered = page.locator(".unanswered").inner_text()
            assert KB.questions["child_fever_convulsions"].text in unanswered
        finally:
            context.close()
    application.state.engine.dispose()
