"""Real `crampcare serve --multi-user` processes: two servers on one PostgreSQL share sessions and
rate limits (no state in memory), `--workers 2`, configuration, and the refusal to start on an
out-of-date schema.

The two PostgreSQL tests share one pair of servers (the first with two workers); the refusals, and
the check that a flag wins over the file, run crampcare's ``main()`` in this process (one refusal
stays a real process as a smoke test).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from serverkit import PASSWORD, LiveServer, Person, crampcare, refused_serve, serve_here
from sqlalchemy import text

from crampcare.db.engine import make_engine
from loopback import loopback_client
from one_trip_client import OneTripClient

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def servers_on_one_postgresql(new_migrated_postgres: Callable[[], str],
                              shared_serve: Callable[..., LiveServer]) -> tuple[LiveServer, LiveServer]:
    """Two `crampcare serve --multi-user` processes on one PostgreSQL database, the first with two
    uvicorn workers, for the module's PostgreSQL tests (each signs up its own people)."""
    url = new_migrated_postgres()
    return shared_serve("--multi-user", "--workers", "2", "--db", url), shared_serve("--multi-user", "--db", url)


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


@pytest.mark.postgres
def test_two_servers_on_one_postgresql_share_the_session_and_the_diary(
        servers_on_one_postgresql: tuple[LiveServer, LiveServer]) -> None:
    one, two = servers_on_one_postgresql
    with loopback_client(one.url) as first, loopback_client(two.url) as second:
        ann = Person(first, "ann@example.org").sign_up()
        date = (dt.date.today() - dt.timedelta(days=2)).isoformat()  # last night's 02:40 is to come before 02:40
        night = {"date": date, "cramps": [{"start": "02:40", "duration_s": 90, "leg": "right", "muscles": ["calf"],
                                           "severity": 6, "helped": ["stretch"]}], "notes": "through server one"}
        assert ann.post("/api/v1/nights", json=night).status_code == 201

        # The same cookie (and CSRF token) on the other process: logged in, the night is there.
        other = Person(second, ann.email)
        other.csrf = ann.csrf
        second.cookies.set("crampcare_session", first.cookies["crampcare_session"])
        read = other.get(f"/api/v1/nights/{date}")
        assert read.status_code == 200 and read.json()["notes"] == "through server one"
        assert read.json()["cramps"][0]["severity"] == 6
        assert "Log out" in second.get("/diary").text
        # And the other way round.
        assert other.post("/api/v1/days", json={"date": date, "fluids_ml": 1200}).status_code == 201
        assert ann.get(f"/api/v1/days/{date}").json()["fluids_ml"] == 1200

        # Another person, through server two, sees none of it.
        with loopback_client(two.url) as third:
            bob = Person(third, "bob@example.org").sign_up()
            assert bob.get("/api/v1/nights").json() == [] and bob.get(f"/api/v1/nights/{date}").status_code == 404

        # Log out through server two: the session is gone on server one too.
        assert other.post("/api/v1/auth/logout").status_code == 200
        assert ann.get("/api/v1/nights").status_code == 401

        # Failed log-ins are counted across both processes.
        ann.password = other.password = "not the password"
        assert [ann.log_in().status_code for _ in range(3)] == [401] * 3
        assert [other.log_in().status_code for _ in range(2)] == [401] * 2
        ann.password = PASSWORD
        assert ann.log_in().status_code == 429


@pytest.mark.postgres
def test_workers_share_one_postgresql(servers_on_one_postgresql: tuple[LiveServer, LiveServer]) -> None:
    server = servers_on_one_postgresql[0]
    assert len(children(server.process.pid)) >= 2  # uvicorn's worker processes
    with loopback_client(server.url) as client:
        wendy = Person(client, "wendy@example.org").sign_up()
        cookie, csrf = client.cookies["crampcare_session"], wendy.csrf
    start = dt.date.today() - dt.timedelta(days=40)

    def log(offset: int) -> int:
        # A fresh connection per request: requests spread over both workers.
        with loopback_client(server.url, cookies={"crampcare_session": cookie}) as client:
            date = (start + dt.timedelta(days=offset)).isoformat()
            return client.post("/api/v1/nights", json={"date": date, "cramps": []},
                               headers={"X-CSRF-Token": csrf}).status_code

    with ThreadPoolExecutor(6) as pool:
        assert list(pool.map(log, range(30))) == [201] * 30
    with loopback_client(server.url, cookies={"crampcare_session": cookie}) as client:
        assert len(client.get("/api/v1/nights").json()) == 30


