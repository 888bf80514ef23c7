"""The clinic journey in Debian's Chromium (Playwright), on a real `crampcare serve --multi-user`:
a patient invites her clinician, he accepts and sees her at the top of his dashboard after her
urgent assessment, she ends the sharing, and his open page loses access at once.
Screenshots go to test-artifacts/."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from serverkit import ARTIFACTS, PASSWORD, LiveServer, crampcare, start_serve

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture
def live(tmp_path: Path) -> Iterator[tuple[LiveServer, str]]:
    db = f"sqlite:///{tmp_path / 'clinic.db'}"
    assert crampcare("db", "upgrade", "--db", db).returncode == 0
    server = start_serve(tmp_path, "--multi-user", "--db", db)
    try:
        yield server, db
    finally:
        server.stop()


@pytest.fixture
def browser(live: tuple[LiveServer, str]) -> Iterator[Callable[[], Any]]:
    """``browser()``: a new page in its own context (its own cookies: one person each)."""
    if not CHROMIUM.exists():
        pytest.skip("Debian's Chromium (/usr/bin/chromium) is not installed")
    from playwright.sync_api import sync_playwright

    server, _db = live
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        problems: list[str] = []

        def new_page() -> Any:
            context = chromium.new_context(base_url=server.url, viewport={"width": 1100, "height": 900})
            page = context.new_page()
            page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
            page.on("pageerror", lambda exc: problems.append(str(exc)))
            return page

        try:
            yield new_page
        finally:
            chromium.close()
        blocked = [p for p in problems if "Content Security Policy" in p or "Refused" in p]
        assert not blocked, blocked


def shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"clinic-{name}.png"), full_page=True)


def sign_up(page: Any, email: str) -> None:
    page.goto("/signup")
    page.fill("#f-email", email)
    page.fill("#f-password", PASSWORD)
    page.fill("#f-password_again", PASSWORD)
    page.get_by_role("button", name="Create my account").click()
    page.wait_for_url("**/diary")


def invite(page: Any, clinician_email: str) -> None:
    page.get_by_role("link", name="Sharing").click()
    page.wait_for_url("**/sharing")
    page.fill("#f-email", clinician_email)
    page.get_by_role("button", name="Invite by e-mail").click()
    page.locator("#flash").wait_for()


def test_invite_accept_urgent_first_revoke_and_access_ends(browser: Callable[[], Any],
                                                            live: tuple[LiveServer, str]) -> None:
    _server, db = live
    doctor, ann, ben = browser(), browser(), browser()
    sign_up(doctor, "doctor@clinic.example")
    doctor.goto("/clinic")
    assert "no such page" in doctor.content() or "not found" in doctor.content().lower()  # not a clinician yet
    granted = crampcare("users", "grant", "doctor@clinic.example", "--role", "clinician", "--db", db)
    assert granted.returncode == 0, granted.stderr

    sign_up(ben, "ben@example.org")
    invite(ben, "doctor@clinic.example")
    sign_up(ann, "ann@example.org")
    invite(ann, "doctor@clinic.example")
    assert "not accepted yet" in ann.locator("#access-list").inner_text()
    shot(ann, "patient-invites")

    doctor.goto("/diary")
    doctor.get_by_role("link", name="Clinic").click()  # in the navigation bar, for clinicians only
    doctor.wait_for_url("**/clinic")
    assert ann.get_by_role("link", name="Clinic").count() == 0
    for _ in range(2):
        doctor.get_by_role("button", name="Accept").first.click()
        doctor.locator("#flash").wait_for()
    rows = doctor.locator("#patients tbody tr")
    assert rows.count() == 2

    # ann's urgent assessment, through the interview, saved to her diary
    ann.goto("/assess")
    ann.locator("#q-calf_swollen_red_warm label:has-text('Yes')").click()
    while True:  # the guided interview, step by step; the server adds follow-ups as answers come
        if ann.locator("#q-calf_change_lasting").count() and not ann.locator(
                "#q-calf_change_lasting input:checked").count():
            ann.locator("#q-calf_change_lasting label:has-text('Yes')").click()
        if ann.locator("#q-age input").count():
            ann.fill("#q-age input", "71")
        if not ann.get_by_role("button", name="Next").count():
            break
        ann.get_by_role("button", name="Next").click()
    ann.get_by_role("button", name="See my assessment").click()
    ann.locator("#urgency").wait_for()
    ann.get_by_role("button", name="Save to my diary").click()
    ann.locator("text=Saved to your diary").wait_for()

    doctor.goto("/clinic")
    first = doctor.locator("#patients tbody tr").first.inner_text()
    assert "ann@example.org" in first and "urgent" in first, first
    shot(doctor, "dashboard-urgent-first")
    doctor.get_by_role("link", name="ann@example.org").click()
    doctor.wait_for_url("**/clinic/patients/*")
    assert "URGENT" in doctor.locator(".banner").inner_text()
    patient_url = doctor.url
    doctor.get_by_role("link", name="Latest assessment").click()
    doctor.locator("#urgency").wait_for()
    assert doctor.get_by_role("button", name="Save to my diary").count() == 0  # read-only
    shot(doctor, "patient-assessment")

    ann.get_by_role("link", name="Sharing").click()
    log = ann.locator("#audit-log").inner_text()
    assert "doctor@clinic.example viewed your latest assessment" in log
    ann.get_by_role("button", name="End access").click()
    ann.locator("#flash").wait_for()
    assert "ended" in ann.locator("#access-list").inner_text()
    shot(ann, "patient-revoked")

    response = doctor.goto(patient_url)  # the clinician's open session, at once
    assert response is not None and response.status == 404
    doctor.goto("/clinic")
    dashboard = doctor.locator("#patients").inner_text()
    assert "ann@example.org" not in dashboard and "ben@example.org" in dashboard
    shot(doctor, "dashboard-after-revoke")
