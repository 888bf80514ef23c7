"""Fixtures for the diary tests: a migrated store per back end, and the CLI against it.

``db_url`` (empty) and ``migrated_db_url`` (at the newest schema) come from the root conftest
(SQLite file and a real PostgreSQL, fresh per test).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from types import SimpleNamespace

import pytest
import typer
from diary_helpers import CliResult, cli_runner

from crampcare.diary.store import DiaryStore

MEDICINE_IDS = {
    "diuretic", "beta_agonist", "statin", "nifedipine", "oestrogen", "raloxifene", "teriparatide",
    "iv_iron", "naproxen", "imatinib", "paracetamol", "ibuprofen", "magnesium_supplement", "vitamin_complex",
}  # fmt: skip


@pytest.fixture(autouse=True)
def known_medicines(monkeypatch: pytest.MonkeyPatch) -> None:
    """Use the real knowledge base when it loads; otherwise the agreed medicine ids.

    The knowledge package is developed in parallel; the diary only needs its medicine ids.
    """
    import crampcare.knowledge as knowledge

    try:
        knowledge.load_knowledge()
    except Exception:
        fake = SimpleNamespace(medicine_ids=frozenset(MEDICINE_IDS))
        monkeypatch.setattr(knowledge, "load_knowledge", lambda *args, **kwargs: fake)


@pytest.fixture
def migrated_url(migrated_db_url: str) -> str:
    return migrated_db_url


@pytest.fixture
def store(migrated_url: str) -> Iterator[DiaryStore]:
    with DiaryStore(migrated_url) as diary:
        yield diary


@pytest.fixture(scope="module")
def cli_app() -> typer.Typer:
    from crampcare.cli.diary_commands import register

    app = typer.Typer(pretty_exceptions_enable=False)

    @app.callback()
    def _root() -> None:
        """Test app: makes the diary commands subcommands, as in the real app."""

    register(app)
    return app


@pytest.fixture
def run_cli(cli_app: typer.Typer, migrated_url: str) -> Callable[..., CliResult]:
    """Run a diary command against the test database (each back end); ``input`` feeds prompts."""
    return cli_runner(cli_app, migrated_url)
