"""Time of compute_insights over a 10-year simulated diary (target: at most 100 ms).

    .venv/bin/python bench/bench_insights.py [--years 10] [--repeats 30]

Prints the median and the fastest of the repeats in wall-clock time and in CPU time of this
process (which other work on a shared machine disturbs less), and what the JSON form and the
plain-text summary add. The target is met by computing, not by a cache: every call does the whole
analysis, trigger shuffles included. A measurement, not a test.

Measured 2026-12-03 on the shared 2-core machine at load 11 (the trigger bench beside it), 30
repeats, two runs each: CPU time median 68-72 ms (fastest 50-58 ms), against 86-93 ms (fastest
70 ms) for the code before (block shuffles by sorting random keys, per-test loops, per-cramp
Counter updates). Wall-clock medians were 395-400 ms against 640-770 ms: at that load this
process waited for a core most of the time, so the wall figure says little about a quiet machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import time

from crampcare.insights import compute_insights
from crampcare.insights.simulate import simulate_diary


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--years", type=int, default=10)
    ap.add_argument("--repeats", type=int, default=30)
    args = ap.parse_args()
    days = 365 * args.years
    nights, day_records = simulate_diary(
        days, trigger="low_fluids", rr=2.5, seed=1, end=dt.date(2025, 12, 31), seasonal=0.2
    )
    cramps = sum(len(n.cramps) for n in nights)
    compute_insights(nights, day_records)  # warm-up (imports, first numpy calls)
    times, cpu_times, dump_times = [], [], []
    for _ in range(args.repeats):
        c0 = time.process_time()
        t0 = time.perf_counter()
        ins = compute_insights(nights, day_records, today=dt.date(2025, 12, 31))
        t1 = time.perf_counter()
        cpu_times.append(time.process_time() - c0)
        json.dumps(ins.model_dump(mode="json"))
        ins.summary()
        t2 = time.perf_counter()
        times.append(t1 - t0)
        dump_times.append(t2 - t1)
    print(
        f"{args.years}-year diary: {len(nights)} nights, {len(day_records)} days, {cramps} cramps, "
        f"{ins.triggers.tests_run} trigger tests"
    )
    print(
        f"compute_insights: median {1000 * statistics.median(times):.1f} ms, "
        f"fastest {1000 * min(times):.1f} ms over {args.repeats} repeats; CPU time median "
        f"{1000 * statistics.median(cpu_times):.1f} ms, fastest {1000 * min(cpu_times):.1f} ms"
    )
    print(f"JSON dump + text summary: median {1000 * statistics.median(dump_times):.1f} ms")


if __name__ == "__main__":
    main()
