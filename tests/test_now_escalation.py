"""`crampcare now`: the escalation questions never take Enter or silence for "no"."""

from __future__ import annotations

import os
import subprocess
import sys


def now(input_text: str) -> subprocess.CompletedProcess[str]:
    # stdin is not a terminal here, so the steps print without timers and the questions are asked.
    return subprocess.run([sys.executable, "-m", "crampcare", "now"], input=input_text, capture_output=True,
                          text=True, timeout=120, env={**os.environ, "COLUMNS": "120"})


def test_enter_is_not_no_and_is_asked_again() -> None:
    result = now("\nn\nn\nn\nn\nn\n")
    assert result.returncode == 0, result.stderr
    assert "Enter is not an answer" in result.stdout
    assert "The cramp should pass" in result.stdout
    # Asked a few minutes in, "no" to the 10-minute question is only "not yet": the reassurance says when to act.
    assert "still there 10 minutes after it began" in " ".join(result.stdout.split())


def test_questions_left_unanswered_never_reassure() -> None:
    result = now("n\n")
    assert result.returncode == 0, result.stderr
    assert "cannot say the cramp is harmless" in result.stdout
    assert "The cramp should pass" not in result.stdout


def test_a_suspected_clot_is_told_not_to_rub_before_anything_else() -> None:
    result = now("n\nn\nn\ny\nn\n")
    assert "See a doctor today" in result.stdout
    action = result.stdout[result.stdout.rindex("Get help"):]  # the panel, after the steps
    assert action.index("don't massage") < action.index("clot")
    # The rub step itself warns against rubbing a swollen, warm or red calf.
    steps = result.stdout[: result.stdout.index("Is one calf swollen")]
    assert "don't rub it" in steps
