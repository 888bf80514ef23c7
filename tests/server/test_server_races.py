"""Concurrency guarantees with real parallel clients against a running `crampcare serve` (2 workers),
on SQLite and PostgreSQL: nothing confirmed is lost, parallel writes to one night never give a
5xx, and an account deleted during an import leaves nothing behind. Loopback only; 10 clients.

One server per back end serves the whole module (starting one costs ~4 s of CPU); each test signs
up its own person and counts only that person's rows.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from threading import Barrier
from typing import TypeVar

import pytest
from serverkit import PASSWORD, LiveServer, Person
from sqlalchemy import text

from crampcare.db.engine import make_engine
from loopback import loopback_client

CLIENTS = 10
DATE = (dt.date.today() - dt.timedelta(days=2)).isoformat()
FORM_KEY = re.compile(r'name="idempotency_key" value="([^"]+)"')
T = TypeVar("T")


def _cramp(minute: int, severity: int = 5) -> dict[str, object]:
    return {"start": f"02:{minute:02d}", "duration_s": 60, "leg": "left", "muscles": ["calf"], "severity": severity}


def _server_with_person(serve: Callable[..., LiveServer], db_url: str,
                        email: str) -> tuple[LiveServer, dict[str, str], str]:
    server = serve("--multi-user", "--workers", "2", "--db", db_url)
    with loopback_client(server.url) as client:
        person = Person(client, email).sign_up()
        return server, {"crampcare_session": client.cookies["crampcare_session"]}, person.csrf


def _parallel(count: int, job: Callable[[int], T]) -> list[T]:
    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(job, range(count)))


def _stored_cramps(db_url: str, email: str) -> int:
    engine = make_engine(db_url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(text("SELECT count(*) FROM cramps JOIN users ON cramps.owner = users.owner_id "
                                         "WHERE users.email = :email"), {"email": email}).scalar_one())
    finally:
        engine.dispose()


def test_parallel_cramps_through_the_web_form_are_all_kept(shared_serve: Callable[..., LiveServer],
                                                           module_migrated_db_url: str) -> None:
    """Issue 10.2: ten people's-worth of form posts to one night; every 303 is a stored cramp."""
    email = "form@example.org"
    server, cookies, csrf = _server_with_person(shared_serve, module_migrated_db_url, email)

    def post(index: int) -> int:
        with loopback_client(server.url, cookies=cookies, timeout=30) as client:
            form = {"csrf_token": csrf, "date": DATE, "start": f"02:{index:02d}", "duration": "60", "leg": "left",
                    "muscles": "calf", "severity": "5"}
            return client.post("/diary/night", data=form).status_code

    statuses = _parallel(CLIENTS, post)
    assert statuses == [303] * CLIENTS
    assert _stored_cramps(module_migrated_db_url, email) == CLIENTS


