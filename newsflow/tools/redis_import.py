"""`newsflow db import-redis`: move the analyses an older Redis holds into PostgreSQL.

Before PostgreSQL, a done article kept its hash, its analysis JSON and an entity index in
Redis. Each is written to PostgreSQL through the worker's own write path and then let go from
Redis (its duplicate markers stay), so running it again, or after an interruption, is safe.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from newsflow.core.models import ArticleStatus, StoredAnalysis
from newsflow.core.results import ResultStore
from newsflow.core.store import ArticleStore, as_text

SCAN_BATCH = 500
"""Keys asked for per SCAN step."""


@dataclass
class ImportReport:
    """What one run moved, and what it left alone and why."""

    moved: list[str] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)
    legacy_keys_dropped: int = 0


def import_redis(store: ArticleStore, results: ResultStore) -> ImportReport:
    """Move every stored analysis to PostgreSQL, then drop Redis's old entity index."""
    report = ImportReport()
    prefix = store.keys.analysis("")
    for raw_key in store.redis.scan_iter(match=f"{prefix}*", count=SCAN_BATCH):
        article_id = (as_text(raw_key) or "")[len(prefix) :]
        reason = _move(store, results, article_id)
        if reason is None:
            report.moved.append(article_id)
        else:
            report.skipped[article_id] = reason
    for pattern in store.keys.legacy_entity_index:
        for raw_key in store.redis.scan_iter(match=pattern, count=SCAN_BATCH):
            report.legacy_keys_dropped += int(store.redis.delete(raw_key))
    return report


def _move(store: ArticleStore, results: ResultStore, article_id: str) -> str | None:
    """Move one article's analysis; return why not, if not."""
    article = store.get(article_id)
    raw = store.redis.get(store.keys.analysis(article_id))
    if article is None or raw is None:
        return "no article hash beside the analysis"
    if article.status is not ArticleStatus.DONE:
        return f"article is {article.status.value}: its job will write the new analysis"
    results.save(article, StoredAnalysis.model_validate_json(raw))
    store.finish(article_id)
    return None
