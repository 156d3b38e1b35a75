"""A new article joins one story: the story's row and canonical events move by what it adds.

The cost does not depend on the story's size: the story row is read by its key, the new
mentions find their canonical events by (story, category, day +-1) and test the merge rule
against only those events' mentions of those days (an index lookup that stops at the first
compatible one), and whether the article's outlet is new to the story or to an event is one
index probe each. Counts move by the one article, which was in none of them before. Two
canonical events a new mention bridges are merged from their rows (rare, and bounded by them).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, select, text, update
from sqlalchemy.dialects.postgresql import insert

from newsflow.core.event_merge import Mention, counts, face_rank, same_happening
from newsflow.core.models import Article
from newsflow.core.schema import articles, canonical_events, events
from newsflow.core.story_counts import (
    MENTION_COLUMNS,
    mention_of,
    write_signatures,
)

READ_STORY = text(
    """
    SELECT s.*, EXISTS (
        SELECT 1 FROM articles AS a
        WHERE a.story_id = s.id AND lower(coalesce(nullif(a.source, ''), a.id)) = :outlet
        AND a.id <> :id
    ) AS has_outlet
    FROM stories AS s WHERE s.id = :story
    """
)
"""The story's row, and whether another of its articles has this outlet (one index probe)."""

MATCH = text(
    """
    WITH m AS (
        SELECT * FROM unnest(
            CAST(:ordinals AS int[]), CAST(:categories AS text[]), CAST(:days AS date[]),
            CAST(:sources AS text[]), CAST(:targets AS text[]),
            CAST(:source_countries AS text[]), CAST(:target_countries AS text[]),
            CAST(:places AS text[]), CAST(:place_countries AS text[])
        ) AS m(ordinal, category, day, src, tgt, src_country, tgt_country, place, place_country)
    )
    SELECT m.ordinal, c.*, f.confidence AS face_confidence,
        (f.source_code IS NOT NULL)::int + (f.target_code IS NOT NULL)::int AS face_actors,
        coalesce(fa.published_at, fa.created_at) AS face_seen,
        EXISTS (
            SELECT 1 FROM events AS o WHERE o.canonical_id = c.id
            AND lower(coalesce(nullif(o.outlet, ''), o.article_id)) = :outlet
        ) AS has_outlet
    FROM m
    JOIN canonical_events AS c ON c.story_id = :story AND c.category = m.category
        AND c.first_day <= m.day + 1 AND c.last_day >= m.day - 1
    JOIN events AS f ON f.article_id = c.face_article_id AND f.ordinal = c.face_ordinal
    JOIN articles AS fa ON fa.id = c.face_article_id
    WHERE EXISTS (
        SELECT 1 FROM canonical_signatures AS e
        WHERE e.canonical_id = c.id AND e.day BETWEEN m.day - 1 AND m.day + 1
        AND (coalesce(m.src, '') = '' OR e.source_code = ''
            OR starts_with(m.src, e.source_code) OR starts_with(e.source_code, m.src)
            OR m.src_country = nullif(e.source_country, ''))
        AND (coalesce(m.tgt, '') = '' OR e.target_code = ''
            OR starts_with(m.tgt, e.target_code) OR starts_with(e.target_code, m.tgt)
            OR m.tgt_country = nullif(e.target_country, ''))
        AND (coalesce(m.place, '') = '' OR e.place = ''
            OR lower(m.place) = e.place OR m.place_country = nullif(e.place_country, ''))
    )
    """
)
"""The story's canonical events each new mention is the same happening as, by the merge rule of
newsflow.core.event_merge (written again in SQL over the events' distinct signatures, so a
happening said the same way by many articles is compared once), with what their counts need:
their face's rank and whether the outlet is new."""

SET_OWN_CANONICAL = text(
    """
    UPDATE events AS e SET canonical_id = c.id
    FROM unnest(CAST(:ordinals AS int[]), CAST(:ids AS text[])) AS c(ordinal, id)
    WHERE e.article_id = :article AND e.ordinal = c.ordinal
    """
)
"""Put one article's mentions in their canonical events (its rows found by its id)."""