def test_parallel_api_writes_to_one_night_never_fail(shared_serve: Callable[..., LiveServer],
                                                     module_migrated_db_url: str) -> None:
    """Issue 10.6: parallel POST, PUT and undo on one night: no 5xx, and the final night is one of the PUTs
    (each says, with ``If-Match: *``, that it overwrites whatever is stored)."""
    email = "api@example.org"
    server, cookies, csrf = _server_with_person(shared_serve, module_migrated_db_url, email)
    headers = {"X-CSRF-Token": csrf}

    def post(index: int) -> tuple[int, str]:
        with loopback_client(server.url, cookies=cookies, headers=headers, timeout=30) as client:
            sent = client.post("/api/v1/nights", json={"date": DATE, "cramps": [_cramp(index)]})
            return sent.status_code, sent.headers.get("X-Change-Id", "")

    posted_changes = _parallel(CLIENTS, post)
    posted = [status for status, _change in posted_changes]
    assert sorted(posted) == [200] * (CLIENTS - 1) + [201]  # one created the night, the others appended
    assert _stored_cramps(module_migrated_db_url, email) == CLIENTS

    def put(index: int) -> tuple[int, str]:
        with loopback_client(server.url, cookies=cookies, headers=headers, timeout=30) as client:
            body = {"date": DATE, "cramps": [_cramp(index, severity=index)]}
            sent = client.put(f"/api/v1/nights/{DATE}", json=body, headers={"If-Match": "*"})
            return sent.status_code, sent.headers.get("X-Change-Id", "")

    put_changes = _parallel(CLIENTS, put)
    assert [status for status, _change in put_changes] == [200] * CLIENTS
    with loopback_client(server.url, cookies=cookies, headers=headers) as client:
        final = client.get(f"/api/v1/nights/{DATE}").json()
    assert len(final["cramps"]) == 1 and final["cramps"][0]["start"] == f"02:{final['cramps'][0]['severity']:02d}:00"

    def undo(changes: list[tuple[int, str]]) -> Callable[[int], int]:
        def each(index: int) -> int:
            with loopback_client(server.url, cookies=cookies, headers=headers, timeout=30) as client:
                return client.post("/api/v1/undo", params={"change": changes[index][1]}).status_code
        return each

    # Each client undoes the cramp it appended, all at once: every one was followed by the PUTs, so
    # every undo is refused and the night the last PUT stored stays as it was.
    refused = _parallel(CLIENTS, undo(posted_changes))
    assert refused == [409] * CLIENTS
    with loopback_client(server.url, cookies=cookies, headers=headers) as client:
        assert client.get(f"/api/v1/nights/{DATE}").json() == final
    # Each PUT's client undoes its own PUT: the last one is taken back; an earlier one only once the
    # later ones were (it is then the last); the others are refused. Never a 5xx, never a change undone twice.
    undone = _parallel(CLIENTS, undo(put_changes))
    assert set(undone) <= {200, 409} and undone.count(200) >= 1
    assert not [status for status in posted + undone if status >= 500]


def test_a_stale_api_replace_never_erases_a_confirmed_cramp(shared_serve: Callable[..., LiveServer],
                                                            module_migrated_db_url: str) -> None:
    """Clients that read the night (its ETag) replace it while others append cramps to it, all at once:
    every cramp whose POST was confirmed is in the night at the end. A replace made from the night as read
    is stored only if nothing was saved since (at most one of them: each changes the night), else 412.
    Without the version check the replaces answered 200 over the appended cramps and erased them."""
    email = "stale@example.org"
    server, cookies, csrf = _server_with_person(shared_serve, module_migrated_db_url, email)
    headers = {"X-CSRF-Token": csrf}
    with loopback_client(server.url, cookies=cookies, headers=headers) as client:
        assert client.post("/api/v1/nights", json={"date": DATE, "cramps": [_cramp(0)]}).status_code == 201
        read = client.get(f"/api/v1/nights/{DATE}").headers["etag"]
    start = Barrier(CLIENTS)

    def write(index: int) -> int:
        with loopback_client(server.url, cookies=cookies, headers=headers, timeout=30) as client:
            client.get("/api/v1/health")  # connected before the barrier: the writes leave together
            start.wait(timeout=30)
            if index % 2:  # an appended cramp at 02:<index>
                return client.post("/api/v1/nights", json={"date": DATE, "cramps": [_cramp(index)]}).status_code
            # a replace made from the night as read: its one cramp at 03:<index>
            body = {"date": DATE, "cramps": [{**_cramp(0), "start": f"03:{index:02d}"}]}
            return client.put(f"/api/v1/nights/{DATE}", json=body, headers={"If-Match": read}).status_code

    statuses = _parallel(CLIENTS, write)
    appended = [index for index in range(1, CLIENTS, 2) if statuses[index] == 200]
    replaced = [index for index in range(0, CLIENTS, 2) if statuses[index] == 200]
    with loopback_client(server.url, cookies=cookies, headers=headers) as client:
        final = {cramp["start"] for cramp in client.get(f"/api/v1/nights/{DATE}").json()["cramps"]}
    assert {f"02:{index:02d}:00" for index in appended} <= final, (statuses, final)  # none lost
    assert len(appended) == CLIENTS // 2, statuses  # every append is confirmed
    assert set(statuses[0::2]) <= {200, 412} and len(replaced) <= 1, statuses
    assert final == {f"02:{index:02d}:00" for index in appended} | (
        {f"03:{replaced[0]:02d}:00"} if replaced else {"02:00:00"})


