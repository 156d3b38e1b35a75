"""Claims: which worker process is analysing which article, for as long as it lives.

A claim is an expiring key (`SET NX PX`) holding the claiming process's token. The process
refreshes the TTL of its claims while it lives (analysis_worker.housekeeping); a claim that
expires means the work was lost, and the reconciler re-drives the article. Taking a claim marks
the article `processing` and counts the attempt; finishing or failing it lets the claim go.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple, cast

from newsflow.core.models import Article, ArticleStatus
from newsflow.core.store import ArticleStore, as_text, decode_fields, utcnow

# Claims the job's own article (KEYS[3], KEYS[4]) and then fresh ready articles that fit the
# character budget, in order. The own article is claimed whatever its attempts, but one that
# was tried before runs alone. KEYS: ready, pending, then (article, claim) per id.
# ARGV: token, ttl ms, now (ISO), processing, failed, budget, look-again score, most, ids...
CLAIM_LUA = """
local budget = tonumber(ARGV[6])
local claimed = {}
for i = 1, #ARGV - 8 do
  if #claimed >= tonumber(ARGV[8]) then break end
  local article, claim, id = KEYS[1 + 2 * i], KEYS[2 + 2 * i], ARGV[8 + i]
  local own = i == 1
  local fields = redis.call('HMGET', article, 'status', 'attempts')
  local attempts = tonumber(fields[2] or '0')
  local size = redis.call('HSTRLEN', article, 'text')
  local fits = own or (attempts == 0 and size <= budget)
  if fields[1] and fields[1] ~= ARGV[5] and fits
      and redis.call('SET', claim, ARGV[1], 'NX', 'PX', ARGV[2]) then
    redis.call('ZREM', KEYS[1], id)
    redis.call('ZADD', KEYS[2], 'XX', ARGV[7], id)
    redis.call('HSET', article, 'status', ARGV[4], 'updated_at', ARGV[3])
    redis.call('HINCRBY', article, 'attempts', 1)
    budget = budget - size
    claimed[#claimed + 1] = redis.call('HGETALL', article)
    if own and attempts > 0 then return claimed end
  elseif own then
    return claimed
  end
end
return claimed
"""

# Extends the TTL of the claims this process still holds. KEYS: claims; ARGV: token, ttl ms.
REFRESH_LUA = """
for i = 1, #KEYS do
  if redis.call('GET', KEYS[i]) == ARGV[1] then redis.call('PEXPIRE', KEYS[i], ARGV[2]) end
end
"""

# Records a failed attempt and lets the claims go: the article is failed for good after its
# last attempt, else the reconciler re-drives it after a backoff that doubles per attempt.
# KEYS: pending, failed, then (article, claim) per id.
# ARGV: token, reason, now (ISO), now (s), queued, failed, max attempts, backoff unit (s), ids...
FAIL_LUA = """
for i = 1, #ARGV - 8 do
  local article, claim, id = KEYS[1 + 2 * i], KEYS[2 + 2 * i], ARGV[8 + i]
  if redis.call('EXISTS', article) == 1 then
    local attempts = tonumber(redis.call('HGET', article, 'attempts') or '0')
    if attempts >= tonumber(ARGV[7]) then
      redis.call('HSET', article, 'status', ARGV[6], 'error', ARGV[2], 'updated_at', ARGV[3])
      redis.call('ZREM', KEYS[1], id)
      redis.call('SADD', KEYS[2], id)
    else
      redis.call('HSET', article, 'status', ARGV[5], 'error', 'retrying after: ' .. ARGV[2],
                 'updated_at', ARGV[3])
      local backoff = tonumber(ARGV[8]) * 2 ^ math.max(attempts - 1, 0)
      redis.call('ZADD', KEYS[1], tonumber(ARGV[4]) + backoff, id)
    end
  end
  if redis.call('GET', claim) == ARGV[1] then redis.call('DEL', claim) end
end
"""

CANDIDATES_PER_SLOT = 2
"""Ready articles looked at per free place in a batch (some are taken or too long)."""


class Claimed(NamedTuple):
    """An article a job has claimed, and the job that was to wake a worker for it."""

    article: Article
    job_id: str | None


class Claims:
    """The claims of one worker process: take, keep alive, fail or finish the articles."""

    def __init__(self, store: ArticleStore, token: str, ttl_seconds: float) -> None:
        self.store = store
        self.redis = redis = store.redis
        self.keys = store.keys
        self.token = token
        self.ttl_ms = max(1, int(ttl_seconds * 1000))
        self.ttl_seconds = ttl_seconds
        self.held: set[str] = set()
        self._lock = threading.Lock()
        self._claim = redis.register_script(CLAIM_LUA)
        self._refresh = redis.register_script(REFRESH_LUA)
        self._fail = redis.register_script(FAIL_LUA)

    def take(self, article_id: str, most: int, budget: int) -> list[Claimed]:
        """Claim the article, and up to most - 1 fresh ready ones within the character budget.

        Empty if the article is unknown, failed, or claimed by another job; a retried article
        comes alone.
        """
        ids = [article_id]
        if most > 1:
            ready = cast(
                "list[bytes]",
                self.redis.zrange(self.keys.ready, 0, (most - 1) * CANDIDATES_PER_SLOT),
            )
            ids += [i for i in (as_text(raw) or "" for raw in ready) if i != article_id]
        now = utcnow()
        rows = self._claim(
            keys=[self.keys.ready, self.keys.pending, *self._article_and_claim_keys(ids)],
            args=[
                self.token,
                self.ttl_ms,
                now.isoformat(),
                ArticleStatus.PROCESSING.value,
                ArticleStatus.FAILED.value,
                budget,
                now.timestamp() + self.ttl_seconds,
                most,
                *ids,
            ],
        )
        claimed = [_claimed(decode_fields(_hash_fields(row))) for row in rows]
        with self._lock:
            self.held.update(one.article.id for one in claimed)
        return claimed

    def refresh(self) -> None:
        """Extend the TTL of every claim this process holds (called while it lives)."""
        with self._lock:
            held = list(self.held)
        if held:
            self._refresh(keys=[self.keys.claim(i) for i in held], args=[self.token, self.ttl_ms])

    def fail(self, article_ids: Sequence[str], reason: str, max_attempts: int) -> None:
        """Record a failed attempt at each article (failed for good after the last one)."""
        now = utcnow()
        self._fail(
            keys=[self.keys.pending, self.keys.failed, *self._article_and_claim_keys(article_ids)],
            args=[
                self.token,
                reason,
                now.isoformat(),
                now.timestamp(),
                ArticleStatus.QUEUED.value,
                ArticleStatus.FAILED.value,
                max_attempts,
                self.ttl_seconds,
                *article_ids,
            ],
        )
        self.forget(article_ids)

    def finish(self, article_ids: Sequence[str]) -> None:
        """Drop done articles from Redis (their results are in PostgreSQL) with their claims."""
        self.store.finish(*article_ids)
        self.forget(article_ids)

    def _article_and_claim_keys(self, article_ids: Iterable[str]) -> list[str]:
        """Each article's (hash, claim) key pair, flat, as the Lua scripts read them."""
        keys = self.keys
        return [key for one in article_ids for key in (keys.article(one), keys.claim(one))]

    def forget(self, article_ids: Iterable[str]) -> None:
        """Stop refreshing these claims (those not let go expire, and are re-driven)."""
        with self._lock:
            self.held.difference_update(article_ids)


def _claimed(fields: dict[str, str]) -> Claimed:
    return Claimed(Article.model_validate(fields), fields.get("job_id"))


def _hash_fields(flat: list[Any]) -> dict[Any, Any]:
    """Turn an HGETALL reply from Lua (field, value, field, value...) into a dict."""
    return dict(zip(flat[::2], flat[1::2], strict=True))
