"""RQ workers with the spaCy pipeline preloaded, run as one process or a supervised group."""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import time
from multiprocessing.process import BaseProcess
from types import FrameType

import redis
from redis import Redis
from redis.client import Pipeline
from rq import Queue, SimpleWorker
from rq.executions import Execution
from rq.job import Job
from rq.utils import now
from rq.worker import WorkerStatus

from analysis_worker import runtime
from analysis_worker.housekeeping import Housekeeper
from newsflow.connection import connect_worker
from newsflow.logs import configure_logging
from newsflow.queue import AnalysisQueue
from newsflow.settings import Settings

log = logging.getLogger(__name__)

RECONNECT_FIRST_PAUSE_SECONDS = 1.0
"""First pause before a worker that lost Redis tries again (doubling up to the max)."""

RECONNECT_MAX_PAUSE_SECONDS = 30.0
"""Longest pause between reconnection attempts."""

HEARTBEAT_MIN_INTERVAL_SECONDS = 1.0
"""Shortest time between two of RQ's loop heartbeats (the worker key lives for minutes)."""

SUSPENSION_CHECK_INTERVAL_SECONDS = 1.0
"""Shortest time between two looks for `rq suspend` (RQ looks before every job)."""

SUPERVISOR_POLL_SECONDS = 0.5
"""How often the supervisor of several worker processes checks on them."""


class AnalysisWorker(SimpleWorker):
    """An RQ worker that runs jobs in its own process, where the model is already loaded.

    RQ's default worker forks a work horse per job (~10 ms each, more as memory grows); next to
    ~65 ms of spaCy per article that is too dear, and the model is loaded once here instead.
    """

    _suspension_checked_at: float | None = None
    _preparation: Pipeline | None = None

    def check_for_suspension(self, burst: bool) -> None:
        """Look for `rq suspend` at most once a second, not before every job."""
        checked = self._suspension_checked_at
        if checked is not None and time.monotonic() - checked < SUSPENSION_CHECK_INTERVAL_SECONDS:
            return
        super().check_for_suspension(burst)
        self._suspension_checked_at = time.monotonic()

    def prepare_execution(self, job: Job) -> Execution:
        """Create the job's execution record, written with the job's preparation (one MULTI)."""
        self._preparation = self.connection.pipeline()
        self.execution = Execution.create(
            job, self.get_heartbeat_ttl(job), pipeline=self._preparation, worker_name=self.name
        )
        self.set_state(WorkerStatus.BUSY, pipeline=self._preparation)
        return self.execution

    def prepare_job_execution(self, job: Job, remove_from_intermediate_queue: bool = False) -> None:
        """RQ's preparation of a job (current job, heartbeats, started status), in the MULTI
        that also records the execution: one round trip, one fsync, instead of two."""
        pipeline = (
            self._preparation if self._preparation is not None else self.connection.pipeline()
        )
        self._preparation = None
        with pipeline:
            self.set_current_job_id(job.id, pipeline=pipeline)
            self.set_current_job_working_time(0, pipeline=pipeline)
            heartbeat_ttl = self.get_heartbeat_ttl(job)
            self.heartbeat(heartbeat_ttl, pipeline=pipeline)
            job.heartbeat(now(), heartbeat_ttl, pipeline=pipeline)
            job.prepare_for_execution(self.name, pipeline=pipeline)
            if remove_from_intermediate_queue:
                queue = Queue(job.origin, connection=self.connection)
                pipeline.lrem(queue.intermediate_queue_key, 1, job.id)
            pipeline.execute()
        self.procline(f"Processing {job.func_name} from {job.origin} since {time.time()}")

    def heartbeat(self, timeout: int | None = None, pipeline: Pipeline | None = None) -> None:
        """Send RQ's loop heartbeat at most once a second, in one round trip.

        RQ's loop heartbeats four times per job (each an HSET and an EXPIRE, and with
        `appendfsync always` each write waits for an fsync) to keep a key whose TTL is minutes.
        Heartbeats with a job's timeout (before each job) always go out.
        """
        if (
            timeout is None
            and self.last_heartbeat is not None
            and (now() - self.last_heartbeat).total_seconds() < HEARTBEAT_MIN_INTERVAL_SECONDS
        ):
            return
        if pipeline is not None:
            super().heartbeat(timeout, pipeline)
            return
        with self.connection.pipeline(transaction=False) as batch:
            super().heartbeat(timeout, batch)
            batch.execute()

    _state_written: str | None = None

    def set_state(self, state: str, pipeline: Pipeline | None = None) -> None:
        """Write the worker's state only when it changes (RQ writes `idle` twice per job)."""
        if pipeline is None and state == self._state_written:
            self._state = state
            return
        super().set_state(state, pipeline)
        self._state_written = state

    def cleanup_execution(self, job: Job, pipeline: Pipeline) -> None:
        """End a job's execution; Redis sees the worker idle in the same transaction.

        The worker itself stays busy until RQ is done with the job: a SIGTERM until then
        waits for the job (RQ's warm shutdown) instead of interrupting its bookkeeping.
        """
        super().cleanup_execution(job, pipeline)
        pipeline.hset(self.key, "state", WorkerStatus.IDLE)
        self._state_written = WorkerStatus.IDLE

    def handle_execution_ended(self, job: Job, queue: Queue, heartbeat_ttl: int) -> None:
        """Note the end of a job; its heartbeat only matters while a callback still runs."""
        if job.success_callback is None and job.failure_callback is None:
            job.ended_at = now()
            return
        super().handle_execution_ended(job, queue, heartbeat_ttl)

    @property
    def shutdown_requested(self) -> bool:
        """Whether SIGTERM/SIGINT asked this worker to stop (as opposed to losing Redis)."""
        return self._shutdown_requested_date is not None or self._stop_requested


