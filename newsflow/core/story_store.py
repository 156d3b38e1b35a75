"""Stories in PostgreSQL: the worker groups each article, in its save's transaction.

Grouping runs under one transaction-scoped advisory lock, taken before the save writes
anything, so writers group one at a time (never splitting or duplicating a story) and never
deadlock on each other. Candidates are found through `story_keys` (entity key, day): an index
lookup bounded by the rule's date window. A story's id is the smallest id of its articles, and
its counts and canonical events are recomputed from its rows, never incremented.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import timedelta
from typing import Any

from sqlalchemy import (
    Connection,
    bindparam,
    delete,
    func,
    select,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import insert

from newsflow.core.event_merge import Mention, canonical_groups, counts
from newsflow.core.models import Article, StoredAnalysis
from newsflow.core.schema import (
    articles,
    canonical_events,
    events,
    stories,
    story_features,
    story_keys,
)
from newsflow.core.story_rule import ArticleFeatures, StoryRule, components, features, same_story

STORY_LOCK = 0x6E657773  # "news"
"""The advisory lock key that serialises grouping."""

CANDIDATES = text(
    """
    WITH mine AS (
        SELECT * FROM unnest(CAST(:keys AS text[]), CAST(:key_weights AS float8[])) AS m(key, w)
    ), alike AS (
        SELECT k.article_id, sum(k.weight * mine.w) AS cosine
        FROM mine JOIN story_keys AS k ON k.key = mine.key
        WHERE k.day BETWEEN :first AND :last AND k.article_id <> :id
        GROUP BY k.article_id
        HAVING sum(k.weight * mine.w) >= :floor
    )
    SELECT f.article_id FROM alike JOIN story_features AS f ON f.article_id = alike.article_id
    WHERE :entity_weight * alike.cosine + (1 - :entity_weight) * (
        SELECT coalesce(sum((f.words ->> w.word)::float8 * w.weight), 0)
        FROM unnest(CAST(:words AS text[]), CAST(:word_weights AS float8[])) AS w(word, weight)
    ) >= :threshold
    """
)
"""Articles whose entity and word cosines may pass the rule (both summed in PostgreSQL); one
statement shape, so it is compiled once."""

ROUNDING = 1e-6
"""Slack of the SQL similarity floor, so rounding never hides a candidate the rule accepts."""


def lock_stories(connection: Connection) -> None:
    """Take the grouping lock until the transaction ends."""
    connection.execute(select(func.pg_advisory_xact_lock(STORY_LOCK)))


def article_features(article: Article, analysis: StoredAnalysis) -> ArticleFeatures:
    """Return the story features of an analysed article."""
    day = (article.published_at or analysis.analyzed_at).date()
    keys = [(e.key, e.label) for e in analysis.entities]
    return features(article.id, day, article.title, article.text, keys)


class StoryGrouper:
    """Put an article in its story, merging the stories it bridges, inside a transaction."""

    def __init__(self, rule: StoryRule) -> None:
        self.rule = rule

    def group(self, connection: Connection, article: Article, analysis: StoredAnalysis) -> str:
        """Group one saved article (the caller holds the lock); return its story id."""
        found = article_features(article, analysis)
        old = connection.scalar(select(articles.c.story_id).where(articles.c.id == article.id))
        _write_features(connection, found)
        touched = self._split(connection, old, article.id) if old else set()
        story, merged = self._join(connection, found)
        refresh(connection, touched | merged | {story})
        return story

    def _split(self, connection: Connection, old: str, article_id: str) -> set[str]:
        """Regroup a re-analysed article's old story without it; return the stories it made."""
        rest = connection.scalars(
            select(articles.c.id).where(articles.c.story_id == old, articles.c.id != article_id)
        ).all()
        made = {old}
        for group in components(load_features(connection, rest), self.rule):
            _assign(connection, group, group[0])
            made.add(group[0])
        return made

    def _join(self, connection: Connection, found: ArticleFeatures) -> tuple[str, set[str]]:
        """Join the stories the article matches; return its story and the stories merged."""
        matched = [c for c in self.candidates(connection, found) if same_story(found, c, self.rule)]
        story_of = dict(
            connection.execute(
                select(articles.c.id, articles.c.story_id).where(
                    articles.c.id.in_([m.id for m in matched])
                )
            ).all()
        )
        merged = {s for s in story_of.values() if s}
        story = min(merged | {found.id})
        connection.execute(
            update(articles)
            .where((articles.c.story_id.in_(merged)) | (articles.c.id == found.id))
            .values(story_id=story)
        )
        return story, merged

    def candidates(self, connection: Connection, found: ArticleFeatures) -> list[ArticleFeatures]:
        """Return the articles in the date window that the rule's similarity may accept.

        PostgreSQL computes both cosines (entities by an index-only scan of story_keys, words
        from the candidates' stored vectors), so only near-matches are loaded; the rule then
        decides in Python, exactly as in memory.
        """
        if not found.entities:
            return []
        rule, window = self.rule, timedelta(days=self.rule.window_days)
        ids = connection.scalars(
            CANDIDATES,
            {
                "id": found.id,
                "keys": list(found.entities),
                "key_weights": list(found.entities.values()),
                "words": list(found.words),
                "word_weights": list(found.words.values()),
                "first": found.day - window,
                "last": found.day + window,
                "floor": max(rule.min_entity_similarity - ROUNDING, ROUNDING),
                "entity_weight": rule.entity_weight,
                "threshold": rule.threshold - ROUNDING,
            },
        ).all()
        return load_features(connection, ids)


