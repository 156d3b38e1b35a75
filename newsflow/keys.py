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
        """JSON of one article's analysis."""
        return f"{self.prefix}:analysis:{article_id}"

    @property
    def articles_by_time(self) -> str:
        """Sorted set of article ids scored by acceptance time (ms)."""
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

    def worker_alive(self, worker_name: str) -> str:
        """Expiring key a worker process refreshes while it lives."""
        return f"{self.prefix}:worker-alive:{worker_name}"

    def entity(self, key: str) -> str:
        """Hash describing one canonical entity (name, label, actor code)."""
        return f"{self.prefix}:entity:{key}"

    def entity_articles(self, key: str) -> str:
        """Set of the ids of articles that mention an entity."""
        return f"{self.prefix}:entity-articles:{key}"

    @property
    def entities_by_count(self) -> str:
        """Sorted set of entity keys scored by how many articles mention them."""
        return f"{self.prefix}:entities"

    def entities_by_label(self, label: str) -> str:
        """Like entities_by_count, for one spaCy label."""
        return f"{self.prefix}:entities:{label}"
