"""Upgrading keeps data: `newsflow db import-redis` moves an older Redis's analyses over."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
import redis

from analysis_worker.extraction import Analyzer
from newsflow.core.article_reads import ArticleReader
from newsflow.core.entity_index import EntityIndex
from newsflow.core.models import ArticleIn, StoredAnalysis
from newsflow.core.settings import Settings
from newsflow.core.store import ArticleStore
from newsflow.tools.cli import main


def store_as_before_postgresql(
    store: ArticleStore, analyzer: Analyzer, seed: dict[str, Any]
) -> StoredAnalysis:
    """Leave an article done the way Redis held it before PostgreSQL: hash, JSON, index."""
    article_id = store.accept(ArticleIn.model_validate(seed)).id
    article = store.get(article_id)
    assert article is not None
    analysis = analyzer.analyze(article.text, article.published_at)
    stored = StoredAnalysis(
        article_id=article_id, model="old", analyzed_at=datetime.now(UTC), **dict(analysis)
    )
    store.redis.set(store.keys.analysis(article_id), stored.model_dump_json())
    store.redis.hset(store.keys.article(article_id), "status", "done")
    for key in {entity.key for entity in stored.entities}:
        store.redis.sadd(f"{store.keys.prefix}:entity-articles:{key}", article_id)
        store.redis.zincrby(f"{store.keys.prefix}:entities", 1, key)
    return stored


def run_import(monkeypatch: pytest.MonkeyPatch, settings: Settings, capsys: Any) -> Any:
    monkeypatch.setenv("REDIS_URL", settings.redis_url)
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    assert main(["db", "import-redis"]) == 0
    return json.loads(capsys.readouterr().out)


def test_import_moves_old_analyses_to_postgresql_once(
    store: ArticleStore,
    reader: ArticleReader,
    database: Any,
    analyzer: Analyzer,
    redis_client: redis.Redis,
    settings: Settings,
    seeds: list[dict[str, Any]],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    old = [store_as_before_postgresql(store, analyzer, seed) for seed in seeds[:2]]
    in_flight = store.accept(ArticleIn.model_validate(seeds[2])).id

    first = run_import(monkeypatch, settings, capsys)
    assert first["moved"] == 2 and first["skipped"] == {} and first["legacy_keys_dropped"] > 0
    for stored in old:
        article = reader.get(stored.article_id)
        assert article is not None and article.status == "done"
        assert article.analysis is not None
        assert (article.analysis.events, article.analysis.entities) == (
            stored.events,
            stored.entities,
        )
    counts = {e.key: e.article_count for e in EntityIndex(database).top(200)}
    assert counts["org:nato"] == 2

    again = run_import(monkeypatch, settings, capsys)
    assert again == {"moved": 0, "skipped": {}, "legacy_keys_dropped": 0}
    assert {e.key: e.article_count for e in EntityIndex(database).top(200)} == counts
    left = {key.decode() for key in redis_client.scan_iter(f"{store.keys.prefix}:*")}
    in_flight_keys = {
        store.keys.article(in_flight),
        store.keys.articles_by_time,
        store.keys.pending,
        store.keys.ready,
    }
    assert {key for key in left if ":seen:" not in key} == in_flight_keys
    assert reader.get(in_flight) is not None and reader.get(in_flight).status == "queued"  # type: ignore[union-attr]
