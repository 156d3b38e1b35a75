"""Filling the results store for the query benchmark: real analyses, then their copies.

The copies go through the worker's own write path, `ResultStore.save`, one transaction per
article, from several processes; a sample goes through the whole real flow (ingest's accept,
an RQ job run by the project's worker, claim, save, finish) so Redis memory per
analysed article can be measured.
"""

from __future__ import annotations

import json
import multiprocessing
import time
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine

from analysis_worker.extraction import Analyzer, load_analyzer
from bench.copies import Base, CopyMaker
from bench.corpus import build_corpus
from newsflow.core.models import Analysis, Article, StoredAnalysis
from newsflow.core.results import ResultStore

LOADER_OPTIONS = "-c synchronous_commit=off"
"""Session settings of the loader processes."""

GROUP_COPIES = False
"""Whether the copies are queued for the story grouper as they are saved. Not: grouping runs
under one lock and, among copies that share most of their entities, took ~0.7 s per copy (98,000
copies: ~20 hours); the sample through the real flow is grouped, and the read API is timed
without stories beyond it (README, What grouping costs)."""

PROGRESS_EVERY = 10_000
"""Copies between two progress lines of the load."""


def analyse_bases(count: int, model: str, cache: Path | None) -> tuple[list[Base], str]:
    """Analyse `count` distinct corpus articles with spaCy (or read them from the cache);
    return them and the model's name."""
    if cache is not None and cache.exists():
        stored = json.loads(cache.read_text())
        if len(stored["bases"]) == count:
            return [_base(item) for item in stored["bases"]], stored["model"]
    analyzer = load_analyzer(model)
    corpus = build_corpus(count, seed=9)
    published = [datetime.fromisoformat(item["published_at"]) for item in corpus]
    analyses = analyzer.analyze_many((a["text"], p) for a, p in zip(corpus, published, strict=True))
    items = [
        {"text": a["text"], "title": a["title"], "published_at": p.isoformat()}
        | {"analysis": analysis.model_dump(mode="json")}
        for a, p, analysis in zip(corpus, published, analyses, strict=True)
    ]
    if cache is not None:
        cache.write_text(json.dumps({"model": analyzer.model_name, "bases": items}))
    return [_base(item) for item in items], analyzer.model_name


def _base(item: dict[str, Any]) -> Base:
    analysis = Analysis.model_validate(item["analysis"]).model_dump()
    published = datetime.fromisoformat(item["published_at"])
    return Base(item["text"], item["title"], published, analysis)


def copy_with_analysis(
    maker: CopyMaker, number: int, total: int, model: str
) -> tuple[Article, StoredAnalysis]:
    """Return copy `number` as the worker has it, and its analysis as the worker stores it."""
    article = maker.article(number, total)
    assert article.published_at is not None
    analysis = maker.analysis(number, article.published_at)
    return article, StoredAnalysis(
        article_id=article.id,
        model=model,
        analyzed_at=article.created_at + timedelta(seconds=2),
        **dict(analysis),
    )


def save_copies(url: str, maker: CopyMaker, numbers: Iterable[int], total: int, model: str) -> None:
    """Save copies through ResultStore.save, one transaction each (runs in a child process)."""
    # Not waiting for each commit's WAL flush keeps the hot entity rows (org:nato is in every
    # copy) locked for less time; the statements are the worker's, the server stays durable.
    engine = create_engine(url, pool_size=1, connect_args={"options": LOADER_OPTIONS})
    results = ResultStore(engine, group_stories=GROUP_COPIES)
    started = time.perf_counter()
    for done, number in enumerate(numbers, 1):
        results.save(*copy_with_analysis(maker, number, total, model))
        if done % PROGRESS_EVERY == 0:
            rate = done / (time.perf_counter() - started)
            print(f"  a loader saved {done} copies ({rate:.0f}/s)", flush=True)
    engine.dispose()


def load_copies(
    url: str, maker: CopyMaker, numbers: Sequence[int], total: int, model: str, processes: int
) -> float:
    """Save the copies from `processes` processes, interleaved; return the seconds it took."""
    context = multiprocessing.get_context("spawn")
    started = time.perf_counter()
    children = [
        context.Process(
            target=save_copies, args=(url, maker, numbers[part::processes], total, model)
        )
        for part in range(processes)
    ]
    for child in children:
        child.start()
    for child in children:
        child.join()
        if child.exitcode != 0:
            raise RuntimeError(f"a loader process failed ({child.exitcode})")
    return time.perf_counter() - started


class CannedAnalyzer(Analyzer):
    """An analyzer that answers each text with an analysis made beforehand (no spaCy)."""

    def __init__(self, model_name: str, analyses: dict[str, Analysis]) -> None:
        self.model_name = model_name
        self.analyses = analyses

    def analyze(self, text: str, published_at: datetime | None = None) -> Analysis:
        """Return the analysis made for this text."""
        return self.analyses[text]

    def analyze_many(self, items: Iterable[tuple[str, datetime | None]]) -> Iterator[Analysis]:
        """Return the analyses made for these texts, in order."""
        return (self.analyses[text] for text, _ in items)


def canned_analyses(
    maker: CopyMaker, numbers: Iterable[int], total: int
) -> Iterator[tuple[str, Analysis]]:
    """Yield (text, analysis) of copies, as a real analysis of that text would give them."""
    for number in numbers:
        posted = maker.article_in(number, total)
        assert posted.published_at is not None
        yield posted.text, maker.analysis(number, posted.published_at)
