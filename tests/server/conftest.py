"""Fixtures for server mode on SQLite and on a real PostgreSQL (``migrated_db_url``): an app with accounts,
people who sign up, and real `crampcare serve --multi-user` processes (helpers in serverkit.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
from fastapi import FastAPI
from serverkit import LiveServer, Person, server_app, start_serve

from one_trip_client import OneTripClient


@pytest.fixture
def app(migrated_db_url: str) -> Iterator[FastAPI]:
    """Server mode on a fresh database of each back end (SQLite and PostgreSQL), at the newest schema."""
    application = server_app(migrated_db_url)
    try:
        yield application
    finally:
        application.state.engine.dispose()


@pytest.fixture
def people(app: FastAPI) -> Iterator[Callable[..., Person]]:
    """``people("ann@example.org")``: a signed-up person with their own client on the app.

    Each client is entered, so its requests share one event loop instead of starting a thread and
    a loop for every request (2 ms each)."""
    with ExitStack() as clients:

        def make(email: str, *, sign_up: bool = True, base_url: str = "http://testserver") -> Person:
            person = Person(clients.enter_context(OneTripClient(app, base_url=base_url)), email)
            return person.sign_up() if sign_up else person

        yield make


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Callable[..., LiveServer]]:
    """Start `crampcare serve` processes; every one is stopped (SIGINT, then kill) at the end."""
    with ExitStack() as stops:

        def start(*args: str, env: dict[str, str] | None = None, real_hashing: bool = False) -> LiveServer:
            server = start_serve(tmp_path, *args, env=env, real_hashing=real_hashing)
            stops.callback(server.stop)
            return server

        yield start


@pytest.fixture(scope="module")
def shared_serve(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[..., LiveServer]]:
    """Like ``serve``, but one process per argument list for the whole module, stopped at its end:
    starting one costs 2 s of CPU per process (uvicorn's workers each import the app). Only for tests
    that cannot see each other there (each signs up its own person and counts only its own rows)."""
    folder = tmp_path_factory.mktemp("serve")
    started: dict[tuple[str, ...], LiveServer] = {}
    with ExitStack() as stops:

        def start(*args: str, real_hashing: bool = False) -> LiveServer:
            key = (*args, f"real_hashing={real_hashing}")
            if key not in started:
                started[key] = start_serve(folder, *args, real_hashing=real_hashing)
                stops.callback(started[key].stop)
            return started[key]

        yield start
