"""`crampcare now` at 3 a.m.: a narrow terminal, the guidance beside each step, and the emergency
numbers of the reader's region only, in every client (the terminal, `--plain` and /now)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from tests.test_cli import crampcare

from crampcare.i18n.regions import REGIONS
from crampcare.knowledge import load_knowledge
from crampcare.web.app import create_app
from crampcare.web.settings import Settings

KB = load_knowledge()
STEPS = [s for s in KB.first_aid.values() if s.in_now]
BOX = re.compile(r"[│╭╮╰╯─]+")
NUMBERS = re.compile(r"(?<!\d)(?:112|103|999|911)(?!\d)")


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """One app for the module: /now reads no diary."""
    with TestClient(create_app(Settings(db=str(tmp_path_factory.mktemp("now") / "diary.sqlite")))) as client:
        yield client


def flat(text: str) -> str:
    """What a terminal showed, without the panels' borders and line breaks."""
    return " ".join(BOX.sub(" ", text).split())


def test_a_40_column_terminal_shows_every_step_title_whole_and_the_guidance() -> None:
    # The step titles sat in the panel's border, and a narrow terminal cut them: "Sit with your legs out in fron".
    run = crampcare("now", input="n\nn\nn\nn\n", env={"COLUMNS": "40"})
    assert run.returncode == 0, run.stderr
    shown = flat(run.stdout)
    for step in STEPS:
        assert step.title in shown, step.id
        if step.guidance_note:  # --plain and /now say where guidance differs from the article; so does this
            assert " ".join(step.guidance_note.split()) in shown, step.id


@pytest.mark.parametrize(("lang", "region"), [("en", "US"), ("en", "GB"), ("ru", "GB"), ("ru", "US"), ("en", "RU")])
def test_an_emergency_names_only_the_numbers_of_the_readers_region(lang: str, region: str,
                                                                  web: TestClient) -> None:
    """The escalation texts said "Dial 112" (Russian: "Звоните 112 или 103") after a headline with the
    region's own number: "call emergency services now (911). Dial 112 …" at the worst moment to choose."""
    allowed = set(REGIONS[region].emergency) | {REGIONS[region].urgent_advice} - {None}
    plain = crampcare("now", "--plain", "--lang", lang, "--region", region)
    # Yes to the first question (breathless or chest pain): the emergency panel, then the run stops.
    # (A first letter counts in the asking language only: "д" in Russian; crampcare.i18n.wording.yes_no.)
    interactive = crampcare("now", "--lang", lang, "--region", region, input="y\n" if lang == "en" else "д\n",
                            env={"COLUMNS": "200"})
    web.cookies.set("crampcare_region", region)
    page = web.get("/now", params={"lang": lang}).text
    question = KB.text("escalation.esc_breathless.text", lang)
    shown = {
        "--plain": "\n".join(line for line in plain.stdout.splitlines() if line.startswith("- ")),
        "now": interactive.stdout[interactive.stdout.index(question):],
        "/now": page[page.index('id="hc"'):],
    }
    for client_name, text in shown.items():
        numbers = set(NUMBERS.findall(text))
        assert numbers and numbers <= allowed, (client_name, lang, region, numbers)


def test_sudden_weakness_of_one_side_is_an_escape_to_an_emergency_in_every_client(web: TestClient) -> None:
    """A stroke at night can feel like a dead or cramping leg. The interview asks about stroke signs
    first; /now and `crampcare now` had no way out for them (breathless, cold leg, calf, long cramp)."""
    stroke = [q for q in KB.escalation.values() if "one side" in q.text and "weak" in q.text]
    assert [q.yes_urgency for q in stroke] == ["emergency"]
    question = stroke[0]
    answers = "".join("y\n" if q is question else "n\n" for q in KB.escalation.values())
    interactive = flat(crampcare("now", "--region", "GB", input=answers, env={"COLUMNS": "200"}).stdout)
    assert "Call emergency services now: 999. " + question.yes_action in interactive
    plain = crampcare("now", "--plain", "--region", "GB").stdout
    assert f"- {question.text} -> call emergency services now (999). {question.yes_action}" in plain
    web.cookies.set("crampcare_region", "GB")
    page = web.get("/now").text
    assert re.search(re.escape(question.text) + r"</p>\s*<details><summary[^>]*>Yes</summary><div class=\"act\" role=\"alert\">"
                     r"<strong>Call emergency services now: 999.</strong>" + re.escape(question.yes_action), page)


