"""The Redis key schema: every key Newsflow writes is built here, under one prefix."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Keys:
    """Names of our Redis keys (RQ's own keys live under `rq:`)."""

    prefix: str = "newsflow"

    def article(self, article_id: str) -> str:
        """Hash of one article: its fields, status and error."""
        return f"{self.prefix}:article:{article_id}"

    def analysis(self, article_id: str) -> str:
        """JSON of one article's analysis (before PostgreSQL held them: `newsflow db
        import-redis` moves these)."""
        return f"{self.prefix}:analysis:{article_id}"

    @property
    def articles_by_time(self) -> str:
        """Sorted set of the ids of articles in Redis, scored by acceptance time (seconds)."""
        return f"{self.prefix}:articles"

    def fingerprint(self, kind: str, digest: str) -> str:
        """Points a duplicate marker (client id, URL, text hash) at an article id."""
        return f"{self.prefix}:seen:{kind}:{digest}"

    @property
    def pending(self) -> str:
        """Sorted set of unfinished article ids, scored by when the reconciler should look."""
        return f"{self.prefix}:pending"

    @property
    def failed(self) -> str:
        """Set of the ids of articles whose analysis failed for good."""
        return f"{self.prefix}:failed"

    @property
    def ready(self) -> str:
        """Sorted set of the ids of articles waiting for a job to claim them, scored by when
        they became ready (a batch takes the oldest first)."""
        return f"{self.prefix}:ready"

    def claim(self, article_id: str) -> str:
        """Expiring key naming the worker process analysing the article; its TTL, refreshed
        while that process lives, is the one sign that the work is not lost."""
        return f"{self.prefix}:claim:{article_id}"

    @property
    def legacy_entity_index(self) -> list[str]:
        """Patterns of the entity index Redis held before PostgreSQL (import-redis drops it)."""
        p = self.prefix
        names = ("entity:*", "entity-articles:*", "entities", "entities:*", "article-entities:*")
        return [f"{p}:{name}" for name in names]
