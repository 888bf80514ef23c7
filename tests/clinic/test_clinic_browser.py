"""The clinic journey in Debian's Chromium (Playwright), on a server-mode app served in a thread:
a patient invites her clinician, he accepts and sees her at the top of his dashboard after her
urgent assessment, she ends the sharing, and his open page loses access at once.
Every clinic and sharing page is checked at 360x640 (axe-core, no sideways scroll); screenshots go
to test-artifacts/."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from serverkit import ARTIFACTS, PASSWORD, server_app
from tests.web.browserkit import axe_violations, sideways
from tests.web.threaded_server import serve_in_thread
from typer.testing import CliRunner

from crampcare.cli import app as cli
from page_loads import click_to_load

pytestmark = pytest.mark.browser
PHONE = {"width": 360, "height": 640}


@pytest.fixture
def live(tmp_path: Path) -> Iterator[tuple[str, str]]:
    """A server-mode app on a migrated SQLite file, served on a loopback port: its URL and database."""
    db = f"sqlite:///{tmp_path / 'clinic.db'}"
    application = server_app(db)
    for url in serve_in_thread(application):
        yield url, db
    application.state.engine.dispose()


@pytest.fixture
def browser_page(browser: Any, live: tuple[str, str]) -> Iterator[Callable[[], Any]]:
    """``browser_page()``: a new phone-sized page in its own context (its own cookies: one person each)."""
    url, _db = live
    problems: list[str] = []
    contexts: list[Any] = []

    def new_page() -> Any:
        context = browser.new_context(base_url=url, viewport=PHONE, is_mobile=True, has_touch=True)
        contexts.append(context)
        page = context.new_page()
        page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
        page.on("pageerror", lambda exc: problems.append(str(exc)))
        return page

    try:
        yield new_page
    finally:
        for context in contexts:
            context.close()
    blocked = [p for p in problems if "Content Security Policy" in p or "Refused" in p]
    assert not blocked, blocked


def shot(page: Any, name: str, check: bool = True) -> None:
    """A screenshot at 360 px for review, after axe-core and the sideways check on the page as it is
    (``check=False``: a page already checked in another state)."""
    if check:
        assert (axe_violations(page), sideways(page)) == ([], 0), (name, page.url)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"clinic-{name}.jpg"), full_page=True, type="jpeg", quality=75)


def api_sign_up(page: Any, email: str) -> None:
    """Signed up through the JSON API (the sign-up page itself is walked for the clinician)."""
    response = page.context.request.post("/api/v1/auth/signup", data={"email": email, "password": PASSWORD})
    assert response.status == 201, response.text()
    page.goto("/diary")


def sign_up(page: Any, email: str) -> None:
    page.goto("/signup")
    page.fill("#f-email", email)
    page.fill("#f-password", PASSWORD)
    page.fill("#f-password_again", PASSWORD)
    click_to_load(page, page.get_by_role("button", name="Create my account"))
    page.wait_for_url("**/diary")


def invite(page: Any, clinician_email: str) -> None:
    click_to_load(page, page.get_by_role("link", name="Sharing"))
    page.wait_for_url("**/sharing")
    page.fill("#f-email", clinician_email)
    click_to_load(page, page.get_by_role("button", name="Invite by e-mail"))
    page.locator("#flash").wait_for()


def test_invite_accept_urgent_first_revoke_and_access_ends(browser_page: Callable[[], Any],
                                                            live: tuple[str, str]) -> None:
    _url, db = live
    doctor, ann, ben = browser_page(), browser_page(), browser_page()
    sign_up(doctor, "doctor@clinic.example")
    doctor.goto("/clinic")
    assert "no such page" in doctor.content() or "not found" in doctor.content().lower()  # not a clinician yet
    granted = CliRunner().invoke(cli, ["users", "grant", "doctor@clinic.example", "--role", "clinician", "--db", db])
    assert granted.exit_code == 0, granted.output
    # The role change ended the doctor's session (a session id never gains a role): log in again, once.
    doctor.goto("/diary")
    doctor.wait_for_url("**/login?next=*")
    doctor.fill("#f-email", "doctor@clinic.example")
    doctor.fill("#f-password", PASSWORD)
    click_to_load(doctor, doctor.get_by_role("button", name="Log in"))
    doctor.wait_for_url("**/diary")

    api_sign_up(ben, "ben@example.org")
    invite(ben, "doctor@clinic.example")
    api_sign_up(ann, "ann@example.org")
    invite(ann, "doctor@clinic.example")
    assert "not accepted yet" in ann.locator("#access-list").inner_text()
    shot(ann, "patient-invites")

    doctor.goto("/diary")
    click_to_load(doctor, doctor.get_by_role("link", name="Clinic"))  # in the navigation bar, for clinicians only
    doctor.wait_for_url("**/clinic")
    assert ann.get_by_role("link", name="Clinic").count() == 0
    for _ in range(2):  # the second wait would find the first's flash on the page before
        click_to_load(doctor, doctor.get_by_role("button", name="Accept").first)
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
        click_to_load(ann, ann.get_by_role("button", name="Next"))
    # A clot sign that lasts: the result shows as soon as it is found (tests/web/test_web_qa.py).
    ann.locator("#urgency").wait_for()
    click_to_load(ann, ann.get_by_role("button", name="Save to my diary"))
    ann.locator("text=Saved to your diary").wait_for()

    doctor.goto("/clinic")
    first = doctor.locator("#patients tbody tr").first.inner_text()
    assert "ann@example.org" in first and "urgent" in first, first
    shot(doctor, "dashboard-urgent-first")
    click_to_load(doctor, doctor.get_by_role("link", name="ann@example.org"))
    doctor.wait_for_url("**/clinic/patients/*")
    assert "URGENT" in doctor.locator(".banner").inner_text()
    patient_url = doctor.url
    shot(doctor, "patient-overview")
    click_to_load(doctor, doctor.get_by_role("link", name="Latest assessment"))
    doctor.locator("#urgency").wait_for()
    assert doctor.get_by_role("button", name="Save to my diary").count() == 0  # read-only
    shot(doctor, "patient-assessment")
    for part in ("diary", "insights"):  # the rest of what she shares, at 360 px too
        doctor.goto(f"{patient_url}/{part}")
        shot(doctor, f"patient-{part}")
    doctor.goto("/clinic/cohort")
    shot(doctor, "cohort")

    click_to_load(ann, ann.get_by_role("link", name="Sharing"))
    ann.wait_for_url("**/sharing")
    log = ann.locator("#audit-log").inner_text()
    assert "doctor@clinic.example viewed your latest assessment" in log
    click_to_load(ann, ann.get_by_role("button", name="End access"))
    ann.locator("#flash").wait_for()
    assert "ended" in ann.locator("#access-list").inner_text()
    shot(ann, "patient-revoked", check=False)

    response = doctor.goto(patient_url)  # the clinician's open session, at once
    assert response is not None and response.status == 404
    doctor.goto("/clinic")
    dashboard = doctor.locator("#patients").inner_text()
    assert "ann@example.org" not in dashboard and "ben@example.org" in dashboard
    shot(doctor, "dashboard-after-revoke", check=False)
