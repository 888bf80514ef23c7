"""Log-in limits against a running `crampcare serve --multi-user --workers 2`, with real parallel
clients (SQLite and PostgreSQL): parallel guesses are counted before the password is checked, and
guesses from one address never lock the owner out from another.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest
from serverkit import PASSWORD, LiveServer, Person

from crampcare.accounts.service import MAX_FAILED_LOGINS
from loopback import loopback_client
from one_trip_client import OneTripClient

pytestmark = pytest.mark.slow

GUESSES = 30


def test_parallel_wrong_guesses_are_checked_at_most_the_limit(migrated_db_url: str,
                                                              serve: Callable[..., LiveServer]) -> None:
    # Argon2 at its real cost: a password check then takes a quarter of a second, so all the guesses
    # arrive while the first are still being checked, which is the race the limit must survive.
    server = serve("--multi-user", "--workers", "2", "--db", migrated_db_url, real_hashing=True)
    with loopback_client(server.url, timeout=60) as client:
        Person(client, "ann@example.org").sign_up()

    def guess(number: int) -> int:
        # A fresh connection per guess: the guesses spread over both workers.
        password = PASSWORD if number == GUESSES // 2 else f"wrong guess number {number}"
        with loopback_client(server.url, timeout=60) as own:
            return own.post("/api/v1/auth/login", json={"email": "ann@example.org", "password": password}).status_code

    started = time.monotonic()
    with ThreadPoolExecutor(GUESSES) as pool:
        answers = Counter(pool.map(guess, range(GUESSES)))
    elapsed = time.monotonic() - started
    checked = answers[401] + answers[200]
    print(f"{GUESSES} parallel guesses: {dict(answers)}; {checked} password checks; {elapsed:.1f} s")
    assert set(answers) <= {200, 401, 429}
    assert 1 <= checked <= MAX_FAILED_LOGINS + 1  # at most the limit of failures, plus the right one if checked
    assert answers[401] <= MAX_FAILED_LOGINS


def test_guesses_from_one_address_do_not_lock_the_owner_out_elsewhere(people: Callable[..., Person]) -> None:
    ann = people("ann@example.org")
    # TestClient's address is "testclient"; the owner comes from another one.
    stranger = people("stranger@example.org")
    for _ in range(MAX_FAILED_LOGINS):
        wrong = stranger.client.post("/api/v1/auth/login", json={"email": ann.email, "password": "not the password"})
        assert wrong.status_code == 401
    blocked = stranger.client.post("/api/v1/auth/login", json={"email": ann.email, "password": PASSWORD})
    assert blocked.status_code == 429
    with OneTripClient(stranger.client.app, client=("203.0.113.7", 50000)) as elsewhere:
        owner = Person(elsewhere, ann.email)
        assert owner.log_in().status_code == 200
        elsewhere.cookies.clear()  # a script: e-mail and password, no session
        assert elsewhere.post("/api/v1/tokens", json={"email": ann.email, "password": PASSWORD}).status_code == 201
