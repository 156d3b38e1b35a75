"""Load test: hold a fixed rate of POST /articles against one ingest instance, read meanwhile.

Starts a private redis-server (AOF on), one ingest instance and the API on loopback, analyses
a small corpus first (so /entities has content), then sends POSTs open-loop (each at its
scheduled time, whatever the earlier ones are doing; concurrency bounded) while reading
GET /articles/{id}, /articles and /entities at a modest rate. Prints requests, errors,
the achieved rate and p50/p99 latencies, measured from each request's scheduled time.
Run with `python -m bench.load` (`--help` for the knobs). Stops by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import resource
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import redis

from bench.corpus import build_corpus
from bench.processes import private_postgres, redis_command, running, wait_for_worker
from newsflow.tools.stack import free_port, wait_for_port, wait_until_ready

REQUEST_TIMEOUT_SECONDS = 10.0
"""A request slower than this counts as an error."""

MAX_IN_FLIGHT = 64
"""Most requests outstanding at once (a request due while all are busy waits, and it shows)."""

WARM_CORPUS = 60
"""Articles analysed before the load, so the read endpoints have entities to list."""


@dataclass
class Results:
    """Latencies (seconds) and errors per request kind."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    posted_ids: list[str] = field(default_factory=list)
    sent: int = 0


def percentile(values: list[float], fraction: float) -> float:
    """Return the value below which `fraction` of the values fall (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]


async def timed(
    kind: str, due: float, send: Awaitable[httpx.Response], ok: int, results: Results
) -> httpx.Response | None:
    """Await one request; record its latency from its due time, or the error."""
    results.sent += 1
    try:
        response = await send
    except httpx.HTTPError as exc:
        results.errors[kind].append(type(exc).__name__)
        return None
    results.latencies[kind].append(time.perf_counter() - due)
    if response.status_code != ok:
        results.errors[kind].append(str(response.status_code))
    return response


async def paced(
    rate: float, count: int, fire: Callable[[int, float], Awaitable[None]], limit: asyncio.Semaphore
) -> None:
    """Start fire(i, due) at start + i/rate for i < count (open loop), at most `limit` at once."""
    start = time.perf_counter()
    tasks = []
    for number in range(count):
        due = start + number / rate
        await asyncio.sleep(max(0.0, due - time.perf_counter()))
        tasks.append(asyncio.create_task(_bounded(fire(number, due), limit)))
    await asyncio.gather(*tasks)


async def _bounded(work: Awaitable[None], limit: asyncio.Semaphore) -> None:
    async with limit:
        await work


def article(number: int, corpus: list[dict[str, str]]) -> dict[str, str]:
    """Return a distinct ~2.5 kB article (a corpus text with a unique line)."""
    base = corpus[number % len(corpus)]
    return {
        "title": f"Load article {number}",
        "published_at": base["published_at"],
        "text": f"{base['text']}\nLoad test dispatch number {number}.",
    }


async def post_load(client: httpx.AsyncClient, args: argparse.Namespace, results: Results) -> float:
    """POST at the target rate for the duration; return the seconds it took."""
    corpus = build_corpus(50, seed=99)
    limit = asyncio.Semaphore(MAX_IN_FLIGHT)

    async def fire(number: int, due: float) -> None:
        send = client.post(f"{args.ingest}/articles", json=article(number, corpus))
        response = await timed("POST /articles", due, send, 202, results)
        if response is not None and response.status_code == 202:
            results.posted_ids.append(response.json()["id"])

    started = time.perf_counter()
    await paced(args.rate, int(args.rate * args.duration), fire, limit)
    return time.perf_counter() - started


async def read_load(
    client: httpx.AsyncClient, args: argparse.Namespace, results: Results, known: list[str]
) -> None:
    """GET one article, the article list and the entity list, round robin, at the read rate."""
    limit = asyncio.Semaphore(MAX_IN_FLIGHT)
    rng = random.Random(7)

    async def fire(number: int, due: float) -> None:
        kind = ("GET /articles/{id}", "GET /articles/{id}", "GET /articles", "GET /entities")[
            number % 4
        ]
        ids = results.posted_ids[-200:] or known
        path = {
            "GET /articles/{id}": f"/articles/{rng.choice(ids)}",
            "GET /articles": "/articles?limit=20",
            "GET /entities": "/entities?limit=20",
        }[kind]
        await timed(kind, due, client.get(f"{args.api}{path}"), 200, results)

    await paced(args.read_rate, int(args.read_rate * args.duration), fire, limit)


async def run_load(args: argparse.Namespace, known: list[str]) -> tuple[Results, float]:
    """Run the POST and the read load side by side; return results and the POST duration."""
    results = Results()
    limits = httpx.Limits(max_connections=MAX_IN_FLIGHT, max_keepalive_connections=MAX_IN_FLIGHT)
    timeout = httpx.Timeout(REQUEST_TIMEOUT_SECONDS)
    async with (
        httpx.AsyncClient(limits=limits, timeout=timeout) as posts,
        httpx.AsyncClient(limits=limits, timeout=timeout) as reads,
    ):
        elapsed, _ = await asyncio.gather(
            post_load(posts, args, results), read_load(reads, args, results, known)
        )
    return results, elapsed


def cpu_seconds() -> tuple[float, float]:
    """Return (this process's CPU seconds, the whole machine's busy CPU seconds)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return own.ru_utime + own.ru_stime, (sum(fields) - idle) / os.sysconf("SC_CLK_TCK")


