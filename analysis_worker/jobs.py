"""The job functions RQ runs (kept importable without side effects, as RQ imports them by path)."""

from __future__ import annotations

import logging
from typing import Any

from rq import get_current_job

from analysis_worker import runtime
from newsflow.core.models import StoredAnalysis
from newsflow.core.store import utcnow

log = logging.getLogger(__name__)

REASON_LENGTH = 500
"""Longest failure reason stored with an article."""


def analyze_article(article_id: str) -> dict[str, Any]:
    """Analyse one stored article and store its analysis; report what was found."""
    current = runtime.current()
    article = current.store.mark_processing(article_id)
    if article is None:
        log.warning("article %s is not in the store; nothing to do", article_id)
        return {"article_id": article_id, "skipped": "unknown article"}
    try:
        current.parse_ahead.before(article)
        analysis = current.analyzer.analyze(article.text, article.published_at)
    except Exception as exc:  # the job timeout (JobTimeoutException) arrives here too
        record_failure(article_id, exc)
        raise
    stored = StoredAnalysis(
        article_id=article_id,
        model=current.analyzer.model_name,
        analyzed_at=utcnow(),
        **dict(analysis),
    )
    # PostgreSQL commits the results before Redis lets the article go: a crash in between
    # leaves it processing, and the job that runs again writes the same rows.
    current.results.save_waiting_out_outages(article, stored)
    current.store.finish(article_id)
    return {
        "article_id": article_id,
        "entities": len(analysis.entities),
        "events": len(analysis.events),
    }


def record_failure(article_id: str, exc: Exception) -> None:
    """Note a failed attempt: queued again if RQ will retry it, else failed for good."""
    reason = f"{type(exc).__name__}: {exc}"[:REASON_LENGTH]
    job = get_current_job()
    store = runtime.current().store
    if job is not None and (job.retries_left or 0) > 0:
        store.note_retry(article_id, reason)
    else:
        store.mark_failed(article_id, reason)
