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
