"""The analysis job: statuses, idempotent results, failures recorded with a reason."""

from __future__ import annotations

import dataclasses
import os
import signal
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import redis
from rq import Queue
from sqlalchemy import Engine, func, select

from analysis_worker import jobs, runtime
from analysis_worker.extraction import Analyzer
from analysis_worker.worker import AnalysisWorker
from analysis_worker.writer import Writer
from newsflow.core import schema
from newsflow.core.article_reads import ArticleReader
from newsflow.core.entity_index import EntityIndex
from newsflow.core.models import ArticleDetail, ArticleIn, StoredAnalysis
from newsflow.core.results import ResultStore
from newsflow.core.settings import Settings
from newsflow.core.store import ArticleStore
from tests.conftest import truncate_all


def test_job_marks_done_and_stores_analysis(
    store: ArticleStore,
    reader: ArticleReader,
    run_worker: Callable[..., AnalysisWorker],
    seeds: list[dict[str, Any]],
) -> None:
    accepted = store.accept(ArticleIn.model_validate(seeds[1]))
    run_worker()
    article = reader.get(accepted.id)
    assert article is not None and article.status == "done" and article.attempts == 1
    analysis = article.analysis
    assert analysis is not None
    labels = {(e.text, e.label) for e in analysis.entities}
    assert ("Greenland", "GPE") in labels
    assert ("Donald Trump", "PERSON") in labels


def stored_state(database: Engine) -> tuple[dict[str, int], int, int]:
    """Entity counts, and the numbers of event and mention rows."""
    index = EntityIndex(database)
    with database.connect() as connection:
        rows = [
            connection.scalar(select(func.count()).select_from(table))
            for table in (schema.events, schema.entity_mentions)
        ]
    return {e.key: e.article_count for e in index.top(200)}, rows[0] or 0, rows[1] or 0


def test_a_job_that_runs_again_after_its_commit_leaves_one_set_of_rows(
    store: ArticleStore,
    reader: ArticleReader,
    run_worker: Callable[..., AnalysisWorker],
    database: Engine,
    seeds: list[dict[str, Any]],
) -> None:
    ids = [store.accept(ArticleIn.model_validate(seed)).id for seed in seeds[:2]]
    run_worker()
    once = stored_state(database)
    first = reader.get(ids[0])
    # As if the worker had died after PostgreSQL committed, before Redis let the article go:
    # the article is in flight again and its job runs twice more.
    assert first is not None and first.analysis is not None
    again = store.accept(ArticleIn.model_validate({**seeds[0], "id": None, "url": None}))
    assert again.duplicate and again.status == "done"  # its markers stay in Redis
    for _ in range(2):
        store.redis.hset(store.keys.article(ids[0]), mapping=redis_fields(first))
        jobs.analyze_articles(ids[0])
        runtime.current().writer.flush()  # the job hands its batch to the writer thread
    assert stored_state(database) == once
    assert once[0]["gpe:greenland"] == 2 and once[1] > 0
    after = reader.get(ids[0])
    assert after is not None and after.analysis is not None
    assert (after.analysis.entities, after.analysis.events) == (
        first.analysis.entities,
        first.analysis.events,
    )


def test_two_writers_of_one_article_at_once_leave_one_set_of_rows(
    store: ArticleStore,
    results: ResultStore,
    analyzer: Analyzer,
    database: Engine,
    seeds: list[dict[str, Any]],
) -> None:
    article_id = store.accept(ArticleIn.model_validate(seeds[2])).id
    article = store.get(article_id)
    assert article is not None
    analysis = analyzer.analyze(article.text, article.published_at)
    stored = StoredAnalysis(
        article_id=article_id, model="m", analyzed_at=datetime.now(UTC), **dict(analysis)
    )
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda _: results.save(article, stored), range(8)))
    counts, events, mentions = stored_state(database)
    assert (events, mentions) == (len(analysis.events), len(analysis.entities))
    assert set(counts.values()) == {1}


def redis_fields(article: ArticleDetail) -> dict[str, str]:
    """The Redis hash of an article in flight (as ingest wrote it, status processing)."""
    fields = article.model_dump(mode="json", exclude={"analysis", "error"}, exclude_none=True)
    return {key: str(value) for key, value in {**fields, "status": "processing"}.items()}


