"""Server mode in Debian's Chromium (Playwright): sign up -> log a night -> log out -> log in -> see it.

A real `crampcare serve --multi-user` on a migrated SQLite file; screenshots go to test-artifacts/.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from serverkit import ARTIFACTS, PASSWORD, LiveServer, crampcare

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture
def server(tmp_path: Path, serve: Callable[..., LiveServer]) -> LiveServer:
    db = f"sqlite:///{tmp_path / 'server.db'}"
    assert crampcare("db", "upgrade", "--db", db).returncode == 0
    return serve("--multi-user", "--db", db)


@pytest.fixture
def page(server: LiveServer) -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip("Debian's Chromium (/usr/bin/chromium) is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(base_url=server.url, viewport={"width": 1000, "height": 900})
            page = context.new_page()
            problems: list[str] = []
            page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
            page.on("pageerror", lambda exc: problems.append(str(exc)))
            page.problems = problems
            yield page
        finally:
            browser.close()


def shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"server-{name}.png"), full_page=True)


def test_sign_up_log_a_night_log_out_log_in_and_see_it(page: Any) -> None:
    page.goto("/diary")
    page.wait_for_url("**/login?next=%2Fdiary")  # the diary is behind the log-in...
    assert page.get_by_role("link", name="Cramp now?").first.is_visible()  # ...first aid is not
    page.get_by_role("link", name="Sign up").first.click()
    page.wait_for_url("**/signup")
    page.fill("#f-email", "ann@example.org")
    page.fill("#f-password", PASSWORD)
    page.fill("#f-password_again", PASSWORD)
    shot(page, "signup")
    page.get_by_role("button", name="Create my account").click()
    page.wait_for_url("**/diary")

    form = page.locator("#night-form")
    for name, value in (("leg", "right"), ("muscles", "foot"), ("duration", "180"), ("severity", "7"),
                        ("helped", "walk")):
        form.locator(f"input[name={name}][value='{value}'] + span").click()
    form.get_by_role("button", name="Save the cramp").click()
    page.locator("#flash").wait_for()
    assert "saved" in page.locator("#flash").inner_text()
    entry = page.locator(".entry").first.inner_text()
    assert "right foot" in entry and "180 s" in entry and "7/10" in entry
    shot(page, "night-logged")

    page.get_by_role("button", name="Log out").click()
    page.wait_for_url("**/login?done=logged_out")
    assert "You are logged out" in page.locator("#flash").inner_text()
    page.goto("/diary")
    page.wait_for_url("**/login?next=%2Fdiary")
    shot(page, "logged-out")

    page.fill("#f-email", "ann@example.org")
    page.fill("#f-password", "not the password")
    page.get_by_role("button", name="Log in").click()
    page.locator("#form-errors").wait_for()
    assert "wrong e-mail or password" in page.locator("#form-errors").inner_text()
    page.fill("#f-password", PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/diary")
    entry = page.locator(".entry").first.inner_text()
    assert "right foot" in entry and "7/10" in entry
    shot(page, "logged-in-again")

    page.get_by_role("link", name="Account").click()
    page.wait_for_url("**/account")
    assert page.locator("#account-email").inner_text() == "ann@example.org"
    shot(page, "account")
    blocked = [p for p in page.problems if "Content Security Policy" in p or "Refused" in p]
    assert not blocked, blocked
