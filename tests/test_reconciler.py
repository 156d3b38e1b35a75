"""The reconciler re-drives lost jobs, once, however many run at once, and gives up in time."""

from __future__ import annotations

import threading
import time
from typing import Any

import redis
from rq import Queue

from newsflow.core.claims import Claims
from newsflow.core.keys import Keys
from newsflow.core.models import ArticleIn
from newsflow.core.reconciler import Reconciler
from newsflow.core.settings import Settings
from newsflow.core.store import ArticleStore
from tests.queue_state import job_id_of, overdue


def claimed_by(store: ArticleStore, article_id: str, token: str, ttl: float) -> None:
    """Have a worker process named `token` claim the article (its job started)."""
    assert Claims(store, token, ttl).take(article_id, most=1, budget=0)
    Queue("analysis", connection=store.redis).remove(job_id_of(store.redis, article_id))


def test_article_whose_job_vanished_is_redriven(
    store: ArticleStore, redis_client: redis.Redis, settings: Settings
) -> None:
    article_id = store.accept(ArticleIn(text="Moscow denied the claims.")).id
    lost = job_id_of(redis_client, article_id)
    Queue("analysis", connection=redis_client).empty()
    overdue(redis_client, article_id)
    report = Reconciler(redis_client, store, settings.max_attempts).run_once()
    assert report.redriven == [article_id]
    new_job = job_id_of(redis_client, article_id)
    assert new_job != lost
    assert Queue("analysis", connection=redis_client).job_ids == [new_job]


def test_waiting_job_is_left_alone(
    store: ArticleStore, redis_client: redis.Redis, settings: Settings
) -> None:
    article_id = store.accept(ArticleIn(text="Paris hosted the talks.")).id
    overdue(redis_client, article_id)
    report = Reconciler(redis_client, store, settings.max_attempts).run_once()
    assert report.checked == 1 and report.redriven == []
    assert redis_client.zscore(Keys().pending, article_id) > 0


def test_article_whose_worker_died_is_redriven_once_its_claim_expired(
    store: ArticleStore, redis_client: redis.Redis, settings: Settings
) -> None:
    article_id = store.accept(ArticleIn(text="Kyiv asked for air defence.")).id
    claimed_by(store, article_id, "gone", ttl=0.2)
    time.sleep(0.3)
    overdue(redis_client, article_id)
    report = Reconciler(redis_client, store, settings.max_attempts).run_once()
    assert report.redriven == [article_id]
    article = store.get(article_id)
    assert article is not None and (article.status, article.attempts) == ("queued", 1)
    assert redis_client.zscore(Keys().ready, article_id) is not None


def test_article_claimed_by_a_live_worker_is_left_alone(
    store: ArticleStore, redis_client: redis.Redis, settings: Settings
) -> None:
    article_id = store.accept(ArticleIn(text="Warsaw scrambled jets.")).id
    claimed_by(store, article_id, "busy", ttl=30)
    overdue(redis_client, article_id)
    assert Reconciler(redis_client, store, settings.max_attempts).run_once().redriven == []
    assert redis_client.zscore(Keys().pending, article_id) > time.time()


def test_many_reconcilers_at_once_redrive_once(
    store: ArticleStore, redis_client: redis.Redis, settings: Settings
) -> None:
    ids = [store.accept(ArticleIn(text=f"Talks in Geneva, round {n}.")).id for n in range(20)]
    Queue("analysis", connection=redis_client).empty()
    for article_id in ids:
        overdue(redis_client, article_id)
    reports: list[Any] = []
    barrier = threading.Barrier(6)

    def reconcile() -> None:
        client = redis.Redis.from_url(settings.redis_url)
        reconciler = Reconciler(client, ArticleStore(client, Keys(), store.queue), 6)
        barrier.wait()
        reports.append(reconciler.run_once())

    threads = [threading.Thread(target=reconcile) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    redriven = [a for report in reports for a in report.redriven]
    assert sorted(redriven) == sorted(ids)
    assert Queue("analysis", connection=redis_client).count == 20


def test_article_is_failed_after_too_many_attempts(
    store: ArticleStore, redis_client: redis.Redis, settings: Settings
) -> None:
    article_id = store.accept(ArticleIn(text="Crashes every worker.")).id
    Queue("analysis", connection=redis_client).empty()
    redis_client.hset(Keys().article(article_id), "attempts", settings.max_attempts)
    overdue(redis_client, article_id)
    report = Reconciler(redis_client, store, settings.max_attempts).run_once()
    assert report.failed == [article_id]
    article = store.get(article_id)
    assert article is not None and article.status == "failed"
    assert article.error == f"gave up after {settings.max_attempts} attempts"


def test_requeue_failed_redrives_with_fresh_attempts(
    store: ArticleStore, redis_client: redis.Redis
) -> None:
    article_id = store.accept(ArticleIn(text="Failed once, for a bug since fixed.")).id
    Queue("analysis", connection=redis_client).empty()
    store.mark_failed(article_id, "RuntimeError: bug")
    assert store.requeue_failed() == [article_id]
    article = store.get(article_id)
    assert article is not None and article.status == "queued" and article.attempts == 0
    assert Queue("analysis", connection=redis_client).count == 1
    assert store.requeue_failed() == []


def test_a_failed_attempt_is_redriven_once_its_backoff_has_passed(
    store: ArticleStore, redis_client: redis.Redis, settings: Settings
) -> None:
    article_id = store.accept(ArticleIn(text="Minsk denied it.")).id
    ttl = settings.claim_ttl_seconds
    claimed_by(store, article_id, "worker", ttl)
    Claims(store, "worker", ttl).fail([article_id], "ValueError: boom", settings.max_attempts)
    assert not redis_client.exists(Keys().claim(article_id))
    backoff_ends = redis_client.zscore(Keys().pending, article_id)
    assert abs(backoff_ends - time.time() - ttl) < 2  # the first backoff: one claim TTL
    reconciler = Reconciler(redis_client, store, settings.max_attempts)
    assert reconciler.run_once().checked == 0
    overdue(redis_client, article_id)
    assert reconciler.run_once().redriven == [article_id]
