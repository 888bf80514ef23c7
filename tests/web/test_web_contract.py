"""The API keeps its contract: schemathesis, with every check and every phase (examples, coverage,
fuzzing, stateful) and a fixed seed, against ``/openapi.json`` of the app running in this process
(local mode, a fresh SQLite diary). Zero failures, and at least 1,000 generated requests
(``CRAMPCARE_DEEP_TESTS=1``: more examples per operation, see ``EXAMPLES``).

The rules the schema states in words but JSON Schema cannot express (dates from 1900 to tomorrow,
``from`` not after ``to``, the body's date equal to the path's) are taught to the generator in
``contract_hooks.py``; ``schemathesis.toml`` says why an import body may be a 422.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from threaded_server import serve_in_thread

from crampcare.web.app import create_app
from crampcare.web.settings import Settings
from depth import DEEP

pytestmark = pytest.mark.slow

HERE = Path(__file__).parent
# Hypothesis's Unicode tables (the categories, and which characters UTF-8 encodes) and the constants
# it collects from the loaded code: 1.6 s of CPU to build, the same in every run, so schemathesis
# keeps them where the suite's own Hypothesis does, not in each run's empty folder. The examples it
# finds stay in memory (--generation-database): every run starts from none, as before.
HYPOTHESIS_CACHE = HERE.parents[1] / ".hypothesis"
SEED = 20261203
MIN_CASES = 1000
# Examples per operation for the fuzzing and stateful phases. The coverage phase (most of the
# requests, over 1,800) does not depend on it; CRAMPCARE_DEEP_TESTS=1 (the bench job) fuzzes five
# times as deep. The two modes are separate files so pytest-xdist runs them side by side.
EXAMPLES = 10 if DEEP else 2


@pytest.fixture
def local_app(new_migrated_sqlite: Callable[[Path], str], tmp_path: Path) -> Iterator[str]:
    """Local mode on a new, empty diary (a copy of the migrated template: what the app's own
    migration on start would make, without its 0.2 s of CPU)."""
    yield from serve_in_thread(create_app(Settings(db=new_migrated_sqlite(tmp_path / "diary.db"))))


def run_schemathesis(url: str, folder: Path, *extra: str) -> None:
    schemathesis = Path(sys.executable).with_name("schemathesis")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(HERE), os.environ.get("PYTHONPATH", "")]),
           "SCHEMATHESIS_HOOKS": "contract_hooks", "NO_COLOR": "1",
           "HYPOTHESIS_STORAGE_DIRECTORY": str(HYPOTHESIS_CACHE)}
    started = time.monotonic()
    run = subprocess.run(
        [str(schemathesis), "--config-file", str(HERE / "schemathesis.toml"), "run", f"{url}/openapi.json",
         "--checks", "all", "--seed", str(SEED), "--max-examples", str(EXAMPLES), "--generation-database", ":memory:", "--no-color", *extra],
        capture_output=True, text=True, env=env, cwd=folder, timeout=600,
    )
    elapsed = time.monotonic() - started
    generated = re.search(r"(\d+) generated", run.stdout)
    print(f"schemathesis: {generated.group(0) if generated else '?'} in {elapsed:.0f} s")
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    assert generated and int(generated.group(1)) >= MIN_CASES, run.stdout[-3000:]
    assert "No issues found" in run.stdout or " 0 failures" in run.stdout or "passed" in run.stdout, run.stdout[-3000:]


def test_the_api_keeps_its_openapi_contract(local_app: str, tmp_path: Path) -> None:
    run_schemathesis(local_app, tmp_path)