def test_retried_form_and_api_posts_are_stored_once(shared_serve: Callable[..., LiveServer],
                                                    module_migrated_db_url: str) -> None:
    email = "retry@example.org"
    server, cookies, csrf = _server_with_person(shared_serve, module_migrated_db_url, email)
    with loopback_client(server.url, cookies=cookies, timeout=30) as client:
        key = FORM_KEY.search(client.get("/diary").text)
        assert key, "the night form carries an idempotency key"
        form = {"csrf_token": csrf, "idempotency_key": key.group(1), "date": DATE, "start": "02:10",
                "duration": "60", "leg": "left", "muscles": "calf", "severity": "5"}

    def post_form(_index: int) -> int:
        with loopback_client(server.url, cookies=cookies, timeout=30) as client:
            return client.post("/diary/night", data=form).status_code

    assert _parallel(5, post_form) == [303] * 5

    def post_api(_index: int) -> int:
        with loopback_client(server.url, cookies=cookies, timeout=30) as client:
            return client.post("/api/v1/nights", json={"date": DATE, "cramps": [_cramp(20)]},
                               headers={"X-CSRF-Token": csrf, "Idempotency-Key": "api-retry"}).status_code

    assert sorted(_parallel(5, post_api)) == [200] * 5
    assert _stored_cramps(module_migrated_db_url, email) == 2


@pytest.mark.slow
def test_account_deleted_during_an_import_leaves_nothing(shared_serve: Callable[..., LiveServer],
                                                         module_migrated_db_url: str) -> None:
    """Issue 10.3: delete answers "all data deleted"; an import racing it must not commit rows afterwards."""
    email = "deleted@example.org"
    server, cookies, csrf = _server_with_person(shared_serve, module_migrated_db_url, email)
    engine = make_engine(module_migrated_db_url)
    try:
        with engine.connect() as conn:
            owner = conn.execute(text("SELECT owner_id FROM users WHERE email = :email"), {"email": email}).scalar_one()
    finally:
        engine.dispose()
    start = dt.date.today() - dt.timedelta(days=3000)
    rows = ["date,night_logged,cramp1_start,cramp1_duration_s,cramp1_leg,cramp1_muscles,cramp1_severity"]
    rows += [f"{start + dt.timedelta(days=i)},yes,03:10,60,left,calf,5" for i in range(2500)]
    body = "\n".join(rows) + "\n"

    def job(index: int) -> int:
        with loopback_client(server.url, cookies=cookies, headers={"X-CSRF-Token": csrf}, timeout=60) as client:
            if index == 0:
                return client.post("/api/v1/import", content=body, headers={"Content-Type": "text/csv"}).status_code
            return client.request("DELETE", "/api/v1/account", json={"password": PASSWORD}).status_code

    imported, deleted = _parallel(2, job)
    assert deleted == 200 and imported in (200, 401, 410), (imported, deleted)
    engine = make_engine(module_migrated_db_url)
    try:
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM users WHERE email = :email"),
                                {"email": email}).scalar_one() == 0
            # The module's other people share the database: nothing of this person, and no row of anyone
            # whose account is gone.
            for table in ("nights", "cramps", "days", "change_log", "assessments", "idempotency_keys"):
                left = conn.execute(text(f"SELECT count(*) FROM {table} WHERE owner = :owner OR owner NOT IN "
                                         "(SELECT owner_id FROM users)"), {"owner": owner}).scalar_one()
                assert left == 0, table
    finally:
        engine.dispose()
