"""A private PostgreSQL cluster for `newsflow up` and the tests: initdb, start, stop, kill."""

from __future__ import annotations

import os
import pwd
import re
import shutil
import signal
import stat
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import psycopg

BINARY_DIRS = (
    "/usr/lib/postgresql/*/bin",
    "/opt/homebrew/opt/postgresql@*/bin",
    "/usr/local/opt/postgresql@*/bin",
)
"""Where Debian/Ubuntu and Homebrew install PostgreSQL's server binaries (off PATH)."""

SYSTEM_USER = "postgres"
"""The unprivileged user the server runs as when we are root (PostgreSQL refuses root)."""

SUPERUSER = "newsflow"
"""The cluster's superuser (trust authentication, loopback only)."""

DATABASE = "newsflow"
"""The database `start` creates."""

READY_TIMEOUT_SECONDS = 60
"""How long `start` waits for the server to accept connections."""

NOT_FOUND = (
    "PostgreSQL's server binaries (initdb, postgres) are not on PATH nor in {dirs}. Install "
    "PostgreSQL (Debian/Ubuntu: 'sudo apt-get install postgresql'; macOS: 'brew install "
    "postgresql@15') or set DATABASE_URL to a running PostgreSQL, e.g. "
    "DATABASE_URL=postgresql+psycopg://newsflow:secret@localhost:5432/newsflow."
)


class PostgresNotFound(RuntimeError):
    """No PostgreSQL server binaries on this machine."""


def find_binaries() -> Path:
    """Return the folder holding initdb and postgres: PATH first, else the highest version."""
    on_path = shutil.which("initdb")
    if on_path and shutil.which("postgres"):
        return Path(on_path).resolve().parent
    candidates = [
        folder
        for pattern in BINARY_DIRS
        for folder in Path("/").glob(pattern.lstrip("/"))
        if (folder / "initdb").exists()
    ]
    if not candidates:
        raise PostgresNotFound(NOT_FOUND.format(dirs=", ".join(BINARY_DIRS)))
    return max(candidates, key=lambda d: [int(n) for n in re.findall(r"\d+", str(d))])


def _user_exists(user: str) -> bool:
    try:
        pwd.getpwnam(user)
    except KeyError:
        return False
    return True


def reachable_by(path: Path, user: str) -> bool:
    """Tell whether a user exists and can traverse every folder down to path (mode bits)."""
    if not _user_exists(user):
        return False
    account = pwd.getpwnam(user)
    groups = set(os.getgrouplist(user, account.pw_gid))
    path = path.resolve()
    for folder in [*reversed(path.parents), path]:
        info = os.stat(folder)
        if info.st_uid == account.pw_uid:
            allowed = info.st_mode & stat.S_IXUSR
        elif info.st_gid in groups:
            allowed = info.st_mode & stat.S_IXGRP
        else:
            allowed = info.st_mode & stat.S_IXOTH
        if not allowed:
            return False
    return True


@contextmanager
def reachable_temporary_dir() -> Iterator[Path]:
    """Yield a new folder under /tmp that the server's user can reach; remove it afterwards.

    Temporary folders made by and for root (pytest's among them) are 0700, out of reach of
    the `postgres` user the server runs as under root.
    """
    folder = Path(tempfile.mkdtemp(prefix="newsflow-pg-", dir="/tmp"))
    if os.geteuid() == 0:
        shutil.chown(folder, SYSTEM_USER, SYSTEM_USER)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