def run_worker(settings: Settings, burst: bool = False) -> None:
    """Load the model, then work the queue until stopped; outlive Redis outages."""
    configure_logging(settings.log_level)  # a spawned child starts with no logging set up
    connection = connect_worker(settings)
    runtime.install(runtime.build_runtime(settings, connection))
    housekeeper = Housekeeper(settings)
    housekeeper.start()
    pause = RECONNECT_FIRST_PAUSE_SECONDS
    try:
        while True:
            worker = _work_once(settings, connection, housekeeper, burst)
            if burst or (worker is not None and worker.shutdown_requested):
                return
            log.warning("worker lost Redis; reconnecting in %.0f s", pause)
            time.sleep(pause)
            pause = min(pause * 2, RECONNECT_MAX_PAUSE_SECONDS)
    finally:
        housekeeper.stop()


def _work_once(
    settings: Settings, connection: Redis, housekeeper: Housekeeper, burst: bool
) -> AnalysisWorker | None:
    """Run one RQ worker until it stops; None if Redis failed before it could start."""
    try:
        worker = AnalysisWorker(
            [AnalysisQueue(connection, settings).queue],
            connection=connection,
            worker_ttl=settings.worker_ttl_seconds,
            maintenance_interval=settings.maintenance_interval_seconds,
        )
        housekeeper.worker_name = worker.name
        housekeeper.beat()
        worker.work(burst=burst, logging_level=settings.log_level.upper())
    except (redis.ConnectionError, redis.TimeoutError) as exc:
        log.warning("Redis unavailable: %s", exc)
        return None
    return worker


def run_workers(settings: Settings, processes: int, burst: bool = False) -> None:
    """Run several worker processes, restarting any that dies until we are told to stop."""
    context = multiprocessing.get_context("spawn")
    children = [_start(context, settings, burst) for _ in range(processes)]
    stopping = False

    def request_stop(signum: int, frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True
        for child in children:
            if child.is_alive() and child.pid:
                _signal(child.pid, signal.SIGTERM)

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    while any(child.is_alive() for child in children) or not (stopping or burst):
        for position, child in enumerate(children):
            if not child.is_alive() and not (stopping or burst):
                log.warning(
                    "worker process %s exited (%s); starting another", child.pid, child.exitcode
                )
                children[position] = _start(context, settings, burst)
        time.sleep(SUPERVISOR_POLL_SECONDS)


def _start(
    context: multiprocessing.context.SpawnContext, settings: Settings, burst: bool
) -> BaseProcess:
    process = context.Process(target=run_worker, args=(settings, burst), daemon=False)
    process.start()
    return process


def _signal(pid: int, signum: int) -> None:
    try:
        os.kill(pid, signum)
    except ProcessLookupError:
        pass
