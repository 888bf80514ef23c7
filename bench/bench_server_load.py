"""Server mode under load: 50 people logging nights at once on PostgreSQL, through
``crampcare serve --multi-user --workers 2``. Prints figures; it is not a test.

Starts a throwaway PostgreSQL (the test suite's ``tests/pg.py``), runs ``crampcare db upgrade``,
starts the server on a free loopback port, signs up the users, then runs one thread per user
(httpx, loopback only), each logging nights on distinct dates as fast as it can until the time is
up. Then it reads every diary back and reports: nights logged per second, errors (target 0),
writes acknowledged but missing afterwards (target 0), and p50 / p99 latency of the writes.

Run: .venv/bin/python bench/bench_server_load.py [--seconds 60] [--users 50] [--workers 2]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx2

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from pg import PostgresServer  # noqa: E402

PASSWORD = "correct horse battery"
MAX_SECONDS = 60.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def crampcare_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CRAMPCARE_")}
    env["CRAMPCARE_SIGNUP_LIMIT"] = "0"  # 50 users sign up from one address here, on purpose
    return env


def start_server(url: str, workers: int, log: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "crampcare", "serve", "--multi-user", "--workers", str(workers), "--db", url,
             "--port", str(port)],
            stdout=out, stderr=subprocess.STDOUT, env=crampcare_env(),
        )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server exited: {log.read_text()}")
        try:
            if httpx2.get(base + "/api/v1/health", timeout=1).status_code == 200:
                return process, base
        except httpx2.HTTPError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("the server did not start")


def sign_up(base: str, index: int) -> tuple[str, str, str]:
    """(e-mail, session cookie, CSRF token) of a new user."""
    email = f"load{index}@example.org"
    with httpx2.Client(base_url=base, timeout=60) as client:
        response = client.post("/api/v1/auth/signup", json={"email": email, "password": PASSWORD})
        response.raise_for_status()
        return email, client.cookies["crampcare_session"], response.json()["csrf_token"]


class Results:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latencies: list[float] = []
        self.errors: dict[str, int] = {}
        self.acknowledged: dict[str, set[str]] = {}

    def error(self, kind: str) -> None:
        with self.lock:
            self.errors[kind] = self.errors.get(kind, 0) + 1


def client_loop(base: str, user: tuple[str, str, str], stop_at: float, results: Results) -> None:
    email, cookie, csrf = user
    acknowledged: set[str] = set()
    latencies: list[float] = []
    first = dt.date.today() - dt.timedelta(days=1)
    offset = 0
    with httpx2.Client(base_url=base, timeout=30, cookies={"crampcare_session": cookie},
                      headers={"X-CSRF-Token": csrf}) as client:
        while time.perf_counter() < stop_at:
            date = (first - dt.timedelta(days=offset)).isoformat()  # distinct dates per client
            offset += 1
            night = {"date": date, "cramps": [{"start": "03:00", "duration_s": 60 + offset % 500, "leg": "left",
                                               "muscles": ["calf"], "severity": offset % 11, "helped": ["stretch"]}]}
            started = time.perf_counter()
            try:
                response = client.post("/api/v1/nights", json=night)
            except httpx2.HTTPError as exc:
                results.error(type(exc).__name__)
                continue
            latencies.append(time.perf_counter() - started)
            if response.status_code == 201:
                acknowledged.add(date)
            else:
                results.error(f"HTTP {response.status_code}")
    with results.lock:
        results.latencies.extend(latencies)
        results.acknowledged[email] = acknowledged


def read_back(base: str, user: tuple[str, str, str]) -> set[str]:
    _email, cookie, _csrf = user
    with httpx2.Client(base_url=base, timeout=120, cookies={"crampcare_session": cookie}) as client:
        response = client.get("/api/v1/nights")
        response.raise_for_status()
        return {night["date"] for night in response.json()}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=MAX_SECONDS, help="length of the load phase (at most 60)")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    seconds = max(1.0, min(MAX_SECONDS, args.seconds))

    postgres = PostgresServer()
    postgres.start()
    process: subprocess.Popen[bytes] | None = None
    try:
        url = postgres.create_database("load")
        upgraded = subprocess.run([sys.executable, "-m", "crampcare", "db", "upgrade", "--db", url],
                                  capture_output=True, text=True, env=crampcare_env())
        if upgraded.returncode:
            raise SystemExit(upgraded.stderr)
        process, base = start_server(url, args.workers, postgres.root / "serve.log")

        started = time.perf_counter()
        with ThreadPoolExecutor(4) as pool:
            users = list(pool.map(lambda i: sign_up(base, i), range(args.users)))
        signup_s = time.perf_counter() - started

        results = Results()
        load_started = time.perf_counter()
        stop_at = load_started + seconds
        threads = [threading.Thread(target=client_loop, args=(base, user, stop_at, results)) for user in users]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - load_started

        with ThreadPoolExecutor(8) as pool:
            stored = dict(zip([u[0] for u in users], pool.map(lambda u: read_back(base, u), users), strict=True))
    finally:
        if process is not None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        postgres.stop()

    acknowledged = sum(len(dates) for dates in results.acknowledged.values())
    missing = sum(len(results.acknowledged[email] - stored[email]) for email in stored)
    unacknowledged_but_stored = sum(len(stored[email] - results.acknowledged[email]) for email in stored)
    errors = sum(results.errors.values())
    lat = results.latencies
    print(f"server: crampcare serve --multi-user --workers {args.workers} on PostgreSQL (loopback); "
          f"clients: {args.users} threads x httpx, one user each; {os.cpu_count()} CPU cores shared by all")
    print(f"sign-up of {args.users} users: {signup_s:.1f} s ({args.users / signup_s:.1f}/s, Argon2)")
    print(f"load phase: {elapsed:.1f} s; nights logged (acknowledged 201): {acknowledged}")
    print(f"logged nights per second     {acknowledged / elapsed:8.1f}")
    print(f"errors                       {errors:8d}  {results.errors if errors else ''}(target 0)")
    print(f"acknowledged but missing     {missing:8d}  (target 0)")
    print(f"stored but not acknowledged  {unacknowledged_but_stored:8d}  (requests that failed client-side)")
    if lat:
        print(f"write latency p50 / p99      {1000 * statistics.median(lat):6.1f} / "
              f"{1000 * percentile(lat, 0.99):6.1f} ms  (max {1000 * max(lat):.0f} ms, {len(lat)} requests)")


if __name__ == "__main__":
    main()
