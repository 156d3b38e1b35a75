"""A job facing a backlog claims fresh ready articles and analyses them in one nlp.pipe batch.

The batch is Newsflow's own: its claims are Newsflow keys, the jobs of the claimed articles
leave RQ's queue, and RQ runs one job per batch, never one it did not enqueue.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
import redis
from rq import Queue, SimpleWorker
from rq.job import Job

from analysis_worker import jobs
from analysis_worker.extraction import Analyzer
from analysis_worker.worker import AnalysisWorker
from newsflow.core.article_reads import ArticleReader
from newsflow.core.claims import Claims
from newsflow.core.models import ArticleIn
from newsflow.core.reconciler import Reconciler
from newsflow.core.settings import Settings
from newsflow.core.store import ArticleStore
from tests.queue_state import job_id_of, overdue

RQ_INTERMEDIATE_CLEANUP_SECONDS = 60
"""How long RQ leaves a dequeued job that has not started in its intermediate queue before its
cleanup fails the job (rq/intermediate_queue.py, should_be_cleaned_up: one minute)."""


class BatchRecorder(Analyzer):
    """The real analyzer, noting how many texts each batch held (and failing one if asked)."""

    def __init__(self, analyzer: Analyzer, fail_first: bool = False, pause: float = 0) -> None:
        super().__init__(analyzer.nlp)
        self.batches: list[list[str]] = []
        self.fail_first = fail_first
        self.pause = pause

    def analyze_many(self, items: Any) -> Any:
        items = list(items)
        self.batches.append([text for text, _ in items])
        if self.fail_first and len(self.batches) == 1:
            raise ValueError("the batch choked")
        time.sleep(self.pause)
        return super().analyze_many(items)


def articles(count: int) -> list[ArticleIn]:
    sentences = [
        "Russian MiG-31 jets violated Estonian airspace on Friday, the Estonian army said.",
        "NATO defence ministers met in Brussels on Wednesday.",
        "Germany sent four Eurofighter jets to Poland.",
        "The United States imposed tariffs on its European allies.",
    ]
    return [
        ArticleIn(
            id=f"a{number}",
            text=" ".join(sentences[number % 4 :] + sentences[: number % 4]) + f" Item {number}.",
            published_at="2025-10-14T06:00:00Z",  # type: ignore[arg-type]
        )
        for number in range(count)
    ]


def analyses_match_one_by_one(reader: ArticleReader, analyzer: Analyzer, ids: list[str]) -> None:
    for article_id in ids:
        article = reader.get(article_id)
        assert article is not None and article.status == "done"
        stored = article.analysis
        assert stored is not None
        alone = analyzer.analyze(article.text, article.published_at)
        assert (stored.entities, stored.events) == (alone.entities, alone.events), article_id


def test_a_backlog_is_analysed_in_one_batch_by_one_rq_job_with_the_results_of_one_by_one(
    store: ArticleStore,
    reader: ArticleReader,
    analyzer: Analyzer,
    redis_client: redis.Redis,
    analysis_queue: Queue,
    run_worker: Callable[..., AnalysisWorker],
) -> None:
    ids = [store.accept(article).id for article in articles(6)]
    first_job = analysis_queue.get_job_ids()[0]
    recorder = BatchRecorder(analyzer)
    run_worker(recorder)
    assert [len(batch) for batch in recorder.batches] == [6]
    analyses_match_one_by_one(reader, analyzer, ids)
    assert analysis_queue.count == 0
    assert analysis_queue.finished_job_registry.get_job_ids() == [first_job]
    assert redis_client.llen(analysis_queue.intermediate_queue_key) == 0
    assert not redis_client.keys("newsflow:claim:*") and not redis_client.zcard("newsflow:ready")


def test_a_batch_that_fails_counts_an_attempt_for_each_and_each_is_then_retried_alone(
    store: ArticleStore,
    reader: ArticleReader,
    analyzer: Analyzer,
    redis_client: redis.Redis,
    settings: Settings,
    run_worker: Callable[..., AnalysisWorker],
) -> None:
    ids = [store.accept(article).id for article in articles(4)]
    recorder = BatchRecorder(analyzer, fail_first=True)
    run_worker(recorder)
    assert [len(batch) for batch in recorder.batches] == [4]
    for article_id in ids:
        article = store.get(article_id)
        assert article is not None and (article.status, article.attempts) == ("queued", 1)
        assert article.error == "retrying after: ValueError: the batch choked"
        overdue(redis_client, article_id)  # as when the backoff has passed
    reconciler = Reconciler(redis_client, store, settings.max_attempts)
    assert sorted(reconciler.run_once().redriven) == ids
    run_worker(recorder)
    assert [len(batch) for batch in recorder.batches] == [4, 1, 1, 1, 1]
    analyses_match_one_by_one(reader, analyzer, ids)


def test_withdrawn_jobs_leave_no_record_in_redis_and_a_dequeued_one_keeps_its_own(
    store: ArticleStore, redis_client: redis.Redis, analysis_queue: Queue
) -> None:
    for article in articles(3):
        store.accept(article)
    waiting = analysis_queue.get_job_ids()
    analysis_queue.remove(waiting[2])  # a worker dequeued it before the batch withdrew it
    assert store.queue is not None
    store.queue.withdraw(waiting[1:])
    assert analysis_queue.get_job_ids() == waiting[:1]
    assert [Job.exists(job_id, connection=redis_client) for job_id in waiting] == [
        True,
        False,  # withdrawn: no worker has it or ever will, so nothing of it stays in Redis
        True,  # the worker that dequeued it runs it, and RQ keeps its record as usual
    ]


def test_claims_of_a_process_that_died_are_redriven_and_a_live_ones_are_not(
    store: ArticleStore, redis_client: redis.Redis, analysis_queue: Queue, settings: Settings
) -> None:
    ids = [store.accept(article).id for article in articles(3)]
    waiting = analysis_queue.get_job_ids()
    claims = Claims(store, "worker-1", ttl_seconds=0.5)
    batch = claims.take(ids[0], most=16, budget=jobs.BATCH_CHARACTERS)
    assert [one.article.id for one in batch] == ids
    assert store.queue is not None
    store.queue.withdraw([one.job_id for one in batch[1:] if one.job_id])
    assert analysis_queue.get_job_ids() == waiting[:1]  # as if RQ had not dequeued it yet
    analysis_queue.remove(waiting[0])  # now it has: the job runs, and its process holds them
    reconciler = Reconciler(redis_client, store, settings.max_attempts)
    for article_id in ids:
        overdue(redis_client, article_id)
    assert reconciler.run_once().redriven == []
    time.sleep(0.6)  # the process died: nothing refreshed its claims
    for article_id in ids:
        overdue(redis_client, article_id)
    assert sorted(reconciler.run_once().redriven) == ids
    fresh = [job_id_of(redis_client, article_id) for article_id in ids]
    assert analysis_queue.get_job_ids() == fresh and not set(fresh) & set(waiting)


@pytest.mark.slow
def test_a_batch_held_longer_than_rq_cleans_its_intermediate_queue_runs_once(
    store: ArticleStore,
    reader: ArticleReader,
    analyzer: Analyzer,
    redis_client: redis.Redis,
    analysis_queue: Queue,
    settings: Settings,
    install_runtime: Callable[..., None],
) -> None:
    ids = [store.accept(article).id for article in articles(4)]
    recorder = BatchRecorder(analyzer, pause=RQ_INTERMEDIATE_CLEANUP_SECONDS + 10)
    # Claims expire in 2 s unless refreshed and the reconciler runs every second meanwhile.
    fast = settings.model_copy(update={"claim_ttl_seconds": 2, "reconcile_interval_seconds": 1})
    install_runtime(recorder, with_settings=fast)
    other = SimpleWorker([analysis_queue], connection=redis_client, name="other")
    done = threading.Event()

    def maintain() -> None:  # another worker's RQ maintenance, as often as it can run
        while not done.wait(1):
            other.clean_registries()

    maintenance = threading.Thread(target=maintain)
    maintenance.start()
    try:
        worker = AnalysisWorker([analysis_queue], connection=redis_client)
        worker.work(burst=True, logging_level="WARNING")
    finally:
        done.set()
        maintenance.join()
    assert [len(batch) for batch in recorder.batches] == [4]
    analyses_match_one_by_one(reader, analyzer, ids)
    assert analysis_queue.count == 0 and analysis_queue.failed_job_registry.count == 0
    assert analysis_queue.finished_job_registry.count == 1
    assert all(reader.get(i).attempts == 1 for i in ids)  # type: ignore[union-attr]
