"""Clinic at scale: the clinician's dashboard, one patient's view and the cohort figures on
PostgreSQL with 10,000 patients who each logged every night of a year (about 3.65 million nights).

Starts a throwaway PostgreSQL (the test suite's ``tests/pg.py``) unless ``--url`` names one,
migrates it, and seeds it in SQL (``generate_series``; no Python loop per row), in batches of
patients so the summary triggers run as they would for bulk imports. Then it times, each
against a plain ``SELECT 1`` round trip in the same run:

* the dashboard of a clinician with 500 patients (the app's own ``dashboard()``, including the
  500 audit-log rows it writes);
* one patient's view as the clinician opens it (the sharing check and audit row, that patient's
  insights from their year of diary, and their latest assessment);
* the cohort figures over all 10,000 consenting patients (the app's ``cohort_figures()``).

Targets: dashboard <= 300 ms, cohort <= 2 s. Usage::

    nice -n 10 .venv/bin/python bench/bench_clinic.py                  # the full run
    .venv/bin/python bench/bench_clinic.py --patients 300 --days 120   # a quick look
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from sqlalchemy import Engine, text  # noqa: E402

from crampcare.accounts.service import User  # noqa: E402
from crampcare.db.engine import make_engine  # noqa: E402
from crampcare.db.schema import upgrade  # noqa: E402
from pg import PostgresServer  # noqa: E402

TARGETS_MS = {"dashboard": 300.0, "cohort": 2000.0}
BATCH = 1000  # patients per seeding statement


def seed(engine: Engine, patients: int, days: int, clinic_size: int, today: dt.date) -> dict[str, float]:
    """Patients, a year of nights each (cramps at a per-patient rate that rises, falls or stays),
    one assessment each (the example cases' real results), consent, and one clinician's shares."""
    from crampcare.assess import assess

    start = today - dt.timedelta(days=days - 1)
    cases = sorted((ROOT / "examples" / "cases").glob("*.json"))
    results = [assess(json.loads(path.read_text())) for path in cases]
    timings: dict[str, float] = {}
    with engine.begin() as conn:
        began = time.perf_counter()
        conn.execute(text(
            "INSERT INTO users (email, password_hash, owner_id, created_at) "
            "SELECT 'p' || i || '@bench.example', 'not a password', 'u-bench-' || lpad(i::text, 6, '0'), now() "
            "FROM generate_series(1, :n) AS i"), {"n": patients})
        conn.execute(text(
            "INSERT INTO users (email, password_hash, owner_id, created_at) "
            "VALUES ('doctor@bench.example', 'not a password', 'u-bench-doctor', now())"))
        # Per patient: a base cramp rate (5-60% of nights) and a change over the year (-50%, 0, +80%).
        conn.execute(text(
            "CREATE TABLE bench_patients AS SELECT u.id, u.owner_id AS owner, "
            "0.05 + (abs(hashtext(u.owner_id)) % 56) / 100.0 AS p0, "
            "(ARRAY[-0.5, 0.0, 0.0, 0.8])[1 + abs(hashtext(u.owner_id || 's')) % 4] AS slope, "
            "row_number() OVER (ORDER BY u.id) AS n FROM users u WHERE u.email LIKE 'p%@bench.example'"))
        timings["users"] = time.perf_counter() - began
    began = time.perf_counter()
    for low in range(1, patients + 1, BATCH):
        high = low + BATCH - 1
        with engine.begin() as conn:
            conn.execute(text(
                "INSERT INTO nights (owner, user_id, date, sleep_disturbed, notes) "
                "SELECT b.owner, b.id, d::date, false, '' FROM bench_patients b "
                "CROSS JOIN generate_series(CAST(:start AS date), CAST(:today AS date), interval '1 day') AS d "
                "WHERE b.n BETWEEN :low AND :high"), {"start": start, "today": today, "low": low, "high": high})
            conn.execute(text(
                "INSERT INTO cramps (owner, user_id, night_id, position, start, duration_s, leg, muscles, severity, "
                "signs, helped, minutes_to_relief) "
                "SELECT n.owner, n.user_id, n.id, 0, time '01:00' + (random() * 14400)::int * interval '1 second', "
                "30 + (random() * 400)::int, (ARRAY['left', 'right', 'both'])[1 + (random() * 2)::int], "
                "'[\"calf\"]'::jsonb, 1 + (random() * 9)::int, '[]'::jsonb, '[\"stretch\"]'::jsonb, "
                "round((random() * 6)::numeric, 1) "
                "FROM nights n JOIN bench_patients b ON b.owner = n.owner "
                "WHERE b.n BETWEEN :low AND :high "
                "AND random() < b.p0 * (1 + b.slope * (n.date - CAST(:start AS date)) / :days)"),
                {"start": start, "low": low, "high": high, "days": float(days)})
        print(f"  seeded {min(high, patients):>6} patients' diaries ({time.perf_counter() - began:.0f} s)", flush=True)
    timings["diaries (with summary triggers)"] = time.perf_counter() - began
    began = time.perf_counter()
    with engine.begin() as conn:
        conn.execute(text("CREATE TEMP TABLE bench_results (k int, answers jsonb, result jsonb)"))
        conn.execute(text("INSERT INTO bench_results VALUES (:k, CAST(:answers AS jsonb), CAST(:result AS jsonb))"),
                     [{"k": k, "answers": json.dumps(r.answers), "result": json.dumps(r.model_dump(mode="json"))}
                      for k, r in enumerate(results)])
        conn.execute(text(
            "INSERT INTO assessments (owner, user_id, created_at, answers, result) "
            "SELECT b.owner, b.id, CAST(:today AS timestamptz) - (abs(hashtext(b.owner || 'a')) % 300) * interval '1 day', "
            "r.answers, r.result FROM bench_patients b JOIN bench_results r ON r.k = b.n % :cases"),
            {"today": today, "cases": len(results)})
        conn.execute(text("INSERT INTO clinic_cohort_consents (user_id, consented_at) "
                          "SELECT id, now() FROM bench_patients"))
        conn.execute(text(
            "INSERT INTO clinic_shares (patient_id, clinician_id, share_diary, share_assessments, share_reports, "
            "status, created_at, accepted_at) SELECT b.id, d.id, true, true, true, 'active', now(), now() "
            "FROM bench_patients b, users d WHERE d.email = 'doctor@bench.example' AND b.n <= :size"),
            {"size": clinic_size})
    timings["assessments, consent, shares"] = time.perf_counter() - began
    began = time.perf_counter()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))
    timings["vacuum analyze"] = time.perf_counter() - began
    return timings


def timed(function: Callable[[], Any], rounds: int) -> tuple[float, float]:
    """Median and worst of ``rounds`` calls, in milliseconds (after one warm-up call)."""
    function()
    samples = []
    for _ in range(rounds):
        began = time.perf_counter()
        function()
        samples.append((time.perf_counter() - began) * 1000)
    return statistics.median(samples), max(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--patients", type=int, default=10_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--clinic-size", type=int, default=500, help="patients who share with the clinician")
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--url", help="an empty PostgreSQL database to use instead of a throwaway server")
    args = parser.parse_args()

    server = None
    if args.url:
        url = args.url
    else:
        server = PostgresServer()
        server.start()
        url = server.create_database("bench_clinic")
    try:
        run(url, args)
    finally:
        if server is not None:
            server.stop()


def run(url: str, args: argparse.Namespace) -> None:
    from crampcare.services.clinic import cohort_figures, dashboard, open_share, shared_diary
    from crampcare.services.diary import latest_assessment
    from crampcare.web.pages import insights_context

    upgrade(url)
    engine = make_engine(url)
    today = dt.date.today()
    print(f"Seeding {args.patients:,} patients x {args.days} days on PostgreSQL ...", flush=True)
    timings = seed(engine, args.patients, args.days, args.clinic_size, today)
    with engine.connect() as conn:
        counts = {table: conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
                  for table in ("nights", "cramps", "assessments", "clinic_week_summaries",
                                "clinic_assessment_summaries")}
        doctor = conn.execute(text("SELECT id, email, owner_id FROM users WHERE email = 'doctor@bench.example'")).one()
        share_id = conn.execute(text("SELECT min(id) FROM clinic_shares WHERE clinician_id = :d"),
                                {"d": doctor.id}).scalar_one()
    for name, seconds in timings.items():
        print(f"  {name:32} {seconds:8.1f} s")
    print("  rows: " + ", ".join(f"{table} {count:,}" for table, count in counts.items()))
    clinician = User(id=doctor.id, email=doctor.email, owner_id=doctor.owner_id)

    def select_one() -> None:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1")).scalar_one()

    def the_dashboard() -> None:
        rows = dashboard(engine, clinician, today)
        assert len(rows) == min(args.clinic_size, args.patients)

    def one_patient() -> None:
        share = open_share(engine, clinician, share_id, None, "overview")
        assert share is not None
        store = shared_diary(engine, share)
        insights_context(store)
        latest_assessment(store)
        store.close()

    def the_cohort() -> None:
        figures = cohort_figures(engine, today)
        assert figures.patients == args.patients

    def one_night_write() -> None:
        with engine.begin() as conn:
            conn.execute(text("UPDATE nights SET notes = notes WHERE owner = :o AND date = :d"),
                         {"o": "u-bench-000001", "d": today})

    rounds = args.rounds
    results = {
        "SELECT 1 round trip": timed(select_one, rounds * 4),
        "dashboard": timed(the_dashboard, rounds),
        "one patient's view": timed(one_patient, rounds),
        "cohort": timed(the_cohort, max(3, rounds // 3)),
        "one night rewritten (summary trigger)": timed(one_night_write, rounds * 2),
    }
    base = results["SELECT 1 round trip"][0]
    print(f"\nclinic bench: {args.patients:,} patients x {args.days} days ({counts['nights']:,} nights), "
          f"a clinician with {min(args.clinic_size, args.patients)} patients")
    for name, (median, worst) in results.items():
        target = TARGETS_MS.get(name)
        verdict = f"  target <= {target:.0f} ms: {'met' if median <= target else 'MISSED'}" if target else ""
        print(f"  {name:40} median {median:9.2f} ms  worst {worst:9.2f} ms  ({median / base:8.0f}x SELECT 1){verdict}")
    engine.dispose()


if __name__ == "__main__":
    main()
