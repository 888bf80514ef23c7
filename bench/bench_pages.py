"""CPU time per request of the slower pages (median of N), through FastAPI's TestClient, local mode.

    .venv/bin/python bench/bench_pages.py [--days 40] [--repeats 7] [--change night|day]

The diary is made as ``crampcare simulate --days DAYS --seed 3 --db FILE`` makes it (a temporary
file). The first request of each page is a warm-up (imports, template compiling, the first
chart) and is not counted. Every later request recomputes the page from the diary; a page may
reuse what it drew for an identical diary (the charts), as a person reloading it would.
``--change night`` turns one more night into a cramp night (or a cramp night into a quiet one)
before each request, so every chart's data is new: the cost of a page after logging a night;
``--change day`` turns one more day's fluids from low to high or back (only the triggers change). (To profile a page, call its function directly: a TestClient runs the
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
    ap.add_argument("--change", choices=["night", "day"], help="change the diary before each request")
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
            nights = {n["date"]: bool(n["cramps"]) for n in client.get("/api/v1/nights").json()}
            days = {d["date"]: d.get("fluids_ml") for d in client.get("/api/v1/days").json()}
            changes = [0]

            def version(path: str) -> dict[str, str]:
                # A stored record is replaced with its version (ETag); a new one needs none.
                stored = client.get(path)
                return {"If-Match": stored.headers["etag"]} if stored.status_code == 200 else {}

            def change_diary() -> None:
                # Each change flips one more date, so the diary never returns to a state seen before.
                changes[0] += 1
                date = (dt.date.today() - dt.timedelta(days=2 + changes[0] % max(args.days - 3, 1))).isoformat()
                if args.change == "night":
                    nights[date] = not nights.get(date)
                    cramps = [{"start": "02:30", "duration_s": 60, "leg": "left", "muscles": ["calf"],
                               "severity": 5}] if nights[date] else []
                    answer = client.put(f"/api/v1/nights/{date}", json={"date": date, "cramps": cramps},
                                        headers=version(f"/api/v1/nights/{date}"))
                else:
                    days[date] = 2500 if (days.get(date) or 0) < 1500 else 500
                    answer = client.put(f"/api/v1/days/{date}", json={"date": date, "fluids_ml": days[date]},
                                        headers=version(f"/api/v1/days/{date}"))
                assert answer.status_code in (200, 201), answer.text

            def get(path: str) -> None:
                answer = client.get(path)
                assert answer.status_code == 200, (path, answer.status_code)

            print(f"{args.days} simulated days, median CPU ms of {args.repeats} requests"
                  f"{f' (a {args.change} changed before each)' if args.change else ''}:")
            for path in PAGES:
                get(path)
                times = []
                for _ in range(args.repeats):
                    if args.change:
                        change_diary()
                    started = time.process_time()
                    get(path)
                    times.append((time.process_time() - started) * 1000)
                print(f"  {path:<24} {statistics.median(times):7.1f} ms  (min {min(times):.1f}, max {max(times):.1f})")


if __name__ == "__main__":
    main()
