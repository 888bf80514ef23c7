"""Shared fixtures: one suite, run on SQLite and on a real PostgreSQL the suite starts.

``CRAMPCARE_TEST_DATABASES`` chooses the back ends (default ``sqlite,postgresql``); the
PostgreSQL server is started once per session with initdb + pg_ctl and each test gets a
fresh database in it.
"""

from __future__ import annotations

import asyncio
import gc
import itertools
import os
import shutil
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

sys.path.insert(0, str(Path(__file__).parent))

from depth import DEEP
from pg import PostgresServer

# Timing is a benchmark's job (bench/), not a property test's: no per-example deadline, and no
# "too slow" health check (a strategy that draws its first examples in 0.6 s here takes over the 1 s
# it allows on a CI machine twice as slow), so a busy CI machine cannot turn a correct example or a
# slow draw into a failure. A test's own settings(suppress_health_check=...) replaces this list, so
# such a test names too_slow itself. The default number of examples
# keeps the whole suite within its two minutes (each run draws new ones); CRAMPCARE_DEEP_TESTS=1
# searches 2,000 per property, CRAMPCARE_PROPERTY_EXAMPLES=N any number.
settings.register_profile(
    "crampcare",
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    print_blob=True,
    max_examples=int(os.environ.get("CRAMPCARE_PROPERTY_EXAMPLES") or (2000 if DEEP else 50)),
)
settings.load_profile("crampcare")

# The garbage collector took 15-20 % of a test process's CPU (4.2 of 22.6 CPU-s over tests/server's
# accounts and isolation, tests/clinic and test_invariants): each full collection walked all the
# long-lived objects again (modules, test items, compiled templates, caches). The ~220,000 objects
# there once collection ends are frozen (full collections skip them), and a full collection waits
# for 100 collections of the middle generation instead of 10. Garbage is still collected, only less
# often (pytest collects once more at the end). Process CPU there 29.1 -> 24.4 s, 20-40 MB more memory.
gc.set_threshold(700, 10, 100)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The modules with long tests (``slow`` or ``browser``: the contract runs, the phone walk, the
    browser flows, the server processes) run first, each module's tests together and in their order.

    pytest-xdist's worksteal hands each worker a contiguous half of the collection and moves tests
    only from the end of a queue; collected by name, tests/web came last, so a run ended on one
    worker still in a 9-12 s test (the two contract runs, the phone walk) while the other sat idle
    (8 s in the lead's measured run). With the long modules first, the queues end on short tests,
    which the idle worker can take over."""
    long_modules = {getattr(item, "module", None) for item in items
                    if item.get_closest_marker("slow") or item.get_closest_marker("browser")}
    long_modules.discard(None)
    items.sort(key=lambda item: getattr(item, "module", None) not in long_modules)  # stable: order kept within


def pytest_collection_finish(session: pytest.Session) -> None:
    gc.collect()
    gc.freeze()


BACKENDS = [b.strip() for b in os.environ.get("CRAMPCARE_TEST_DATABASES", "sqlite,postgresql").split(",") if b.strip()]
_counter = itertools.count()


@pytest.fixture(scope="session", autouse=True)
def cheap_password_hashing() -> Iterator[Any]:
    """Argon2 at its smallest cost in the test processes, and the real hasher, for the one test that
    checks its cost (tests/cheap_hashing.py says why). The `crampcare serve` processes tests start hash
    cheaply too (tests/server/served_crampcare.py), except the ones that check or need the real cost."""
    from cheap_hashing import cheap_hasher
    from crampcare.accounts import service

    real = service._hasher
    service._hasher = cheap_hasher()
    try:
        yield real
    finally:
        service._hasher = real


@pytest.fixture(scope="session", autouse=True)
def templates_compiled_once() -> Iterator[None]:
    """Every app a test creates shares the process's compiled page templates (compiled_templates.py)."""
    from compiled_templates import SharingEnvironment
    from crampcare.web import app

    real = app.Environment
    app.Environment = SharingEnvironment  # type: ignore[misc]
    try:
        yield
    finally:
        app.Environment = real  # type: ignore[misc]


@pytest.fixture(scope="session", autouse=True)
def routes_analysed_once() -> Iterator[None]:
    """Every app a test creates shares the process's analysis of each route's parameters. FastAPI builds,
    for every route of a router an app includes, the route's dependency tree (a pydantic TypeAdapter for
    each parameter of the endpoint and of its dependencies) again for each app, on the app's first
    request: 0.7 ms a route, 30-65 ms an app, and the suite makes hundreds of apps (a server-mode app
    per test). The tree depends only on the path, the endpoint and the include's dependencies, the same
    for every app (the app itself, for ``dependency_overrides``, is looked up on each request); so it is
    built once per process, as one long-running server builds it once."""
    from fastapi import routing

    # A private function of FastAPI's: where a release renames or reshapes it, the suite runs as it
    # would without this fixture (slower, never wrong).
    real = getattr(routing, "_build_dependant_with_parameterless_dependencies", None)
    if real is None:
        yield
        return
    built: dict[tuple[Any, ...], Any] = {}

    def build_once(*args: Any, **kwargs: Any) -> Any:
        try:
            key = (args, tuple(sorted((name, tuple(value) if isinstance(value, list) else value)
                                      for name, value in kwargs.items())))
            hash(key)
        except TypeError:  # an unhashable endpoint or dependency: built each time, as FastAPI does
            return real(*args, **kwargs)
        if key not in built:
            built[key] = real(*args, **kwargs)
        return built[key]

    routing._build_dependant_with_parameterless_dependencies = build_once
    try:
        yield
    finally:
        routing._build_dependant_with_parameterless_dependencies = real


@pytest.fixture(autouse=True)
def each_test_speaks_the_default_language() -> Iterator[None]:
    """A command run in this process with ``--lang ru`` sets the language of the thread (a context
    variable) for good, as it should in a real run; in a shared test process it would carry over
    into whichever test runs next on that worker."""
    from crampcare.i18n.context import use_language
    from crampcare.i18n.languages import DEFAULT_LANGUAGE

    with use_language(DEFAULT_LANGUAGE):
        yield


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    server = PostgresServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'diary.db'}"


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> str:
    return postgres_server.create_database(f"t{os.getpid()}_{next(_counter)}")


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty database URL on each back end (the schema is not yet created): for the tests of
    migrations, `db status/upgrade`, and what happens to a database that is not yet (or not fully) migrated."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'diary.db'}"
    if request.param == "postgresql":
        request.applymarker(pytest.mark.postgres)
        server: PostgresServer = request.getfixturevalue("postgres_server")
        return server.create_database(f"t{os.getpid()}_{next(_counter)}")
    raise ValueError(f"unknown test database back end {request.param!r}")


