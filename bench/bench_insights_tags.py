"""Insights with the most tags a diary can hold: time and size of ``GET /api/v1/insights``.

    .venv/bin/python bench/bench_insights_tags.py [--days 365] [--repeats 5]

Fills a fresh diary (in a temporary folder) with ``--days`` nights and days, each day carrying
the maximum of 20 tags drawn from the maximum of 200 different ones, imported in one request as
an attacker would, then times the insights request and prints the size of its answer. Issue 10
measured 77 s and 62 MB for 40 days x 1,500 unique tags before tags were bounded. A
measurement, not a test.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import statistics
import tempfile
import time
from pathlib import Path

from fastapi.testclient import TestClient

from crampcare.diary.records import MAX_DISTINCT_TAGS, MAX_TAG_LENGTH, MAX_TAGS_PER_DAY
from crampcare.web.app import create_app
from crampcare.web.settings import Settings


def diary(days: int, seed: int = 1) -> dict[str, object]:
    rng = random.Random(seed)
    tags = [f"{number:03d}-" + "x" * (MAX_TAG_LENGTH - 4) for number in range(MAX_DISTINCT_TAGS)]
    end = dt.date.today() - dt.timedelta(days=1)
    nights, day_records = [], []
    for offset in range(days):
        date = (end - dt.timedelta(days=offset)).isoformat()
        cramps = [{"start": "03:10", "duration_s": 90, "leg": "left", "muscles": ["calf"], "severity": 5}] \
            if rng.random() < 0.4 else []
        nights.append({"date": date, "cramps": cramps})
        day_records.append({"date": date, "tags": rng.sample(tags, MAX_TAGS_PER_DAY)})
    return {"format": "crampcare-diary", "version": 1, "nights": nights, "days": day_records}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--days", type=int, default=365)
    ap.add_argument("--repeats", type=int, default=5)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(Settings(db=f"sqlite:///{Path(folder) / 'diary.db'}", max_body_bytes=64 * 1024 * 1024))
        with TestClient(app) as client:
            document = json.dumps(diary(args.days)).encode()
            imported = client.post("/api/v1/import", content=document, headers={"Content-Type": "application/json"})
            assert imported.status_code == 200, imported.text
            times, size = [], 0
            for _ in range(args.repeats):
                started = time.perf_counter()
                answer = client.get("/api/v1/insights", headers={"Accept-Encoding": "identity"})
                times.append(time.perf_counter() - started)
                assert answer.status_code == 200, answer.text
                size = len(answer.content)
    print(f"{args.days} days x {MAX_TAGS_PER_DAY} tags of {MAX_TAG_LENGTH} characters, {MAX_DISTINCT_TAGS} different "
          f"(import {len(document) / 1024:.0f} KB)")
    print(f"GET /api/v1/insights: median {1000 * statistics.median(times):.0f} ms, slowest {1000 * max(times):.0f} ms "
          f"over {args.repeats} requests; answer {size / 1024:.0f} KB")


if __name__ == "__main__":
    main()
