"""Query benchmark: a results store of 100,000 analysed articles, and how fast the API reads it.

Starts a private redis-server (AOF on) and a private, durable PostgreSQL, analyses a few
hundred distinct articles with spaCy, saves 100,000 distinct copies of them through the
worker's write path (a sample through the whole real flow, for Redis memory per article),
then starts the API service and times each read endpoint, one client, warm, with parameters
varied across calls. Prints the load rate, Redis memory per article, and p50/p99/max per
endpoint beside its goal. Run with `make bench-query` or `python -m bench.query`;
`--keep DIR` keeps the loaded database in DIR and reuses it on the next run.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import redis
from sqlalchemy import Engine, create_engine, text

from analysis_worker.stories import drain
from bench.article_memory import MemoryFigure, measure_article_memory
from bench.copies import CopyMaker, big_keys
from bench.processes import redis_command, running
from bench.query_load import analyse_bases, load_copies
from bench.query_timing import time_endpoints
from newsflow.core.database import upgrade
from newsflow.core.results import ResultStore
from newsflow.core.settings import Settings
from newsflow.core.story_store import StoryGrouper
from newsflow.tools.pg_server import PostgresServer
from newsflow.tools.stack import free_port, wait_for_port, wait_until_ready

LOADED_MARKER = "loaded.json"
"""File in the kept folder saying how many copies its database holds and how fast they went."""


@contextmanager
def private_postgres(folder: Path) -> Iterator[PostgresServer]:
    """Run a durable PostgreSQL with its data in `folder`/pg, at the latest schema."""
    server = PostgresServer(folder / "pg", free_port(25432), durable=True)
    server.start()
    try:
        upgrade(server.url)
        yield server
    finally:
        server.stop()


@contextmanager
def private_redis(folder: Path) -> Iterator[redis.Redis]:
    """Run an empty redis-server with an append-only file (fsync always, as compose ships it)."""
    data = folder / "redis"
    shutil.rmtree(data, ignore_errors=True)
    data.mkdir()
    port = free_port(26391)
    with running(redis_command(port, data, "always"), dict(os.environ), folder / "redis.log"):
        wait_for_port(port, 20)
        yield redis.Redis(port=port)


def fill_store(
    args: argparse.Namespace, folder: Path, url: str, maker: CopyMaker, model: str
) -> None:
    """Save the copies beyond the sample, unless the kept database holds them already."""
    marker = folder / LOADED_MARKER
    wanted = {"articles": args.articles, "sample": args.sample, "bases": args.bases}
    loaded = json.loads(marker.read_text()) if marker.exists() else {}
    if {k: v for k, v in loaded.items() if k in wanted} == wanted:
        print(f"load: reusing the database in {folder} (it took: {loaded['line']})")
        return
    saved = saved_ids(url)
    numbers = [n for n in range(args.sample, args.articles) if maker.article_id(n) not in saved]
    if not numbers and "line" in loaded:  # only the sample differs: keep the load's figure
        marker.write_text(json.dumps(wanted | {"line": loaded["line"]}))
        print(f"load: reusing the database in {folder} (it took: {loaded['line']})")
        return
    print(
        f"load: {len(numbers)} copies through ResultStore.save, {args.processes} processes"
        + (f" ({len(saved)} saved by an interrupted run)" if saved else "")
    )
    seconds = load_copies(url, maker, numbers, args.articles, model, args.processes)
    line = f"{len(numbers)} articles in {seconds:.0f} s, {len(numbers) / seconds:.0f} articles/s"
    print(f"load: {line}")
    marker.write_text(json.dumps(wanted | {"line": line}))


def saved_ids(url: str) -> set[str]:
    """Return the ids of the articles the database holds (an interrupted load resumes)."""
    engine = create_engine(url)
    with engine.connect() as connection:
        found = set(connection.scalars(text("SELECT id FROM articles")))
    engine.dispose()
    return found


def group_sample(engine: Engine, settings: Settings) -> None:
    """Group the sample the real flow saved, as the story grouper does (the copies are not)."""
    started = time.perf_counter()
    grouped = drain(engine, StoryGrouper(settings.story_rule()), threading.Event())
    print(
        f"stories: grouped the {grouped} sample articles in {time.perf_counter() - started:.0f} s"
    )


def print_store(engine: Engine) -> None:
    """Refresh the planner's statistics (as autovacuum would), then print the store's size."""
    started = time.perf_counter()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE"))
        counts = {
            name: connection.execute(text(query)).scalar_one()
            for name, query in (
                ("articles", "SELECT count(*) FROM articles"),
                ("events", "SELECT count(*) FROM events"),
                ("entities", "SELECT count(*) FROM entities WHERE article_count > 0"),
                ("database", "SELECT pg_size_pretty(pg_database_size(current_database()))"),
            )
        }
    print(
        f"store: {counts['articles']} articles, {counts['events']} events, "
        f"{counts['entities']} distinct entities, database {counts['database']} "
        f"(VACUUM ANALYZE {time.perf_counter() - started:.0f} s)"
    )


def print_memory(figure: MemoryFigure) -> None:
    """Print Redis memory per analysed article and the keys that hold it."""
    print(
        f"redis: {figure.per_article:.0f} bytes of used_memory per analysed article "
        f"(goal <= 1024): {figure.added_bytes} bytes for {figure.articles} articles through "
        "accept, the worker (claim, ResultStore.save, finish), measured after "
        "deleting RQ's records of the finished jobs (it keeps them 60 s)"
    )
    print(
        f"  with RQ's finished-job records still there: "
        f"{figure.with_job_records_bytes / figure.articles:.0f} bytes per article"
    )
    for pattern, (count, size) in sorted(figure.by_pattern.items(), key=lambda i: -i[1][1]):
        print(f"  {pattern:<40} {count:>6} keys  {size:>9} bytes (MEMORY USAGE)")


def api_process(settings: Settings, folder: Path) -> tuple[list[str], dict[str, str], str]:
    """Return the API service's command, environment and base URL."""
    port = free_port(18301)
    env = dict(os.environ) | {
        "REDIS_URL": settings.redis_url, "DATABASE_URL": settings.database_url,
        "LOG_LEVEL": "WARNING", "API_RATE_LIMIT": "", "API_KEYS": "",
    }  # fmt: skip
    command = [sys.executable, "-m", "api_service", "--host", "127.0.0.1", "--port", str(port)]
    return command, env, f"http://127.0.0.1:{port}"


