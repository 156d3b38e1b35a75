"""The job functions RQ runs (kept importable without side effects, as RQ imports them by path)."""

from __future__ import annotations

import logging
from typing import Any

from analysis_worker import runtime
from newsflow.models import StoredAnalysis
from newsflow.store import utcnow

log = logging.getLogger(__name__)


def analyze_article(article_id: str) -> dict[str, Any]:
    """Analyse one stored article and store its analysis; report what was found."""
    current = runtime.current()
    article = current.store.mark_processing(article_id)
    if article is None:
        log.warning("article %s is not in the store; nothing to do", article_id)
        return {"article_id": article_id, "skipped": "unknown article"}
    try:
        analysis = current.analyzer.analyze(article.text, article.published_at)
    except Exception as exc:
        current.store.mark_failed(article_id, f"{type(exc).__name__}: {exc}"[:500])
        raise
    current.index.save_analysis(
        StoredAnalysis(
            article_id=article_id,
            model=current.analyzer.model_name,
            analyzed_at=utcnow(),
            entities=analysis.entities,
            events=analysis.events,
        )
    )
    return {
        "article_id": article_id,
        "entities": len(analysis.entities),
        "events": len(analysis.events),
    }
