"""Fixtures for the web tests: an app on a temporary database, and a real `crampcare serve`.

``db_url`` (root conftest) runs the API CRUD tests on SQLite and on a real PostgreSQL.
Browser tests drive Debian's Chromium through Playwright (``browser``: one per process, root conftest).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

warnings.filterwarnings("ignore", message=".*httpx2.*")

from fastapi.testclient import TestClient  # noqa: E402

from crampcare.web.app import create_app  # noqa: E402
from crampcare.web.settings import Settings  # noqa: E402

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture
def client(sqlite_url: str) -> Iterator[TestClient]:
    """The app on a fresh SQLite file."""
    with TestClient(create_app(Settings(db=sqlite_url))) as test_client:
        yield test_client


@pytest.fixture
def db_client(db_url: str) -> Iterator[TestClient]:
    """The app on a fresh database of each back end (SQLite and PostgreSQL)."""
    with TestClient(create_app(Settings(db=db_url))) as test_client:
        yield test_client


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LiveServer:
    def __init__(self, url: str, process: subprocess.Popen[bytes]) -> None:
        self.url = url
        self.process = process


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """`crampcare serve` as a subprocess on a free port with its own diary, one per test process (the
    browser tests that share it each log what they check for themselves); killed in a finally."""
    folder = tmp_path_factory.mktemp("serve")
    port = free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.pop("CRAMPCARE_DB", None)
    log = (folder / "server.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "crampcare", "serve", "--port", str(port), "--db", str(folder / "diary.db")],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"crampcare serve exited: {(folder / 'server.log').read_text()}")
            try:
                if httpx.get(url + "/api/v1/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("crampcare serve did not answer within 30 s")
            time.sleep(0.1)
        yield LiveServer(url, process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


@pytest.fixture
def screenshot() -> Callable[[Any, str], Path]:
    ARTIFACTS.mkdir(exist_ok=True)

    def take(page: Any, name: str) -> Path:
        path = ARTIFACTS / f"web-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
