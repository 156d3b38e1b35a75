"""`newsflow up`: Redis and PostgreSQL (unless configured), ingest, API, workers and the story
grouper, locally."""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from newsflow.core.database import head_revision, upgrade
from newsflow.core.models import ArticleStatus
from newsflow.core.settings import Settings
from newsflow.tools.articles_io import post_article, read_article_files
from newsflow.tools.pg_server import SYSTEM_USER, PostgresServer, find_binaries, reachable_by

READY_TIMEOUT_SECONDS = 60
"""How long `up` waits for a process to answer its readiness probe."""

SEED_WAIT_SECONDS = 120
"""How long `up` waits for the seeds to be analysed before it stops reporting on them."""

PRIVATE_REDIS_PORT = 6380
"""Port of the private Redis `up` starts (the next free one if taken)."""

PRIVATE_POSTGRES_PORT = 5433
"""Port of the private PostgreSQL `up` starts (the next free one if taken)."""

FALLBACK_POSTGRES_ROOT = Path("/var/lib/newsflow")
"""Where root's `up` keeps PostgreSQL's data when the postgres user cannot reach ./var."""


class LocalStack:
    """The processes of a local Newsflow, started and stopped together."""

    def __init__(self, args: argparse.Namespace, settings: Settings) -> None:
        self.args = args
        self.settings = settings
        self.processes: list[tuple[str, subprocess.Popen[bytes]]] = []
        self.postgres: PostgresServer | None = None

    def run(self) -> int:
        """Start everything, load the seeds, then wait for Ctrl-C and stop everything."""
        try:
            env = self._environment()
            if env is None:
                return 1
            self._start_services(env)
            self._load_seeds(env)
            self._wait()
        except KeyboardInterrupt:
            pass
        except RuntimeError as exc:
            print(f"newsflow up: {exc}", file=sys.stderr)
            return 1
        finally:
            self._stop()
        return 0

    def _environment(self) -> dict[str, str] | None:
        env = dict(os.environ)
        api_url = f"http://{self.args.host}:{self.args.api_port}"
        env.setdefault("API_PUBLIC_URL", api_url)
        # The desk page posts to ingest from the browser: tell it the port ingest really has.
        env.setdefault("INGEST_URL", f"http://{self.args.host}:{self.args.ingest_port}")
        if "REDIS_URL" not in os.environ:
            redis_url = self._start_private_redis()
            if redis_url is None:
                return None
            env["REDIS_URL"] = redis_url
        if "DATABASE_URL" not in os.environ:
            env["DATABASE_URL"] = self._start_private_postgres()
        migrate(env.get("DATABASE_URL", self.settings.database_url))
        return env

    def _start_private_postgres(self) -> str:
        find_binaries()  # Say how to get PostgreSQL before making any folder for it.
        data_dir, note = self._postgres_data_dir()
        self.postgres = PostgresServer(data_dir, free_port(PRIVATE_POSTGRES_PORT))
        self.postgres.start()
        print(f"postgres  {self.postgres.url} (private, data in {data_dir}{note})")
        return self.postgres.url

    def _postgres_data_dir(self) -> tuple[Path, str]:
        """Return ./var/postgres, or as root a folder the postgres user reaches if it does not."""
        var = self.args.var.resolve()
        var.mkdir(parents=True, exist_ok=True)
        if os.geteuid() != 0 or reachable_by(var, SYSTEM_USER):
            return var / "postgres", ""
        # As root in a private home (0700): the server's user cannot enter the repository.
        folder = FALLBACK_POSTGRES_ROOT / hashlib.sha256(bytes(var)).hexdigest()[:12]
        folder.mkdir(parents=True, exist_ok=True)
        note = f"; the {SYSTEM_USER} user PostgreSQL runs as cannot reach {var}"
        return folder / "data", note

    def _start_private_redis(self) -> str | None:
        server = shutil.which("redis-server")
        if server is None:
            print(
                "newsflow up: no Redis. Install one (Debian/Ubuntu: 'sudo apt-get install "
                "redis-server'; macOS: 'brew install redis') or set REDIS_URL to a running "
                "Redis, e.g. REDIS_URL=redis://localhost:6379/0.",
                file=sys.stderr,
            )
            return None
        port = free_port(PRIVATE_REDIS_PORT)
        data_dir = (self.args.var / "redis").resolve()
        data_dir.mkdir(parents=True, exist_ok=True)
        command = durable_redis_command(
            server, port, data_dir, maxmemory=self.settings.redis_maxmemory
        ) + ["--logfile", "redis.log"]
        self._spawn("redis", command, dict(os.environ))
        wait_for_port(port, READY_TIMEOUT_SECONDS)
        print(
            f"redis     redis://127.0.0.1:{port}/0 (private, data in {data_dir}, "
            f"maxmemory {self.settings.redis_maxmemory})"
        )
        return f"redis://127.0.0.1:{port}/0"

    def _start_services(self, env: dict[str, str]) -> None:
        host, python = self.args.host, sys.executable
        self._spawn(
            "ingest",
            [python, "-m", "ingest_service", "--host", host, "--port", str(self.args.ingest_port)],
            env,
        )
        self._spawn(
            "api",
            [python, "-m", "api_service", "--host", host, "--port", str(self.args.api_port)],
            env,
        )
        self._spawn(
            "worker", [python, "-m", "analysis_worker", "--processes", str(self.args.workers)], env
        )
        self._spawn("grouper", [python, "-m", "analysis_worker", "--stories"], env)
        for name, port in (("ingest", self.args.ingest_port), ("api", self.args.api_port)):
            wait_until_ready(f"http://{host}:{port}", READY_TIMEOUT_SECONDS)
            print(f"{name:<9} http://{host}:{port}  (docs: http://{host}:{port}/docs)")
        print(f"desk      http://{host}:{self.args.api_port}/")

    def _load_seeds(self, env: dict[str, str]) -> None:
        seeds = list(read_article_files([self.args.seeds])) if self.args.seeds.is_dir() else []
        if not seeds:
            print(f"no seeds in {self.args.seeds}/; post articles with 'newsflow post FILE...'")
            return
        ingest_url = f"http://{self.args.host}:{self.args.ingest_port}"
        key = self.settings.api_key or next(iter(self.settings.api_keys), None)
        locations = [post_article(ingest_url, seed, key).headers["Location"] for seed in seeds]
        print(f"posted {len(locations)} seed articles; analysing...")
        done = wait_for_analyses(locations, SEED_WAIT_SECONDS, key)
        print(f"{done} of {len(locations)} seeds analysed. Try: curl {locations[0]}")
        print("Ctrl-C stops everything.")

    def _wait(self) -> None:
        while True:
            for name, process in self.processes:
                if process.poll() is not None:
                    raise RuntimeError(f"{name} exited with status {process.returncode}")
            time.sleep(0.5)

    def _spawn(self, name: str, command: list[str], env: dict[str, str]) -> None:
        # A session of its own: Ctrl-C reaches only `up`, which stops the services before Redis.
        process = subprocess.Popen(command, env=env, start_new_session=True)
        self.processes.append((name, process))

    def _stop(self) -> None:
        # Services first, then Redis, PostgreSQL last, so workers finish their job and write it.
        for _, process in reversed(self.processes):
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
        if self.postgres is not None:
            self.postgres.stop()


