"""The analysis queue: RQ as the transport that wakes a worker for an article.

Each accepted article gets one RQ job (a wake-up), enqueued in the transaction that stores it.
RQ only carries and runs these jobs: what happened to an article is Newsflow's own state
(newsflow.core.claims, newsflow.core.reconciler), so no RQ retry, scheduler or registry decides
whether an article runs again.
"""

from __future__ import annotations

from collections.abc import Iterable

from redis import Redis
from redis.client import Pipeline
from rq import Queue
from rq.job import Job

from newsflow.core.settings import Settings

ANALYZE_JOB = "analysis_worker.jobs.analyze_articles"
"""Import path of the job function; ingest names it without importing spaCy."""

JOB_RESULT_TTL = 60
"""Seconds RQ keeps a finished job and its small summary (for `rq info`); our results live in
our own keys."""

JOB_FAILURE_TTL = 7 * 24 * 3600
"""Seconds RQ keeps a failed job record, for inspection with `rq info`."""


class AnalysisQueue:
    """The RQ queue of analysis jobs, with the job timeout from settings."""

    def __init__(self, connection: Redis, settings: Settings) -> None:
        self.queue = Queue(
            settings.queue_name, connection=connection, default_timeout=settings.job_timeout_seconds
        )
        self.connection = connection
        self.timeout = settings.job_timeout_seconds

    def enqueue(self, article_id: str, pipeline: Pipeline | None = None) -> Job:
        """Enqueue the job that wakes a worker for one article; with a pipeline, in its MULTI."""
        return self.queue.enqueue_call(
            ANALYZE_JOB,
            args=(article_id,),
            timeout=self.timeout,
            result_ttl=JOB_RESULT_TTL,
            failure_ttl=JOB_FAILURE_TTL,
            description=f"analyze article {article_id}",
            pipeline=pipeline,
        )

    def withdraw(self, job_ids: Iterable[str]) -> None:
        """Take the jobs of articles a batch has claimed out of the queue, and delete their
        records (two round trips).

        Their work is done by the batch, so RQ runs one job per batch, not one per article. A job
        taken out of the queue was dequeued by no worker (workers take jobs only from it) and never
        will be (a lost article gets a new job), so its record goes at once: it would otherwise
        hold ~1.7 kB of Redis for JOB_RESULT_TTL. A job a worker has already dequeued stays and,
        finding its article claimed, returns; RQ keeps its record as any finished job's.
        """
        ids = list(job_ids)
        if not ids:
            return
        with self.connection.pipeline() as pipe:
            for job_id in ids:
                self.queue.remove(job_id, pipeline=pipe)
            removed = pipe.execute()
        with self.connection.pipeline() as pipe:
            for job_id, count in zip(ids, removed, strict=True):
                if count:  # a queued job is in no registry: its keys are all there is of it
                    # (RQ's Job.delete would read its status up to seven times to find out)
                    job = Job(job_id, connection=self.connection)
                    pipe.delete(job.key, job.dependents_key, job.dependencies_key)
            pipe.execute()

    def waiting(self, job_ids: list[str | None]) -> list[bool]:
        """Tell, for each job, whether it still waits in the queue (one round trip).

        Queue.get_job_position, pipelined: a job out of the queue either runs now (and its
        worker holds the article's claim) or never will.
        """
        with self.connection.pipeline(transaction=False) as pipe:
            for job_id in job_ids:
                pipe.lpos(self.queue.key, job_id or "-")
            return [position is not None for position in pipe.execute()]
