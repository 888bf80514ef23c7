"""Server mode: what a page says after a form is kept on the server for that browser and account,
said once, and never read from the URL (local mode: tests/web/test_web_flash.py)."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import FastAPI
from serverkit import Person

from crampcare.clinic.roles import grant_role

FLASH_BOX = 'id="flash"'


def said(page: str) -> str | None:
    return page.split('id="flash"><p>', 1)[1].split("</p>", 1)[0] if FLASH_BOX in page else None


def test_links_cannot_make_account_and_sharing_pages_report_what_did_not_happen(
        app: FastAPI, people: Callable[..., Person]) -> None:
    """``/login?done=deleted`` told a visitor their account and data were deleted; ``/account?done=password``
    that their password was changed; ``/sharing?done=revoked`` that a clinician's access had ended."""
    ann = people("ann@example.org")
    grant_role(app.state.engine, ann.email, "clinician")
    assert ann.log_in().status_code == 200  # a role change ends the account's sessions
    for link in ("/account?done=password", "/account?done=revoked", "/sharing?done=revoked",
                 "/sharing?done=consent_on", "/clinic?done=accepted", "/diary?done=imported&counts=csv.9.0.0.0.0.0"):
        assert said(ann.client.get(link).text) is None, link
    # Logged in, the log-in page is not shown at all (it said "You are logged out" to someone logged in).
    assert ann.client.get("/login?done=logged_out", follow_redirects=False).status_code == 303
    ann.client.cookies.clear()
    assert said(ann.client.get("/login?done=deleted").text) is None


def test_log_out_says_so_once_and_a_message_is_only_its_accounts(people: Callable[..., Person]) -> None:
    ann, bob = people("ann@example.org"), people("bob@example.org")
    token = ann.form_token("/diary")
    quiet = ann.client.post("/diary/quiet", data={"date": "2026-11-20", "csrf_token": token}, follow_redirects=False)
    assert quiet.status_code == 303 and quiet.headers["location"] == "/diary"
    # Bob's browser given Ann's message token (a shared machine, a copied cookie) shows nothing of it...
    bob.client.cookies.set("crampcare_flash", ann.client.cookies["crampcare_flash"])
    assert said(bob.client.get("/diary").text) is None
    # ... and did not use it up: Ann's page says it, once.
    assert said(ann.client.get("/diary").text) == "Quiet night of 2026-11-20 saved."
    assert said(ann.client.get("/diary").text) is None

    out = ann.client.post("/logout", data={"csrf_token": ann.form_token("/diary")}, follow_redirects=False)
    assert out.status_code == 303 and out.headers["location"] == "/login"
    assert said(ann.client.get("/login").text) == "You are logged out."
    assert said(ann.client.get("/login").text) is None


def test_a_link_cannot_put_a_name_on_someones_report(people: Callable[..., Person]) -> None:
    """``/report.html?name=...`` printed the link's name on the person's report. The name is posted from
    the home page's form now, with the session's CSRF token; without it, refused."""
    ann = people("ann@example.org")
    assert "Name:" not in ann.client.get("/report.html", params={"name": "Dr Smith"}).text
    typed = ann.client.post("/report.html", data={"name": "Ann Lee", "csrf_token": ann.form_token("/")})
    assert typed.status_code == 200 and "<strong>Name:</strong> <bdi>Ann Lee</bdi>" in typed.text  # isolated (bidi)
    forged = ann.client.post("/report.html", data={"name": "Dr Smith"})
    assert forged.status_code == 403 and "Dr Smith" not in forged.text
