"""/now half asleep on a small phone: the way to the warning signs on the first screen, each step's
timer and the warning questions on screen after Next (not under the sticky buttons), focus on each
step's heading, Back, the "Yes" of each warning question naming its question for a screen reader,
and a timer that keeps time while the phone sleeps and across a reload.

One context and two page loads (English, Russian), and one offline visit; the process's one
Chromium (root conftest).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import time
from typing import Any

import pytest
from playwright.sync_api import expect
from tests.web.browserkit import log_cramp_offline

from crampcare.knowledge import load_knowledge

pytestmark = pytest.mark.browser
# Lets context.route() see the service worker's own requests too, so "offline" cuts it off as well.
os.environ.setdefault("PW_EXPERIMENTAL_SERVICE_WORKER_NETWORK_EVENTS", "1")

KB = load_knowledge()
# A 4-inch phone (320x568) and the suite's usual one (360x640), upright, and the 4-inch phone on its side
# (568x320: step 1's timer was under the sticky buttons on a first visit).
SIZES = [{"width": 320, "height": 568}, {"width": 360, "height": 640}, {"width": 568, "height": 320}]
# The control a step is for: its timer's button, or on the last step the first warning question's "Yes".
UNCOVERED = """n => {
    const step = document.getElementById('step-' + n);
    const target = step.querySelector('.timer button') || step.querySelector('.q summary');
    if (!target) return 'no control';
    const r = target.getBoundingClientRect();
    const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    return hit && target.contains(hit) ? '' : 'at ' + Math.round(r.top) + ' under ' + (hit ? hit.className || hit.tagName : 'the fold');
}"""


def test_now_step_by_step_on_a_small_phone(browser: Any, live_server: Any) -> None:
    context = browser.new_context(base_url=live_server.url, viewport=SIZES[0], is_mobile=True, has_touch=True,
                                  color_scheme="dark")
    page = context.new_page()
    page.clock.install()  # the page's clock: the timer is checked as if the phone slept
    hidden: dict[str, str] = {}
    try:
        for lang in ("en", "ru"):
            page.goto(f"/now?lang={lang}")
            steps = page.locator(".step")
            count = steps.count()
            for size in SIZES:
                page.set_viewport_size(size)
                page.evaluate("location.hash = ''")  # back to the first step, as on a first visit
                expect(steps.nth(0)).to_be_visible()
                # The way to the warning signs is on the first screen, not only after seven steps.
                expect(page.locator("a.out")).to_be_in_viewport()
                page.locator("a.out").click()
                expect(steps.nth(count - 1)).to_be_visible()
                expect(page.locator("#hc")).to_be_focused()
                page.evaluate("location.hash = ''")
                # The first step is shown on the hashchange, a moment later: its control is measured once it is.
                expect(steps.nth(0)).to_be_visible()
                for number in range(1, count + 1):
                    if number > 1:  # reached by Next, as a person does: the step is on screen, focus on its heading
                        page.locator(f"#step-{number - 1} .nav a.btn").first.click()
                        expect(steps.nth(number - 1)).to_be_visible()
                        expect(page.locator(f"#step-{number} h2")).to_be_focused()
                    if number == 2 and size is SIZES[0]:  # the browser's Back to the first step: focus follows
                        page.go_back()
                        expect(page.locator("#step-1 h2")).to_be_focused()
                        page.go_forward()
                        expect(page.locator("#step-2 h2")).to_be_focused()
                    problem = page.evaluate(UNCOVERED, number)
                    if problem and problem != "no control":
                        hidden[f"{lang} {size['width']}x{size['height']} step {number}"] = problem
            # Back (the browser's) returns to the step before, focused.
            page.go_back()
            expect(steps.nth(count - 2)).to_be_visible()
            expect(page.locator(f"#step-{count - 1} h2")).to_be_focused()
            # A screen reader on each "Yes" hears which question it answers.
            for index, question in enumerate(KB.escalation.values()):
                expect(page.locator(".q summary").nth(index)).to_have_accessible_description(
                    KB.text(f"escalation.{question.id}.text", lang))
        assert not hidden, hidden
        # The timer keeps time when no tick runs (a locked phone, a tab in the background): the
        # stretch goes on, and after its 30 seconds the step says Done, not "0:29".
        page.goto("/now#step-3")
        # The clock is a timer, not a status: a status (what <output> is by default) is a live region, and
        # screen readers read out every second of it; the page says only when the timer starts and ends.
        assert page.get_by_role("status").count() == 0 and page.get_by_role("timer").count() >= 1
        seconds = int(page.locator("#step-3 .timer").get_attribute("data-seconds") or "0")
        page.locator("#step-3 .timer button").click()
        # A reload mid-stretch (a pull-down on a phone) keeps the timer going from where it was.
        page.clock.fast_forward(10_000)
        page.reload()
        expect(page.locator("#step-3 output")).to_have_text(f"0:{seconds - 10:02d}")
        expect(page.locator("#step-3 .timer button")).to_have_text("Pause")
        page.clock.fast_forward((seconds - 10) * 1000 + 500)  # fires a due tick once, as after waking up
        expect(page.locator("#step-3 .done")).to_be_visible()
        expect(page.locator("#step-3 output")).to_have_text("0:00")
    finally:
        context.close()


def test_now_in_the_language_chosen_on_it_works_offline(browser: Any, live_server: Any) -> None:
    """The language link on /now is /now?lang=ru; the service worker kept /now alone, in the browser's
    language, so offline a Russian reader with an English browser got the English page. Offline the
    kept pages run their scripts, and a night logged offline is sent when the network is back, with
    what the diary holds for that night then (another device may have added to it)."""
    context = browser.new_context(base_url=live_server.url, service_workers="allow", locale="en-GB")
    page = context.new_page()
    night, slow_night = ((dt.date.today() - dt.timedelta(days=days)).isoformat() for days in (23, 24))
    page.clock.install()  # the page's clock (not the service worker's): a slow save is waited for at once
    try:
        page.goto("/now?lang=ru")
        page.evaluate("navigator.serviceWorker.ready.then(() => true)")  # installed: its pages are kept
        context.route("**/*", lambda route: route.abort())  # the server cannot be reached
        page.goto("/now")  # the page without a choice is there, in the browser's language
        assert page.locator("html").get_attribute("lang") == "en"
        page.goto("/now?lang=ru#step-2")
        assert page.locator("html").get_attribute("lang") == "ru"
        expect(page.locator("#step-2")).to_be_visible()
        # Its script came from the kept files too (one step at a time, timers): a kept static file was
        # looked up with its Vary headers (Accept-Language, Cookie), which missed it, so offline pages
        # ran without their scripts and the diary's offline form was sent to the absent network.
        expect(page.locator("html")).to_have_class(re.compile(r"\bjs\b"))
        # A cramp logged offline while another device adds one to the same night: both are kept, and the
        # page says what the diary holds for that night now (before: the box just went away).
        page.goto("/diary")
        page.locator("#night-form input[name=date]").fill(night)
        log_cramp_offline(page, night, "thigh")
        other = page.request.post("/api/v1/nights", headers={"Origin": live_server.url}, data={
            "date": night, "cramps": [{"start": "01:05", "duration_s": 60, "leg": "right", "muscles": ["foot"],
                                       "severity": 4}]})
        assert other.status == 201, other.text()
        context.unroute("**/*")
        page.goto("/diary")
        synced = page.locator("#synced")
        # Sent, then the night read back: a few requests, slow on a busy machine.
        expect(synced).to_contain_text(re.compile(r"01:05 right leg: foot 4/10; \d\d:\d\d left leg: thigh 7/10"),
                                       timeout=20_000)
        expect(synced.get_by_role("link", name="Edit night")).to_have_attribute("href", f"/diary/night/{night}")
        expect(page.locator("#pending")).to_be_hidden()
        expect(page.get_by_role("status").filter(has_text="Sent to your diary")).to_have_count(1)
        # A network that takes its time (sent, never answered): after 8 s the night is kept here, listed
        # as waiting (before: nothing was kept until an answer came, and closing the page lost it).
        held: list[Any] = []  # the requests sent and never answered
        context.route("**/diary/night", lambda route: held.append(route))
        form = page.locator("#night-form")
        form.locator("input[name=date]").fill(slow_night)
        for name, value in (("leg", "right"), ("muscles", "toes"), ("duration", "30"), ("severity", "3")):
            form.locator(f"input[name={name}][value='{value}'] + span").click()
        form.get_by_role("button", name="Save the cramp").click()
        page.clock.fast_forward(8000)
        expect(page.locator("#pending")).to_contain_text(f"Night of {slow_night}")
        # Then their connection drops: the save, and the sync that kept the night started (unrouted, they went
        # on to the server, and the night was sometimes sent and told on this page, not the next).
        deadline = time.monotonic() + 30  # a limit for a failure only: the loop ends when both are held
        while len(held) < 2:
            assert time.monotonic() < deadline, held
            page.wait_for_timeout(50)
        for route in held:
            route.abort()
        context.unroute("**/diary/night")
        page.goto("/diary")
        expect(synced).to_contain_text(re.compile(rf"Night of {slow_night}: \d\d:\d\d right leg: toes 3/10 "), timeout=20_000)
        # A network that never answers (a weak signal): the kept page shows after a moment instead of
        # a blank screen for as long as the browser waits (network first, with no limit, before).
        context.route(lambda url: url.split("?")[0].endswith("/now"), lambda route: None)  # asked, never answered
        # The service worker shows it after 2 s; a browser waiting on the network would take minutes.
        page.goto("/now?lang=ru", timeout=15_000)
        assert page.locator("html").get_attribute("lang") == "ru"
    finally:
        # The diary is the process's shared one: the night goes, so other tests' figures stay theirs.
        # (If-Match: without it the API refuses to delete a stored night, 428, and both nights stayed.)
        cleaned = [context.request.delete(f"/api/v1/nights/{logged}", headers={"Origin": live_server.url,
                                                                                "If-Match": "*"}).status
                   for logged in (night, slow_night)]
        context.close()
    assert cleaned == [200, 200], cleaned
