"""Waiting for the page a click loads, for the browser tests outside tests/web.

A click that sends a form returns once the browser has started showing the next page, not once all
of it has arrived: a check that does not wait (``count()``, ``is_visible()``, ``inner_text()`` of
something both pages have) may see a page still half there, and the next click may wait for a
button the page never has. CI's timeout in test_parity_qa.py was that: ``count("#urgency")`` found
no result yet, so the loop waited for a Next button on the result page. With the server sending
each page in two parts 0.6 s apart, the old test failed exactly so. ``click_to_load`` waits for
the new page's load event (its deferred scripts have run).
"""


from __future__ import annotations

from typing import Any


def click_to_load(page: Any, control: Any) -> None:
    """Click ``control`` (a locator on ``page``) and wait until the page it loads has loaded."""
    with page.expect_navigation():
        control.click()