class PostgresServer:
    """A PostgreSQL cluster of our own in a folder, on a loopback port; restartable, killable."""

    def __init__(self, data_dir: Path, port: int, *, durable: bool = True) -> None:
        self.data_dir = data_dir.resolve()
        self.port = port
        self.durable = durable
        self.process: subprocess.Popen[bytes] | None = None
        self.run_as = SYSTEM_USER if os.geteuid() == 0 else None

    @property
    def url(self) -> str:
        """The SQLAlchemy URL of the `newsflow` database."""
        return f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{self.port}/{DATABASE}"

    @property
    def log_path(self) -> Path:
        """The server's log (its stderr), next to the data folder."""
        return self.data_dir.with_name(self.data_dir.name + ".log")

    def start(self) -> None:
        """Initialise the cluster on first use, start the server, wait, create the database."""
        binaries = find_binaries()
        self._prepare_folder()
        if not (self.data_dir / "PG_VERSION").exists():
            self._run_as_owner([str(binaries / "initdb"), *self._initdb_options()])
        with self.log_path.open("ab") as log:
            self.process = self._spawn([str(binaries / "postgres"), *self._server_options()], log)
        self._wait_until_ready()
        self._create_database()

    def stop(self) -> None:
        """Shut down fast (roll back open transactions, checkpoint) and wait."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.kill()

    def kill(self) -> None:
        """SIGKILL the postmaster and its backends, as a crash would; `start` recovers."""
        # Not yet reaped, the postmaster's pid is still its group's: backends must not linger.
        if self.process is None or self.process.returncode is not None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait()

    def _prepare_folder(self) -> None:
        if self.run_as and not _user_exists(self.run_as):
            raise RuntimeError(
                f"PostgreSQL refuses to run as root and there is no '{self.run_as}' user to run "
                f"it as: create one (useradd --system {self.run_as}) or run as another user"
            )
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if self.run_as and not reachable_by(self.data_dir.parent, self.run_as):
            raise RuntimeError(
                f"the '{self.run_as}' user PostgreSQL runs as cannot reach {self.data_dir.parent}"
            )
        self.data_dir.chmod(0o700)
        if self.run_as:
            shutil.chown(self.data_dir, self.run_as, self.run_as)

    def _initdb_options(self) -> list[str]:
        options = ["-D", str(self.data_dir), "-U", SUPERUSER, "--auth=trust"]
        options += ["--encoding=UTF8", "--locale=C"]
        return options + ([] if self.durable else ["--no-sync"])

    def _server_options(self) -> list[str]:
        settings = {
            "listen_addresses": "127.0.0.1",
            "port": str(self.port),
            "unix_socket_directories": "",
        }
        if not self.durable:
            # No fsync: a killed server loses nothing committed, only an OS crash would.
            settings |= {"fsync": "off", "full_page_writes": "off"}
        return ["-D", str(self.data_dir)] + [f"--{k}={v}" for k, v in settings.items()]

    def _spawn(self, command: list[str], log: IO[bytes]) -> subprocess.Popen[bytes]:
        # A process group of its own, so kill() reaches every backend, as a crash would.
        return subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd="/",
            start_new_session=True,
            user=self.run_as,
            group=self.run_as,
            extra_groups=[] if self.run_as else None,
        )

    def _run_as_owner(self, command: list[str]) -> None:
        with self.log_path.open("ab") as log:
            status = self._spawn(command, log).wait()
        if status != 0:
            raise RuntimeError(f"{command[0]} failed ({status}): {self._log_tail()}")

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + READY_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            if self.process is None or self.process.poll() is not None:
                raise RuntimeError(f"postgres exited at start: {self._log_tail()}")
            try:
                psycopg.connect(self._conninfo("postgres"), connect_timeout=1).close()
                return
            except psycopg.OperationalError:
                time.sleep(0.1)
        raise RuntimeError(f"postgres does not answer after {READY_TIMEOUT_SECONDS} s")

    def _create_database(self) -> None:
        with psycopg.connect(self._conninfo("postgres"), autocommit=True) as connection:
            exists = connection.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", (DATABASE,)
            ).fetchone()
            if not exists:
                connection.execute(f'CREATE DATABASE "{DATABASE}"')

    def _conninfo(self, database: str) -> str:
        return f"host=127.0.0.1 port={self.port} user={SUPERUSER} dbname={database}"

    def _log_tail(self) -> str:
        return self.log_path.read_text(errors="replace")[-2000:] if self.log_path.exists() else ""
