"""What a worker process holds for its jobs: the loaded analyzer and the stores (built once)."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from redis import Redis

from analysis_worker.extraction import Analyzer, load_analyzer
from analysis_worker.parse_ahead import ParseAhead
from newsflow.core.database import connect_database, wait_for_schema
from newsflow.core.keys import Keys
from newsflow.core.results import ResultStore
from newsflow.core.settings import Settings
from newsflow.core.store import ArticleStore

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Runtime:
    """A worker process's analyzer, stores, and the parses it makes ahead of its jobs."""

    analyzer: Analyzer
    store: ArticleStore
    results: ResultStore
    parse_ahead: ParseAhead


_current: Runtime | None = None


def build_runtime(settings: Settings, connection: Redis) -> Runtime:
    """Check the results schema, load the spaCy pipeline and bind the stores."""
    engine = connect_database(settings, request_timeouts=False)
    wait_for_schema(engine)
    log.info("loading spaCy pipeline %s", settings.spacy_model)
    analyzer = load_analyzer(settings.spacy_model)
    return assemble(
        analyzer,
        connection,
        Keys(settings.key_prefix),
        ResultStore(engine, settings.story_rule(), group_stories=settings.group_stories),
    )


def assemble(analyzer: Analyzer, connection: Redis, keys: Keys, results: ResultStore) -> Runtime:
    """Bind a loaded analyzer and the stores to their connections."""
    store = ArticleStore(connection, keys)
    return Runtime(analyzer, store, results, ParseAhead(analyzer, store))


def install(runtime: Runtime) -> None:
    """Make this the runtime the jobs of this process use."""
    global _current
    _current = runtime


class NoRuntime(RuntimeError):
    """A job ran in a process that never loaded the model (not started by analysis_worker)."""


def current() -> Runtime:
    """Return this process's runtime; the worker installs it before taking any job."""
    if _current is None:
        # Loading here would load spaCy inside a job: per job under RQ's forking `rq worker`.
        raise NoRuntime("run jobs with `python -m analysis_worker`, which loads the model first")
    return _current
