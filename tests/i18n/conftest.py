"""The leak tests run commands in Russian in this process; the chosen language lives in a context
variable, so each test hands English back and later tests that read English messages are unaffected."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from crampcare.i18n.context import activate


@pytest.fixture(autouse=True)
def _english_afterwards() -> Iterator[None]:
    yield
    activate("en")
