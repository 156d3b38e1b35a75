"""Stories in PostgreSQL: the story grouper puts each saved article in its story.

Grouping runs under one transaction-scoped advisory lock, so groupers take turns (never
splitting or duplicating a story): it is serial by nature, which is why it runs in a process of
its own that drains the backlog the worker's saves fill (newsflow.core.story_backlog), off the
worker's parse path. A grouper regrouping a story whose article a worker is saving again may
deadlock with it, and PostgreSQL aborts one (each tries again). Candidates are found through
`story_keys` (entity or title key, day): of each key, the articles posted under it nearest in
time, within the rule's date window.
A story's id is the smallest id of its articles. A new article that joins one story (or none)
moves that story's counts by what it adds (newsflow.core.story_growth); an article that bridges
stories, takes over a story's id or is analysed again has its stories recomputed from their
rows (newsflow.core.story_counts), so counts never drift.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from sqlalchemy import (
    Connection,
    func,
    select,
    text,
    update,
)

from newsflow.core.models import Article, StoredAnalysis
from newsflow.core.schema import (
    articles,
    story_features,
)
from newsflow.core.story_counts import refresh
from newsflow.core.story_growth import Arrival, grow
from newsflow.core.story_rule import ArticleFeatures, StoryRule, components, features, same_story

STORY_LOCK = 0x6E657773  # "news"
"""The advisory lock key that serialises grouping."""

CANDIDATES = text(
    """
    WITH found AS MATERIALIZED (
        SELECT k.article_id, sum(k.weight * p.weight) AS shared
        FROM unnest(CAST(:keys AS text[]), CAST(:key_weights AS float8[])) AS p(key, weight),
        LATERAL (
            (
                SELECT k.article_id, k.weight FROM story_keys AS k
                WHERE k.key = p.key AND k.day BETWEEN :first AND :day AND k.article_id <> :id
                ORDER BY k.day DESC, k.article_id DESC LIMIT :side
            ) UNION ALL (
                SELECT k.article_id, k.weight FROM story_keys AS k
                WHERE k.key = p.key AND k.day > :day AND k.day <= :last
                ORDER BY k.day, k.article_id LIMIT :side
            )
        ) AS k
        GROUP BY k.article_id
        ORDER BY shared DESC, k.article_id COLLATE "C"
        LIMIT :candidates
    )
    SELECT f.article_id, f.day, f.entities, f.words, f.title_words, a.story_id
    FROM found JOIN story_features AS f ON f.article_id = found.article_id
    JOIN articles AS a ON a.id = found.article_id,
    LATERAL (
        SELECT coalesce(sum(j.value::float8 * m.weight), 0) AS cosine
        FROM jsonb_each_text(f.entities) AS j(key, value)  -- read once, not once per key
        JOIN unnest(CAST(:entities AS text[]), CAST(:entity_weights AS float8[])) AS m(key, weight)
            ON m.key = j.key
    ) AS e,
    LATERAL (
        SELECT coalesce(sum(j.value::float8 * w.weight), 0) AS cosine
        FROM jsonb_each_text(f.words) AS j(word, value)
        JOIN unnest(CAST(:words AS text[]), CAST(:word_weights AS float8[])) AS w(word, weight)
            ON w.word = j.word
    ) AS w
    WHERE e.cosine >= :floor
    AND :entity_weight * e.cosine + (1 - :entity_weight) * w.cosine
        >= :threshold + :decay * ln(1 + abs(f.day - CAST(:day AS date)) / :decay_days) - :slack
    """
)
"""Of the articles posted under the article's keys nearest in time to it (each key: at most
`side` on either side, two index range scans), those sharing the most key weight; of them,
the features and stories of those whose entity and word cosines may pass the rule (computed in
PostgreSQL); one statement shape, so it is compiled once."""

FORGET_KEYS = text(
    """
    WITH gone AS (DELETE FROM story_keys WHERE article_id = :id)
    SELECT story_id FROM articles WHERE id = :id
    """
)
"""Delete an article's story keys; return its story (None if it had none)."""

