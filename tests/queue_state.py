"""Reading and nudging an article's job state in the test Redis, for the reconciler's tests."""

from __future__ import annotations

import redis

from newsflow.core.keys import Keys


def job_id_of(redis_client: redis.Redis, article_id: str) -> str:
    """The id of the article's current analysis job."""
    return redis_client.hget(Keys().article(article_id), "job_id").decode()  # type: ignore[union-attr]


def overdue(redis_client: redis.Redis, article_id: str) -> None:
    """Make the article due for the reconciler's next pass."""
    redis_client.zadd(Keys().pending, {article_id: 0})
