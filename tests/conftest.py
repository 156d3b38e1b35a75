"""Fixtures: a real redis-server and PostgreSQL per session, settings, apps and a burst worker."""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
import pytest
import redis
from rq import Queue
from sqlalchemy import Engine, text

from analysis_worker import runtime
from analysis_worker.extraction import Analyzer, load_analyzer
from analysis_worker.extraction.analyzer import PIPE_BATCH_SIZE
from analysis_worker.stories import drain
from analysis_worker.worker import AnalysisWorker
from api_service.app import create_app as create_api_app
from ingest_service.app import create_app as create_ingest_app
from newsflow.core.article_reads import ArticleReader
from newsflow.core.connection import connect
from newsflow.core.database import connect_database, upgrade
from newsflow.core.keys import Keys
from newsflow.core.queue import AnalysisQueue
from newsflow.core.results import ResultStore
from newsflow.core.schema import metadata
from newsflow.core.settings import Settings
from newsflow.core.store import ArticleStore
from newsflow.core.story_rule import StoryRule
from newsflow.core.story_store import StoryGrouper
from newsflow.tools.pg_server import PostgresServer, reachable_temporary_dir
from tests.processes import (
    REPO_ROOT,
    RedisServer,
    Service,
    free_port,
    libpq,
    python_module,
    wait_ready,
)

SEEDS_DIR = REPO_ROOT / "seeds"


def pytest_addoption(parser: pytest.Parser) -> None:
    """Add --screenshots DIR: where the desk's browser tests save their screenshots."""
    parser.addoption(
        "--screenshots",
        metavar="DIR",
        default=None,
        help="save the desk's screenshots in DIR (make screenshots: docs/screenshots)",
    )


@contextmanager
def private_redis(folder: Path) -> Iterator[RedisServer]:
    """A redis-server of the tests' own (never the machine's shared one), files in `folder`."""
    server = RedisServer(folder)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@contextmanager
def private_postgres() -> Iterator[PostgresServer]:
    """A PostgreSQL cluster of the tests' own (never the machine's shared one); no fsync."""
    with reachable_temporary_dir() as folder:
        server = PostgresServer(folder / "data", free_port(), durable=False)
        server.start()
        try:
            yield server
        finally:
            server.stop()


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    """A private redis-server for the whole session."""
    with private_redis(tmp_path_factory.mktemp("redis")) as server:
        yield server


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[RedisServer]:
    """A private Redis of this test's own, to kill and restart on its files (AOF, fsync always)."""
    with private_redis(tmp_path / "redis") as server:
        yield server


@pytest.fixture
def redis_client(redis_server: RedisServer) -> Iterator[redis.Redis]:
    """A client of the private Redis, flushed before and after the test."""
    client = redis.Redis.from_url(redis_server.url)
    client.flushdb()
    yield client
    client.flushdb()


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A private PostgreSQL for the whole session."""
    with private_postgres() as server:
        yield server


@pytest.fixture
def own_postgres() -> Iterator[PostgresServer]:
    """A migrated private PostgreSQL of this test's own, to kill and restart on its files."""
    with private_postgres() as server:
        upgrade(server.url)
        yield server


@pytest.fixture(scope="session")
def migrated_postgres(postgres_server: PostgresServer) -> PostgresServer:
    """The private PostgreSQL with the migrations applied, once per session."""
    upgrade(postgres_server.url)
    return postgres_server


@pytest.fixture
def database(migrated_postgres: PostgresServer) -> Iterator[Engine]:
    """An engine on the migrated private PostgreSQL, every table emptied before and after."""
    engine = connect_database(Settings(database_url=migrated_postgres.url))
    truncate_all(engine)
    yield engine
    truncate_all(engine)
    engine.dispose()


