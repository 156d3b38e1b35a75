"""Benchmark: what story grouping adds to a save, with N articles already in the store.

Loads N synthetic analysed articles (entity keys drawn from a Zipf law, publication days spread
over a year) straight into a private PostgreSQL, then saves M more through ResultStore.save,
groups each from the backlog as the story grouper does, and times the grouping step of each
(StoryGrouper.group: candidate lookup by entity key and date window, the rule, the
merge, the story's counts and canonical events). Prints the per-article p50, p95 and mean.
Run with `python -m bench.stories --articles 100000`. With `--one-story N`, N more articles
that all report one happening (shared entities, title and lead; five events each, most of them
the same happenings) are saved after the others, and the grouping time of the first and the last
saves is printed: a save must not cost more as its story grows.
"""

from __future__ import annotations

import argparse
import itertools
import random
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, insert, select
from wordfreq import top_n_list

from bench.processes import private_postgres
from newsflow.core.database import connect_database
from newsflow.core.models import (
    Article,
    ArticleStatus,
    Entity,
    Event,
    EventActor,
    Location,
    StoredAnalysis,
    Trigger,
)
from newsflow.core.results import ResultStore
from newsflow.core.schema import articles, stories, story_features, story_keys
from newsflow.core.settings import Settings
from newsflow.core.story_backlog import group_backlog
from newsflow.core.story_rule import features
from newsflow.core.story_store import StoryGrouper

VOCABULARY = 50_000
"""Distinct entity keys."""

KEYS_PER_ARTICLE = 10
"""Entity keys of one synthetic article."""

DAYS = 365
"""Publication days the articles spread over."""

START = datetime(2025, 1, 1, tzinfo=UTC)
WORDS = [f"word{n}" for n in range(5000)]
"""Words of the unrelated articles: made up, so rare to the rule, and no two articles alike."""

COMMON_WORDS = top_n_list("en", 2000)
"""Filler of the growing story's reports: everyday English, as the words around a report's
own are (made-up filler would weigh as the rarest words and keep its reports apart)."""
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


STORY_KEYS = ["gpe:harbour-town", "org:coast-guard", "person:ana-ferreira", "fac:north-pier"]
"""Entity keys every article of the one growing story shares."""

STORY_CODES = [("190", "19", "ASSAULT"), ("120", "12", "REJECT"), ("040", "04", "CONSULT")]
"""The kinds of event the growing story's articles report."""


def story_article(number: int, pick: random.Random) -> tuple[Article, StoredAnalysis]:
    """Return one more report of the one growing story (a random id, as the ingest gives)."""
    day = START + timedelta(days=pick.randrange(3), hours=pick.randrange(24))
    article = Article(
        id=f"{pick.getrandbits(64):016x}",
        text=" ".join(["storm", "harbour", "pier", "rescue", *pick.sample(COMMON_WORDS, 40)]),
        title="Storm wrecks harbour pier, coast guard rescues crew",
        source=f"o{number % 50}",
        published_at=day,
        status=ArticleStatus.DONE,
        created_at=day,
        updated_at=day,
    )
    found = [Entity(text=k, label="GPE", start=0, end=1, key=k) for k in STORY_KEYS * 2]
    found += [Entity(text=k, label="GPE", start=0, end=1, key=k) for k in entity_keys(pick)[:4]]
    return article, StoredAnalysis(
        article_id=article.id,
        model="bench",
        analyzed_at=day,
        entities=found,
        events=[story_event(day, pick) for _ in range(5)],
    )


def story_event(day: datetime, pick: random.Random) -> Event:
    """Return one event of the growing story: one of a few happenings, a day either way."""
    code, root, plover = pick.choice(STORY_CODES)
    actor = pick.choice(["USA", "GBR", "PRT"])
    return Event(
        code=code,
        root_code=root,
        name=plover.title(),
        quad_class=4,
        goldstein=-1.0,
        plover=plover,
        source=EventActor(text=actor, start=0, end=1, actor_code=actor, country=actor),
        trigger=Trigger(text="hit", start=0, end=3, lemma="hit"),
        sentence=0,
        sentence_text="The storm hit the pier.",
        date=(day + timedelta(days=pick.randrange(-1, 2))).date(),
        location=Location(name="Harbour Town", country="PRT"),
        confidence=pick.choice([0.5, 0.6, 0.7, 0.8]),
    )


