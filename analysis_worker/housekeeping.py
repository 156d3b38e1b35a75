"""A worker process's background duties: prove it is alive, move due retries, reconcile.

RQ would move due retries from a scheduler process it forks; a worker killed with SIGKILL
orphans that process, so the same RQ scheduler code runs here, in a thread, instead.
"""

from __future__ import annotations

import logging
import threading

import redis
from rq.scheduler import RQScheduler

from newsflow.core.connection import connect
from newsflow.core.keys import Keys
from newsflow.core.queue import AnalysisQueue
from newsflow.core.reconciler import Reconciler
from newsflow.core.settings import Settings
from newsflow.core.store import ArticleStore

log = logging.getLogger(__name__)


class Housekeeper(threading.Thread):
    """Each round: refresh the liveness key, enqueue due retries, run the reconciler."""

    def __init__(self, settings: Settings) -> None:
        super().__init__(name="newsflow-housekeeper", daemon=True)
        self.settings = settings
        self.worker_name: str | None = None
        self.stopped = threading.Event()
        connection = connect(settings)
        self.keys = Keys(settings.key_prefix)
        self.redis = connection
        store = ArticleStore(
            connection,
            self.keys,
            AnalysisQueue(connection, settings),
            recheck_after=settings.stuck_after_seconds,
        )
        self.reconciler = Reconciler(connection, store, settings.max_attempts)
        self.interval = min(settings.reconcile_interval_seconds, settings.liveness_ttl_seconds / 3)
        self.scheduler = RQScheduler(
            [settings.queue_name], connection=connection, interval=self.interval
        )

    def run(self) -> None:
        """Loop until stopped; a Redis outage only skips a round."""
        while not self.stopped.wait(self.interval):
            try:
                self.beat()
                self.enqueue_due_retries()
                report = self.reconciler.run_once()
                if report.redriven or report.failed:
                    log.warning(
                        "reconciler: re-drove %d, gave up on %d",
                        len(report.redriven),
                        len(report.failed),
                    )
            except redis.RedisError as exc:
                log.warning("housekeeping skipped a round: %s", type(exc).__name__)

    def beat(self) -> None:
        """Say that the current RQ worker of this process is alive."""
        if self.worker_name:
            self.redis.set(
                self.keys.worker_alive(self.worker_name), 1, ex=self.settings.liveness_ttl_seconds
            )

    def enqueue_due_retries(self) -> None:
        """Move retries whose backoff has passed back to the queue, if we hold the lock."""
        self.scheduler.acquire_locks()
        if self.scheduler.acquired_locks:
            self.scheduler.enqueue_scheduled_jobs()

    def stop(self) -> None:
        """Stop the loop and drop the liveness key."""
        self.stopped.set()
        if self.worker_name:
            try:
                self.redis.delete(self.keys.worker_alive(self.worker_name))
                self.scheduler.release_locks()
            except redis.RedisError:
                pass
