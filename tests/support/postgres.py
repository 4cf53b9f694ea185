"""A real PostgreSQL server for the tests: the one in NARBOT_TEST_POSTGRES_URL, or a
throwaway cluster started from the locally installed PostgreSQL binaries."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path


def find_bindir() -> Path | None:
    for candidate in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if Path(candidate, "initdb").exists():
            return Path(candidate)
    initdb = shutil.which("initdb")
    return Path(initdb).resolve().parent if initdb else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class TemporaryPostgres:
    """initdb + pg_ctl in a temporary folder; tuned for speed, not durability."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.root = Path(tempfile.mkdtemp(prefix="narbot-pg-"))
        self.datadir = self.root / "data"
        self.port = _free_port()
        # PostgreSQL refuses to run as root; run it as the 'postgres' system user then.
        self._as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    def _run(self, *args: str) -> None:
        subprocess.run([*self._as_user, *args], check=True, capture_output=True, text=True)

    def start(self) -> str:
        if self._as_user:
            shutil.chown(self.root, "postgres", "postgres")
        self._run(str(self.bindir / "initdb"), "-D", str(self.datadir), "-U", "postgres",
                  "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync")
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.root} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.datadir), "-o", options,
                  "-l", str(self.root / "server.log"), "-w", "start")
        return self.url

    @property
    def url(self) -> str:
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/postgres"

    def restart(self) -> None:
        # With -l, as in start(): otherwise the new server writes to (and holds open) our output pipe.
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.datadir), "-l", str(self.root / "server.log"),
                  "-m", "fast", "-w", "restart")

    def stop(self) -> None:
        try:
            self._run(str(self.bindir / "pg_ctl"), "-D", str(self.datadir), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


class StoppablePostgres(TemporaryPostgres):
    """A throwaway server that can also be down for a while (stop, then start on the same data)."""

    def halt(self) -> None:
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.datadir), "-m", "fast", "-w", "stop")

    def resume(self) -> None:
        # pg_ctl keeps the command line of the last start in postmaster.opts; start with it again.
        options = (self.datadir / "postmaster.opts").read_text().split(None, 1)[1].strip()
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.datadir), "-o", options,
                  "-l", str(self.root / "server.log"), "-w", "start")
