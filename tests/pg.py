"""A throwaway PostgreSQL server for the test suite: initdb + pg_ctl in a temporary folder.

Debian installs the binaries under /usr/lib/postgresql/<version>/bin; the suite's setup
script installs the package when it is missing. PostgreSQL refuses to run as root, so
under root the server runs as the unprivileged ``postgres`` (or ``nobody``) user.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import threading
from pathlib import Path
from typing import Any


def find_pg_bin() -> Path | None:
    override = os.environ.get("CRAMPCARE_PG_BIN")
    if override:
        return Path(override)
    on_path = shutil.which("pg_ctl")
    if on_path:
        return Path(os.path.realpath(on_path)).parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), reverse=True)
    return Path(candidates[0]).parent if candidates else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PostgresServer:
    def __init__(self) -> None:
        bin_dir = find_pg_bin()
        if bin_dir is None:
            raise RuntimeError("PostgreSQL binaries not found; run the README's test command, which installs them")
        self.bin_dir = bin_dir
        # In memory where the machine has it: the suite creates a few hundred databases, and on disk
        # each copy and the final clean-up wait on it (200 databases: 55 s against 9 s in /dev/shm).
        memory = Path("/dev/shm")
        in_memory = memory.is_dir() and os.access(memory, os.W_OK)
        self.root = Path(tempfile.mkdtemp(prefix="crampcare-pg-", dir=memory if in_memory else None))
        self.data = self.root / "data"
        self.port = _free_port()
        self.user_name: str | None = None
        self._admin: Any = None  # the connection create_database uses (psycopg is imported only when needed)
        self._admin_lock = threading.Lock()
        if os.geteuid() == 0:
            for name in ("postgres", "nobody"):
                try:
                    pwd.getpwnam(name)
                except KeyError:
                    continue
                self.user_name = name
                break
            if self.user_name is None:
                raise RuntimeError("running as root and no unprivileged user to run PostgreSQL")
            entry = pwd.getpwnam(self.user_name)
            os.chown(self.root, entry.pw_uid, entry.pw_gid)

    def _run(self, *args: str) -> None:
        command = [str(self.bin_dir / args[0]), *args[1:]]
        if self.user_name is not None:
            entry = pwd.getpwnam(self.user_name)

            def demote() -> None:
                os.setgid(entry.pw_gid)
                os.setuid(entry.pw_uid)

            subprocess.run(command, check=True, capture_output=True, preexec_fn=demote, cwd=self.root)
        else:
            subprocess.run(command, check=True, capture_output=True, cwd=self.root)

    def start(self) -> None:
        self._run("initdb", "-D", str(self.data), "-U", "crampcare", "--auth=trust", "-E", "UTF8", "--no-sync")
        log = self.root / "log"
        # The free port is free when asked for, not always still when the server binds it (another
        # worker's connection may take it meanwhile): then the server starts on another one.
        for attempt in range(3):
            options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"
            try:
                self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(log), "-w", "start")
                return
            except subprocess.CalledProcessError:
                if attempt == 2 or "Address already in use" not in log.read_text(errors="replace"):
                    raise
                self.port = _free_port()

    def stop(self) -> None:
        if self._admin is not None:
            self._admin.close()
            self._admin = None
        with contextlib.suppress(subprocess.CalledProcessError):
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.root, ignore_errors=True)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://crampcare@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str, template: str = "template1") -> str:
        """A new database ``name``, a copy of ``template`` (PostgreSQL's empty one by default; another
        must have no open connections, or PostgreSQL refuses to copy it).

        Over one connection to the ``postgres`` database, kept open for the server's life: a new
        connection for each database (a backend started, authenticated and its catalog caches
        loaded) cost 7 ms of CPU more per database, and a run creates hundreds."""
        import psycopg

        with self._admin_lock:
            if self._admin is None or self._admin.closed:
                self._admin = psycopg.connect(f"host=127.0.0.1 port={self.port} user=crampcare dbname=postgres",
                                              autocommit=True)
            # FILE_COPY: a plain file copy of the small template, about twice as fast as
            # PostgreSQL 15's default WAL_LOG strategy for the hundreds of databases a run creates.
            self._admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}" STRATEGY FILE_COPY')
        return self.url(name)
