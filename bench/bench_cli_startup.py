"""`crampcare now` start-up, against a bare `python -c pass` in the same run.

Measures the time until the first step is on stdout (target: under 0.3 s) and until exit for
`--plain`, the time until the first step's whole panel is on a terminal for `crampcare now` as a
person runs it (a pseudo-terminal: Typer, Rich and the validated knowledge base load first), and the
CPU seconds `crampcare serve` spends until it has answered its first request (one process on an
existing diary, and each worker of `--workers 2`; CPU, not wall, so a busy machine does not move it much).
Run: .venv/bin/python bench/bench_cli_startup.py [repeats]
"""

from __future__ import annotations

import os
import pty
import resource
import select
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path


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


def time_to_first_panel(command: list[str]) -> float:
    """Seconds until the first step's panel is complete (its lower border) on a pseudo-terminal."""
    start = time.perf_counter()
    pid, terminal = pty.fork()
    if pid == 0:  # the child: the command, with the pseudo-terminal as its stdin, stdout and stderr
        os.execv(command[0], command)
    seen = b""
    try:
        while "\u2570".encode() not in seen:  # "╰": the panel's lower left corner
            ready, _, _ = select.select([terminal], [], [], 10)
            if not ready:
                raise RuntimeError(f"no first step within 10 s: {seen[-300:]!r}")
            seen += os.read(terminal, 65536)
        return time.perf_counter() - start
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(terminal)


def time_command(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def _stat(pid: int | str) -> list[str]:
    """The fields of /proc/PID/stat after the command name (state, parent, ..., utime at 11, stime at 12)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:  # the process has gone
        return []


def _cpu(pid: int) -> float:
    fields = _stat(pid)
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK") if fields else 0.0


def _children(pid: int) -> list[int]:
    return [int(entry.name) for entry in Path("/proc").iterdir()
            if entry.name.isdigit() and _stat(entry.name)[1:2] == [str(pid)]]


def serve_cpu(db: Path, *args: str) -> tuple[float, list[float]]:
    """CPU seconds of `crampcare serve --db DB ARGS` up to its first answer (its workers' own, apart),
    stopped once every worker has started."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {key: value for key, value in os.environ.items() if not key.startswith("CRAMPCARE_")}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    process = subprocess.Popen([sys.executable, "-m", "crampcare", "serve", "--db", str(db), "--port", str(port), *args],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/health", timeout=1) as response:
                response.read()
            break
        except OSError:
            time.sleep(0.02)
    workers: list[float] = []
    if "--workers" in args:
        time.sleep(1.5)  # the other worker finishes starting
        workers = sorted(cpu for cpu in map(_cpu, _children(process.pid)) if cpu > 0.1)  # not multiprocessing's resource tracker
    process.send_signal(signal.SIGINT)
    process.wait()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime, workers


def main() -> None:
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 15
    python = sys.executable
    bare = [time_command([python, "-c", "pass"]) for _ in range(repeats)]
    now = [time_to_first_step([python, "-m", "crampcare", "now", "--plain"]) for _ in range(repeats)]
    in_terminal = [time_to_first_panel([python, "-m", "crampcare", "now"]) for _ in range(repeats)]
    helps = [time_command([python, "-m", "crampcare", "--help"]) for _ in range(max(3, repeats // 3))]
    first = [f for f, _ in now]
    total = [t for _, t in now]
    print(f"python -c pass:                  median {statistics.median(bare) * 1000:6.0f} ms")
    print(
        f"crampcare now --plain, 1st step: median {statistics.median(first) * 1000:6.0f} ms  "
        f"(max {max(first) * 1000:.0f} ms; target < 300 ms)"
    )
    print(f"crampcare now --plain, exit:     median {statistics.median(total) * 1000:6.0f} ms")
    print(
        f"crampcare now in a terminal, 1st step: median {statistics.median(in_terminal) * 1000:6.0f} ms  "
        f"(max {max(in_terminal) * 1000:.0f} ms; target < 300 ms)"
    )
    print(f"crampcare --help (full CLI):     median {statistics.median(helps) * 1000:6.0f} ms")
    print(f"overhead over bare python:       {(statistics.median(first) - statistics.median(bare)) * 1000:6.0f} ms")
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "diary.db"
        subprocess.run([python, "-m", "crampcare", "db", "upgrade", "--db", str(db)], check=True, stdout=subprocess.DEVNULL)
        runs = max(3, repeats // 3)
        single = [serve_cpu(db)[0] for _ in range(runs)]
        workers = [cpu for _ in range(runs) for cpu in serve_cpu(db, "--workers", "2")[1]]
    print(f"crampcare serve, CPU to 1st answer: median {statistics.median(single) * 1000:6.0f} ms  (one process)")
    if workers:
        print(f"  each --workers 2 worker, CPU:     median {statistics.median(workers) * 1000:6.0f} ms")


if __name__ == "__main__":
    main()
