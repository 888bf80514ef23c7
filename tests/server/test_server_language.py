"""Server mode: the language switch is saved on the account and follows the person to a new session."""

from __future__ import annotations

from collections.abc import Callable

from tests.server.serverkit import Person


def test_account_language_follows_the_person(people: Callable[..., Person]) -> None:
    ann = people("ann@example.org")
    english = {"Accept-Language": "en-GB,en;q=0.9"}
    assert ann.get("/diary", headers=english).headers["content-language"] == "en"
    switched = ann.post("/language", data={"lang": "ru", "next": "/diary", "csrf_token": ann.csrf},
                        follow_redirects=False)
    assert switched.status_code == 303, switched.text
    # A new browser (no switch cookie) asking for English: the account's Russian wins once logged in.
    ann.client.cookies.clear()
    assert ann.log_in().status_code == 200
    page = ann.get("/diary", headers=english)
    assert page.headers["content-language"] == "ru" and "Дневник" in page.text
    # Someone else, with no preference saved, still gets their browser's language.
    bob = people("bob@example.org")
    assert bob.get("/diary", headers=english).headers["content-language"] == "en"


def test_switch_needs_the_csrf_token_in_server_mode(people: Callable[..., Person]) -> None:
    ann = people("ann@example.org")
    refused = ann.client.post("/language", data={"lang": "ru", "next": "/"}, follow_redirects=False)
    assert refused.status_code == 403