class GatedResults(ResultStore):
    """A results store whose saves wait for a gate, then write (or raise `error`)."""

    def __init__(self, database: Engine, error: Exception | None = None) -> None:
        super().__init__(database)
        self.gate = threading.Event()
        self.error = error

    def save_all(self, analysed: Any) -> None:
        assert self.gate.wait(30)
        if self.error is not None:
            raise self.error
        super().save_all(analysed)


def with_results(results: ResultStore) -> Writer:
    """Give the installed runtime a writer over these results; return the writer."""
    current = runtime.current()
    writer = Writer(results, current.claims, current.settings.max_attempts)
    runtime.install(dataclasses.replace(current, writer=writer))
    return writer


def test_a_job_returns_while_its_batch_is_written_and_the_articles_stay_claimed_until_the_commit(
    store: ArticleStore,
    reader: ArticleReader,
    analyzer: Analyzer,
    install_runtime: Callable[..., None],
    database: Engine,
    seeds: list[dict[str, Any]],
) -> None:
    ids = [store.accept(ArticleIn.model_validate(seed)).id for seed in seeds[:2]]
    install_runtime(analyzer)
    results = GatedResults(database)
    writer = with_results(results)
    assert jobs.analyze_articles(ids[0])["analysed"] == sorted(ids, key=ids.index)
    for article_id in ids:  # parsed, not yet committed: still in flight, claimed
        article = reader.get(article_id)
        assert article is not None and article.status == "processing"
        assert store.redis.exists(store.keys.claim(article_id))
    results.gate.set()
    writer.flush()
    for article_id in ids:
        article = reader.get(article_id)
        assert article is not None and article.status == "done" and article.analysis is not None
        assert not store.redis.exists(store.keys.claim(article_id))


def test_a_failed_save_is_a_failed_attempt_with_its_reason(
    store: ArticleStore,
    analyzer: Analyzer,
    install_runtime: Callable[..., None],
    database: Engine,
    seeds: list[dict[str, Any]],
) -> None:
    accepted = store.accept(ArticleIn.model_validate(seeds[0]))
    install_runtime(analyzer)
    results = GatedResults(database, error=ValueError("value out of range"))
    writer = with_results(results)
    jobs.analyze_articles(accepted.id)
    results.gate.set()
    writer.flush()
    article = store.get(accepted.id)
    assert article is not None and (article.status, article.attempts) == ("queued", 1)
    assert article.error == "retrying after: ValueError: value out of range"
    assert not store.redis.exists(store.keys.claim(accepted.id))  # the reconciler re-drives it
    with database.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(schema.events)) == 0


class BrokenAnalyzer(Analyzer):
    """An analyzer whose model blows up, as a corrupt article or a bug might."""

    def analyze_many(self, items: Any) -> Any:
        raise ValueError("the model choked")


def test_a_failed_attempt_is_recorded_with_its_reason_and_the_last_one_fails_the_article(
    store: ArticleStore,
    analyzer: Analyzer,
    settings: Settings,
    install_runtime: Callable[..., None],
) -> None:
    accepted = store.accept(ArticleIn(text="Anything."))
    install_runtime(
        BrokenAnalyzer(analyzer.nlp), with_settings=settings.model_copy(update={"max_attempts": 2})
    )
    with pytest.raises(ValueError):
        jobs.analyze_articles(accepted.id)
    article = store.get(accepted.id)
    assert article is not None and (article.status, article.attempts) == ("queued", 1)
    assert article.error == "retrying after: ValueError: the model choked"
    assert not store.redis.exists(store.keys.claim(accepted.id))  # the reconciler re-drives it
    with pytest.raises(ValueError):
        jobs.analyze_articles(accepted.id)
    article = store.get(accepted.id)
    assert article is not None and (article.status, article.attempts) == ("failed", 2)
    assert article.error == "ValueError: the model choked"


def test_job_for_unknown_article_does_nothing(
    redis_client: redis.Redis,
    analyzer: Analyzer,
    install_runtime: Callable[..., None],
    reader: ArticleReader,
) -> None:
    install_runtime(analyzer)
    assert jobs.analyze_articles("never-posted") == {
        "article_id": "never-posted",
        "skipped": "claimed elsewhere, done or unknown",
    }
    assert reader.get("never-posted") is None
    assert redis_client.dbsize() == 0


