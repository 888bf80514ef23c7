"""Clinic fixtures: ONE server-mode app per test module and back end (SQLite and PostgreSQL), with
the people of the clinic signed up once; tests build on it without resetting it, so each test uses
its own people where what it does would disturb another."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
from fastapi import FastAPI

from one_trip_client import OneTripClient

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "server"))

from serverkit import Person, server_app


@pytest.fixture(scope="module")
def clinic_db(module_migrated_db_url: str) -> str:
    """The clinic's database: a new one at the newest schema, per module and back end."""
    return module_migrated_db_url


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
            someone = Person(clients.enter_context(OneTripClient(clinic_app)), email)
            return someone.sign_up() if sign_up else someone

        yield make