def bulk_load(engine: Engine, count: int, pick: random.Random) -> None:
    """Insert `count` articles with their story features and keys, each its own story."""
    for first in range(0, count, BATCH):
        rows: dict[str, list[dict[str, Any]]] = {"a": [], "s": [], "f": [], "k": []}
        for number in range(first, min(first + BATCH, count)):
            article, analysis = synthetic(number, pick)
            rows["a"].append(_article_row(article))
            rows["s"].append(_story_row(article))
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
                    "title_words": list(found.title_words),
                }
            )
            rows["k"] += [
                {"article_id": found.id, "key": k, "day": found.day, "weight": w}
                for k, w in found.keys().items()
            ]
        with engine.begin() as connection:
            connection.execute(insert(articles), rows["a"])
            connection.execute(insert(stories), rows["s"])
            connection.execute(insert(story_features), rows["f"])
            connection.execute(insert(story_keys), rows["k"])


def _story_row(article: Article) -> dict[str, Any]:
    return {
        "id": article.id,
        "title": article.title,
        "first_seen": article.published_at,
        "last_seen": article.published_at,
        "num_articles": 1,
        "num_sources": 1,
        "num_events": 0,
        "first_article_id": article.id,
    }


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


def save_and_group(
    store: ResultStore, grouper: StoryGrouper, article: Article, analysis: StoredAnalysis
) -> None:
    """Save an article, then group it from the backlog as the story grouper does."""
    store.save(article, analysis)
    group_backlog(store.engine, grouper)


def main() -> None:
    """Load the store, save more articles, print what grouping took per article."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000, help="articles in the store")
    parser.add_argument("--saves", type=int, default=300, help="articles saved and timed")
    parser.add_argument(
        "--one-story", type=int, default=0, help="then save this many reports of one story"
    )
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
        store, seconds = ResultStore(engine), list[float]()
        grouper = StoryGrouper(Settings().story_rule())
        grouper.group = timed(grouper.group, seconds)  # type: ignore[method-assign]
        for number in range(args.articles, args.articles + args.saves):
            save_and_group(store, grouper, *synthetic(number, pick))
        if args.saves:
            report(f"{args.saves} saves with {args.articles} in the store", seconds)
        seconds.clear()
        grown = [story_article(number, pick) for number in range(args.one_story)]
        for article, analysis in grown:
            save_and_group(store, grouper, article, analysis)
        if args.one_story:
            report_growth(args.one_story, seconds)
            print(f"the {args.one_story} reports are in {count_stories(engine, grown)} stories")
        engine.dispose()


def report(what: str, seconds: list[float]) -> None:
    """Print the p50, p95 and mean of these grouping times."""
    ms = sorted(s * 1000 for s in seconds)
    print(
        f"grouping per article, {what}: p50 {statistics.median(ms):.2f} ms, "
        f"p95 {ms[int(len(ms) * 0.95)]:.2f} ms, mean {statistics.fmean(ms):.2f} ms"
    )


def count_stories(engine: Engine, saved: list[tuple[Article, StoredAnalysis]]) -> int:
    """Return how many stories these articles are in."""
    with engine.connect() as connection:
        return len(
            set(
                connection.scalars(
                    select(articles.c.story_id).where(articles.c.id.in_([a.id for a, _ in saved]))
                )
            )
        )


def report_growth(saves: int, seconds: list[float]) -> None:
    """Print what the first and the last tenth of the saves into one story cost."""
    tenth = max(1, saves // 10)
    report(f"one story, saves 1-{tenth}", seconds[:tenth])
    report(f"one story, saves {saves - tenth + 1}-{saves}", seconds[-tenth:])


if __name__ == "__main__":
    main()
