"""Fixtures for the web tests: an app on a temporary database, and the app served on a loopback port.

``db_url`` (root conftest) runs the API CRUD tests on SQLite and on a real PostgreSQL.
Browser tests drive Debian's Chromium through Playwright (``browser``: one per process, root conftest).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import expect
from tests.web.threaded_server import serve_in_thread

from crampcare.web.app import create_app
from crampcare.web.settings import Settings
from one_trip_client import OneTripClient

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
# expect() retries its check for 5 s by default: a check that waits on the page's scripts, its service worker
# or a save (IndexedDB, a fetch) can take longer than that on a busy CI machine half as fast as this one. Only a
# failing check waits the longer limit; a passing one returns as soon as it holds. (Playwright's other waits
# already allow 30 s.) Module level: collecting tests/web imports playwright in every worker anyway.
expect.set_options(timeout=15_000)


@pytest.fixture
def client(new_migrated_sqlite: Callable[[Path], str], tmp_path: Path) -> Iterator[TestClient]:
    """The app on a new, empty SQLite diary (a copy of one migrated once per worker: opening an empty
    file migrates it, which tests/diary/test_diary_store.py and the served test apps cover)."""
    with OneTripClient(create_app(Settings(db=new_migrated_sqlite(tmp_path / "diary.db")))) as test_client:
        yield test_client


@pytest.fixture
def db_client(migrated_db_url: str) -> Iterator[TestClient]:
    """The app on a new, empty diary of each back end (SQLite and PostgreSQL)."""
    with OneTripClient(create_app(Settings(db=migrated_db_url))) as test_client:
        yield test_client


class LiveServer:
    def __init__(self, url: str) -> None:
        self.url = url


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The app on its own diary, served by uvicorn in a thread on a free port: one per test process
    (the browser tests that share it each log what they check for themselves). `crampcare serve` as a
    process is tested in tests/server/test_server_processes.py."""
    application = create_app(Settings(db=f"sqlite:///{tmp_path_factory.mktemp('serve') / 'diary.db'}"))
    for url in serve_in_thread(application):
        yield LiveServer(url)
    application.state.engine.dispose()


@pytest.fixture
def screenshot() -> Callable[[Any, str], Path]:
    ARTIFACTS.mkdir(exist_ok=True)

    def take(page: Any, name: str) -> Path:
        # JPEG, as the other browser tests: cheaper than PNG for long pages, and plenty for a review.
        path = ARTIFACTS / f"web-{name}.jpg"
        page.screenshot(path=str(path), full_page=True, type="jpeg", quality=75)
        return path

    return take
