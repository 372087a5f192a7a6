"""A throwaway PostgreSQL server for the test run: initdb into a temp dir, start, stop, remove."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

SUPERUSER = "postgres"


def find_bin_dir() -> Path:
    """Return the newest /usr/lib/postgresql/N/bin that has initdb."""
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda path: int(Path(path).parts[-3]),
    )
    if not candidates:
        raise RuntimeError(
            "PostgreSQL server binaries not found under /usr/lib/postgresql; "
            "install Debian's 'postgresql' package (make test does this)."
        )
    return Path(candidates[-1]).parent


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that is free right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ThrowawayPostgres:
    """A private PostgreSQL cluster on 127.0.0.1 that lives as long as this object."""

    def __init__(self) -> None:
        self.bin_dir = find_bin_dir()
        self.root = Path(tempfile.mkdtemp(prefix="slidegen-pg-"))
        self.data_dir = self.root / "data"
        self.socket_dir = self.root / "sock"
        self.port = free_port()
        self._as_postgres = os.geteuid() == 0  # initdb refuses to run as root

    def _run(self, *args: str) -> None:
        command = [str(self.bin_dir / args[0]), *args[1:]]
        if self._as_postgres:
            command = ["su", SUPERUSER, "-s", "/bin/sh", "-c", " ".join(map(_quote, command))]
        subprocess.run(command, check=True, capture_output=True, text=True)

    def start(self) -> str:
        """Create and start the cluster; return a superuser URL to its `postgres` database."""
        self.socket_dir.mkdir(parents=True)
        if self._as_postgres:
            user = pwd.getpwnam(SUPERUSER)
            for path in (self.root, self.socket_dir):
                os.chown(path, user.pw_uid, user.pw_gid)
        self._run("initdb", "-D", str(self.data_dir), "-U", SUPERUSER, "--auth=trust", "-E", "UTF8")
        # The superuser connects without a password; every other role must send one
        # (the Lakebase token tests rely on real password authentication).
        (self.data_dir / "pg_hba.conf").write_text(
            f"local all all trust\n"
            f"host all {SUPERUSER} 127.0.0.1/32 trust\n"
            f"host all all 127.0.0.1/32 scram-sha-256\n"
        )
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.socket_dir} -c fsync=off"
        self._run(
            "pg_ctl",
            "-D",
            str(self.data_dir),
            "-o",
            options,
            "-l",
            str(self.root / "server.log"),
            "-w",
            "start",
        )
        return self.url("postgres")

    def url(self, database: str) -> str:
        """Return the superuser URL of a database on this server."""
        return f"postgresql+psycopg2://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def stop(self) -> None:
        """Stop the server and delete its files."""
        try:
            if (self.data_dir / "postmaster.pid").exists():
                self._run("pg_ctl", "-D", str(self.data_dir), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


def _quote(arg: str) -> str:
    return "'" + arg.replace("'", "'\\''") + "'"