def test_job_outside_the_worker_refuses_to_load_the_model(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runtime, "_current", None)
    with pytest.raises(runtime.NoRuntime, match="python -m analysis_worker"):
        jobs.analyze_articles("any")


class WatchedAnalyzer(Analyzer):
    """An analyzer that records what RQ's monitoring says about its worker mid-job."""

    def __init__(self, analyzer: Analyzer, client: redis.Redis) -> None:
        super().__init__(analyzer.nlp)
        self.client = client
        self.seen: list[dict[bytes, bytes]] = []

    def analyze_many(self, items: Any) -> Any:
        (worker_key,) = self.client.smembers("rq:workers")
        self.seen.append(self.client.hgetall(worker_key))
        return super().analyze_many(items)


def test_rq_monitoring_sees_the_worker_busy_with_each_job_and_the_queue_drained(
    store: ArticleStore,
    reader: ArticleReader,
    redis_client: redis.Redis,
    analyzer: Analyzer,
    analysis_queue: Queue,
    seeds: list[dict[str, Any]],
    run_worker: Callable[..., AnalysisWorker],
) -> None:
    ids = [store.accept(ArticleIn.model_validate(seed)).id for seed in seeds]
    watched = WatchedAnalyzer(analyzer, redis_client)
    started = datetime.now(UTC)
    run_worker(watched, batch_size=1)
    assert [seen[b"state"] for seen in watched.seen] == [b"busy"] * len(ids)
    assert len({seen[b"current_job"] for seen in watched.seen}) == len(ids)
    for seen in watched.seen:
        heartbeat = datetime.fromisoformat(seen[b"last_heartbeat"].decode())
        assert heartbeat.replace(tzinfo=UTC) >= started - timedelta(seconds=1)
    assert analysis_queue.count == 0
    assert analysis_queue.started_job_registry.count == 0
    assert all(reader.get(article_id).status == "done" for article_id in ids)  # type: ignore[union-attr]


class SignalledAnalyzer(Analyzer):
    """An analyzer during whose first analysis the worker receives SIGTERM."""

    def analyze_many(self, items: Any) -> Any:
        os.kill(os.getpid(), signal.SIGTERM)
        return super().analyze_many(items)


def test_sigterm_during_a_job_finishes_that_job_then_stops(
    store: ArticleStore,
    reader: ArticleReader,
    analyzer: Analyzer,
    analysis_queue: Queue,
    seeds: list[dict[str, Any]],
    run_worker: Callable[..., AnalysisWorker],
) -> None:
    first, second = (store.accept(ArticleIn.model_validate(seed)).id for seed in seeds[:2])
    previous = signal.getsignal(signal.SIGTERM)
    try:
        worker = run_worker(SignalledAnalyzer(analyzer.nlp), batch_size=1)
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert worker.stop_requested
    assert reader.get(first).status == "done"  # type: ignore[union-attr]
    assert analysis_queue.failed_job_registry.count == 0
    assert store.get(second).status == "queued"  # type: ignore[union-attr]
    assert analysis_queue.count == 1


def test_a_batch_saved_in_one_transaction_leaves_the_rows_of_one_by_one_saves(
    store: ArticleStore,
    results: ResultStore,
    analyzer: Analyzer,
    database: Engine,
    seeds: list[dict[str, Any]],
) -> None:
    articles = [store.get(store.accept(ArticleIn.model_validate(seed)).id) for seed in seeds]
    pairs = [
        (article, StoredAnalysis(article_id=article.id, model="m", analyzed_at=datetime.now(UTC),
                                 **dict(analyzer.analyze(article.text, article.published_at))))
        for article in articles
        if article is not None
    ]  # fmt: skip
    # A re-analysis that lost entities, and one article's entities moved to another.
    cut = [(a, s.model_copy(update={"entities": s.entities[:2]})) for a, s in pairs[:2]]
    cut += [(pairs[2][0], pairs[2][1].model_copy(update={"entities": pairs[0][1].entities}))]
    for pair in pairs + cut:
        results.save(*pair)
    one_by_one = stored_state(database)
    truncate_all(database)
    results.save_all(pairs)
    results.save_all(cut)
    assert stored_state(database) == one_by_one
