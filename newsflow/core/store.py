"""The article store: accept (store + enqueue atomically), read, and record analysis outcomes."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any, cast
from urllib.parse import urlsplit, urlunsplit

from redis import Redis, WatchError
from redis.typing import EncodableT, FieldT

from newsflow.core.keys import Keys
from newsflow.core.models import (
    Accepted,
    Article,
    ArticleIn,
    ArticleStatus,
    ArticleSummary,
)
from newsflow.core.queue import AnalysisQueue

SUMMARY_FIELDS = ("id", "title", "url", "source", "published_at", "status", "created_at")
"""Article hash fields a list needs (the text stays in Redis)."""


# Once PostgreSQL holds the results: the articles leave Redis but for their duplicate markers.
# KEYS: by-time, pending, failed, ready, then (article, legacy analysis, claim) per id.
FINISH_LUA = """
for i = 1, #ARGV do
  redis.call('DEL', KEYS[2 + 3 * i], KEYS[3 + 3 * i], KEYS[4 + 3 * i])
  redis.call('ZREM', KEYS[1], ARGV[i])
  redis.call('ZREM', KEYS[2], ARGV[i])
  redis.call('SREM', KEYS[3], ARGV[i])
  redis.call('ZREM', KEYS[4], ARGV[i])
end
"""


def utcnow() -> datetime:
    """Return the current time, timezone-aware UTC."""
    return datetime.now(UTC)


def text_fingerprint(text: str) -> str:
    """Hash a text so that copies differing only in case and whitespace collide."""
    return hashlib.sha256(" ".join(text.split()).casefold().encode()).hexdigest()


def url_fingerprint(url: str) -> str:
    """Hash a URL with its scheme and host lower-cased, fragment and trailing slash dropped."""
    parts = urlsplit(url)
    normal = urlunsplit(
        (parts.scheme.lower(), parts.netloc.lower(), parts.path.rstrip("/"), parts.query, "")
    )
    return hashlib.sha256(normal.encode()).hexdigest()


class ArticleStore:
    """Articles, their status and their analyses in Redis."""

    def __init__(
        self,
        redis: Redis,
        keys: Keys,
        queue: AnalysisQueue | None = None,
        recheck_after: float = 30.0,
    ) -> None:
        self.redis = redis
        self.keys = keys
        self.queue = queue
        self.recheck_after = recheck_after
        self._finish = redis.register_script(FINISH_LUA)

    def accept(self, article: ArticleIn) -> Accepted:
        """Store a new article and enqueue its analysis in one transaction, or find its twin."""
        article_id = article.id or uuid.uuid4().hex
        markers = self._fingerprint_keys(article)
        with self.redis.pipeline() as pipe:
            while True:
                try:
                    return self._accept_once(pipe, article, article_id, markers)
                except WatchError:
                    continue  # someone wrote one of our keys meanwhile: look again

    def _accept_once(
        self, pipe: Any, article: ArticleIn, article_id: str, markers: list[str]
    ) -> Accepted:
        article_key = self.keys.article(article_id)
        pipe.watch(*markers)
        twin = self._find_twin(pipe, markers)
        if twin is not None:
            pipe.unwatch()
            return twin
        now = utcnow()
        pipe.multi()
        pipe.hset(article_key, mapping=self._article_fields(article, article_id, now))
        pipe.zadd(self.keys.articles_by_time, {article_id: now.timestamp()})
        for marker in markers:
            pipe.set(marker, article_id)
        self._enqueue(pipe, article_id, now)
        pipe.execute()
        return Accepted(id=article_id, status=ArticleStatus.QUEUED)

    def _enqueue(self, pipe: Any, article_id: str, now: datetime) -> None:
        """Queue the article's job and note when to check on it (inside the caller's MULTI)."""
        if self.queue is None:
            raise RuntimeError("this store was built without a queue and cannot enqueue")
        job = self.queue.enqueue(article_id, pipeline=pipe)
        pipe.hset(self.keys.article(article_id), "job_id", job.id)
        pipe.zadd(self.keys.ready, {article_id: now.timestamp()})
        pipe.zadd(self.keys.pending, {article_id: now.timestamp() + self.recheck_after})

    def redrive(
        self, article_id: str, stale_job_id: str | None, fresh_attempts: bool = False
    ) -> bool:
        """Queue a new job for an article whose job is lost; False if someone acted first
        (a new job, or a claim)."""
        key = self.keys.article(article_id)
        with self.redis.pipeline() as pipe:
            try:
                pipe.watch(key, self.keys.claim(article_id))
                if as_text(pipe.hget(key, "job_id")) != stale_job_id or pipe.exists(
                    self.keys.claim(article_id)
                ):
                    return False
                now = utcnow()
                pipe.multi()
                fields: dict[FieldT, EncodableT] = {
                    "status": ArticleStatus.QUEUED.value,
                    "updated_at": now.isoformat(),
                }
                if fresh_attempts:
                    fields["attempts"] = "0"
                pipe.hset(key, mapping=fields)
                pipe.srem(self.keys.failed, article_id)
                self._enqueue(pipe, article_id, now)
                pipe.execute()
            except WatchError:
                return False
        return True

    def requeue_failed(self) -> list[str]:
        """Re-drive every failed article with a fresh attempt count; return their ids."""
        requeued = []
        for raw_id in self.redis.smembers(self.keys.failed):
            article_id = as_text(raw_id) or ""
            job_id = as_text(self.redis.hget(self.keys.article(article_id), "job_id"))
            if self.redrive(article_id, job_id, fresh_attempts=True):
                requeued.append(article_id)
        return requeued

    def recheck_later(self, article_ids: list[str]) -> None:
        """Look at these unfinished articles again after the recheck delay."""
        if article_ids:
            later = utcnow().timestamp() + self.recheck_after
            self.redis.zadd(self.keys.pending, dict.fromkeys(article_ids, later), xx=True)

    def _find_twin(self, pipe: Any, markers: list[str]) -> Accepted | None:
        twin_id = next((as_text(v) for v in pipe.mget(markers) if v is not None), None)
        if twin_id is None:
            return None
        # An article whose hash is gone was analysed and moved to PostgreSQL.
        status = as_text(pipe.hget(self.keys.article(twin_id), "status")) or ArticleStatus.DONE
        return Accepted(id=twin_id, status=ArticleStatus(status), duplicate=True)

    def _fingerprint_keys(self, article: ArticleIn) -> list[str]:
        """Keys that point at an article posted before: its client id, text and URL."""
        markers = [self.keys.fingerprint("text", text_fingerprint(article.text))]
        if article.id is not None:
            markers.insert(0, self.keys.fingerprint("id", article.id))
        if article.url is not None:
            markers.append(self.keys.fingerprint("url", url_fingerprint(str(article.url))))
        return markers

    @staticmethod
    def _article_fields(article: ArticleIn, article_id: str, now: datetime) -> dict[str, str]:
        fields = article.model_dump(mode="json", exclude={"id"}, exclude_none=True)
        fields.update(
            id=article_id,
            status=ArticleStatus.QUEUED.value,
            created_at=now.isoformat(),
            updated_at=now.isoformat(),
            attempts="0",
        )
        return fields

    def get(self, article_id: str) -> Article | None:
        """Return one article, or None."""
        fields = self.redis.hgetall(self.keys.article(article_id))
        return Article.model_validate(decode_fields(fields)) if fields else None

    def summaries(self, article_ids: Iterable[str]) -> list[ArticleSummary]:
        """Return the summaries of these articles, in the same order, skipping unknown ids."""
        with self.redis.pipeline(transaction=False) as pipe:
            for article_id in article_ids:
                pipe.hmget(self.keys.article(article_id), SUMMARY_FIELDS)
            rows = pipe.execute()
        return [
            ArticleSummary.model_validate(
                {
                    k: v
                    for k, v in zip(SUMMARY_FIELDS, map(as_text, row), strict=True)
                    if v is not None
                }
            )
            for row in rows
            if row[0] is not None
        ]

    def in_flight(
        self, limit: int, before: tuple[datetime, str] | None = None
    ) -> list[ArticleSummary]:
        """Return up to `limit` articles still in Redis (queued, processing, failed) accepted
        before `before` (time, id), newest first."""
        high = "+inf" if before is None else before[0].timestamp()
        ids = [
            as_text(m) or ""
            for m in cast(
                "list[bytes]",
                # A margin over `limit`: members scored at the cursor's own time are skipped.
                self.redis.zrevrangebyscore(
                    self.keys.articles_by_time, high, "-inf", start=0, num=limit + 16
                ),
            )
        ]
        found = self.summaries(ids)
        if before is not None:
            found = [a for a in found if (a.created_at, a.id) < before]
        return found[:limit]

    def finish(self, *article_ids: str) -> None:
        """Drop done articles from Redis (results in PostgreSQL), keeping their markers."""
        keys = [self.keys.articles_by_time, self.keys.pending, self.keys.failed, self.keys.ready]
        for one in article_ids:
            keys += [self.keys.article(one), self.keys.analysis(one), self.keys.claim(one)]
        self._finish(keys=keys, args=list(article_ids))

    def mark_failed(self, article_id: str, reason: str) -> None:
        """Record that the article's analysis failed for good, and why."""
        key = self.keys.article(article_id)
        if not self.redis.exists(key):
            return
        with self.redis.pipeline() as pipe:
            pipe.hset(
                key,
                mapping={
                    "status": ArticleStatus.FAILED.value,
                    "error": reason,
                    "updated_at": utcnow().isoformat(),
                },
            )
            pipe.zrem(self.keys.pending, article_id)
            pipe.zrem(self.keys.ready, article_id)
            pipe.sadd(self.keys.failed, article_id)
            pipe.execute()


def as_text(value: bytes | str | None) -> str | None:
    """Decode a Redis reply (bytes: RQ needs a client without decode_responses)."""
    return value.decode() if isinstance(value, bytes) else value


def decode_fields(fields: dict[Any, Any]) -> dict[str, str]:
    """Decode a Redis hash, leaving out empty fields."""
    return {as_text(k) or "": as_text(v) or "" for k, v in fields.items() if as_text(v) != ""}
