"""`crampcare now --plain` start-up, against a bare `python -c pass` in the same run.

Measures the time until the first step is on stdout (target: under 0.3 s) and until exit.
Run: .venv/bin/python bench/bench_cli_startup.py [repeats]
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time


def time_to_first_step(command: list[str]) -> tuple[float, float]:
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    first = None
    for line in process.stdout:
        if first is None and line.startswith("1. "):
            first = time.perf_counter() - start
    process.wait()
    total = time.perf_counter() - start
    return (first if first is not None else total), total


def time_command(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 15
    python = sys.executable
    bare = [time_command([python, "-c", "pass"]) for _ in range(repeats)]
    now = [time_to_first_step([python, "-m", "crampcare", "now", "--plain"]) for _ in range(repeats)]
    helps = [time_command([python, "-m", "crampcare", "--help"]) for _ in range(max(3, repeats // 3))]
    first = [f for f, _ in now]
    total = [t for _, t in now]
    print(f"python -c pass:                  median {statistics.median(bare) * 1000:6.0f} ms")
    print(
        f"crampcare now --plain, 1st step: median {statistics.median(first) * 1000:6.0f} ms  "
        f"(max {max(first) * 1000:.0f} ms; target < 300 ms)"
    )
    print(f"crampcare now --plain, exit:     median {statistics.median(total) * 1000:6.0f} ms")
    print(f"crampcare --help (full CLI):     median {statistics.median(helps) * 1000:6.0f} ms")
    print(f"overhead over bare python:       {(statistics.median(first) - statistics.median(bare)) * 1000:6.0f} ms")


if __name__ == "__main__":
    main()
