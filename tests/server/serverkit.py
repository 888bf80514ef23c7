"""Helpers for the server-mode tests: an app with accounts, people who sign up through the API or
the pages, and real `crampcare serve --multi-user` processes (imported by conftest and the tests).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx2
from fastapi import FastAPI
from fastapi.testclient import TestClient

from crampcare.db.schema import upgrade
from crampcare.web.app import create_app
from crampcare.web.settings import Settings
from loopback import loopback_client

PASSWORD = "correct horse battery"
CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
SERVE_ENV_KEYS = ("CRAMPCARE_DB", "CRAMPCARE_MODE", "CRAMPCARE_SECURE_COOKIES", "CRAMPCARE_WORKERS")


def night_now() -> str:
    """The night a cramp logged now belongs to: the evening it began (before noon, last night's)."""
    now = dt.datetime.now()
    return (now.date() - dt.timedelta(days=1 if now.hour < 12 else 0)).isoformat()


def offline_form_night(page: Any, before: str) -> str:
    """The night the kept (offline) night form open on ``page`` logs into, which offline.js sets from the
    phone's clock as the page opens: ``before`` (:func:`night_now` when the test began), or the night
    after it if noon or midnight came meanwhile, never another (a test that assumed ``before`` failed
    when it ran across noon or midnight)."""
    night = str(page.locator("#night-form input[name=date]").input_value())
    assert night in (before, night_now()), (night, before)
    return night


def server_app(db_url: str, **settings: Any) -> FastAPI:
    """A server-mode app on ``db_url`` (brought up to date first, as an operator would: the fixtures
    hand it a migrated copy, so this only checks the version)."""
    upgrade(db_url)
    return create_app(Settings(db=db_url, mode="server", **settings))


def routes_of(routes: list[Any]) -> Iterator[Any]:
    """Every route, inside the routers FastAPI wraps when they are included (``original_router``)."""
    for route in routes:
        if hasattr(route, "original_router"):
            yield from routes_of(route.original_router.routes)
        else:
            yield route


class Person:
    """One browser (its own cookie jar) or script, talking to the app as one user."""

    def __init__(self, client: TestClient | httpx2.Client, email: str, password: str = PASSWORD) -> None:
        self.client = client
        self.email = email
        self.password = password
        self.csrf = ""
        self.bearer: str | None = None

    # --- through the JSON API --------------------------------------------------------
    def sign_up(self) -> Person:
        response = self.client.post("/api/v1/auth/signup", json={"email": self.email, "password": self.password})
        assert response.status_code == 201, response.text
        self.csrf = response.json()["csrf_token"]
        return self

    def log_in(self) -> httpx2.Response:
        response = self.client.post("/api/v1/auth/login", json={"email": self.email, "password": self.password})
        if response.status_code == 200:
            self.csrf = response.json()["csrf_token"]
        return response

    def headers(self) -> dict[str, str]:
        if self.bearer:
            return {"Authorization": f"Bearer {self.bearer}"}
        return {"X-CSRF-Token": self.csrf}

    def request(self, method: str, url: str, **kwargs: Any) -> httpx2.Response:
        headers = {**self.headers(), **kwargs.pop("headers", {})}
        return self.client.request(method, url, headers=headers, **kwargs)

    def get(self, url: str, **kwargs: Any) -> httpx2.Response:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> httpx2.Response:
        return self.request("POST", url, **kwargs)

    def log_week(self, start: dt.date, note: str) -> list[dt.date]:
        """Seven nights (one with a cramp every other night) and seven days, through the API."""
        dates = [start + dt.timedelta(days=i) for i in range(7)]
        for i, date in enumerate(dates):
            cramps = [] if i % 2 else [{"start": "03:10", "duration_s": 60 + i, "leg": "left", "muscles": ["calf"],
                                        "severity": 5, "helped": ["stretch"]}]
            night = self.post("/api/v1/nights", json={"date": date.isoformat(), "cramps": cramps, "notes": note})
            assert night.status_code == 201, night.text
            day = self.post("/api/v1/days", json={"date": date.isoformat(), "fluids_ml": 1500, "notes": note})
            assert day.status_code == 201, day.text
        return dates

    # --- through the pages -----------------------------------------------------------
    def form_token(self, url: str, form_id: str | None = None) -> str:
        """The CSRF field of the page's first form (or of the form with ``form_id``)."""
        page = self.client.get(url)
        assert page.status_code == 200, (url, page.status_code)
        text = page.text
        if form_id is not None:
            text = text[text.index(f'id="{form_id}"'):]
        found = CSRF_INPUT.search(text)
        assert found, f"no CSRF field on {url}"
        return found.group(1)



# --------------------------------------------------------------------------- real processes

SERVED_CRAMPCARE = Path(__file__).with_name("served_crampcare.py")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in SERVE_ENV_KEYS}
    env["PYTHONUNBUFFERED"] = "1"
    env.update(extra)
    return env