def run(args: argparse.Namespace, folder: Path) -> None:
    """Fill the store, measure Redis memory per article, then time the API."""
    bases, model = analyse_bases(args.bases, args.model, folder / "bases.json")
    maker = CopyMaker(bases, big_keys(bases))
    print(f"bases: {len(bases)} distinct articles analysed with {model}")
    with private_postgres(folder) as postgres, ExitStack() as stack:
        fill_store(args, folder, postgres.url, maker, model)
        client = stack.enter_context(private_redis(folder))
        port = client.connection_pool.connection_kwargs["port"]
        settings = Settings(redis_url=f"redis://127.0.0.1:{port}/0", database_url=postgres.url)
        engine = create_engine(postgres.url)
        print_memory(
            measure_article_memory(
                client,
                settings,
                ResultStore(engine),
                maker,
                range(args.sample),
                args.articles,
                model,
            )
        )
        group_sample(engine, settings)
        print_store(engine)
        command, env, base_url = api_process(settings, folder)
        stack.enter_context(running(command, env, folder / "api.log"))
        wait_until_ready(base_url, 60)
        time_endpoints(base_url, engine, args.calls)


def main() -> None:
    """Run the benchmark in the kept folder, or in a temporary one."""
    args = parse_args()
    with ExitStack() as stack:
        if args.keep:
            folder = args.keep.resolve()
            folder.mkdir(parents=True, exist_ok=True)
        else:
            folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-query-")))
        folder.chmod(0o711)  # PostgreSQL's own user must reach its data folder
        run(args, folder)


def parse_args() -> argparse.Namespace:
    """Parse the store's size, the sample and the timing knobs."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000, help="articles in the store")
    parser.add_argument("--bases", type=int, default=300, help="distinct articles analysed")
    parser.add_argument("--sample", type=int, default=2000, help="articles through the real flow")
    parser.add_argument("--processes", type=int, default=2, help="loader processes")
    parser.add_argument("--calls", type=int, default=200, help="timed calls per endpoint")
    parser.add_argument("--model", default=Settings().spacy_model, help="spaCy pipeline")
    parser.add_argument("--keep", type=Path, help="keep (and reuse) the database in this folder")
    return parser.parse_args()


if __name__ == "__main__":
    main()