MOVE_SIGNATURES = text(
    """
    WITH gone AS (DELETE FROM canonical_signatures WHERE canonical_id = :old RETURNING *)
    INSERT INTO canonical_signatures
    SELECT :now, day, source_code, source_country, target_code, target_country, place,
        place_country
    FROM gone
    ON CONFLICT DO NOTHING
    """
)
"""Give a renamed canonical event's signatures to the one it is now part of."""

_upsert = insert(canonical_events)
UPSERT_CANONICAL = _upsert.on_conflict_do_update(
    index_elements=[canonical_events.c.id],
    set_={c.name: _upsert.excluded[c.name] for c in canonical_events.c if c.name != "id"},
)
"""Write canonical events, new or grown (one statement shape, compiled once)."""
del _upsert

WRITE_STORY = text(
    """
    WITH joined AS (UPDATE articles SET story_id = :id WHERE id = :article)
    INSERT INTO stories (id, title, first_seen, last_seen, num_articles, num_sources, num_events,
        first_article_id)
    VALUES (:id, :title, :first_seen, :last_seen, :num_articles, :num_sources, :num_events,
        :first_article_id)
    ON CONFLICT (id) DO UPDATE SET title = excluded.title, first_seen = excluded.first_seen,
        last_seen = excluded.last_seen, num_articles = excluded.num_articles,
        num_sources = excluded.num_sources, num_events = excluded.num_events,
        first_article_id = excluded.first_article_id
    """
)
"""Put the article in its story and write the story's row; one round trip."""


def seen(article: Article) -> datetime:
    """Return when an article was seen, as story and canonical-event counts date it: published,
    else accepted."""
    return article.published_at or article.created_at


@dataclass(frozen=True)
class Arrival:
    """A new article as its story's counts see it."""

    article: Article
    mentions: list[Mention]

    @property
    def seen(self) -> datetime:
        """Return when it was seen: published, else accepted."""
        return seen(self.article)

    @property
    def outlet(self) -> str:
        """Return its outlet as counts compare them (itself if it has none)."""
        return (self.article.source or self.article.id).lower()


def grow(connection: Connection, story: str, new: Arrival, existed: bool) -> None:
    """Add a new article to a story (existing or new, whose id stays), moving its counts."""
    row = _read_story(connection, story, new) if existed else None
    delta = _grow_events(connection, story, new, existed) if new.mentions else 0
    connection.execute(
        WRITE_STORY, {"article": new.article.id, **_story_row(story, row, new, delta)}
    )


def _read_story(connection: Connection, story: str, new: Arrival) -> Any:
    params = {"story": story, "outlet": new.outlet, "id": new.article.id}
    return connection.execute(READ_STORY, params).one()


def _story_row(story: str, row: Any, new: Arrival, delta: int) -> dict[str, Any]:
    mine = (new.seen, new.article.id)
    if row is None:
        return {
            "id": story,
            "title": new.article.title,
            "first_seen": new.seen,
            "last_seen": new.seen,
            "num_articles": 1,
            "num_sources": 1,
            "num_events": delta,
            "first_article_id": new.article.id,
        }
    first = mine < (row.first_seen, row.first_article_id)
    return {
        "id": story,
        "title": new.article.title if first else row.title,
        "first_seen": min(row.first_seen, new.seen),
        "last_seen": max(row.last_seen, new.seen),
        "num_articles": row.num_articles + 1,
        "num_sources": row.num_sources + (not row.has_outlet),
        "num_events": row.num_events + delta,
        "first_article_id": new.article.id if first else row.first_article_id,
    }