def crampcare(*args: str, env: dict[str, str] | None = None, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "crampcare", *args], capture_output=True, text=True,
                          env=env or clean_env(), timeout=timeout)


def serve_here(*args: str, env: dict[str, str] | None = None) -> tuple[subprocess.CompletedProcess[str], Any]:
    """`crampcare serve ARGS` run by crampcare's ``main()`` in this process, up to where it would hand
    uvicorn its app: the command's result, and that app (``None`` if it refused to start). A process
    would spend 1-2 s of CPU importing the app first. The environment is ``clean_env(**env)``'s
    (``crampcare`` of test_cli.py runs it)."""
    from unittest.mock import patch

    import uvicorn

    from test_cli import crampcare as run_here

    served: list[Any] = []
    environment: dict[str, str | None] = {key: None for key in SERVE_ENV_KEYS}
    environment.update(env or {})
    with patch.object(uvicorn, "run", lambda target, **_options: served.append(target)):
        result = run_here("serve", *args, env=environment)
    return result, served[0] if served else None


def refused_serve(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """`crampcare serve ARGS` in this process (``serve_here``), for a start it must refuse."""
    result, app = serve_here(*args, env=env)
    assert app is None, f"crampcare serve {' '.join(args)} started serving instead of refusing"
    return result


class LiveServer:
    def __init__(self, url: str, process: subprocess.Popen[bytes], log: Path) -> None:
        self.url = url
        self.process = process
        self.log = log

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)  # uvicorn stops its workers on SIGINT
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_serve(folder: Path, *args: str, env: dict[str, str] | None = None, timeout: float = 40,
                real_hashing: bool = False) -> LiveServer:
    """`crampcare serve <args> --port <free>` as a subprocess, once it answers /api/v1/health.

    It runs crampcare's own ``main()`` through served_crampcare.py (Argon2 at the tests' cheap cost),
    or with ``real_hashing`` as ``python -m crampcare``, exactly as shipped.

    The free port is free when asked for, not always still when the server binds it a second later
    (another test's connection may take it meanwhile): then the server starts again on another one."""
    for _attempt in range(3):
        server = _start_serve_on(free_port(), folder, args, env, timeout, real_hashing)
        if server is not None:
            return server
    raise RuntimeError("crampcare serve found no free port in three tries")


def _start_serve_on(port: int, folder: Path, args: tuple[str, ...], env: dict[str, str] | None, timeout: float,
                    real_hashing: bool) -> LiveServer | None:
    """``start_serve`` on ``port``; ``None`` if the port was taken by the time the server bound it."""
    log = folder / f"serve-{port}.log"
    entry = ["-m", "crampcare"] if real_hashing else [str(SERVED_CRAMPCARE)]
    with log.open("wb") as out:
        process = subprocess.Popen([sys.executable, *entry, "serve", *args, "--port", str(port)],
                                   stdout=out, stderr=subprocess.STDOUT, env=env or clean_env())
    server = LiveServer(f"http://127.0.0.1:{port}", process, log)
    health = server.url + "/api/v1/health"
    deadline = time.monotonic() + timeout
    try:
        with loopback_client(server.url, timeout=1) as client:
            while True:
                if process.poll() is not None:
                    said = log.read_text()
                    if "address already in use" in said:
                        return None
                    raise RuntimeError(f"crampcare serve exited with {process.returncode}: {said}")
                try:
                    if client.get(health).status_code == 200:
                        return server
                except httpx2.HTTPError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(f"crampcare serve did not answer within {timeout:g} s: {log.read_text()}")
                time.sleep(0.05)
    except BaseException:
        server.stop()
        raise