WRITE_FEATURES = text(
    """
    WITH features AS (
        INSERT INTO story_features (article_id, day, entities, words, title_words)
        VALUES (
            :id, :day, CAST(:entities AS jsonb), CAST(:words AS jsonb), CAST(:title_words AS jsonb)
        )
        ON CONFLICT (article_id) DO UPDATE
        SET day = excluded.day, entities = excluded.entities, words = excluded.words,
            title_words = excluded.title_words
    )
    INSERT INTO story_keys (article_id, key, day, weight)
    SELECT :id, key, :day, weight
    FROM unnest(CAST(:keys AS text[]), CAST(:key_weights AS float8[])) AS k(key, weight)
    """
)
"""Store an article's features and keys; one round trip."""

RENAME_STORY = text(
    """
    WITH moved AS (UPDATE articles SET story_id = :new WHERE story_id = :old),
    events_moved AS (UPDATE canonical_events SET story_id = :new WHERE story_id = :old)
    UPDATE stories SET id = :new WHERE id = :old
    """
)
"""Give a story a new id (its articles' smallest); for ids in no order, the n-th article of a
story does this with chance 1/n, so its cost (n rows) averages one row per save."""

ROUNDING = 1e-6
"""Slack of the SQL similarity floor, so rounding never hides a candidate the rule accepts."""


def lock_stories(connection: Connection) -> None:
    """Take the grouping lock until the transaction ends."""
    connection.execute(select(func.pg_advisory_xact_lock(STORY_LOCK)))


def story_day(article: Article, analysis: StoredAnalysis) -> date:
    """Return an article's day as the story rule sees it: published (as its outlet dated it),
    else analysed."""
    return (article.published_at or analysis.analyzed_at).date()


def article_features(article: Article, analysis: StoredAnalysis) -> ArticleFeatures:
    """Return the story features of an analysed article."""
    keys = [(e.key, e.label) for e in analysis.entities]
    return features(article.id, story_day(article, analysis), article.title, article.text, keys)


