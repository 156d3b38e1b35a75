"""A worker facing a backlog claims its share of it and parses those articles in one batch."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import redis
from rq import Queue
from rq.exceptions import StopRequested
from rq.suspension import suspend

from analysis_worker import runtime
from analysis_worker.extraction import Analyzer
from analysis_worker.worker import AnalysisWorker
from newsflow.core.article_reads import ArticleReader
from newsflow.core.keys import Keys
from newsflow.core.models import ArticleIn
from newsflow.core.reconciler import Reconciler
from newsflow.core.settings import Settings
from newsflow.core.store import ArticleStore
from tests.queue_state import job_id_of, overdue


class BatchRecorder(Analyzer):
    """The real analyzer, noting how many texts each batch parsed ahead held."""

    def __init__(self, analyzer: Analyzer, fail: bool = False) -> None:
        super().__init__(analyzer.nlp)
        self.batches: list[int] = []
        self.fail = fail

    def parse_ahead(self, texts: list[str]) -> None:
        self.batches.append(len(texts))
        if self.fail:
            raise ValueError("the batch choked")
        super().parse_ahead(texts)


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


def test_a_backlog_is_parsed_in_one_batch_with_the_results_of_one_by_one(
    store: ArticleStore,
    reader: ArticleReader,
    analyzer: Analyzer,
    redis_client: redis.Redis,
    analysis_queue: Queue,
    run_worker: Callable[..., AnalysisWorker],
) -> None:
    ids = [store.accept(article).id for article in articles(6)]
    recorder = BatchRecorder(analyzer)
    run_worker(recorder)
    assert recorder.batches == [6]  # the first job, with the five it claimed
    analyses_match_one_by_one(reader, analyzer, ids)
    assert analysis_queue.count == 0
    assert redis_client.llen(analysis_queue.intermediate_queue_key) == 0


def test_a_batch_that_fails_to_parse_leaves_each_job_to_parse_its_own(
    store: ArticleStore,
    reader: ArticleReader,
    analyzer: Analyzer,
    analysis_queue: Queue,
    run_worker: Callable[..., AnalysisWorker],
) -> None:
    ids = [store.accept(article).id for article in articles(4)]
    recorder = BatchRecorder(analyzer, fail=True)
    run_worker(recorder)
    assert recorder.batches == [4]
    analyses_match_one_by_one(reader, analyzer, ids)
    assert analysis_queue.failed_job_registry.count == 0


def test_a_retried_article_is_parsed_alone(
    store: ArticleStore, analyzer: Analyzer, install_runtime: Callable[[Analyzer], None]
) -> None:
    ids = [store.accept(article).id for article in articles(3)]
    recorder = BatchRecorder(analyzer)
    install_runtime(recorder)
    for attempt in (1, 2):
        article = store.mark_processing(ids[0])
        assert article is not None and article.attempts == attempt
        runtime.current().parse_ahead.expect(ids[1:])
        runtime.current().parse_ahead.before(article)
    assert recorder.batches == [3]  # the first attempt only


Claim = Callable[[int, int], tuple[AnalysisWorker, list[str]]]
"""(articles queued, workers on the queue) -> the first worker, after its first dequeue, and
the job ids that were waiting before it."""


@pytest.fixture
def claim(
    store: ArticleStore,
    analyzer: Analyzer,
    redis_client: redis.Redis,
    analysis_queue: Queue,
    install_runtime: Callable[[Analyzer], None],
) -> Claim:
    """Queue articles, register workers on the queue, and let the first one dequeue."""

    def dequeue_first(count: int, workers: int) -> tuple[AnalysisWorker, list[str]]:
        for article in articles(count):
            store.accept(article)
        install_runtime(analyzer)
        waiting = analysis_queue.get_job_ids()
        born = [AnalysisWorker([analysis_queue], connection=redis_client) for _ in range(workers)]
        for worker in born:
            worker.register_birth()
        dequeued = born[0].dequeue_job_and_maintain_ttl(timeout=None)
        assert dequeued is not None and dequeued[0].id == waiting[0]
        return born[0], waiting

    return dequeue_first


def test_a_worker_claims_only_its_share_and_gives_the_claims_back_in_order(
    claim: Claim, redis_client: redis.Redis, analysis_queue: Queue
) -> None:
    worker, waiting = claim(10, 3)
    # Nine left for three workers: this one claims three and leaves six to the others.
    assert analysis_queue.get_job_ids() == waiting[4:]
    assert redis_client.lrange(analysis_queue.intermediate_queue_key, 0, -1) == [
        job_id.encode() for job_id in waiting[:4]
    ]
    assert worker.dequeue_job_and_maintain_ttl(timeout=None)[0].id == waiting[1]  # type: ignore[index]
    worker.return_claimed()  # as when it stops: the two not started go back to the front
    assert analysis_queue.get_job_ids() == waiting[2:]


def test_jobs_claimed_by_a_worker_that_died_are_redriven_and_a_live_ones_are_not(
    claim: Claim,
    store: ArticleStore,
    redis_client: redis.Redis,
    analysis_queue: Queue,
    settings: Settings,
) -> None:
    worker, waiting = claim(3, 1)  # takes a0 and claims a1 and a2
    ids = ["a0", "a1", "a2"]
    assert [job_id_of(redis_client, article_id) for article_id in ids] == waiting
    reconciler = Reconciler(redis_client, store, settings.max_attempts)
    redis_client.set(Keys().worker_alive(worker.name), 1, ex=30)
    for article_id in ids:
        overdue(redis_client, article_id)
    assert reconciler.run_once().redriven == []
    redis_client.delete(Keys().worker_alive(worker.name))  # the worker died holding its claims
    for article_id in ids:
        overdue(redis_client, article_id)
    assert sorted(reconciler.run_once().redriven) == ids[1:]
    fresh = [job_id_of(redis_client, article_id) for article_id in ids[1:]]
    assert analysis_queue.get_job_ids() == fresh
    assert not set(waiting[1:]) & set(fresh)
    held = redis_client.lrange(analysis_queue.intermediate_queue_key, 0, -1)
    assert held == [waiting[0].encode()]  # RQ's own cleanup covers that one


def test_a_suspended_worker_gives_its_claims_back(
    claim: Claim, redis_client: redis.Redis, analysis_queue: Queue
) -> None:
    worker, waiting = claim(4, 1)  # takes the first, claims three
    assert analysis_queue.count == 0
    suspend(redis_client)  # `rq suspend`
    with pytest.raises(StopRequested):  # a burst worker stops when suspended
        worker.check_for_suspension(burst=True)
    assert analysis_queue.get_job_ids() == waiting[1:]