def measured_load(args: argparse.Namespace, known: list[str]) -> tuple[Results, float]:
    """Run the load and print how much CPU it cost, and how much of it was the client's."""
    own_before, busy_before = cpu_seconds()
    results, elapsed = asyncio.run(run_load(args, known))
    own_after, busy_after = cpu_seconds()
    busy, own = busy_after - busy_before, own_after - own_before
    print(
        f"CPU: machine busy {busy / elapsed:.2f} of {os.cpu_count()} cores, "
        f"of which this load generator {own / elapsed:.2f}"
    )
    return results, elapsed


def report(args: argparse.Namespace, results: Results, elapsed: float) -> None:
    """Print requests, errors, the achieved rate and latency percentiles per kind."""
    errors = sum(len(v) for v in results.errors.values())
    posts = len(results.latencies["POST /articles"])
    print(
        f"target: {args.rate:.0f} POST/s for {args.duration:.0f} s, reads {args.read_rate:.0f}/s; "
        f"ingest --workers {args.workers} --threads {args.threads}; appendfsync {args.fsync}"
    )
    print(f"requests: {results.sent}, errors: {errors} {dict(results.errors) if errors else ''}")
    print(f"POST achieved: {posts / elapsed:.1f}/s ({posts} in {elapsed:.1f} s)")
    for kind, values in sorted(results.latencies.items()):
        print(
            f"{kind:<20} n={len(values):>6}  p50 {percentile(values, 0.5) * 1000:7.1f} ms  "
            f"p99 {percentile(values, 0.99) * 1000:7.1f} ms  max {max(values) * 1000:7.1f} ms"
        )


def warm_up(ingest: str, client: redis.Redis, env: dict[str, str], work: Path) -> list[str]:
    """Post and analyse a small corpus with a burst worker; return the article ids."""
    corpus = build_corpus(WARM_CORPUS, seed=3)
    with httpx.Client(timeout=REQUEST_TIMEOUT_SECONDS) as http:
        for item in corpus:
            http.post(f"{ingest}/articles", json=item).raise_for_status()
    with running(
        [sys.executable, "-m", "analysis_worker", "--burst"], env, work / "worker.log"
    ) as worker:
        wait_for_worker(client)
        worker.wait(timeout=300)
    return [item["id"] for item in corpus]


def service(module: str, port: int, args: argparse.Namespace) -> list[str]:
    """Return the command that runs a service on a loopback port."""
    return [
        sys.executable, "-m", module, "--host", "127.0.0.1", "--port", str(port),
        "--workers", str(args.workers), "--threads", str(args.threads),
    ]  # fmt: skip


def main() -> None:
    """Start Redis, ingest and the API, warm them up, run the load and print the figures."""
    args = parse_args()
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
        work = Path(tmp)
        redis_port, ingest_port, api_port = free_port(6391), free_port(18201), free_port(18202)
        database_url = stack.enter_context(private_postgres())
        env = {
            **os.environ,
            "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
            "DATABASE_URL": database_url,
        }
        env |= {
            "LOG_LEVEL": "WARNING",
            "INGEST_RATE_LIMIT": "",
            "API_RATE_LIMIT": "",
            "API_KEYS": "",
        }
        args.ingest, args.api = f"http://127.0.0.1:{ingest_port}", f"http://127.0.0.1:{api_port}"
        with running(redis_command(redis_port, work, args.fsync), env, work / "redis.log"):
            wait_for_port(redis_port, 20)
            with (
                running(service("ingest_service", ingest_port, args), env, work / "ingest.log"),
                running(service("api_service", api_port, args), env, work / "api.log"),
            ):
                wait_until_ready(args.ingest, 60)
                wait_until_ready(args.api, 60)
                known = warm_up(args.ingest, redis.Redis(port=redis_port), env, work)
                report(args, *measured_load(args, known))


def parse_args() -> argparse.Namespace:
    """Parse the rate, duration and server shape."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=200, help="POST /articles per second")
    parser.add_argument("--duration", type=float, default=60, help="seconds of load")
    parser.add_argument("--read-rate", type=float, default=20, help="GETs per second")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per service")
    parser.add_argument("--threads", type=int, default=8, help="gunicorn threads per worker")
    parser.add_argument("--fsync", default="always", choices=["always", "everysec"])
    return parser.parse_args()


if __name__ == "__main__":
    main()
