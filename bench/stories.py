"""Benchmark: what story grouping adds to a save, with N articles already in the store.

Loads N synthetic analysed articles (entity keys drawn from a Zipf law, publication days spread
over a year) straight into a private PostgreSQL, then saves M more through ResultStore.save and
times the grouping step of each (candidate lookup by entity key and date window, the rule, the
merge, the story's counts and canonical events). Prints the per-article p50, p95 and mean.
Run with `python -m bench.stories --articles 100000`.
"""

from __future__ import annotations

import argparse
import itertools
import random
import statistics
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, insert

from bench.processes import private_postgres
from newsflow.core.database import connect_database
from newsflow.core.models import Article, ArticleStatus, Entity, StoredAnalysis
from newsflow.core.results import ResultStore
from newsflow.core.schema import articles, story_features, story_key_counts, story_keys
from newsflow.core.settings import Settings
from newsflow.core.story_rule import features

VOCABULARY = 50_000
"""Distinct entity keys."""

KEYS_PER_ARTICLE = 10
"""Entity keys of one synthetic article."""

DAYS = 365
"""Publication days the articles spread over."""

START = datetime(2025, 1, 1, tzinfo=UTC)
WORDS = [f"word{n}" for n in range(5000)]
BATCH = 5000


RANKS = range(1, VOCABULARY + 1)
CUMULATIVE = list(itertools.accumulate(1 / rank for rank in RANKS))
"""Zipf's law (exponent 1) over the vocabulary: the first key is in ~half the articles."""


def entity_keys(pick: random.Random) -> list[str]:
    """Return an article's entity mentions: keys by Zipf's law, each said one to four times."""
    ranks = pick.choices(RANKS, cum_weights=CUMULATIVE, k=KEYS_PER_ARTICLE)
    return [f"gpe:k{rank}" for rank in ranks for _ in range(pick.randint(1, 4))]


def synthetic(number: int, pick: random.Random) -> tuple[Article, StoredAnalysis]:
    """Return one synthetic analysed article."""
    day = START + timedelta(days=pick.randrange(DAYS), hours=pick.randrange(24))
    text = " ".join(pick.sample(WORDS, 60))
    article = Article(
        id=f"a{number}",
        text=text,
        title=" ".join(pick.sample(WORDS, 8)),
        source=f"o{number % 50}",
        published_at=day,
        status=ArticleStatus.DONE,
        created_at=day,
        updated_at=day,
    )
    found = [Entity(text=k, label="GPE", start=0, end=1, key=k) for k in entity_keys(pick)]
    return article, StoredAnalysis(
        article_id=article.id, model="bench", analyzed_at=day, entities=found, events=[]
    )


def bulk_load(engine: Engine, count: int, pick: random.Random) -> None:
    """Insert `count` articles with their story features and keys, each its own story."""
    posted: Counter[str] = Counter()
    for first in range(0, count, BATCH):
        rows: dict[str, list[dict[str, Any]]] = {"a": [], "f": [], "k": []}
        for number in range(first, min(first + BATCH, count)):
            article, analysis = synthetic(number, pick)
            rows["a"].append(_article_row(article))
            found = features(
                article.id,
                article.created_at.date(),
                article.title,
                article.text,
                [(e.key, e.label) for e in analysis.entities],
            )
            rows["f"].append(
                {
                    "article_id": found.id,
                    "day": found.day,
                    "entities": found.entities,
                    "words": found.words,
                }
            )
            posted.update(found.entities)
            rows["k"] += [
                {"article_id": found.id, "key": k, "day": found.day, "weight": w}
                for k, w in found.entities.items()
            ]
        with engine.begin() as connection:
            connection.execute(insert(articles), rows["a"])
            connection.execute(insert(story_features), rows["f"])
            connection.execute(insert(story_keys), rows["k"])
    with engine.begin() as connection:
        connection.execute(
            insert(story_key_counts), [{"key": k, "articles": n} for k, n in posted.items()]
        )


def _article_row(article: Article) -> dict[str, Any]:
    return {
        "id": article.id,
        "title": article.title,
        "source": article.source,
        "published_at": article.published_at,
        "text": article.text,
        "created_at": article.created_at,
        "updated_at": article.created_at,
        "model": "bench",
        "analyzed_at": article.created_at,
        "story_id": article.id,
    }


def timed(group: Callable[..., str], seconds: list[float]) -> Callable[..., str]:
    """Wrap the grouping step so each call's duration is recorded."""

    def run(*args: Any) -> str:
        started = time.perf_counter()
        try:
            return group(*args)
        finally:
            seconds.append(time.perf_counter() - started)

    return run


def main() -> None:
    """Load the store, save more articles, print what grouping took per article."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000, help="articles in the store")
    parser.add_argument("--saves", type=int, default=300, help="articles saved and timed")
    args = parser.parse_args()
    pick = random.Random(12)
    with private_postgres() as url:
        engine = connect_database(Settings(database_url=url), request_timeouts=False)
        started = time.perf_counter()
        bulk_load(engine, args.articles, pick)
        print(f"loaded {args.articles} articles in {time.perf_counter() - started:.0f} s")
        # As autovacuum would: statistics, and the visibility map index-only scans need.
        with engine.connect() as connection:
            connection.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql(
                "VACUUM ANALYZE"
            )
        store, seconds = ResultStore(engine, Settings().story_rule()), list[float]()
        grouper = store.grouper
        assert grouper is not None, "ResultStore groups stories unless told not to"
        grouper.group = timed(grouper.group, seconds)  # type: ignore[method-assign]
        for number in range(args.articles, args.articles + args.saves):
            store.save(*synthetic(number, pick))
        engine.dispose()
    ms = sorted(s * 1000 for s in seconds)
    print(
        f"grouping per article, {args.saves} saves with {args.articles} in the store: "
        f"p50 {statistics.median(ms):.2f} ms, p95 {ms[int(len(ms) * 0.95)]:.2f} ms, "
        f"mean {statistics.fmean(ms):.2f} ms"
    )


if __name__ == "__main__":
    main()
