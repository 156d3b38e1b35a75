"""The analysis job: statuses, idempotent results, failures recorded with a reason."""

from __future__ import annotations

import os
import signal
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import redis
from rq import Queue

from analysis_worker import jobs, runtime
from analysis_worker.extraction import Analyzer
from analysis_worker.worker import AnalysisWorker
from newsflow.entity_index import EntityIndex
from newsflow.keys import Keys
from newsflow.models import ArticleIn
from newsflow.store import ArticleStore


def test_job_marks_done_and_stores_analysis(
    store: ArticleStore, run_worker: Callable[..., AnalysisWorker], seeds: list[dict[str, Any]]
) -> None:
    accepted = store.accept(ArticleIn.model_validate(seeds[1]))
    run_worker()
    article = store.get(accepted.id)
    assert article is not None and article.status == "done" and article.attempts == 1
    analysis = store.get_analysis(accepted.id)
    assert analysis is not None
    labels = {(e.text, e.label) for e in analysis.entities}
    assert ("Greenland", "GPE") in labels
    assert ("Donald Trump", "PERSON") in labels


def test_running_a_job_twice_keeps_one_analysis_and_exact_counts(
    store: ArticleStore,
    run_worker: Callable[..., AnalysisWorker],
    redis_client: redis.Redis,
    seeds: list[dict[str, Any]],
) -> None:
    ids = [store.accept(ArticleIn.model_validate(seed)).id for seed in seeds[:2]]
    run_worker()
    index = EntityIndex(redis_client, Keys())
    before = ({e.key: e.article_count for e in index.top(500)}, store.get_analysis(ids[0]))
    jobs.analyze_article(ids[0])
    jobs.analyze_article(ids[0])
    after = ({e.key: e.article_count for e in index.top(500)}, store.get_analysis(ids[0]))
    assert after[0] == before[0]
    assert after[1] is not None and before[1] is not None
    assert after[1].entities == before[1].entities
    assert redis_client.scard(Keys().entity_articles("gpe:greenland")) == 2


class BrokenAnalyzer(Analyzer):
    """An analyzer whose model blows up, as a corrupt article or a bug might."""

    def analyze(self, text: str, published_at: Any = None) -> Any:
        raise ValueError("the model choked")


def test_failed_analysis_is_recorded_with_its_reason(
    store: ArticleStore, analyzer: Analyzer, install_runtime: Callable[[Analyzer], None]
) -> None:
    accepted = store.accept(ArticleIn(text="Anything."))
    install_runtime(BrokenAnalyzer(analyzer.nlp))
    with pytest.raises(ValueError):
        jobs.analyze_article(accepted.id)
    article = store.get(accepted.id)
    assert article is not None and article.status == "failed"
    assert article.error == "ValueError: the model choked"


def test_job_for_unknown_article_does_nothing(
    redis_client: redis.Redis, analyzer: Analyzer, install_runtime: Callable[[Analyzer], None]
) -> None:
    install_runtime(analyzer)
    assert jobs.analyze_article("never-posted") == {
        "article_id": "never-posted",
        "skipped": "unknown article",
    }
    assert not redis_client.exists(Keys().analysis("never-posted"))


def test_job_outside_the_worker_refuses_to_load_the_model(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runtime, "_current", None)
    with pytest.raises(runtime.NoRuntime, match="python -m analysis_worker"):
        jobs.analyze_article("any")


class WatchedAnalyzer(Analyzer):
    """An analyzer that records what RQ's monitoring says about its worker mid-job."""

    def __init__(self, analyzer: Analyzer, client: redis.Redis) -> None:
        super().__init__(analyzer.nlp)
        self.client = client
        self.seen: list[dict[bytes, bytes]] = []

    def analyze(self, text: str, published_at: Any = None) -> Any:
        (worker_key,) = self.client.smembers("rq:workers")
        self.seen.append(self.client.hgetall(worker_key))
        return super().analyze(text, published_at)


def test_rq_monitoring_sees_the_worker_busy_with_each_job_and_the_queue_drained(
    store: ArticleStore,
    redis_client: redis.Redis,
    analyzer: Analyzer,
    analysis_queue: Queue,
    seeds: list[dict[str, Any]],
    run_worker: Callable[..., AnalysisWorker],
) -> None:
    ids = [store.accept(ArticleIn.model_validate(seed)).id for seed in seeds]
    watched = WatchedAnalyzer(analyzer, redis_client)
    started = datetime.now(UTC)
    run_worker(watched)
    assert [seen[b"state"] for seen in watched.seen] == [b"busy"] * len(ids)
    assert len({seen[b"current_job"] for seen in watched.seen}) == len(ids)
    for seen in watched.seen:
        heartbeat = datetime.fromisoformat(seen[b"last_heartbeat"].decode())
        assert heartbeat.replace(tzinfo=UTC) >= started - timedelta(seconds=1)
    assert analysis_queue.count == 0
    assert analysis_queue.started_job_registry.count == 0
    assert all(store.get(article_id).status == "done" for article_id in ids)  # type: ignore[union-attr]


class SignalledWorker(AnalysisWorker):
    """A worker that receives SIGTERM while RQ records its first job's success."""

    def handle_job_success(self, job: Any, queue: Any, started_job_registry: Any) -> None:
        super().handle_job_success(job, queue, started_job_registry)
        if not self._shutdown_requested_date:
            os.kill(os.getpid(), signal.SIGTERM)


def test_sigterm_while_a_job_is_recorded_finishes_that_job_then_stops(
    store: ArticleStore,
    analysis_queue: Queue,
    seeds: list[dict[str, Any]],
    run_worker: Callable[..., AnalysisWorker],
) -> None:
    first, second = (store.accept(ArticleIn.model_validate(seed)).id for seed in seeds[:2])
    previous = signal.getsignal(signal.SIGTERM)
    try:
        worker = run_worker(worker_class=SignalledWorker)
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert worker.shutdown_requested
    assert store.get(first).status == "done"  # type: ignore[union-attr]
    assert analysis_queue.failed_job_registry.count == 0
    assert store.get(second).status == "queued"  # type: ignore[union-attr]
    assert analysis_queue.count == 1