def _grow_events(connection: Connection, story: str, new: Arrival, existed: bool) -> int:
    """Put the new mentions in canonical events; return how many more the story has."""
    matched = _match(connection, story, new) if existed else []
    found = {r.id: r for r in matched}
    parent: dict[Any, Any] = {}

    def root(node: Any) -> Any:
        while parent.setdefault(node, node) != node:
            node = parent[node]
        return node

    for i, a in enumerate(new.mentions):
        root(a.id)
        for b in new.mentions[i + 1 :]:
            if same_happening(a, b):
                parent[root(b.id)] = root(a.id)
    for r in matched:
        parent[root(("c", r.id))] = root(f"{new.article.id}~{r.ordinal}")
    groups: dict[Any, tuple[list[Mention], list[Any]]] = {}
    for m in new.mentions:
        groups.setdefault(root(m.id), ([], []))[0].append(m)
    for cid, r in found.items():
        groups[root(("c", cid))][1].append(r)
    made = [
        _merged(connection, mine, olds) if len(olds) > 1 else _grown(mine, olds, new)
        for mine, olds in groups.values()
    ]
    gone = {
        r.id: row["id"] for (_, olds), row in zip(groups.values(), made, strict=True) for r in olds
    }
    _write_events(connection, story, made, {old: now for old, now in gone.items() if old != now})
    moved = {
        (m.article_id, m.ordinal): row["id"]
        for (mine, _), row in zip(groups.values(), made, strict=True)
        for m in mine
    }
    write_signatures(
        connection,
        {row["id"]: mine for (mine, _), row in zip(groups.values(), made, strict=True)},
    )
    connection.execute(
        SET_OWN_CANONICAL,
        {
            "article": new.article.id,
            "ordinals": [o for _, o in moved],
            "ids": list(moved.values()),
        },
    )
    return len(made) - len(found)


def _match(connection: Connection, story: str, new: Arrival) -> Sequence[Any]:
    ms = new.mentions
    return connection.execute(
        MATCH,
        {
            "story": story,
            "outlet": new.outlet,
            "ordinals": [m.ordinal for m in ms],
            "categories": [m.category for m in ms],
            "days": [m.day for m in ms],
            "sources": [m.source for m in ms],
            "targets": [m.target for m in ms],
            "source_countries": [m.source_country for m in ms],
            "target_countries": [m.target_country for m in ms],
            "places": [m.place for m in ms],
            "place_countries": [m.place_country for m in ms],
        },
    ).all()


def _grown(mine: list[Mention], olds: list[Any], new: Arrival) -> dict[str, Any]:
    """Return a canonical event's row grown by one new article's mentions (or made of them)."""
    made = counts(mine)
    if not olds:
        return made
    old = olds[0]
    old_face = (-old.face_confidence, -old.face_actors, old.face_seen, _face_id(old))
    best = min(mine, key=face_rank)
    face = best if face_rank(best) < old_face else None
    return {
        "id": min(old.id, made["id"], key=_id_order),
        "face_article_id": face.article_id if face else old.face_article_id,
        "face_ordinal": face.ordinal if face else old.face_ordinal,
        "num_mentions": old.num_mentions + len(mine),
        "num_articles": old.num_articles + 1,
        "num_sources": old.num_sources + (not old.has_outlet),
        "first_seen": min(old.first_seen, new.seen),
        "last_seen": max(old.last_seen, new.seen),
        "category": old.category,
        "first_day": min(old.first_day, made["first_day"]),
        "last_day": max(old.last_day, made["last_day"]),
    }


def _face_id(row: Any) -> str:
    return f"{row.face_article_id}~{row.face_ordinal}"


def _id_order(canonical_id: str) -> tuple[str, int]:
    """Order canonical ids as their mentions sort: by article id, then position."""
    article_id, _, ordinal = canonical_id.rpartition("~")
    return article_id, int(ordinal)


def _merged(connection: Connection, mine: list[Mention], olds: list[Any]) -> dict[str, Any]:
    """Return the row of canonical events a new article bridges, from all their mentions."""
    rows = connection.execute(
        select(
            *MENTION_COLUMNS, articles.c.published_at.label("seen_published"), articles.c.created_at
        )
        .join(articles, articles.c.id == events.c.article_id)
        .where(events.c.canonical_id.in_([r.id for r in olds]))
    ).all()
    theirs = [mention_of(r, r.seen_published or r.created_at) for r in rows]
    return counts(sorted(theirs + mine, key=lambda m: (m.article_id, m.ordinal)))


def _write_events(
    connection: Connection, story: str, made: list[dict[str, Any]], renamed: dict[str, str]
) -> None:
    """Write these canonical events of a story; those renamed give their mentions to the new."""
    if renamed:
        connection.execute(delete(canonical_events).where(canonical_events.c.id.in_(list(renamed))))
        for old, now in renamed.items():
            connection.execute(
                update(events).where(events.c.canonical_id == old).values(canonical_id=now)
            )
            connection.execute(MOVE_SIGNATURES, {"old": old, "now": now})
    connection.execute(UPSERT_CANONICAL, [{**row, "story_id": story} for row in made])
