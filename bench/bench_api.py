"""API throughput: ``POST /api/v1/assess`` requests per second vs ``GET /api/v1/health`` on the same
server in the same run (target: assess within 80 % of the bare endpoint).

A real ``crampcare serve`` subprocess on a free loopback port and a temporary diary; a thread pool
of httpx clients, each phase bounded in time and in request count; the two endpoints alternate so
drift hits both alike. Prints figures; it is not a test.

Each round measures health then assess back to back; the ratio reported is the median of the
per-round ratios, so slow drift in machine load (other processes) hits both sides of a ratio.

Run: .venv/bin/python bench/bench_api.py [SECONDS_PER_PHASE] [THREADS] [ROUNDS]
"""

from __future__ import annotations

import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx2

ROOT = Path(__file__).resolve().parents[1]
MAX_REQUESTS_PER_PHASE = 50_000


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(folder: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "CRAMPCARE_DB"}
    process = subprocess.Popen(
        [sys.executable, "-m", "crampcare", "serve", "--port", str(port), "--db", str(folder / "diary.db")],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx2.get(url + "/api/v1/health", timeout=1).status_code == 200:
                return process, url
        except httpx2.HTTPError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit("the server did not start")


def phase(url: str, method: str, path: str, body: bytes | None, seconds: float, threads: int) -> tuple[float, int]:
    """Requests per second over ``seconds`` (or MAX_REQUESTS_PER_PHASE requests, whichever first)."""
    lock = threading.Lock()
    done = [0]
    errors = [0]
    stop_at = time.perf_counter() + seconds
    headers = {"content-type": "application/json"} if body is not None else {}

    def worker() -> None:
        with httpx2.Client(base_url=url, timeout=10) as client:
            while time.perf_counter() < stop_at:
                with lock:
                    if done[0] + errors[0] >= MAX_REQUESTS_PER_PHASE:
                        return
                response = client.request(method, path, content=body, headers=headers)
                response.read()
                with lock:
                    if response.status_code < 400:
                        done[0] += 1
                    else:
                        errors[0] += 1

    started = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        for future in [pool.submit(worker) for _ in range(threads)]:
            future.result()
    elapsed = time.perf_counter() - started
    return done[0] / elapsed, errors[0]


def main() -> None:
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 3.0
    threads = int(sys.argv[2]) if len(sys.argv) > 2 else 4
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    answers = json.loads((ROOT / "examples" / "cases" / "P1.json").read_text())
    body = json.dumps({"answers": answers}).encode()
    with tempfile.TemporaryDirectory() as folder:
        process, url = start_server(Path(folder))
        try:
            with httpx2.Client(base_url=url) as client:  # warm up both routes
                for _ in range(50):
                    client.get("/api/v1/health")
                    client.post("/api/v1/assess", content=body, headers={"content-type": "application/json"})
                size = len(client.post("/api/v1/assess", content=body,
                                       headers={"content-type": "application/json"}).content)
            health, assess = [], []
            for _round in range(rounds):
                rps, err = phase(url, "GET", "/api/v1/health", None, seconds, threads)
                health.append(rps)
                rps2, err2 = phase(url, "POST", "/api/v1/assess", body, seconds, threads)
                assess.append(rps2)
                if err or err2:
                    print(f"warning: {err + err2} error responses")
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
    h, a = sum(health) / len(health), sum(assess) / len(assess)
    print(f"server: one uvicorn process on loopback; client: {threads} threads x httpx, "
          f"{seconds:g} s x {rounds} rounds each")
    print(f"GET  /api/v1/health  {h:8.0f} req/s  (rounds: {', '.join(f'{x:.0f}' for x in health)})")
    print(f"POST /api/v1/assess  {a:8.0f} req/s  (rounds: {', '.join(f'{x:.0f}' for x in assess)}; "
          f"response {size / 1024:.1f} KB uncompressed)")
    ratios = sorted(x / y for x, y in zip(assess, health, strict=True) if y)
    ratio = statistics.median(ratios) if ratios else 0.0
    print(f"ratio assess/health  {ratio:8.2f}  median of rounds (range {ratios[0]:.2f}-{ratios[-1]:.2f}; "
          f"target >= 0.80: {'met' if ratio >= 0.8 else 'NOT met'})")


if __name__ == "__main__":
    main()
