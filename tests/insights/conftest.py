"""The ``calibration`` marker: long simulation runs that check the trigger statistics' error rates.

They are skipped in the default run (each takes a minute or more) and run by the bench job with
``CRAMPCARE_CALIBRATION=1 pytest -m calibration tests/insights``.
"""

from __future__ import annotations

import os

import pytest


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "calibration: long simulation run; set CRAMPCARE_CALIBRATION=1 to run")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if os.environ.get("CRAMPCARE_CALIBRATION") == "1":
        return
    skip = pytest.mark.skip(reason="calibration run: set CRAMPCARE_CALIBRATION=1 (the bench job does)")
    for item in items:
        if "calibration" in item.keywords:
            item.add_marker(skip)