def truncate_all(engine: Engine) -> None:
    """Empty every table of the schema."""
    tables = ", ".join(f'"{table.name}"' for table in metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


@pytest.fixture
def fresh_database(postgres_server: PostgresServer) -> Iterator[str]:
    """The URL of a new, empty database on the private server, dropped afterwards."""
    name = f"fresh_{uuid.uuid4().hex[:12]}"
    admin = libpq(postgres_server.url.rsplit("/", 1)[0] + "/postgres")
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    yield postgres_server.url.rsplit("/", 1)[0] + f"/{name}"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


@pytest.fixture
def settings(
    redis_server: RedisServer,
    redis_client: redis.Redis,
    migrated_postgres: PostgresServer,
    database: Engine,
) -> Settings:
    """Settings pointing at the private Redis and PostgreSQL (both kept clean by fixtures)."""
    return Settings(
        redis_url=redis_server.url,
        database_url=migrated_postgres.url,
        api_public_url="http://api.test",
    )


@pytest.fixture
def ingest_client(settings: Settings) -> Any:
    """A test client of the ingest app."""
    return create_ingest_app(settings, connect(settings)).test_client()


@pytest.fixture
def api_client(settings: Settings, database: Engine) -> Any:
    """A test client of the read API."""
    return create_api_app(settings, connect(settings), database).test_client()


@pytest.fixture
def store(settings: Settings, redis_client: redis.Redis) -> ArticleStore:
    """The article store, with the analysis queue."""
    return ArticleStore(redis_client, Keys(), AnalysisQueue(redis_client, settings))


@pytest.fixture
def results(database: Engine) -> ResultStore:
    """The results store on the private PostgreSQL."""
    return ResultStore(database)


@pytest.fixture
def group_saved(database: Engine) -> Callable[[], int]:
    """Group every article in the story backlog, as the story grouper process does; return
    how many were grouped."""
    grouper = StoryGrouper(StoryRule())
    return lambda: drain(database, grouper, threading.Event())


@pytest.fixture
def reader(store: ArticleStore, results: ResultStore) -> ArticleReader:
    """Articles wherever they are: in flight in Redis or done in PostgreSQL."""
    return ArticleReader(store, results)


@pytest.fixture(scope="session")
def analyzer() -> Analyzer:
    """The spaCy pipeline and extractors, loaded once for the session."""
    return load_analyzer(Settings().spacy_model)


@pytest.fixture
def install_runtime(
    settings: Settings, redis_client: redis.Redis, database: Engine
) -> Callable[..., None]:
    """Install a worker runtime around an analyzer, with stores on the test Redis and
    PostgreSQL (batch_size: most articles one job analyses together)."""

    def install(
        analyzer: Analyzer, batch_size: int = PIPE_BATCH_SIZE, with_settings: Settings | None = None
    ) -> None:
        runtime.install(
            runtime.assemble(
                with_settings or settings, analyzer, redis_client, ResultStore(database), batch_size
            )
        )

    return install


@pytest.fixture
def analysis_queue(settings: Settings, redis_client: redis.Redis) -> Queue:
    """The RQ queue of analysis jobs on the test Redis."""
    return AnalysisQueue(redis_client, settings).queue


@pytest.fixture
def run_worker(
    analysis_queue: Queue,
    redis_client: redis.Redis,
    analyzer: Analyzer,
    install_runtime: Callable[..., None],
) -> Callable[..., AnalysisWorker]:
    """Run a burst worker in this process until the queue is empty; return the worker.

    By default with the session's analyzer, the project's worker class and batches of 16.
    """

    def work(
        with_analyzer: Analyzer | None = None,
        worker_class: type[AnalysisWorker] = AnalysisWorker,
        batch_size: int = PIPE_BATCH_SIZE,
    ) -> AnalysisWorker:
        install_runtime(with_analyzer or analyzer, batch_size)
        worker = worker_class([analysis_queue], connection=redis_client)
        worker.work(burst=True, logging_level="WARNING")
        return worker

    return work


@pytest.fixture(scope="session")
def seeds() -> list[dict[str, Any]]:
    """The seed articles as a client posts them."""
    return [json.loads(path.read_text()) for path in sorted(SEEDS_DIR.glob("*.json"))]


@pytest.fixture
def seed_path() -> Callable[[str], Path]:
    """Return the path of a seed file by its number."""
    return lambda number: next(SEEDS_DIR.glob(f"{number}_*.json"))


@pytest.fixture
def start_ingest(
    redis_server: RedisServer, redis_client: redis.Redis, tmp_path: Path
) -> Iterator[Callable[..., str]]:
    """Start the real ingest command (with extra environment) on loopback; return its URL."""
    services: list[Service] = []

    def start(**env: str) -> str:
        port = free_port()
        command = python_module("ingest_service", "--port", str(port))
        log = tmp_path / f"ingest-{port}.log"
        services.append(Service(command, {"REDIS_URL": redis_server.url, **env}, log).start())
        wait_ready(f"http://127.0.0.1:{port}")
        return f"http://127.0.0.1:{port}"

    yield start
    for service in services:
        service.stop()