def test_each_warning_question_names_its_source_and_evidence_in_every_client(web: TestClient) -> None:
    """Every statement has a source and an evidence grade: the first-aid steps showed theirs, the
    warning questions' actions none in the terminal and no grade on /now."""
    from crampcare.i18n.context import activate
    from crampcare.i18n.wording import evidence_label, source_names, source_title

    activate("en", None)
    plain = crampcare("now", "--plain").stdout.splitlines()
    page = web.get("/now").text
    for question in KB.escalation.values():
        grade = evidence_label(question.evidence)
        line = plain.index(next(line for line in plain if line.startswith(f"- {question.text} -> ")))
        assert plain[line + 1] == f"  (source: {', '.join(question.sources)}; evidence: {grade})", question.id
        answers = "".join("y\n" if q is question else "n\n" for q in KB.escalation.values())
        panel = flat(crampcare("now", input=answers, env={"COLUMNS": "200"}).stdout.split(question.text, 1)[1])
        assert f"{question.yes_action} {grade} — {source_names(KB, question.sources)}" in panel, question.id
        block = page[page.index(question.text):]
        titles = "; ".join(source_title(KB, s) for s in question.sources)
        assert block[:block.index("</div>", block.index('class="ev"'))].endswith(
            f'<p class="ev">Source: {titles}. Evidence: {grade}.</p>'), question.id


def test_the_countdown_keeps_its_clock_in_a_40_column_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """The longest step title squeezed the time left to "0…" (and Rich's estimate showed "-:--:--" at first)."""
    import io

    from rich.console import Console

    from crampcare.cli import now_command

    monkeypatch.setattr(now_command.time, "sleep", lambda _seconds: None)
    longest = max((KB.text(f"first_aid.{s.id}.title", lang) for s in STEPS for lang in ("en", "ru")), key=len)
    screen = io.StringIO()
    now_command._countdown(Console(file=screen, width=40, force_terminal=True), 3, longest)
    shown = re.sub(r"\x1b\[[0-9;?]*[a-zA-Z]", "", screen.getvalue()).replace("\r", "\n")
    assert {"0:03", "0:00"} <= set(re.findall(r"\d:\d\d", shown)), shown  # at the start and at the end
    assert shown.endswith("\a"), "no bell when the time is up (the web page vibrates)"


def test_the_warning_questions_are_one_keypress_away_at_every_step(monkeypatch: pytest.MonkeyPatch) -> None:
    """The prompt after each step offered "q to stop": a person with chest pain at step 1 could not
    tell that q leads to the warning questions at once (the web's first screen links them too)."""
    from crampcare.cli import now_command

    monkeypatch.setattr(now_command, "_interactive", lambda: True)  # as in a terminal
    monkeypatch.setattr(now_command.time, "sleep", lambda _seconds: None)
    run = crampcare("now", input="q\n" + "n\n" * len(KB.escalation), env={"COLUMNS": "200"})
    assert run.returncode == 0, run.stderr
    assert "Enter for the next step, q for the warning signs now:" in run.stdout
    assert STEPS[0].title in run.stdout and STEPS[1].title not in run.stdout
    assert all(q.text in run.stdout for q in KB.escalation.values()) and "The cramp should pass" in run.stdout


def test_no_warning_text_names_a_phone_number_of_its_own() -> None:
    """Every client heads an emergency with the numbers of the reader's region; a text with its own
    number contradicts them elsewhere. The Russian warning signs' actions said "112 или 103" (103 is
    no number in the UK or the US) and the English referral "112, or your local emergency number".
    The Russian learn pages (when to see a doctor, children) still wrote "112 или 103" in their text."""
    from crampcare.knowledge.loader import text_catalog

    kept = ("warning_signs.", "referrals.", "questions.", "escalation.", "topics.")
    for lang in ("en", "ru"):
        numbered = [key for key in text_catalog(KB) if key.startswith(kept) and NUMBERS.search(KB.text(key, lang))]
        assert not numbered, (lang, numbered)