def test_refuses_an_out_of_date_schema_with_one_line(tmp_path: Path) -> None:
    empty = f"sqlite:///{tmp_path / 'empty.db'}"
    result = crampcare("serve", "--multi-user", "--db", empty, "--port", "0")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert "out of date" in lines[0] and f"crampcare db upgrade --db {empty}" in lines[0]
    # The same through the environment, with several workers (in this process from here on).
    result = refused_serve("--port", "0", env={"CRAMPCARE_MODE": "server", "CRAMPCARE_DB": empty,
                                               "CRAMPCARE_WORKERS": "2"})
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1
    assert "crampcare db upgrade" in result.stderr


@pytest.mark.postgres
def test_refuses_an_empty_or_unreachable_postgresql(postgres_url: str) -> None:
    result = refused_serve("--multi-user", "--db", postgres_url, "--port", "0")
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert f"crampcare db upgrade --db {postgres_url}" in result.stderr
    nowhere = "postgresql+psycopg://crampcare:secret-pw@127.0.0.1:1/none"
    result = refused_serve("--multi-user", "--db", nowhere, "--port", "0")
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "cannot reach the database" in result.stderr and "secret-pw" not in result.stderr


def test_server_mode_from_a_config_file_or_the_environment(tmp_path: Path, serve: Callable[..., LiveServer],
                                                           new_migrated_sqlite: Callable[[Path], str]) -> None:
    db = new_migrated_sqlite(tmp_path / "server.db")
    config = tmp_path / "crampcare.toml"
    config.write_text(f'[server]\nmode = "server"\ndb = "{db}"\nsecure_cookies = true\n')
    # `python -m crampcare`, exactly as shipped (the other tests' servers hash cheaply).
    from_file = serve("--config", str(config), real_hashing=True)
    with loopback_client(from_file.url) as client:
        assert client.get("/diary").status_code == 303  # server mode: log in first
        signed = client.post("/api/v1/auth/signup", json={"email": "cat@example.org", "password": PASSWORD})
        assert signed.status_code == 201 and "; secure" in signed.headers["set-cookie"].lower()
        assert signed.headers["set-cookie"].startswith("__Host-crampcare_session=")
        plain = client.get("/now")
        assert plain.status_code == 200 and "strict-transport-security" not in plain.headers
        # Behind a proxy uvicorn trusts (--forwarded-allow-ips, 127.0.0.1 by default) that says HTTPS: HSTS.
        proxied = client.get("/now", headers={"X-Forwarded-Proto": "https"})
        assert proxied.headers["strict-transport-security"] == "max-age=31536000"
    engine = make_engine(db)
    try:
        with engine.connect() as conn:
            stored = conn.execute(text("SELECT password_hash FROM users WHERE email = 'cat@example.org'")).scalar_one()
    finally:
        engine.dispose()
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,")  # the full cost
    # From the environment alone: the app the command builds, in this process (main() reads the same
    # settings there; a second process, 1 s of CPU, would check nothing more than the one above).
    result, from_env = serve_here(env={"CRAMPCARE_MODE": "server", "CRAMPCARE_DB": db})
    assert result.returncode == 0 and from_env is not None, result.stderr
    try:
        with OneTripClient(from_env) as client:
            assert client.get("/api/v1/nights").status_code == 401
            assert client.post("/api/v1/auth/login",
                               json={"email": "cat@example.org", "password": PASSWORD}).status_code == 200
    finally:
        from_env.state.engine.dispose()
    # The command line wins over the file: --local serves one person's diary, no log-in (the app the
    # command builds, in this process, as above).
    result, local = serve_here("--config", str(config), "--local", "--db", str(tmp_path / "local.db"))
    assert result.returncode == 0 and local is not None, result.stderr
    try:
        with OneTripClient(local) as client:
            assert client.get("/api/v1/nights").json() == []
    finally:
        local.state.engine.dispose()

    bad = tmp_path / "bad.toml"
    for content in ('mode = "cluster"\n', "workers = 'two'\n", "colour = 1\n", "[server\n"):
        bad.write_text(content)
        result = refused_serve("--config", str(bad), "--port", "0")
        assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1, (content, result.stderr)
        assert "Traceback" not in result.stderr
    assert os.environ.get("CRAMPCARE_MODE") in (None, "", "local")  # the tests leave the environment alone
