"""Chaos: post 200 articles while workers are SIGKILLed every few seconds and Redis once.

Every article that got a 202 must end `done` with exactly one analysis, and the entity index
must agree with the analyses, whatever died in between.
"""

from __future__ import annotations

import json
import random
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
import requests

from newsflow.keys import Keys
from tests.processes import REPO_ROOT, RedisServer, Stack, wait_for

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

ARTICLES = 200
WORKER_KILL_EVERY_SECONDS = 3.0
FAST_RECOVERY = {
    "LIVENESS_TTL_SECONDS": "6",
    "RECONCILE_INTERVAL_SECONDS": "2",
    "STUCK_AFTER_SECONDS": "8",
    "JOB_RETRY_INTERVALS": "[1, 2, 4]",
}


def corpus() -> list[dict[str, str]]:
    """200 distinct short articles made of seed paragraphs."""
    paragraphs = [
        line
        for path in sorted((REPO_ROOT / "seeds").glob("*.json"))
        for line in json.loads(path.read_text())["text"].split("\n")
        if len(line.split()) > 8
    ]
    rng = random.Random(3)
    return [
        {"id": f"chaos-{n:03d}", "text": f"Report {n}.\n" + "\n".join(rng.sample(paragraphs, 2))}
        for n in range(ARTICLES)
    ]


@pytest.fixture
def chaos_redis(tmp_path: Path) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path / "redis")  # AOF with appendfsync always
    server.start()
    yield server
    server.stop()


@pytest.fixture
def stack(chaos_redis: RedisServer, tmp_path: Path) -> Iterator[Stack]:
    running = Stack(chaos_redis.url, tmp_path, env=FAST_RECOVERY, workers=2).start()
    yield running
    running.stop()


def post_until_accepted(stack: Stack, body: dict[str, str]) -> bool:
    """POST like a careful client: retry on 503 or a dropped connection."""
    for _ in range(200):
        try:
            response = requests.post(f"{stack.ingest}/articles", json=body, timeout=10)
        except requests.ConnectionError:
            time.sleep(0.1)
            continue
        if response.status_code in (200, 202):
            return True
        assert response.status_code == 503, response.text
        time.sleep(0.1)
    return False


def wreak_havoc(stack: Stack, redis_server: RedisServer, posting: threading.Event) -> None:
    """Kill a random worker every few seconds (restarting it) and Redis once, while posting."""
    rng = random.Random(11)
    kills = 0
    while posting.is_set():
        time.sleep(WORKER_KILL_EVERY_SECONDS)
        worker = rng.choice(stack.workers())
        worker.stop(signal.SIGKILL)
        worker.start()
        kills += 1
        if kills == 3:
            redis_server.kill()
            time.sleep(2)
            redis_server.start()


def test_every_accepted_article_ends_done_once(stack: Stack, chaos_redis: RedisServer) -> None:
    articles = corpus()
    posting = threading.Event()
    posting.set()
    havoc = threading.Thread(target=wreak_havoc, args=(stack, chaos_redis, posting))
    havoc.start()
    try:
        accepted = [a["id"] for a in articles if post_until_accepted(stack, a)]
        time.sleep(WORKER_KILL_EVERY_SECONDS * 2)  # at least one more kill after the last post
    finally:
        posting.clear()
        havoc.join()
    assert len(accepted) == ARTICLES

    client = redis.Redis.from_url(chaos_redis.url)
    keys = Keys()

    def all_done() -> bool:
        with client.pipeline(transaction=False) as pipe:
            for article_id in accepted:
                pipe.hget(keys.article(article_id), "status")
            return all(status == b"done" for status in pipe.execute())

    wait_for(all_done, timeout=240, what="every accepted article to be done", interval=1)
    assert_one_analysis_each(client, keys, accepted)
    assert_index_matches_analyses(client, keys, accepted)


def assert_one_analysis_each(client: redis.Redis, keys: Keys, ids: list[str]) -> None:
    for article_id in ids:
        analysis = json.loads(client.get(keys.analysis(article_id)))
        assert analysis["article_id"] == article_id
    assert client.zcard(keys.pending) == 0 and client.scard(keys.failed) == 0


def assert_index_matches_analyses(client: redis.Redis, keys: Keys, ids: list[str]) -> None:
    postings: dict[str, set[str]] = {}
    for article_id in ids:
        analysis = json.loads(client.get(keys.analysis(article_id)))
        for entity in analysis["entities"]:
            postings.setdefault(entity["key"], set()).add(article_id)
    counts = {
        k.decode(): int(s) for k, s in client.zrange(keys.entities_by_count, 0, -1, withscores=True)
    }
    assert counts == {key: len(articles) for key, articles in postings.items()}
    for key, articles in postings.items():
        assert {m.decode() for m in client.smembers(keys.entity_articles(key))} == articles
