"""Clinic fixtures: ONE server-mode app per test module and back end (SQLite and PostgreSQL), with
the people of the clinic signed up once; tests build on it without resetting it, so each test uses
its own people where what it does would disturb another."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "server"))

from serverkit import Person, server_app  # noqa: E402

BACKENDS = [b.strip() for b in os.environ.get("CRAMPCARE_TEST_DATABASES", "sqlite,postgresql").split(",") if b.strip()]


@pytest.fixture(scope="module", params=BACKENDS)
def clinic_db(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A new database at the newest schema (a copy of the worker's migrated one)."""
    if request.param == "sqlite":
        return str(request.getfixturevalue("new_migrated_sqlite")(tmp_path_factory.mktemp("clinic") / "clinic.db"))
    request.applymarker(pytest.mark.postgres)
    return str(request.getfixturevalue("new_migrated_postgres")())


@pytest.fixture(scope="module")
def clinic_app(clinic_db: str) -> Iterator[FastAPI]:
    application = server_app(clinic_db, signup_limit=0)
    try:
        yield application
    finally:
        application.state.engine.dispose()


@pytest.fixture(scope="module")
def person(clinic_app: FastAPI) -> Iterator[Callable[..., Person]]:
    """``person("ann@example.org")``: signed up (or, with ``sign_up=False``, not) with its own client."""
    with ExitStack() as clients:  # entered: one event loop per client, not one per request

        def make(email: str, sign_up: bool = True) -> Person:
            someone = Person(clients.enter_context(TestClient(clinic_app)), email)
            return someone.sign_up() if sign_up else someone

        yield make
