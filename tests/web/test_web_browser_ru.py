"""The local app's journey once in Russian (issue 13): the browser asks for Russian, every step answers
in it, and the visible switch goes back to English and is remembered."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect
from tests.i18n.leak import LIMIT, describe, latin_share

pytestmark = pytest.mark.browser


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    context = browser.new_context(base_url=live_server.url, locale="ru-RU", viewport={"width": 1000, "height": 900})
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


def russian_page(page: Any) -> str:
    text = page.locator("body").inner_text()
    assert latin_share(text) <= LIMIT, f"{page.url}: {describe(text)}"
    return text


def test_journey_in_russian(page: Any) -> None:
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "ru"
    russian_page(page)
    with page.expect_navigation():
        page.get_by_role("link", name="Судорога сейчас?").first.click()
    assert page.url.endswith("/now")
    assert "Судорога сейчас?" in russian_page(page)

    page.goto("/assess")
    interview = page.locator("#interview")
    for qid in ("breathless_chest_pain", "seizure_signs", "stroke_signs", "cold_pale_limb"):
        interview.locator(f"#q-{qid} label:has-text('Нет')").click()
    interview.locator("#q-calf_swollen_red_warm label:has-text('Да')").click()
    # The guided interview: one section a screen, every button and question in Russian.
    russian_page(page)
    # Next asks the sign's follow-up (does it last?), then shows the result at once: a clot sign is
    # not kept waiting behind the rest of the interview (tests/web/test_web_qa.py).
    banner = page.locator("#urgency")
    while page.get_by_role("button", name="Далее").count():
        with page.expect_navigation():
            page.get_by_role("button", name="Далее").click()
        russian_page(page)
    banner.wait_for()
    assert "К врачу сегодня же" in banner.inner_text() or "к врачу сегодня же" in banner.inner_text().lower()
    russian_page(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Сохранить в дневник").click()
    expect(page.locator("text=Сохранено в дневнике.")).to_be_visible()

    page.goto("/diary")
    with page.expect_navigation():  # sent by the page's script, which then opens the diary it answered with
        page.get_by_role("button", name="Спокойная ночь — без судорог", exact=False).click()
    expect(page.locator("#flash")).to_contain_text("сохранена")
    russian_page(page)

    page.goto("/insights")
    russian_page(page)

    # The region switch beside the language switch: the UK's numbers, remembered on the next page.
    # Each switch is a form sent back to this page: waited for, or the next goto cancels it (and its cookie)
    # while it is on its way (the URL already matches, so waiting for it returned at once).
    page.locator("#region-choice").select_option("GB")
    with page.expect_navigation():
        page.locator(".region-switch button").click()
    assert page.url.endswith("/insights")
    page.goto("/learn")
    assert "звоните 999" in page.locator("footer").inner_text()

    # The visible switch: English, remembered over the browser's Russian on the next page.
    with page.expect_navigation():
        page.locator(".language-switch button[value='en']").click()
    page.goto("/learn")
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Learn" in page.locator("h1").inner_text()
