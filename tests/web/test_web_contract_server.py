"""The same contract in server mode, with a personal API token (see test_web_contract.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from test_web_contract import run_schemathesis
from threaded_server import serve_in_thread

from crampcare.web.app import create_app
from crampcare.web.settings import Settings

pytestmark = pytest.mark.slow


@pytest.fixture
def server_app(new_migrated_sqlite: Callable[[Path], str], tmp_path: Path) -> Iterator[tuple[str, str]]:
    """Server mode on a new database at the newest schema (a copy of the migrated template), and a
    personal API token of a signed-up person (no CSRF needed with it)."""
    from crampcare.accounts import AccountService

    app = create_app(Settings(db=new_migrated_sqlite(tmp_path / "server" / "diary.db"), mode="server"))
    service: AccountService = app.state.accounts
    token = service.create_api_token(service.sign_up("contract@example.org", "correct horse battery"))
    for url in serve_in_thread(app):
        yield url, token



def test_the_server_mode_api_keeps_its_openapi_contract(server_app: tuple[str, str], tmp_path: Path) -> None:
    url, token = server_app
    run_schemathesis(url, tmp_path, "--header", f"Authorization: Bearer {token}")
