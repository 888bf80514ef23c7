"""CPU time of reading a long diary, and of the two insights views that read all of it (median of N).

    .venv/bin/python bench/bench_diary_read.py [--days 3650] [--repeats 15] [--db FILE]

The diary is made as ``crampcare simulate --days DAYS --seed 1 --db FILE`` makes it (a temporary
file unless ``--db`` names one that exists). "read" is ``list_nights()`` plus ``list_days()``, what
every insights view starts with; the pages go through FastAPI's TestClient after one warm-up
request each. CPU time is this process's (threads included), which other work on a shared
machine disturbs less than wall time. Prints figures; it is not a test.

Measured 2026-12-03 on the shared 2-core machine (load about 1), 21 repeats, two runs each, median
(fastest) CPU ms, before -> after decoding each JSON list text once and building records without
``model_construct``: read 184-186 (99-104) -> 128 (46-50); /insights 383-468 (188-282) -> 370-378
(216-241); /api/v1/insights 413-431 (267-288) -> 360-378 (215-216). The medians sit far above the
fastest runs because each read leaves 8,000 records (about 40,000 tracked objects) behind, which
sets off a full garbage collection over the whole heap: with ``gc.freeze()`` after start-up the
pages' medians fell from 341 to 234-241 ms here.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path


def _median_ms(work: Callable[[], object], repeats: int) -> str:
    work()
    times = []
    for _ in range(repeats):
        started = time.process_time()
        work()
        times.append((time.process_time() - started) * 1000)
    return f"{statistics.median(times):7.1f} ms  (min {min(times):.1f}, max {max(times):.1f})"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--days", type=int, default=3650)
    ap.add_argument("--repeats", type=int, default=15)
    ap.add_argument("--db", help="an existing diary to read (default: simulate one)")
    args = ap.parse_args()

    from fastapi.testclient import TestClient
    from typer.testing import CliRunner

    from crampcare.cli import app as cli
    from crampcare.diary.store import open_store
    from crampcare.web.app import create_app
    from crampcare.web.settings import Settings

    with tempfile.TemporaryDirectory() as folder:
        db = args.db or str(Path(folder) / "diary.db")
        if not Path(db).exists():
            made = CliRunner().invoke(cli, ["simulate", "--days", str(args.days), "--seed", "1", "--db", db])
            if made.exit_code != 0:
                raise SystemExit(made.output)
        with open_store(db) as store:
            print(f"{len(store.list_nights())} nights, {len(store.list_days())} days; "
                  f"median CPU of {args.repeats}:")
            print(f"  {'read':<18} {_median_ms(lambda: (store.list_nights(), store.list_days()), args.repeats)}")
        with TestClient(create_app(Settings(db=db))) as client:
            for path in ("/insights", "/api/v1/insights"):
                def get(path: str = path) -> None:
                    answer = client.get(path)
                    assert answer.status_code == 200, (path, answer.status_code)

                print(f"  {path:<18} {_median_ms(get, args.repeats)}")


if __name__ == "__main__":
    main()
