"""The analysis queue: how ingest enqueues an article and how workers find the queue."""

from __future__ import annotations

from redis import Redis
from redis.client import Pipeline
from rq import Queue, Retry
from rq.job import Job

from newsflow.core.settings import Settings

ANALYZE_JOB = "analysis_worker.jobs.analyze_article"
"""Import path of the job function; ingest names it without importing spaCy."""

JOB_RESULT_TTL = 60
"""Seconds RQ keeps a finished job and its small summary (for `rq info`); our results live in
our own keys. Not 0: RQ deletes a job kept for 0 s with seven extra reads, each a round trip,
where a TTL costs three EXPIREs inside the transaction it runs anyway."""

CLAIMED_BY = "claimed_by"
"""Field of a queued RQ job's hash naming the worker that claimed it to parse it in a batch;
the reconciler re-drives the job if that worker dies before starting it."""

JOB_FAILURE_TTL = 7 * 24 * 3600
"""Seconds RQ keeps a failed job record, for inspection with `rq info`."""


class AnalysisQueue:
    """The RQ queue of analysis jobs, with the timeout and retry policy from settings."""

    def __init__(self, connection: Redis, settings: Settings) -> None:
        self.queue = Queue(
            settings.queue_name, connection=connection, default_timeout=settings.job_timeout_seconds
        )
        self.retry = Retry(max=settings.job_retries, interval=settings.job_retry_intervals)
        self.timeout = settings.job_timeout_seconds

    def forget_claim(self, job_id: str, pipeline: Pipeline) -> None:
        """Take a lost job out of RQ's intermediate queue, where a dead worker's claim left it
        (inside the caller's MULTI)."""
        pipeline.lrem(self.queue.intermediate_queue_key, 1, job_id)

    def enqueue(self, article_id: str, pipeline: Pipeline | None = None) -> Job:
        """Enqueue the analysis of one article; with a pipeline, inside its MULTI."""
        return self.queue.enqueue_call(
            ANALYZE_JOB,
            args=(article_id,),
            timeout=self.timeout,
            retry=self.retry,
            result_ttl=JOB_RESULT_TTL,
            failure_ttl=JOB_FAILURE_TTL,
            description=f"analyze article {article_id}",
            pipeline=pipeline,
        )