def durable_redis_command(
    server: str, port: int, data_dir: Path, appendfsync: str = "always", *, maxmemory: str
) -> list[str]:
    """Return the command of a loopback Redis that keeps an append-only file and never evicts.

    Full at maxmemory, it refuses writes (ingest answers 503) instead of dropping work.
    """
    return [
        server,
        "--port",
        str(port),
        "--bind",
        "127.0.0.1",
        "--dir",
        str(data_dir),
        "--appendonly",
        "yes",
        "--appendfsync",
        appendfsync,
        "--save",
        "",
        "--maxmemory",
        maxmemory,
        "--maxmemory-policy",
        "noeviction",
    ]


def migrate(database_url: str) -> None:
    """Bring the database to the schema this code needs, or say why it cannot."""
    try:
        upgrade(database_url)
    except OperationalError as exc:
        where = make_url(database_url).render_as_string(hide_password=True)
        raise RuntimeError(f"cannot migrate the database at {where}: {exc.orig}") from exc
    print(f"          database at schema revision {head_revision()}")


def free_port(preferred: int) -> int:
    """Return the preferred port if nothing listens there, else a free one."""
    for port in (preferred, 0):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return int(sock.getsockname()[1])
    raise RuntimeError("no free port")


def wait_for_port(port: int, timeout: float) -> None:
    """Wait until something accepts connections on a local port."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listens on port {port} after {timeout} s")


def wait_until_ready(base_url: str, timeout: float) -> None:
    """Wait until a service's /readyz answers 200."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{base_url}/readyz", timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{base_url} is not ready after {timeout} s")


def wait_for_analyses(article_urls: list[str], timeout: float, api_key: str | None = None) -> int:
    """Wait until these articles are done (or failed); return how many are done."""
    headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
    deadline = time.monotonic() + timeout
    while True:
        statuses = [
            requests.get(url, headers=headers, timeout=5).json().get("status")
            for url in article_urls
        ]
        finished = (ArticleStatus.DONE, ArticleStatus.FAILED)
        if all(s in finished for s in statuses) or time.monotonic() > deadline:
            return statuses.count(ArticleStatus.DONE)
        time.sleep(0.5)
