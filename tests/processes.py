"""Real processes for tests: a private redis-server and the services' own commands."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

import redis
import requests
from sqlalchemy.engine import make_url

from newsflow.core.settings import Settings
from newsflow.tools.stack import durable_redis_command

REPO_ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    """Return a TCP port nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def libpq(url: str) -> str:
    """Return the libpq form (for psycopg) of one of our SQLAlchemy URLs."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


class RedisServer:
    """A redis-server of our own on a free port, with its files in a folder (killable)."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        """Start (or restart, on its own files) and wait until it answers."""
        binary = shutil.which("redis-server")
        assert binary, "redis-server is not on PATH (the README's test command installs it)"
        self.data_dir.mkdir(parents=True, exist_ok=True)
        maxmemory = Settings().redis_maxmemory
        command = durable_redis_command(binary, self.port, self.data_dir, maxmemory=maxmemory) + [
            "--logfile",
            "redis.log",
        ]
        self.process = subprocess.Popen(
            command,
            stdout=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port, socket_connect_timeout=0.2)
        wait_for(lambda: _pings(client), timeout=20, what="redis-server to answer")

    def kill(self) -> None:
        """Kill -9, as a crash would."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()

    def stop(self) -> None:
        """Stop cleanly."""
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)


class Service:
    """One service command run as a local process on loopback, always stopped by the test."""

    def __init__(self, command: Sequence[str], env: Mapping[str, str], log_path: Path) -> None:
        self.command = list(command)
        self.env = {**os.environ, **env}
        self.log_path = log_path
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> Service:
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                self.command, env=self.env, cwd=REPO_ROOT, stdout=log, stderr=subprocess.STDOUT
            )
        return self

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 30) -> int | None:
        if self.process is None or self.process.poll() is not None:
            return self.process.returncode if self.process else None
        self.process.send_signal(sig)
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.wait()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


def python_module(module: str, *args: str) -> list[str]:
    """Return the command that runs `python -m module args` with this interpreter."""
    return [sys.executable, "-m", module, *args]


def wait_for(check, timeout: float, what: str, interval: float = 0.1):  # type: ignore[no-untyped-def]
    """Poll until check() is truthy and return its value; fail the test after timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def wait_ready(base_url: str, timeout: float = 60) -> None:
    """Wait until a service's /readyz answers 200."""
    wait_for(lambda: _ready(base_url), timeout=timeout, what=f"{base_url}/readyz")


def _ready(base_url: str) -> bool:
    try:
        return requests.get(f"{base_url}/readyz", timeout=2).status_code == 200
    except requests.RequestException:
        return False


def _pings(client: redis.Redis) -> bool:
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False


class Stack:
    """Ingest, API, N worker processes and the story grouper, started with their own commands;
    always stopped."""

    def __init__(
        self,
        redis_url: str,
        database_url: str,
        log_dir: Path,
        env: Mapping[str, str] | None = None,
        workers: int = 1,
    ) -> None:
        self.ingest_port, self.api_port = free_port(), free_port()
        self.ingest = f"http://127.0.0.1:{self.ingest_port}"
        self.api = f"http://127.0.0.1:{self.api_port}"
        self.env = {
            "REDIS_URL": redis_url,
            "DATABASE_URL": database_url,
            "API_PUBLIC_URL": self.api,
            "INGEST_URL": self.ingest,
            **(env or {}),
        }
        self.log_dir = log_dir
        self.services = {
            "ingest": self._service("ingest", "ingest_service", "--port", str(self.ingest_port)),
            "api": self._service("api", "api_service", "--port", str(self.api_port)),
        }
        for number in range(workers):
            self.services[f"worker{number}"] = self._service(f"worker{number}", "analysis_worker")
        self.services["grouper"] = self._service("grouper", "analysis_worker", "--stories")

    def _service(self, name: str, module: str, *args: str) -> Service:
        return Service(python_module(module, *args), self.env, self.log_dir / f"{name}.log")

    def start(self) -> Stack:
        for service in self.services.values():
            service.start()
        wait_ready(self.ingest)
        wait_ready(self.api)
        return self

    def stop(self) -> None:
        for service in self.services.values():
            service.stop()

    def workers(self) -> list[Service]:
        return [s for name, s in self.services.items() if name.startswith("worker")]

    def logs(self) -> str:
        return "\n".join(f"--- {name}\n{s.log()[-3000:]}" for name, s in self.services.items())
