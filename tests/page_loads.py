"""Waiting for the page a click loads, for the browser tests outside tests/web.

A click returns once the browser has taken it, not once the page it sends for has arrived: a check
made straight after it (``count()``, ``inner_text()``, a ``#flash`` that the page before also had) may
still read the page before, and a second click may aim at a button that vanishes under it (CI's
timeout in test_parity_qa.py). ``click_to_load`` waits for the new page and its scripts.
"""

from __future__ import annotations

from typing import Any


def click_to_load(page: Any, control: Any) -> None:
    """Click ``control`` (a locator on ``page``) and wait until the page it loads has loaded."""
    with page.expect_navigation():
        control.click()
