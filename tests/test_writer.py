"""The worker's result writer: a job's parts are committed while the job goes on analysing."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import Engine, select

from analysis_worker.extraction import Analyzer
from analysis_worker.writer import ResultWriter
from newsflow.core.models import Article, ArticleStatus, StoredAnalysis
from newsflow.core.results import ResultStore
from newsflow.core.schema import articles

Saved = tuple[Article, StoredAnalysis]
WRITTEN = datetime(2026, 3, 1, tzinfo=UTC)


def analysed(analyzer: Analyzer, seeds: list[dict[str, Any]], count: int) -> list[Saved]:
    """`count` analysed articles made from the seeds, each with an id of its own."""
    found = []
    for number in range(count):
        seed = seeds[number % len(seeds)]
        article = Article.model_validate(
            {**seed, "id": f"part-{number}", "status": ArticleStatus.DONE,
             "created_at": WRITTEN, "updated_at": WRITTEN}
        )  # fmt: skip
        analysis = analyzer.analyze(article.text, article.published_at)
        stored = StoredAnalysis(
            article_id=article.id, model="m", analyzed_at=WRITTEN, **dict(analysis)
        )
        found.append((article, stored))
    return found


def stored_ids(engine: Engine) -> set[str]:
    with engine.connect() as connection:
        return set(connection.scalars(select(articles.c.id)))


def wait_for(engine: Engine, ids: set[str], timeout: float = 10) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if ids <= stored_ids(engine):
            return True
        time.sleep(0.02)
    return False


def test_the_first_part_is_committed_while_the_job_still_analyses_the_next(
    results: ResultStore, database: Engine, analyzer: Analyzer, seeds: list[dict[str, Any]]
) -> None:
    made = analysed(analyzer, seeds, 5)
    committed_before_the_fifth: list[bool] = []

    def analysing() -> Iterator[Saved]:
        for number, pair in enumerate(made):
            if number == 4:  # the job is still analysing: the first part must be in by itself
                committed_before_the_fifth.append(wait_for(database, {"part-0", "part-1"}))
            yield pair

    writer = ResultWriter(results)
    saved = writer.save(analysing(), part=2)
    writer.close()
    assert committed_before_the_fifth == [True]
    assert [article.id for article, _ in saved] == [f"part-{n}" for n in range(5)]
    assert stored_ids(database) == {f"part-{n}" for n in range(5)}


def test_a_failed_analysis_still_lets_the_parts_handed_over_commit_then_raises(
    results: ResultStore, database: Engine, analyzer: Analyzer, seeds: list[dict[str, Any]]
) -> None:
    made = analysed(analyzer, seeds, 3)

    def analysing() -> Iterator[Saved]:
        yield from made[:2]
        raise ValueError("the model choked")

    writer = ResultWriter(results)
    with pytest.raises(ValueError, match="choked"):
        writer.save(analysing(), part=2)
    writer.close()
    assert stored_ids(database) == {"part-0", "part-1"}