@pytest.fixture(scope="session")
def migrated_sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated to the newest schema once per worker, for :func:`new_migrated_sqlite` to copy."""
    from crampcare.db.schema import upgrade

    path = tmp_path_factory.mktemp("migrated") / "template.db"
    upgrade(f"sqlite:///{path}")  # closes every connection: WAL checkpointed, the file is the whole database
    assert not path.with_name(path.name + "-wal").exists()
    return path


@pytest.fixture(scope="session")
def new_migrated_sqlite(migrated_sqlite_template: Path) -> Callable[[Path], str]:
    """``new_migrated_sqlite(path)``: a new diary at ``path`` with the newest schema and no rows, as
    running every migration on an empty file would make it (0.2 s of CPU), by copying the template."""

    def make(path: Path) -> str:
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(migrated_sqlite_template, path)
        return f"sqlite:///{path}"

    return make


@pytest.fixture(scope="session")
def migrated_postgres_template(postgres_server: PostgresServer) -> str:
    """The name of a PostgreSQL database migrated once per worker; new databases are made from it."""
    from crampcare.db.schema import upgrade

    name = f"migrated{os.getpid()}"
    upgrade(postgres_server.create_database(name))  # disconnects: a template must have no sessions
    return name


@pytest.fixture(scope="session")
def new_migrated_postgres(postgres_server: PostgresServer, migrated_postgres_template: str) -> Callable[[], str]:
    """``new_migrated_postgres()``: the URL of a new PostgreSQL database at the newest schema with no
    rows, a file copy of the migrated template (what the migrations leave, without running them)."""

    def make() -> str:
        return postgres_server.create_database(f"t{os.getpid()}_{next(_counter)}", template=migrated_postgres_template)

    return make


def _new_migrated_database(request: pytest.FixtureRequest, folder: Path) -> str:
    """A new database at the newest schema on the requested back end (a SQLite file in ``folder``)."""
    if request.param == "sqlite":
        return str(request.getfixturevalue("new_migrated_sqlite")(folder / "diary.db"))
    if request.param == "postgresql":
        request.applymarker(pytest.mark.postgres)
        return str(request.getfixturevalue("new_migrated_postgres")())
    raise ValueError(f"unknown test database back end {request.param!r}")


@pytest.fixture(params=BACKENDS)
def migrated_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh database at the newest schema, with no rows, on each back end: for every test that only
    needs a working diary. A copy of a database migrated once per worker (tests/test_database_fixtures.py
    checks that a copy is at head and independent of the others)."""
    return _new_migrated_database(request, tmp_path)


@pytest.fixture(scope="module", params=BACKENDS)
def module_migrated_db_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """As ``migrated_db_url``, but one per test module and back end: for one app that a module's tests share."""
    return _new_migrated_database(request, tmp_path_factory.mktemp("module"))


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def chromium_process() -> Iterator[tuple[object, asyncio.AbstractEventLoop]]:
    """Debian's Chromium (never a downloaded browser) and Playwright's driver, started once per test
    process by the first module that needs them (a launch costs 0.7 s of CPU): the browser and the
    event loop of Playwright's sync API. Between modules the loop is paused (see ``browser``)."""
    if not CHROMIUM.exists():
        pytest.skip("Debian's Chromium (/usr/bin/chromium) is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        loop = asyncio.get_running_loop()  # the sync API marks its loop as running in this thread
        instance = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        asyncio._set_running_loop(None)  # paused until a module's ``browser`` resumes it
        try:
            yield instance, loop
        finally:
            asyncio._set_running_loop(loop)
            instance.close()


@pytest.fixture(scope="module")
def browser(chromium_process: tuple[object, asyncio.AbstractEventLoop]) -> Iterator[object]:
    """The process's Chromium for the tests of a module; each test opens its own contexts (cookies,
    storage, service workers). While Playwright's sync API is in use it marks its event loop as running
    in the main thread, and an asyncio.run() there would fail: so it is marked only while a browser
    module runs, and the tests of other modules that run between (xdist hands out tests one by one)
    see no running loop, as if no browser were open."""
    instance, loop = chromium_process
    asyncio._set_running_loop(loop)
    try:
        yield instance
    finally:
        asyncio._set_running_loop(None)
