"""POST /articles and /articles/batch: stored and queued together, duplicates found."""

from __future__ import annotations

import json
from typing import Any

import redis
from rq import Queue

from ingest_service.app import create_app
from newsflow.core.connection import connect
from newsflow.core.keys import Keys
from newsflow.core.settings import Settings

PROBLEM = "application/problem+json"


def queued_jobs(redis_client: redis.Redis) -> int:
    return Queue("analysis", connection=redis_client).count


def test_post_article_is_stored_and_queued(
    ingest_client: Any, redis_client: redis.Redis, seeds: list[dict[str, Any]]
) -> None:
    response = ingest_client.post("/articles", json=seeds[0])
    assert response.status_code == 202
    assert response.json == {"id": seeds[0]["id"], "status": "queued", "duplicate": False}
    assert response.headers["Location"] == f"http://api.test/articles/{seeds[0]['id']}"
    stored = redis_client.hgetall(Keys().article(seeds[0]["id"]))
    assert stored[b"text"].decode() == seeds[0]["text"]
    assert stored[b"status"] == b"queued"
    assert queued_jobs(redis_client) == 1


def test_article_without_id_gets_one(ingest_client: Any, redis_client: redis.Redis) -> None:
    response = ingest_client.post("/articles", json={"text": "Estonia summoned the Russian envoy."})
    assert response.status_code == 202
    article_id = response.json["id"]
    assert redis_client.exists(Keys().article(article_id))


def test_same_article_again_answers_200_and_queues_nothing(
    ingest_client: Any, redis_client: redis.Redis
) -> None:
    first = ingest_client.post("/articles", json={"text": "Same text.", "url": "https://x.org/a"})
    again_by_text = ingest_client.post("/articles", json={"text": "  same   TEXT. "})
    again_by_url = ingest_client.post(
        "/articles", json={"text": "Edited.", "url": "https://X.org/a/"}
    )
    assert first.status_code == 202
    for again in (again_by_text, again_by_url):
        assert again.status_code == 200
        assert again.json == {"id": first.json["id"], "status": "queued", "duplicate": True}
    assert queued_jobs(redis_client) == 1


def test_same_client_id_again_answers_200(ingest_client: Any, redis_client: redis.Redis) -> None:
    ingest_client.post("/articles", json={"id": "a-1", "text": "First version."})
    again = ingest_client.post("/articles", json={"id": "a-1", "text": "Second version."})
    assert again.status_code == 200 and again.json["id"] == "a-1"
    assert queued_jobs(redis_client) == 1


def test_batch_answers_each_item_in_order(ingest_client: Any, redis_client: redis.Redis) -> None:
    batch = [{"text": "One."}, {"title": "no text"}, {"text": "Two."}, {"text": "One."}]
    response = ingest_client.post("/articles/batch", json=batch)
    assert response.status_code == 200
    items = response.json["items"]
    assert [item["status"] for item in items] == [202, 422, 202, 200]
    assert items[1]["problem"]["errors"][0]["field"] == "text"
    assert items[3]["id"] == items[0]["id"]
    assert queued_jobs(redis_client) == 2


def test_batch_over_the_limit_is_413(settings: Settings) -> None:
    small = settings.model_copy(update={"max_batch_items": 2})
    client = create_app(small, connect(small)).test_client()
    response = client.post("/articles/batch", json=[{"text": "a"}, {"text": "b"}, {"text": "c"}])
    assert response.status_code == 413 and response.mimetype == PROBLEM


def test_malformed_json_is_400(ingest_client: Any) -> None:
    response = ingest_client.post(
        "/articles", data='{"text": "unfinished', content_type="application/json"
    )
    assert response.status_code == 400
    assert response.mimetype == PROBLEM
    assert response.json["title"] == "Bad Request" and "JSON" in response.json["detail"]


def test_wrong_media_type_is_415(ingest_client: Any) -> None:
    response = ingest_client.post("/articles", data="text=hello", content_type="text/plain")
    assert response.status_code == 415 and response.mimetype == PROBLEM


def test_invalid_article_is_422_naming_fields(
    ingest_client: Any, redis_client: redis.Redis
) -> None:
    response = ingest_client.post(
        "/articles", json={"text": " ", "url": "ftp://a", "published_at": "x"}
    )
    assert response.status_code == 422 and response.mimetype == PROBLEM
    assert {e["field"] for e in response.json["errors"]} == {"text", "url", "published_at"}
    assert redis_client.dbsize() == 0


def test_body_over_the_limit_is_413(settings: Settings, redis_client: redis.Redis) -> None:
    small = settings.model_copy(update={"max_article_bytes": 1000})
    client = create_app(small, connect(small)).test_client()
    response = client.post("/articles", json={"text": "x" * 2000})
    assert response.status_code == 413 and response.mimetype == PROBLEM
    assert redis_client.dbsize() == 0


def test_redis_unreachable_is_503_with_retry_after(settings: Settings) -> None:
    dead = settings.model_copy(update={"redis_url": "redis://127.0.0.1:1/0"})
    client = create_app(dead, connect(dead)).test_client()
    response = client.post("/articles", json={"text": "Nobody will store this."})
    assert response.status_code == 503 and response.mimetype == PROBLEM
    assert int(response.headers["Retry-After"]) > 0
    assert client.get("/readyz").status_code == 503
    assert client.get("/healthz").status_code == 200


def test_wrong_method_is_405_problem(ingest_client: Any) -> None:
    response = ingest_client.get("/articles")
    assert response.status_code == 405 and response.mimetype == PROBLEM
    assert "POST" in response.headers["Allow"]


def test_problem_never_echoes_the_text(ingest_client: Any) -> None:
    secret = "confidential source text"
    response = ingest_client.post("/articles", json={"text": secret, "url": 5})
    assert response.status_code == 422
    assert secret not in json.dumps(response.json)


def test_a_full_redis_refuses_with_503_and_keeps_what_it_has(
    ingest_client: Any, redis_client: redis.Redis
) -> None:
    before = ingest_client.post("/articles", json={"text": "Latvia closed a border crossing."})
    assert before.status_code == 202
    limit = redis_client.config_get("maxmemory")["maxmemory"]
    redis_client.config_set("maxmemory", redis_client.info("memory")["used_memory"])  # full
    try:
        response = ingest_client.post("/articles", json={"text": "Finland built a fence."})
    finally:
        redis_client.config_set("maxmemory", limit)
    assert response.status_code == 503 and response.mimetype == "application/problem+json"
    assert int(response.headers["Retry-After"]) > 0
    assert redis_client.hget(f"newsflow:article:{before.json['id']}", "status") == b"queued"
    assert (
        ingest_client.post("/articles", json={"text": "Finland built a fence."}).status_code == 202
    )
