"""Browser tests: Debian's Chromium through Playwright against the app on a loopback port.

Screenshots go to test-artifacts/ (gitignored).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect
from tests.web.browserkit import as_new, watch_errors

pytestmark = pytest.mark.browser


WINDOW = {"width": 1000, "height": 900}


@pytest.fixture(scope="module")
def shared_page(browser: Any, live_server: Any) -> Iterator[Any]:
    context = browser.new_context(base_url=live_server.url, viewport=WINDOW)
    try:
        yield watch_errors(context.new_page())
    finally:
        context.close()


@pytest.fixture
def page(shared_page: Any, live_server: Any) -> Any:
    """The module's page, as a new context would start it (``as_new``: a new page costs Chromium a renderer
    process, a new context more)."""
    return as_new(shared_page, live_server.url, WINDOW)


def next_step(page: Any, name: str = "Next") -> None:
    """Press the interview's button and wait for the page it sends: a check made before that page arrives
    reads the old one (a button of the same name is on both, and a click on the old one is lost)."""
    with page.expect_navigation():
        page.get_by_role("button", name=name).click()


def no_csp_violations(page: Any) -> None:
    blocked = [e for e in page.errors if "Content Security Policy" in e or "Refused" in e]
    assert not blocked, blocked


def test_complete_an_assessment(page: Any, screenshot: Callable[[Any, str], Path]) -> None:
    page.goto("/assess")
    interview = page.locator("#interview")
    # Warning signs: all no.
    for qid in ("breathless_chest_pain", "seizure_signs", "stroke_signs", "cold_pale_limb", "calf_swollen_red_warm"):
        interview.locator(f"#q-{qid} label:has-text('No')").click()
    next_step(page)
    # The rest were left open on purpose: the page names them once, and Next again goes on.
    expect(page.locator("#left-open")).to_be_visible()
    next_step(page)
    page.fill("#q-age input", "34")
    page.locator("#q-sex label:has-text('Female')").click()
    page.fill("#q-weight_kg input", "70")
    next_step(page)
    page.locator("#q-pregnant label:has-text('Yes')").click()
    assert page.locator("#q-pregnancy_week").count() == 0
    next_step(page)
    # The server shows the week on the same step once "pregnant" is answered.
    page.fill("#q-pregnancy_week input", "30")
    # Being sick late in pregnancy is a warning sign: left open, the step would name it.
    page.locator("#q-morning_sickness label:has-text('No')").click()
    next_step(page)
    page.locator("#q-frequency label:has-text('Every week')").click()
    page.locator("#q-muscles label:has-text('Calf')").click()
    next_step(page)
    # How long and whether stretching eases it were left open: they keep a warning sign open, so the
    # step names them like warning questions, and Next again goes on.
    expect(page.locator("#left-open a[href='#q-duration_minutes']")).to_be_visible()
    next_step(page)
    page.fill("#q-fluids_l input", "1")
    while page.get_by_role("button", name="Next").count():  # read on a loaded page: next_step waits for it
        next_step(page)
    next_step(page, "See my assessment")
    next_step(page, "See my assessment")  # the medicines, left open on purpose
    banner = page.locator("#urgency")
    expect(banner).to_have_class(re.compile(r"\burgency-"))
    assert page.locator("h1").count() == 1
    why = page.locator("details.why").first
    why.locator("summary").click()
    assert why.locator("text=Because you answered").is_visible() or why.locator("text=Evidence").is_visible()
    assert page.locator("text=Fluids: about 1.4 L a day").is_visible()
    screenshot(page, "assessment-result")
    page.get_by_role("button", name="Save to my diary").click()
    page.locator("text=Saved to your diary").wait_for()
    no_csp_violations(page)


def test_log_a_night_and_see_it_in_insights(page: Any, screenshot: Callable[[Any, str], Path]) -> None:
    page.goto("/diary")
    form = page.locator("#night-form")
    for name, value in (("leg", "left"), ("muscles", "calf"), ("duration", "60"), ("severity", "8"),
                        ("helped", "stretch")):
        form.locator(f"input[name={name}][value='{value}'] + span").click()  # the big button of the choice
    screenshot(page, "diary-form")
    form.get_by_role("button", name="Save the cramp").click()
    page.locator("#flash").wait_for()
    assert "saved" in page.locator("#flash").inner_text()
    page.get_by_role("link", name="Insights").click()
    page.wait_for_url("**/insights")
    summary = page.locator(".summary").inner_text()
    assert "1 with a cramp" in summary
    assert page.locator(".chart-box svg").count() >= 2
    screenshot(page, "insights")
    # Undo from the diary removes it again.
    page.goto("/diary")
    with page.expect_navigation():  # the list below is read on the page the undo answers with
        page.get_by_role("button", name="Undo the last change").click()
    page.locator("#flash").wait_for()
    assert page.locator(".entry").count() == 0 or "cramp" not in page.locator(".entries").inner_text()
    no_csp_violations(page)


def test_now_steps_one_at_a_time_and_offline(page: Any, screenshot: Callable[[Any, str], Path]) -> None:
    page.goto("/now")
    steps = page.locator(".step")
    assert steps.nth(0).is_visible() and steps.nth(1).is_hidden()
    page.locator("#step-1").get_by_role("link", name="Next step").click()
    # The page's script shows the step on hashchange, a moment after the click: wait for it.
    expect(steps.nth(1)).to_be_visible()
    expect(steps.nth(0)).to_be_hidden()
    timer = page.locator("#step-2 .timer button")
    assert timer.is_visible()
    timer.click()
    expect(page.locator("#step-2 output")).not_to_have_text("0:10")  # it counts down
    screenshot(page, "now-step")
    # The service worker takes control, then the page reloads with the network off.
    page.evaluate("() => navigator.serviceWorker.ready")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", polling=100)
    page.context.set_offline(True)
    try:
        page.reload()
        page.locator("h1").wait_for()
        assert "Cramp now?" in page.locator("h1").inner_text()
        # Still on step 2 (#step-2), one step at a time: the script came from the cache too.
        expect(steps.nth(1)).to_be_visible()
        expect(steps.nth(0)).to_be_hidden()
        screenshot(page, "now-offline")
    finally:
        page.context.set_offline(False)
    no_csp_violations(page)


def test_now_without_javascript_lists_all_steps(browser: Any, live_server: Any) -> None:
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto("/now")
        steps = page.locator(".step")
        assert steps.count() >= 5
        assert all(steps.nth(i).is_visible() for i in range(steps.count()))
    finally:
        context.close()


# Every page at 360 px (no sideways scroll, axe, screenshots): tests/web/test_web_phone.py.


def test_now_paints_quickly(page: Any) -> None:
    page.goto("/now")
    # The paint entry can land a frame after the load event: wait for it (buffered observer).
    first_paint = page.evaluate("""() => new Promise(resolve => {
        const found = () => {
            const entry = performance.getEntriesByName('first-contentful-paint')[0];
            if (entry) { resolve(entry.startTime); return true; }
            return false;
        };
        if (found()) return;
        new PerformanceObserver(found).observe({type: 'paint', buffered: true});
        requestAnimationFrame(() => requestAnimationFrame(found));
        setTimeout(() => resolve(-1), 5000);
    })""")
    assert 0 < first_paint < 3000
