"""The job function RQ runs (kept importable without side effects, as RQ imports it by path)."""

from __future__ import annotations

import logging
from typing import Any

from analysis_worker import runtime
from analysis_worker.writer import failure_reason
from newsflow.core.claims import Claimed
from newsflow.core.models import StoredAnalysis
from newsflow.core.store import utcnow

log = logging.getLogger(__name__)

BATCH_CHARACTERS = 40_000
"""Most text one job claims (about a second of spaCy): a batch runs under one job's timeout,
and long articles gain nothing from batching."""


def analyze_articles(article_id: str) -> dict[str, Any]:
    """Claim the article and fresh ready ones, analyse them in one nlp.pipe batch, and hand the
    results to the worker's writer thread, which commits them while the next job parses.

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
        current.writer.submit(analyses)  # it lets the articles go once they are committed
    except Exception as exc:  # the job timeout (JobTimeoutException) arrives here too
        current.claims.fail(ids, failure_reason(exc), current.settings.max_attempts)
        raise
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
