"""CPU time per request of the slower pages (median of N), through FastAPI's TestClient, local mode.

    .venv/bin/python bench/bench_pages.py [--days 40] [--repeats 7] [--fresh]

The diary is made as ``crampcare simulate --days DAYS --seed 3 --db FILE`` makes it (a temporary
file). The first request of each page is a warm-up (imports, template compiling, the first
chart) and is not counted. Every later request recomputes the page from the diary; a page may
reuse what it drew for an identical diary (the charts), as a person reloading it would.
``--fresh`` writes a night before each request, so nothing can be reused: the cost of a page
after the diary changed. (To profile a page, call its function directly: a TestClient runs the
route in another thread, which cProfile does not see.) Prints figures; it is not a test.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import tempfile
import time
from pathlib import Path

PAGES = ["/", "/now", "/diary", "/insights", "/learn", "/learn/causes", "/report.html", "/report.pdf",
         "/api/v1/insights", "/insights?lang=ru", "/report.html?lang=ru"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--days", type=int, default=40)
    ap.add_argument("--repeats", type=int, default=7)
    ap.add_argument("--fresh", action="store_true", help="change the diary before each request")
    args = ap.parse_args()

    from fastapi.testclient import TestClient
    from typer.testing import CliRunner

    from crampcare.cli import app as cli
    from crampcare.web.app import create_app
    from crampcare.web.settings import Settings

    with tempfile.TemporaryDirectory() as folder:
        db = str(Path(folder) / "diary.db")
        made = CliRunner().invoke(cli, ["simulate", "--days", str(args.days), "--seed", "3", "--db", db])
        if made.exit_code != 0:
            raise SystemExit(made.output)
        with TestClient(create_app(Settings(db=db))) as client:
            night = [dt.date.today() - dt.timedelta(days=args.days + 400)]

            def change_diary() -> None:
                night[0] += dt.timedelta(days=1)
                answer = client.post("/api/v1/nights", json={"date": night[0].isoformat(), "cramps": []})
                assert answer.status_code in (200, 201), answer.text

            def get(path: str) -> None:
                answer = client.get(path)
                assert answer.status_code == 200, (path, answer.status_code)

            print(f"{args.days} simulated days, median CPU ms of {args.repeats} requests"
                  f"{' (the diary changed before each)' if args.fresh else ''}:")
            for path in PAGES:
                get(path)
                times = []
                for _ in range(args.repeats):
                    if args.fresh:
                        change_diary()
                    started = time.process_time()
                    get(path)
                    times.append((time.process_time() - started) * 1000)
                print(f"  {path:<24} {statistics.median(times):7.1f} ms  (min {min(times):.1f}, max {max(times):.1f})")


if __name__ == "__main__":
    main()