class StoryGrouper:
    """Put an article in its story, merging the stories it bridges, inside a transaction."""

    def __init__(self, rule: StoryRule) -> None:
        self.rule = rule

    def group(self, connection: Connection, found: ArticleFeatures, new: Arrival | None) -> str:
        """Group one saved article (the caller holds the lock); return its story id.

        `new`: the article as it arrives, when it was never grouped before: it joins its story
        by what it adds, at a cost that does not depend on the story's size. None: it was, and
        its stories are regrouped from their rows.
        """
        if new is not None:
            _write_features(connection, found)
            return self._arrive(connection, found, new)
        old = connection.execute(FORGET_KEYS, {"id": found.id}).scalar()
        _write_features(connection, found)
        touched = self._split(connection, old, found.id) if old else set()
        story, merged = self._join(connection, found, self._matches(connection, found))
        refresh(connection, touched | merged | {story})
        return story

    def _arrive(self, connection: Connection, found: ArticleFeatures, new: Arrival) -> str:
        """Group a new article: grow the one story it joins, or regroup those it bridges."""
        matches = self._matches(connection, found)
        merged = {story for story in matches.values() if story is not None}
        if len(merged) > 1:  # it bridges stories (rare): regroup them from their rows
            story, touched = self._join(connection, found, matches)
            refresh(connection, touched | {story})
            return story
        if not merged:
            grow(connection, found.id, new, existed=False)
            return found.id
        (story,) = merged
        grow(connection, story, new, existed=True)
        if found.id < story:  # its id is the story's smallest now: the story takes it
            connection.execute(RENAME_STORY, {"old": story, "new": found.id})
            return found.id
        return story

    def _matches(self, connection: Connection, found: ArticleFeatures) -> dict[str, str | None]:
        """Return the articles the rule puts in the article's story, with their stories."""
        return {
            c.id: story
            for c, story in self.candidates(connection, found)
            if same_story(found, c, self.rule)
        }

    def _split(self, connection: Connection, old: str, article_id: str) -> set[str]:
        """Regroup a re-analysed article's old story without it; return the stories it made."""
        rest = connection.scalars(
            select(articles.c.id).where(articles.c.story_id == old, articles.c.id != article_id)
        ).all()
        made = {old}
        found = load_features(connection, rest)
        for group in components(found, self.rule):
            _assign(connection, group, group[0])
            made.add(group[0])
        return made

    def _join(
        self, connection: Connection, found: ArticleFeatures, matches: dict[str, str | None]
    ) -> tuple[str, set[str]]:
        """Join the stories the article matches; return its story and the stories merged."""
        merged = {story for story in matches.values() if story is not None}
        story = min(merged | {found.id})
        joined = articles.c.id == found.id
        if moving := merged - {story}:  # the articles of the story it joins stay as they are
            joined = joined | articles.c.story_id.in_(moving)
        connection.execute(update(articles).where(joined).values(story_id=story))
        return story, merged

    def candidates(
        self, connection: Connection, found: ArticleFeatures
    ) -> list[tuple[ArticleFeatures, str | None]]:
        """Return the articles in the date window that the rule may accept, with their stories.

        Of each key, only the `rule.key_neighbours` articles nearest in time on either side are
        looked up in story_keys (index-only range scans), and only the `rule.candidates`
        articles sharing the most entity weight through them are compared; PostgreSQL computes
        both cosines from their stored vectors, so only near-matches are loaded; the rule then
        decides in Python, exactly as in memory.
        """
        if not found.keys():
            return []
        rows = connection.execute(CANDIDATES, self.lookup(found)).all()
        return [
            (
                ArticleFeatures(r.article_id, r.day, r.entities, r.words, tuple(r.title_words)),
                r.story_id,
            )
            for r in rows
        ]

    def lookup(self, found: ArticleFeatures) -> dict[str, Any]:
        """Return the parameters of CANDIDATES for an article."""
        rule, window = self.rule, timedelta(days=self.rule.window_days)
        keys = found.keys()
        return {
            "id": found.id,
            "side": rule.key_neighbours,
            "candidates": rule.candidates,
            "keys": list(keys),
            "key_weights": list(keys.values()),
            "entities": list(found.entities),
            "entity_weights": list(found.entities.values()),
            "words": list(found.words),
            "word_weights": list(found.words.values()),
            "day": found.day,
            "first": found.day - window,
            "last": found.day + window,
            "floor": rule.min_entity_similarity - ROUNDING,
            "entity_weight": rule.entity_weight,
            "threshold": rule.threshold,
            "decay": rule.decay,
            "decay_days": rule.decay_days,
            "slack": ROUNDING,
        }


def _write_features(connection: Connection, found: ArticleFeatures) -> None:
    """Store an article's features and keys."""
    keys = found.keys()
    connection.execute(
        WRITE_FEATURES,
        {
            "id": found.id,
            "day": found.day,
            "entities": json.dumps(found.entities),
            "words": json.dumps(found.words),
            "title_words": json.dumps(found.title_words),
            "keys": list(keys),
            "key_weights": list(keys.values()),
        },
    )


def load_features(connection: Connection, ids: Iterable[str]) -> list[ArticleFeatures]:
    """Return the stored features of these articles."""
    rows = connection.execute(
        select(story_features).where(story_features.c.article_id.in_(list(ids)))
    ).all()
    return [
        ArticleFeatures(r.article_id, r.day, r.entities, r.words, tuple(r.title_words))
        for r in rows
    ]


def _assign(connection: Connection, ids: list[str], story: str) -> None:
    connection.execute(update(articles).where(articles.c.id.in_(ids)).values(story_id=story))
