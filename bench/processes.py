"""Local processes for the benchmarks: a private Redis, the services, waiting for a worker."""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import redis

from newsflow.core.database import upgrade
from newsflow.core.settings import Settings
from newsflow.tools.pg_server import PostgresServer, reachable_temporary_dir
from newsflow.tools.stack import durable_redis_command, free_port


@contextmanager
def running(
    command: list[str], env: dict[str, str], log: Path
) -> Iterator[subprocess.Popen[bytes]]:
    """Run a process for the duration of the block, then stop it."""
    with log.open("ab") as out:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        yield process
    finally:
        process.terminate()
        process.wait(timeout=60)


def redis_command(port: int, data_dir: Path, appendfsync: str) -> list[str]:
    """A private Redis with an append-only file, as compose runs it."""
    server = shutil.which("redis-server") or "redis-server"
    return durable_redis_command(
        server, port, data_dir, appendfsync, maxmemory=Settings().redis_maxmemory
    )


@contextmanager
def private_postgres(preferred_port: int = 55440) -> Iterator[str]:
    """Run a durable PostgreSQL of our own for the block, migrated; yield its URL."""
    with reachable_temporary_dir() as folder:
        server = PostgresServer(folder / "data", free_port(preferred_port))
        server.start()
        try:
            upgrade(server.url)
            yield server.url
        finally:
            server.stop()


def wait_for_worker(client: redis.Redis, timeout: float = 60) -> None:
    """Wait until an RQ worker has registered (its model is loaded by then)."""
    deadline = time.monotonic() + timeout
    while not client.scard("rq:workers"):
        if time.monotonic() > deadline:
            raise RuntimeError("the worker did not start")
        time.sleep(0.1)
