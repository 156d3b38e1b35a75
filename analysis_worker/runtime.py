"""What a worker process holds for its jobs: the loaded analyzer and the stores (built once)."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from redis import Redis

from analysis_worker.extraction import Analyzer, load_analyzer
from analysis_worker.parse_ahead import ParseAhead
from newsflow.entity_index import EntityIndex
from newsflow.keys import Keys
from newsflow.settings import Settings
from newsflow.store import ArticleStore

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Runtime:
    """A worker process's analyzer, stores, and the parses it makes ahead of its jobs."""

    analyzer: Analyzer
    store: ArticleStore
    index: EntityIndex
    parse_ahead: ParseAhead


_current: Runtime | None = None


def build_runtime(settings: Settings, connection: Redis) -> Runtime:
    """Load the spaCy pipeline and bind the stores to a connection."""
    log.info("loading spaCy pipeline %s", settings.spacy_model)
    return assemble(load_analyzer(settings.spacy_model), connection, Keys(settings.key_prefix))


def assemble(analyzer: Analyzer, connection: Redis, keys: Keys) -> Runtime:
    """Bind a loaded analyzer and the stores to a connection."""
    store = ArticleStore(connection, keys)
    return Runtime(analyzer, store, EntityIndex(connection, keys), ParseAhead(analyzer, store))


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
