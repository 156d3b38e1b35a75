"""Chaos: post 200 articles while workers are SIGKILLed every few seconds, Redis once and
PostgreSQL once.

Every article that got a 202 must end `done` with exactly one set of rows, the entity counts
must agree with the mentions, the API answers 503 while PostgreSQL is down, and the story
grouper outlives PostgreSQL's kill and groups every article.
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
from sqlalchemy import Engine, text

from newsflow.core.database import connect_database
from newsflow.core.keys import Keys
from newsflow.core.settings import Settings
from newsflow.tools.pg_server import PostgresServer
from tests.processes import (
    REPO_ROOT,
    RedisServer,
    Stack,
    wait_for,
)

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

ARTICLES = 200
WORKER_KILL_EVERY_SECONDS = 3.0
REDIS_KILLED_AT = 3
"""Redis is killed (and restarted on its files) with the third worker kill."""
POSTGRES_KILLED_AT = 5
"""PostgreSQL is killed (and restarted on its files) with the fifth worker kill."""
FAST_RECOVERY = {"CLAIM_TTL_SECONDS": "4", "RECONCILE_INTERVAL_SECONDS": "1"}


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
def stack(own_redis: RedisServer, own_postgres: PostgresServer, tmp_path: Path) -> Iterator[Stack]:
    running = Stack(own_redis.url, own_postgres.url, tmp_path, env=FAST_RECOVERY, workers=2).start()
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


class Havoc:
    """Kills a random worker every few seconds (restarting it), Redis once, PostgreSQL once."""

    def __init__(self, stack: Stack, redis_server: RedisServer, postgres: PostgresServer) -> None:
        self.stack, self.redis_server, self.postgres = stack, redis_server, postgres
        self.answers_while_postgres_was_down: list[requests.Response] = []

    def run(self, posting: threading.Event) -> None:
        rng = random.Random(11)
        kills = 0
        while posting.is_set() or kills < POSTGRES_KILLED_AT:
            time.sleep(WORKER_KILL_EVERY_SECONDS)
            worker = rng.choice(self.stack.workers())
            worker.stop(signal.SIGKILL)
            worker.start()
            kills += 1
            if kills == REDIS_KILLED_AT:
                self.redis_server.kill()
                time.sleep(2)
                self.redis_server.start()
            if kills == POSTGRES_KILLED_AT:
                self.postgres.kill()
                self.ask_api_while_postgres_is_down()
                self.postgres.start()

    def ask_api_while_postgres_is_down(self) -> None:
        # Not in Redis, so the API must ask PostgreSQL for each.
        for path in ("/events?actor=RUS", "/articles/never-posted", "/entities?q=nato"):
            self.answers_while_postgres_was_down.append(
                requests.get(f"{self.stack.api}{path}", timeout=10)
            )


def test_every_accepted_article_ends_done_once(
    stack: Stack, own_redis: RedisServer, own_postgres: PostgresServer
) -> None:
    articles = corpus()
    posting = threading.Event()
    posting.set()
    havoc = Havoc(stack, own_redis, own_postgres)
    thread = threading.Thread(target=havoc.run, args=(posting,))
    thread.start()
    try:
        accepted = [a["id"] for a in articles if post_until_accepted(stack, a)]
        time.sleep(WORKER_KILL_EVERY_SECONDS * 2)  # at least one more kill after the last post
    finally:
        posting.clear()
        thread.join()
    assert len(accepted) == ARTICLES
    assert [r.status_code for r in havoc.answers_while_postgres_was_down] == [503] * 3
    assert all(int(r.headers["Retry-After"]) > 0 for r in havoc.answers_while_postgres_was_down)

    def all_done() -> bool:
        statuses = [
            requests.get(f"{stack.api}/articles/{article_id}", timeout=10).json().get("status")
            for article_id in accepted
        ]
        return all(status == "done" for status in statuses)

    wait_for(all_done, timeout=240, what="every accepted article to be done", interval=2)
    assert_nothing_left_in_redis(redis.Redis.from_url(own_redis.url), Keys(), accepted)
    engine = connect_database(Settings(database_url=own_postgres.url))
    try:
        assert_one_set_of_rows_each(engine, accepted)
        wait_for(lambda: all_grouped(engine, accepted), timeout=60, what="every article grouped")
    finally:
        engine.dispose()
    grouper = stack.services["grouper"].process
    assert grouper is not None and grouper.poll() is None  # it outlived PostgreSQL's kill


def all_grouped(engine: Engine, ids: list[str]) -> bool:
    """Say whether the story grouper has grouped every one of these articles."""
    with engine.connect() as connection:
        return not connection.scalar(
            text(
                "SELECT count(*) FROM articles WHERE id = ANY(:ids) AND (story_id IS NULL OR id IN "
                "(SELECT article_id FROM story_backlog))"
            ),
            {"ids": ids},
        )


def assert_nothing_left_in_redis(client: redis.Redis, keys: Keys, ids: list[str]) -> None:
    with client.pipeline(transaction=False) as pipe:
        for article_id in ids:
            pipe.exists(keys.article(article_id))
        assert not any(pipe.execute())
    assert client.zcard(keys.pending) == 0 and client.scard(keys.failed) == 0


ROW_CHECKS = {
    "one article row each": "SELECT count(*) FROM articles WHERE id = ANY(:ids)",
    "postings that no mention backs": """
        SELECT count(*) FROM article_entities p WHERE NOT EXISTS (
            SELECT 1 FROM entity_mentions m WHERE m.article_id = p.article_id AND m.key = p.key)""",
    "mentions without a posting": """
        SELECT count(*) FROM (SELECT DISTINCT article_id, key FROM entity_mentions) m
        WHERE NOT EXISTS (SELECT 1 FROM article_entities p
                          WHERE p.article_id = m.article_id AND p.key = m.key)""",
    "entities whose count is off": """
        SELECT count(*) FROM entities e WHERE e.article_count <>
            (SELECT count(*) FROM article_entities p WHERE p.key = e.key)""",
    "events out of sequence": """
        SELECT count(*) FROM (SELECT article_id, max(ordinal) + 1 AS top, count(*) AS n
                              FROM events GROUP BY article_id) s WHERE top <> n""",
}
"""Queries over the store and what each must count (the first: every accepted article)."""


def assert_one_set_of_rows_each(engine: Engine, ids: list[str]) -> None:
    with engine.connect() as connection:
        found = {
            name: connection.scalar(text(query), {"ids": ids}) for name, query in ROW_CHECKS.items()
        }
    expected = dict.fromkeys(ROW_CHECKS, 0) | {"one article row each": len(ids)}
    assert found == expected