def _write_features(connection: Connection, found: ArticleFeatures) -> None:
    """Replace an article's stored features and keys."""
    row = {
        "article_id": found.id,
        "day": found.day,
        "entities": found.entities,
        "words": found.words,
    }
    upsert = insert(story_features).values(row)
    connection.execute(upsert.on_conflict_do_update(index_elements=["article_id"], set_=row))
    connection.execute(delete(story_keys).where(story_keys.c.article_id == found.id))
    if found.keys():
        connection.execute(
            insert(story_keys),
            [
                {"article_id": found.id, "key": k, "day": found.day, "weight": w}
                for k, w in sorted(found.entities.items())
            ],
        )


def load_features(connection: Connection, ids: Iterable[str]) -> list[ArticleFeatures]:
    """Return the stored features of these articles."""
    rows = connection.execute(
        select(story_features).where(story_features.c.article_id.in_(list(ids)))
    ).all()
    return [ArticleFeatures(r.article_id, r.day, r.entities, r.words) for r in rows]


def _assign(connection: Connection, ids: list[str], story: str) -> None:
    connection.execute(update(articles).where(articles.c.id.in_(ids)).values(story_id=story))


def refresh(connection: Connection, touched: set[str]) -> None:
    """Recompute the rows and canonical events of these stories (deleting emptied ones)."""
    connection.execute(delete(canonical_events).where(canonical_events.c.story_id.in_(touched)))
    connection.execute(delete(stories).where(stories.c.id.in_(touched)))
    for story in sorted(touched):
        members = connection.execute(
            select(
                articles.c.id,
                articles.c.title,
                articles.c.source,
                func.coalesce(articles.c.published_at, articles.c.created_at).label("seen"),
            ).where(articles.c.story_id == story)
        ).all()
        if members:
            num_events = _refresh_events(connection, story, members)
            connection.execute(insert(stories).values(_story_row(story, members, num_events)))


def _story_row(story: str, members: Sequence[Any], num_events: int) -> dict[str, Any]:
    first = min(members, key=lambda m: (m.seen, m.id))
    return {
        "id": story,
        "title": first.title,
        "first_seen": first.seen,
        "last_seen": max(m.seen for m in members),
        "num_articles": len(members),
        "num_sources": len({(m.source or m.id).lower() for m in members}),
        "num_events": num_events,
    }


def _refresh_events(connection: Connection, story: str, members: Sequence[Any]) -> int:
    """Group the story's event mentions into canonical events; return how many."""
    seen = {m.id: m.seen for m in members}
    rows = connection.execute(select(events).where(events.c.article_id.in_(list(seen)))).all()
    groups = canonical_groups(_mention(r, seen[r.article_id]) for r in rows)
    if not groups:
        return 0
    connection.execute(insert(canonical_events), [{**counts(g), "story_id": story} for g in groups])
    connection.execute(
        update(events)
        .where(
            events.c.article_id == bindparam("a"),
            events.c.ordinal == bindparam("o"),
        )
        .values(canonical_id=bindparam("c")),
        [{"a": m.article_id, "o": m.ordinal, "c": g[0].id} for g in groups for m in g],
    )
    return len(groups)


def _mention(row: Any, seen: Any) -> Mention:
    return Mention(
        article_id=row.article_id,
        ordinal=row.ordinal,
        outlet=row.outlet,
        category=row.plover or f"CAMEO{row.root_code}",
        source=row.source_code,
        target=row.target_code,
        source_country=row.source_country,
        target_country=row.target_country,
        day=row.day,
        place=row.location_name,
        place_country=row.location_country,
        confidence=row.confidence,
        seen=seen,
    )
