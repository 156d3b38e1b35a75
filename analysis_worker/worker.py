"""RQ's SimpleWorker with the spaCy pipeline loaded first and a housekeeping thread beside it."""

from __future__ import annotations

import logging
import time
from typing import Any

import redis
from rq import SimpleWorker
from rq.worker_pool import WorkerPool

from analysis_worker import runtime
from analysis_worker.extraction.analyzer import PIPE_BATCH_SIZE
from analysis_worker.housekeeping import Housekeeper
from newsflow.core.connection import connect_worker
from newsflow.core.logs import configure_logging
from newsflow.core.queue import AnalysisQueue
from newsflow.core.reconciler import Reconciler
from newsflow.core.settings import Settings

log = logging.getLogger(__name__)

RECONNECT_FIRST_PAUSE_SECONDS = 1.0
"""First pause before a worker that lost Redis tries again (doubling up to the max)."""

RECONNECT_MAX_PAUSE_SECONDS = 30.0
"""Longest pause between reconnection attempts."""


class AnalysisWorker(SimpleWorker):
    """RQ's SimpleWorker: jobs run in this process, where the model is loaded once.

    RQ's default worker forks a work horse per job (~10 ms each, more as memory grows), next to
    ~65 ms of spaCy per article. Two documented hooks are extended: `work` loads the runtime (in
    a WorkerPool child) and runs the housekeeping thread; `handle_warm_shutdown_request` notes
    that the stop was asked for, as opposed to a lost Redis.
    """

    settings: Settings | None = None
    """Settings of a worker that builds its own runtime (a WorkerPool child); see `bound`."""

    batch_size = PIPE_BATCH_SIZE
    """Most articles one job analyses together, in a worker that builds its own runtime."""

    stop_requested = False

    @classmethod
    def bound(cls, settings: Settings, batch_size: int) -> type[AnalysisWorker]:
        """Return this class with settings, for RQ's WorkerPool (which takes a class)."""
        return type(cls.__name__, (cls,), {"settings": settings, "batch_size": batch_size})

    def work(self, *args: Any, **kwargs: Any) -> bool:
        """Work as RQ does, with claims kept alive and the reconciler run meanwhile."""
        kwargs["with_scheduler"] = False  # nothing is scheduled; WorkerPool asks for one
        if not runtime.installed() and self.settings is not None:
            runtime.install(runtime.build_runtime(self.settings, self.connection, self.batch_size))
        current = runtime.current()
        reconciler = Reconciler(self.connection, current.store, current.settings.max_attempts)
        housekeeper = Housekeeper(
            current.claims, reconciler, current.settings.reconcile_interval_seconds
        )
        housekeeper.start()
        try:
            return super().work(*args, **kwargs)
        finally:
            current.writer.flush()  # the last batch is committed, its claims still kept alive
            housekeeper.stop()

    def handle_warm_shutdown_request(self) -> None:
        """Note that SIGTERM/SIGINT asked this worker to stop after its job."""
        self.stop_requested = True
        super().handle_warm_shutdown_request()


def run_worker(settings: Settings, burst: bool = False, batch_size: int = PIPE_BATCH_SIZE) -> None:
    """Load the model, then work the queue until stopped; outlive Redis outages."""
    configure_logging(settings.log_level)
    connection = connect_worker(settings)
    built = runtime.build_runtime(settings, connection, batch_size)
    runtime.install(built)
    pause = RECONNECT_FIRST_PAUSE_SECONDS
    while True:
        worker = None
        try:  # RQ's worker talks to Redis from its constructor on
            worker = AnalysisWorker([built.queue.queue], connection=connection)
            worker.work(burst=burst, logging_level=settings.log_level.upper())
        except (redis.ConnectionError, redis.TimeoutError) as exc:
            log.warning("Redis unavailable: %s", exc)
        if burst or (worker is not None and worker.stop_requested):
            return
        log.warning("worker lost Redis; reconnecting in %.0f s", pause)
        time.sleep(pause)
        pause = min(pause * 2, RECONNECT_MAX_PAUSE_SECONDS)


def run_pool(
    settings: Settings, processes: int, burst: bool = False, batch_size: int = PIPE_BATCH_SIZE
) -> None:
    """Run several worker processes under RQ's WorkerPool, which replaces any that dies."""
    configure_logging(settings.log_level)
    connection = connect_worker(settings)
    pool = WorkerPool(
        [AnalysisQueue(connection, settings).queue],
        connection=connection,
        num_workers=processes,
        worker_class=AnalysisWorker.bound(settings, batch_size),
    )
    pool.start(burst=burst, logging_level=settings.log_level.upper())
