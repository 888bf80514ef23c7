"""Trigger detection on simulated diaries: the planted trigger found, a do-nothing factor named.

Two measurements, each diary analysed after 8 and after 12 weeks (the same diary cut short):

- **Power** on independent diaries (every night and day drawn afresh): base cramp-night rate 0.3,
  one planted factor on 30 % of days that multiplies that night's cramp probability by 2.5, ten
  other logged factors that do nothing, about 6 % of dates unlogged plus some blank entries.
  "Found" = the planted factor is "seems linked". The oracle is one test of the planted factor
  alone, known in advance: its own one-sided p < 0.05 (same night, more cramps), from the same run.
- **Do-nothing factors named**: the same diaries with RR 1 (eleven factors, none doing anything),
  with cramps and every factor in spells (persistence 0, 0.7, 0.85, 0.93: each day keeps the
  previous day's state with that probability), without and with a seasonal swing of +-50 % in the
  cramp rate *and* in every factor's share of days, in phase (the hardest case).

Shares are printed with 95 % Wilson intervals. Use a seed range that was not used to tune the
method (the default 200000 was not), and 2000 diaries per line for the issue's targets:

    nice -n 10 .venv/bin/python bench/bench_triggers.py [--diaries 2000] [--seed0 200000] [--processes 2]

Measured 2026-12-03, second pass (2000 diaries per line, seeds 200000+; the method was tuned on
seeds 5000-5399; shared 2-core machine at load 6-11, 5-8 min per line):

- found 65.1 % (63.0-67.2) after 8 weeks, oracle 83.2 % (81.6-84.8); found 86.6 % (85.0-88.0)
  after 12 weeks, oracle 95.3 % (94.3-96.2). The 12-week target (86 %) is met, the 8-week one
  (75 %) is not: see "What limits finding a real trigger" in crampcare.insights.analysis.
- a do-nothing factor named (persistence / seasonal swing: after 8 weeks; after 12 weeks):
  0 / 0: 4.6 % (3.8-5.6); 5.4 % (4.5-6.5).   0 / 50 %: 4.8 % (3.9-5.8); 5.5 % (4.6-6.6).
  0.7 / 0: 3.7 % (3.0-4.6); 3.1 % (2.5-4.0).  0.7 / 50 %: 3.5 % (2.7-4.3); 2.7 % (2.1-3.5).
  0.85 / 0: 2.2 % (1.7-3.0); 1.4 % (0.9-2.0). 0.85 / 50 %: 2.8 % (2.1-3.6); 1.6 % (1.1-2.2).
  0.93 / 0: 1.1 % (0.8-1.7); 1.7 % (1.2-2.4). 0.93 / 50 %: 1.7 % (1.2-2.4); 2.0 % (1.5-2.7).
  Without spells the shuffles are an exact test, so the 5 % is used in full there and a
  measurement lands above or below it by chance (both intervals above include 5 %). On fresh seeds
  300000+ (2,000 diaries) the same two cells measured 4.3 % and 4.8 % (3.8 % and 4.4 % after 8
  weeks), and deciding at 0.045 instead of 0.05 would have cost 12-week power 87.0 % -> 85.8 %, so
  the level stays 0.05.
- What any analysis could reach on these diaries (Neyman-Pearson bounds): bench/bench_triggers_bound.py.

Prints figures; it is a measurement, not a test.
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
from multiprocessing import Pool

from crampcare.insights import FACTOR_IDS, compute_insights
from crampcare.insights.simulate import simulate_diary
from crampcare.insights.stats import wilson_interval

END = dt.date(2024, 6, 30)
WEEKS = (8, 12)
PERSISTENCE = (0.0, 0.7, 0.85, 0.93)
SEASONAL = (0.0, 0.5)
# Seeds 5000-5399 tuned the second pass (2026-12-03) and 100000+ reported the first; the report
# is now on 200000+, used for nothing else. Tune on neither.
REPORT_SEED0 = 200000


def one_diary(job: tuple[int, float, float, float]) -> dict[int, tuple[bool, bool, bool]]:
    """(found, oracle found, any do-nothing factor named) after each of WEEKS for one diary."""
    seed, rr, persistence, seasonal = job
    trigger = FACTOR_IDS[seed % len(FACTOR_IDS)]
    nights, days = simulate_diary(
        max(WEEKS) * 7,
        trigger=trigger,
        rr=rr,
        seed=seed,
        end=END,
        cramp_persistence=persistence,
        factor_persistence=persistence,
        seasonal=seasonal,
        factor_seasonal=seasonal,
    )
    out = {}
    for w in WEEKS:
        start = END - dt.timedelta(days=7 * w - 1)
        tr = compute_insights(
            [n for n in nights if n.date >= start], [d for d in days if d.date >= start], today=END
        ).triggers
        planted = next((f for f in tr.factors if f.factor == trigger), None)
        same = next((t for t in planted.tests if t.lag == 0), None) if planted else None
        oracle = bool(
            same is not None
            and same.p_value is not None
            and (same.rate_with or 0) > (same.rate_without or 0)
            and same.p_value < 0.05
        )
        named = [f for f in tr.linked + tr.protective if rr > 1 and f != trigger or rr == 1]
        out[w] = (trigger in tr.linked, oracle, bool(named))
    return out


def share(k: int, n: int) -> str:
    _, lo, hi = wilson_interval(k, n)
    return f"{k / n:6.1%} ({k}/{n}, 95% CI {lo:.1%}-{hi:.1%})"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--diaries", type=int, default=500, help="diaries per line")
    ap.add_argument("--seed0", type=int, default=REPORT_SEED0)
    ap.add_argument("--processes", type=int, default=2)
    ap.add_argument("--only", choices=("power", "false"), default=None)
    ap.add_argument("--persistence", type=float, nargs="*", default=PERSISTENCE, help="false-rate lines to run")
    ap.add_argument("--seasonal", type=float, nargs="*", default=SEASONAL, help="false-rate lines to run")
    args = ap.parse_args()
    n = args.diaries
    seeds = range(args.seed0, args.seed0 + n)
    t0 = time.perf_counter()
    with Pool(max(1, min(2, args.processes))) as pool:
        if args.only != "false":
            res = pool.map(one_diary, [(s, 2.5, 0.0, 0.0) for s in seeds], chunksize=20)
            print(f"Planted trigger (RR 2.5, 30 % of days, base rate 0.3), {n} independent diaries, seeds {args.seed0}+:")
            for w in WEEKS:
                found = sum(r[w][0] for r in res)
                oracle = sum(r[w][1] for r in res)
                fp = sum(r[w][2] for r in res)
                print(
                    f"  after {w:2d} weeks: found {share(found, n)}; oracle {share(oracle, n)}; "
                    f"a do-nothing factor named {share(fp, n)}"
                )
        if args.only != "power":
            print(f"No trigger (RR 1, 11 factors doing nothing), {n} diaries per line, seeds {args.seed0}+:")
            for seasonal in args.seasonal:
                for persistence in args.persistence:
                    res = pool.map(one_diary, [(s, 1.0, persistence, seasonal) for s in seeds], chunksize=20)
                    line = "; ".join(f"after {w:2d} weeks {share(sum(r[w][2] for r in res), n)}" for w in WEEKS)
                    print(f"  persistence {persistence:4.2f}, seasonal swing {seasonal:.0%}: any factor named {line}")
    print(f"({time.perf_counter() - t0:.0f} s)")


if __name__ == "__main__":
    main()
