"""Helpers for the browser tests: axe-core (from the npm registry, ``npm ci``) and the sideways check.

axe-core is loaded once per page load from ``AXE_URL`` on the page's own origin, which every app served
by tests/web/threaded_server.py answers: pages keep their Content Security Policy (``script-src 'self'``),
and Chromium's cache compiles the script once per context instead of once per page.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
AXE_URL = "/__test__/axe.min.js"
BLANK_URL = "/__test__/blank"  # an empty page, of the app's origin but not the app's (threaded_server.py)
# Rules axe-core has since turned off by default (deprecated): still run, so an upgrade drops no check.
KEPT_RULES = ["landmark-complementary-is-top-level"]


def axe_violations(page: Any, only: list[str] | None = None) -> list[str]:
    """axe-core's violations on the page (every rule, or ``only`` these: the dark scheme changes colours only)."""
    if not AXE.exists():
        pytest.fail("axe-core is missing: run `npm ci` (scripts/test.sh does)")
    # One round trip: load axe-core if this page load has not yet, then run it.
    found = page.evaluate("""async ([url, only, kept]) => {
        if (typeof axe === 'undefined') {
            await new Promise((loaded, failed) => {
                const script = document.createElement('script');
                script.src = url;
                script.onload = loaded;
                script.onerror = () => failed(new Error('axe-core did not load from ' + url));
                (document.head || document.documentElement).appendChild(script);
            });
        }
        const options = {resultTypes: ['violations']};
        if (only) options.runOnly = {type: 'rule', values: only};
        else options.rules = Object.fromEntries(kept.map(id => [id, {enabled: true}]));
        const r = await axe.run(document, options);
        return r.violations.map(v => v.id + ': ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', '));
    }""", [AXE_URL, only, KEPT_RULES])
    return list(found)


def sideways(page: Any) -> int:
    """How far the page scrolls sideways (0 when it fits)."""
    return int(page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth"))


def watch_errors(page: Any) -> Any:
    """Collect the page's console errors and uncaught exceptions in ``page.errors`` (a blocked script
    shows up there as a Content Security Policy refusal)."""
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.errors = errors
    return page


def log_cramp_offline(page: Any, night: str, muscle: str) -> Any:
    """On the (cached) diary page, save a cramp with the night form and wait until it is listed as
    waiting to sync; returns the pending list."""
    form = page.locator("#night-form")
    for name, value in (("leg", "left"), ("muscles", muscle), ("duration", "60"), ("severity", "7")):
        form.locator(f"input[name={name}][value='{value}'] + span").click()
    form.get_by_role("button", name="Save the cramp").click()
    pending = page.locator("#pending")
    pending.wait_for(state="visible")
    assert "Waiting to sync" in pending.inner_text() and f"Night of {night}" in pending.inner_text()
    return pending


def as_new(page: Any, origin: str, viewport: dict[str, int]) -> Any:
    """``page``, shared by a module's tests, as a new context would start it: on an empty page of the site
    (``BLANK_URL``), with none of its cookies, local or session storage, IndexedDB (nights kept offline),
    service worker, Cache Storage or HTTP cache, at ``viewport`` on a light screen, with no errors noted
    yet. A new page costs Chromium a renderer process for its blank document (0.5 CPU-s), a new context more."""
    page.goto(BLANK_URL)  # the app's page ends: no longer a client of its service worker
    page.evaluate("sessionStorage.clear()")  # the tab's own
    page.context.clear_cookies()
    cdp = page.context.new_cdp_session(page)
    try:
        cdp.send("Storage.clearDataForOrigin", {"origin": origin, "storageTypes": "all"})
        cdp.send("Network.clearBrowserCache")
    finally:
        cdp.detach()
    page.set_viewport_size(viewport)
    page.emulate_media(media="screen", color_scheme="light")
    if hasattr(page, "errors"):
        page.errors.clear()
    return page
