"""RQ workers with the spaCy pipeline preloaded, run as one process or a supervised group."""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import time
from collections import deque
from multiprocessing.process import BaseProcess
from types import FrameType
from typing import Any

import redis
from redis import Redis
from redis.client import Pipeline
from rq import Queue, SimpleWorker
from rq.executions import Execution
from rq.job import Job
from rq.suspension import is_suspended
from rq.utils import as_text, now
from rq.worker import WorkerStatus
from rq.worker_registration import WORKERS_BY_QUEUE_KEY

from analysis_worker import runtime
from analysis_worker.extraction.analyzer import PIPE_BATCH_SIZE
from analysis_worker.housekeeping import Housekeeper
from newsflow.core.connection import connect_worker
from newsflow.core.logs import configure_logging
from newsflow.core.queue import ANALYZE_JOB, CLAIMED_BY, AnalysisQueue
from newsflow.core.settings import Settings

log = logging.getLogger(__name__)

RECONNECT_FIRST_PAUSE_SECONDS = 1.0
"""First pause before a worker that lost Redis tries again (doubling up to the max)."""

RECONNECT_MAX_PAUSE_SECONDS = 30.0
"""Longest pause between reconnection attempts."""

HEARTBEAT_MIN_INTERVAL_SECONDS = 1.0
"""Shortest time between two of RQ's loop heartbeats (the worker key lives for minutes)."""

SUSPENSION_CHECK_INTERVAL_SECONDS = 1.0
"""Shortest time between two looks for `rq suspend` (RQ looks before every job)."""

CLAIM_AT_MOST = PIPE_BATCH_SIZE - 1
"""Jobs a worker claims besides the one RQ hands it, so their articles are parsed together."""

# Moves waiting jobs to the intermediate queue, as RQ's own dequeue does with each job, but no
# more than this worker's share of the backlog (other workers on the queue are not starved), and
# marks each with its claimer, so the reconciler re-drives it if this worker dies.
CLAIM_LUA = """
local workers = math.max(redis.call('SCARD', KEYS[3]), 1)
local count = math.min(tonumber(ARGV[1]), math.floor(redis.call('LLEN', KEYS[1]) / workers))
local ids = {}
for i = 1, count do
  ids[i] = redis.call('LMOVE', KEYS[1], KEYS[2], 'LEFT', 'RIGHT')
  redis.call('HSET', ARGV[3] .. ids[i], ARGV[4], ARGV[2])
end
return ids
"""

# Puts a claimed job back at the head of its queue, unless RQ's cleanup or the reconciler took
# it meanwhile.
UNCLAIM_LUA = """
if redis.call('LREM', KEYS[2], 1, ARGV[1]) == 1 then
  redis.call('LPUSH', KEYS[1], ARGV[1])
  redis.call('HDEL', KEYS[3], ARGV[2])
end
"""

SUPERVISOR_POLL_SECONDS = 0.5
"""How often the supervisor of several worker processes checks on them."""


class AnalysisWorker(SimpleWorker):
    """An RQ worker that runs jobs in its own process, where the model is already loaded.

    RQ's default worker forks a work horse per job (~10 ms each, more as memory grows); next to
    ~65 ms of spaCy per article that is too dear, and the model is loaded once here instead.
    """

    _suspension_checked_at: float | None = None
    _preparation: Pipeline | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._claimed: deque[tuple[Job, Queue]] = deque()
        self._claim = self.connection.register_script(CLAIM_LUA)
        self._unclaim = self.connection.register_script(UNCLAIM_LUA)

    def work(self, *args: Any, **kwargs: Any) -> bool:
        """Work as RQ does; when stopping, put the jobs claimed and not started back."""
        try:
            return super().work(*args, **kwargs)
        finally:
            self.return_claimed()

    def dequeue_job_and_maintain_ttl(
        self, timeout: int | None, max_idle_time: int | None = None
    ) -> tuple[Job, Queue] | None:
        """Take the next claimed job; with none left, dequeue as RQ does and claim a batch."""
        if self._claimed:
            self.heartbeat()
            return self._claimed.popleft()
        result = super().dequeue_job_and_maintain_ttl(timeout, max_idle_time)
        if result is not None:
            self._claim_batch(result[1])
        return result

    def _claim_batch(self, queue: Queue) -> None:
        """Claim this worker's share of the waiting jobs and have their articles parsed ahead."""
        ids = [
            as_text(job_id)
            for job_id in self._claim(
                keys=[queue.key, queue.intermediate_queue_key, WORKERS_BY_QUEUE_KEY % queue.name],
                args=[CLAIM_AT_MOST, self.name, Job.redis_job_namespace_prefix, CLAIMED_BY],
            )
        ]
        if not ids:
            return
        found = Job.fetch_many(ids, connection=self.connection, serializer=self.serializer)
        for job_id, job in zip(ids, found, strict=True):
            if job is None:  # deleted since it was queued: RQ's dequeue skips those too
                self.connection.lrem(queue.intermediate_queue_key, 1, job_id)
            else:
                job.redis_server_version = self.get_redis_server_version()
                self._claimed.append((job, queue))
        runtime.current().parse_ahead.expect(
            job.args[0] for job, _ in self._claimed if job.func_name == ANALYZE_JOB
        )

    def return_claimed(self) -> None:
        """Put the claimed jobs not started back at the head of their queue, in order.

        If Redis is gone, they stay claimed in RQ's intermediate queue; the reconciler re-drives
        them once this worker's liveness key expires (and RQ's cleanup fails any left there).
        """
        claimed, self._claimed = self._claimed, deque()
        if not claimed:
            return
        runtime.current().parse_ahead.forget()
        try:
            for job, queue in reversed(claimed):
                self._unclaim(
                    keys=[queue.key, queue.intermediate_queue_key, job.key],
                    args=[job.id, CLAIMED_BY],
                )
        except redis.RedisError as exc:
            log.warning("could not return %d claimed jobs to the queue: %s", len(claimed), exc)

    def check_for_suspension(self, burst: bool) -> None:
        """Look for `rq suspend` at most once a second, not before every job; a suspended
        worker gives back the jobs it claimed, for other workers or for later."""
        checked = self._suspension_checked_at
        if checked is not None and time.monotonic() - checked < SUSPENSION_CHECK_INTERVAL_SECONDS:
            return
        if self._claimed and is_suspended(self.connection, self):
            self.return_claimed()
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
        that also records the execution: one round trip, one fsync, instead of two. A claimed
        job is this worker's from here on as RQ sees it: the claim mark goes."""
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
            pipeline.hdel(job.key, CLAIMED_BY)
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
