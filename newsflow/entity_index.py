"""The entity index: which canonical entities appear in which articles, kept exact by one script."""

from __future__ import annotations

from collections import Counter
from typing import Any, cast

from redis import Redis

from newsflow.keys import Keys
from newsflow.models import Entity, EntitySummary, StoredAnalysis
from newsflow.store import as_text

# Stores an analysis and moves the article between entity sets atomically, so re-running a job
# (or two workers racing on one article) leaves exactly one analysis and exact counts.
SAVE_ANALYSIS_LUA = """
local prefix, id, analysis, now = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local article = prefix .. ':article:' .. id
if redis.call('EXISTS', article) == 0 then return 0 end
local seen = prefix .. ':article-entities:' .. id
local new, touched = {}, {}
for i = 5, #ARGV, 4 do new[ARGV[i]] = {ARGV[i + 1], ARGV[i + 2], ARGV[i + 3]} end
for _, k in ipairs(redis.call('SMEMBERS', seen)) do
  if not new[k] then
    redis.call('SREM', prefix .. ':entity-articles:' .. k, id)
    touched[k] = true
  end
end
redis.call('DEL', seen)
for k, v in pairs(new) do
  local entity = prefix .. ':entity:' .. k
  redis.call('SADD', prefix .. ':entity-articles:' .. k, id)
  redis.call('SADD', seen, k)
  if redis.call('EXISTS', entity) == 0 then
    redis.call('HSET', entity, 'key', k, 'name', v[1], 'label', v[2], 'actor_code', v[3])
  elseif v[3] ~= '' then
    redis.call('HSET', entity, 'actor_code', v[3])
  end
  touched[k] = true
end
for k in pairs(touched) do
  local count = redis.call('SCARD', prefix .. ':entity-articles:' .. k)
  local label = redis.call('HGET', prefix .. ':entity:' .. k, 'label')
  if count == 0 then
    redis.call('ZREM', prefix .. ':entities', k)
    redis.call('ZREM', prefix .. ':entities:' .. label, k)
  else
    redis.call('ZADD', prefix .. ':entities', count, k)
    redis.call('ZADD', prefix .. ':entities:' .. label, count, k)
  end
end
redis.call('SET', prefix .. ':analysis:' .. id, analysis)
redis.call('HSET', article, 'status', 'done', 'updated_at', now)
redis.call('HDEL', article, 'error')
redis.call('ZREM', prefix .. ':pending', id)
redis.call('SREM', prefix .. ':failed', id)
return 1
"""

ENTITY_FIELDS = ("key", "name", "label", "actor_code")
"""Fields of an entity's hash."""


class EntityIndex:
    """Write analyses with their entity postings; read entities by count, label and name."""

    def __init__(self, redis: Redis, keys: Keys) -> None:
        self.redis = redis
        self.keys = keys
        self._save = redis.register_script(SAVE_ANALYSIS_LUA)

    def save_analysis(self, analysis: StoredAnalysis) -> bool:
        """Store an analysis, mark its article done, update the index; False if no such article."""
        args: list[Any] = [
            self.keys.prefix,
            analysis.article_id,
            analysis.model_dump_json(),
            analysis.analyzed_at.isoformat(),
        ]
        for key, (name, label, actor_code) in canonical_entities(analysis.entities).items():
            args += [key, name, label, actor_code or ""]
        return bool(self._save(keys=[], args=args))

    def top(
        self, limit: int, label: str | None = None, query: str | None = None
    ) -> list[EntitySummary]:
        """Return the most mentioned entities, optionally of one label and matching a name."""
        ranking = self.keys.entities_by_label(label) if label else self.keys.entities_by_count
        if query:
            scored = self._matching(ranking, query)[:limit]
        else:
            scored = [
                (_text(k), int(s))
                for k, s in cast(
                    "list[tuple[bytes, float]]",
                    self.redis.zrevrange(ranking, 0, limit - 1, withscores=True),
                )
            ]
        return self._summaries(scored)

    def get(self, key: str) -> tuple[EntitySummary, list[str]] | None:
        """Return one entity and the ids of the articles that mention it."""
        ids = sorted(_text(m) for m in self.redis.smembers(self.keys.entity_articles(key)))
        found = self._summaries([(key, len(ids))])
        return (found[0], ids) if found and ids else None

    def _matching(self, ranking: str, query: str) -> list[tuple[str, int]]:
        needle = query.casefold()
        hits = [
            (_text(member), int(score))
            for member, score in self.redis.zscan_iter(ranking)
            if needle in _text(member).split(":", 1)[-1].replace("-", " ")
        ]
        return sorted(hits, key=lambda hit: (-hit[1], hit[0]))

    def _summaries(self, scored: list[tuple[str, int]]) -> list[EntitySummary]:
        with self.redis.pipeline(transaction=False) as pipe:
            for key, _ in scored:
                pipe.hmget(self.keys.entity(key), ENTITY_FIELDS)
            rows = pipe.execute()
        return [
            EntitySummary(
                key=key,
                name=_text(row[1]),
                label=_text(row[2]),
                actor_code=_text(row[3]) or None,
                article_count=count,
            )
            for (key, count), row in zip(scored, rows, strict=True)
            if row[0] is not None
        ]


def canonical_entities(entities: list[Entity]) -> dict[str, tuple[str, str, str | None]]:
    """Map each entity key to (display name, label, actor code), the name its most used form."""
    forms: dict[str, Counter[str]] = {}
    meta: dict[str, tuple[str, str | None]] = {}
    for entity in entities:
        forms.setdefault(entity.key, Counter())[entity.text] += 1
        label, code = meta.get(entity.key, (entity.label, None))
        meta[entity.key] = (label, code or entity.actor_code)
    return {
        key: (max(counts, key=lambda form: (counts[form], len(form))), *meta[key])
        for key, counts in forms.items()
    }


def _text(value: bytes | str | None) -> str:
    return as_text(value) or ""
