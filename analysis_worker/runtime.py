"""What a worker process holds for its jobs: the loaded analyzer and the stores (built once)."""

from __future__ import annotations

import gc
import logging
import os
import socket
import uuid
from dataclasses import dataclass

from redis import Redis

from analysis_worker.extraction import Analyzer, load_analyzer
from analysis_worker.extraction.analyzer import PIPE_BATCH_SIZE
from analysis_worker.writer import Writer
from newsflow.core.claims import Claims
from newsflow.core.database import connect_database, wait_for_schema
from newsflow.core.keys import Keys
from newsflow.core.queue import AnalysisQueue
from newsflow.core.results import ResultStore
from newsflow.core.settings import Settings
from newsflow.core.store import ArticleStore

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Runtime:
    """A worker process's settings, analyzer, stores, claims and writer thread."""

    settings: Settings
    analyzer: Analyzer
    store: ArticleStore
    queue: AnalysisQueue
    claims: Claims
    results: ResultStore
    writer: Writer
    batch_size: int = PIPE_BATCH_SIZE
    """Most articles one job analyses together (1: each job its own article only)."""


_current: Runtime | None = None


def build_runtime(
    settings: Settings, connection: Redis, batch_size: int = PIPE_BATCH_SIZE
) -> Runtime:
    """Check the results schema, load the spaCy pipeline and bind the stores."""
    engine = connect_database(settings, request_timeouts=False)
    wait_for_schema(engine)
    log.info("loading spaCy pipeline %s", settings.spacy_model)
    analyzer = load_analyzer(settings.spacy_model)
    gc.freeze()  # the model's objects live as long as the process: no collection looks at them
    results = ResultStore(engine, group_stories=settings.group_stories)
    return assemble(settings, analyzer, connection, results, batch_size)


def assemble(
    settings: Settings,
    analyzer: Analyzer,
    connection: Redis,
    results: ResultStore,
    batch_size: int = PIPE_BATCH_SIZE,
) -> Runtime:
    """Bind a loaded analyzer and the stores to their connections."""
    queue = AnalysisQueue(connection, settings)
    keys = Keys(settings.key_prefix)
    store = ArticleStore(connection, keys, queue, recheck_after=settings.claim_ttl_seconds)
    claims = Claims(store, process_token(), settings.claim_ttl_seconds)
    writer = Writer(results, claims, settings.max_attempts)
    return Runtime(settings, analyzer, store, queue, claims, results, writer, batch_size)


def process_token() -> str:
    """Name this worker process in its claims (host, pid, and a nonce against pid reuse)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def install(runtime: Runtime) -> None:
    """Make this the runtime the jobs of this process use."""
    global _current
    _current = runtime


def installed() -> bool:
    """Tell whether this process has its runtime yet."""
    return _current is not None


class NoRuntime(RuntimeError):
    """A job ran in a process that never loaded the model (not started by analysis_worker)."""


def current() -> Runtime:
    """Return this process's runtime; the worker installs it before taking any job."""
    if _current is None:
        # Loading here would load spaCy inside a job: per job under RQ's forking `rq worker`.
        raise NoRuntime("run jobs with `python -m analysis_worker`, which loads the model first")
    return _current
