"""The job function RQ runs (kept importable without side effects, as RQ imports it by path)."""

from __future__ import annotations

import logging
from typing import Any

from analysis_worker import runtime
from newsflow.core.claims import Claimed
from newsflow.core.models import StoredAnalysis
from newsflow.core.store import utcnow

log = logging.getLogger(__name__)

REASON_LENGTH = 500
"""Longest failure reason stored with an article."""

BATCH_CHARACTERS = 40_000
"""Most text one job claims (about a second of spaCy): a batch runs under one job's timeout,
and long articles gain nothing from batching."""


def analyze_articles(article_id: str) -> dict[str, Any]:
    """Claim the article and fresh ready ones, analyse them in one nlp.pipe batch, store them.

    Returns at once if another job has claimed or finished the article.
    """
    current = runtime.current()
    batch = current.claims.take(article_id, current.batch_size, BATCH_CHARACTERS)
    if not batch:
        return {"article_id": article_id, "skipped": "claimed elsewhere, done or unknown"}
    current.queue.withdraw([one.job_id for one in batch[1:] if one.job_id])
    ids = [one.article.id for one in batch]
    try:
        analyses = analyze(batch)
        # PostgreSQL commits the results before Redis lets the articles go: a crash in between
        # leaves them claimed until the claim expires, and a new job writes the same rows.
        current.results.save_waiting_out_outages(analyses)
        current.claims.finish(ids)
    except Exception as exc:  # the job timeout (JobTimeoutException) arrives here too
        reason = f"{type(exc).__name__}: {exc}"[:REASON_LENGTH]
        current.claims.fail(ids, reason, current.settings.max_attempts)
        raise
    finally:
        current.claims.forget(ids)  # whatever happened, stop keeping them alive
    return {
        "article_id": article_id,
        "analysed": ids,
        "events": sum(len(stored.events) for _, stored in analyses),
    }


def analyze(batch: list[Claimed]) -> list[tuple[Any, StoredAnalysis]]:
    """Analyse the claimed articles in one nlp.pipe batch; pair each with its analysis."""
    current = runtime.current()
    analyzer = current.analyzer
    articles = [one.article for one in batch]
    found = analyzer.analyze_many((a.text, a.published_at) for a in articles)
    return [
        (
            article,
            StoredAnalysis(
                article_id=article.id,
                model=analyzer.model_name,
                analyzed_at=utcnow(),
                **dict(analysis),
            ),
        )
        for article, analysis in zip(articles, found, strict=True)
    ]


analyze_article = analyze_articles
"""The job's name before batches were Newsflow's own (jobs queued by an older ingest)."""
