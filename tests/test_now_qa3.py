"""`crampcare now` at 3 a.m., third QA pass: what a half-awake person types is read the safe way."""

from __future__ import annotations

import pytest
from tests.test_cli import crampcare

from crampcare.knowledge import load_knowledge

KB = load_knowledge()
STEPS = [s for s in KB.first_aid.values() if s.in_now]


def test_the_q_key_on_a_russian_keyboard_layout_still_reaches_the_warning_questions(monkeypatch: pytest.MonkeyPatch) -> None:
    """The prompt says "q"; with the Russian layout on (the usual one for a Russian reader) that key
    types "й", which went on to the next step in silence: the way out to the warning signs was lost.
    Anything typed other than a bare Enter now goes to the warning questions."""
    from crampcare.cli import now_command

    monkeypatch.setattr(now_command, "_interactive", lambda: True)  # as in a terminal
    monkeypatch.setattr(now_command.time, "sleep", lambda _seconds: None)
    run = crampcare("now", "--lang", "ru", input="й\n" + "н\n" * len(KB.escalation), env={"COLUMNS": "200"})
    assert run.returncode == 0, run.stderr
    assert KB.text(f"first_aid.{STEPS[0].id}.title", "ru") in run.stdout
    assert KB.text(f"first_aid.{STEPS[1].id}.title", "ru") not in run.stdout
    assert all(KB.text(f"escalation.{q}.text", "ru") in run.stdout for q in KB.escalation)


def test_ctrl_d_at_a_step_goes_to_the_warning_questions_and_never_reassures(monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-D at "Enter for the next step" ended the walk-through in silence: no warning question
    asked, nothing said. It now goes to the questions like any other key; with the input ended there
    too, they are listed unanswered and the cramp is not called harmless."""
    from crampcare.cli import now_command

    monkeypatch.setattr(now_command, "_interactive", lambda: True)  # as in a terminal
    monkeypatch.setattr(now_command.time, "sleep", lambda _seconds: None)
    run = crampcare("now", input="", env={"COLUMNS": "200"})  # the input ends at the first prompt
    assert run.returncode == 0, run.stderr
    assert KB.text(f"first_aid.{STEPS[1].id}.title", "en") not in run.stdout
    assert all(question.text in run.stdout for question in KB.escalation.values())
    assert "cannot say the cramp is harmless" in run.stdout and "should pass" not in run.stdout


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_the_learn_first_aid_page_has_the_warning_questions_its_massage_step_points_to(lang: str) -> None:
    """/learn/first-aid and `crampcare learn first-aid` gave the same steps as `now`, but not the
    questions at its end: the massage step's "see the questions at the end" pointed at nothing, and
    a reader of the first-aid page never learnt that a cramp past 10 minutes or a swollen calf needs
    a doctor today, or that breathlessness needs an ambulance."""
    from crampcare.i18n.context import use_language
    from crampcare.i18n.wording import urgency_action
    from crampcare.learn import topic_markdown

    with use_language(lang, "RU"):
        page = topic_markdown(KB, "first-aid")
        for question in KB.escalation.values():
            assert KB.text(f"escalation.{question.id}.text", lang) in page
            assert KB.text(f"escalation.{question.id}.yes_action", lang) in page
            assert urgency_action(question.yes_urgency) in page
        assert "112" in page and "103" in page  # an emergency names the reader's numbers
