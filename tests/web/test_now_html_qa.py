"""/now read without JavaScript (a phone with scripts off, a reader mode): what the page itself says."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from crampcare.knowledge import load_knowledge
from crampcare.web.app import create_app
from crampcare.web.settings import Settings

KB = load_knowledge()
STEPS = [s for s in KB.first_aid.values() if s.in_now]
HIDDEN = re.compile(r"<(div|p|span)\b[^>]*\bhidden\b[^>]*>.*?</\1>", re.S)
STEP = re.compile(r'<li class="step" id="step-(\d+)".*?</li>', re.S)


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """One app for the module: /now reads no diary."""
    with TestClient(create_app(Settings(db=str(tmp_path_factory.mktemp("now") / "diary.sqlite")))) as client:
        yield client


@pytest.mark.parametrize(("lang", "unit"), [("en", "s"), ("ru", "с")])
def test_without_javascript_each_timed_step_still_says_how_long(web: TestClient, lang: str, unit: str) -> None:
    """The timer is `hidden` until now.js starts it, so without scripts "Hold the stretch" said
    nowhere for how long; `crampcare now --plain` says "[30 s]" beside the same step."""
    page = web.get(f"/now?lang={lang}").text
    shown = {int(m.group(1)): HIDDEN.sub("", m.group(0)) for m in STEP.finditer(page)}
    for number, step in enumerate(STEPS, start=1):
        if step.seconds:
            assert re.search(rf"\b{step.seconds}\s{unit}\b", shown[number]), (number, shown[number])
