"""A story's rows recomputed from its articles: its counts and its canonical events.

Counts are recomputed from rows, never incremented, so re-saving an article changes no count;
only what changed is written back.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, delete, func, select, text
from sqlalchemy.dialects.postgresql import insert

from newsflow.core.event_merge import Mention, canonical_groups, counts
from newsflow.core.row_arrays import insert_rows
from newsflow.core.schema import (
    articles,
    canonical_events,
    canonical_signatures,
    events,
    stories,
)

SET_CANONICAL = text(
    """
    UPDATE events AS e SET canonical_id = c.id
    FROM unnest(CAST(:articles AS text[]), CAST(:ordinals AS int[]), CAST(:ids AS text[]))
        AS c(article_id, ordinal, id)
    WHERE e.article_id = c.article_id AND e.ordinal = c.ordinal
    """
)
"""Move mentions to their canonical events, in one statement."""


def refresh(connection: Connection, touched: set[str]) -> None:
    """Recompute the rows and canonical events of these stories (deleting emptied ones).

    Only what changed is written: a story that gains one article rewrites its own row, the
    canonical events whose counts moved and the canonical ids of the mentions that moved.
    """
    members = _members(connection, touched)
    made: dict[str, dict[str, Any]] = {}
    moved: dict[tuple[str, int], str] = {}
    rows = []
    made_groups: list[list[Mention]] = []
    for story in sorted(members):
        groups, changed = _canonical_events(connection, members[story])
        made_groups += groups
        made.update({g[0].id: {**counts(g), "story_id": story} for g in groups})
        moved.update(changed)
        rows.append(_story_row(story, members[story], len(groups)))
    old = _replace_changed(connection, touched, made)
    _rewrite_signatures(connection, old, made_groups)
    if moved:
        connection.execute(
            SET_CANONICAL,
            {
                "articles": [a for a, _ in moved],
                "ordinals": [o for _, o in moved],
                "ids": list(moved.values()),
            },
        )
    if emptied := touched - members.keys():
        connection.execute(delete(stories).where(stories.c.id.in_(emptied)))
    if rows:
        upsert = insert(stories)
        connection.execute(
            upsert.on_conflict_do_update(
                index_elements=[stories.c.id],
                set_={c.name: upsert.excluded[c.name] for c in stories.c if c.name != "id"},
            ),
            rows,
        )


def _members(connection: Connection, touched: set[str]) -> dict[str, list[Any]]:
    """Return the articles of each of these stories that still has any."""
    found: dict[str, list[Any]] = {}
    for row in connection.execute(
        select(
            articles.c.story_id,
            articles.c.id,
            articles.c.title,
            articles.c.source,
            func.coalesce(articles.c.published_at, articles.c.created_at).label("seen"),
        ).where(articles.c.story_id.in_(touched))
    ):
        found.setdefault(row.story_id, []).append(row)
    return found


def _replace_changed(connection: Connection, touched: set[str], made: dict[str, Any]) -> set[str]:
    """Make the canonical events of these stories the ones made, rewriting only changed rows;
    return the ids they had."""
    existing = {
        r["id"]: dict(r)
        for r in connection.execute(
            select(canonical_events).where(canonical_events.c.story_id.in_(touched))
        ).mappings()
    }
    stale = [i for i, row in existing.items() if made.get(i) != row]
    if stale:
        connection.execute(delete(canonical_events).where(canonical_events.c.id.in_(stale)))
    fresh = [row for i, row in made.items() if existing.get(i) != row]
    if fresh:
        connection.execute(insert_rows(canonical_events, fresh))
    return set(existing)


def _rewrite_signatures(connection: Connection, old: set[str], groups: list[list[Mention]]) -> None:
    """Replace the signatures of these canonical events by those of the groups made."""
    if old:
        connection.execute(
            delete(canonical_signatures).where(canonical_signatures.c.canonical_id.in_(old))
        )
    write_signatures(connection, {g[0].id: g for g in groups})


def signature(mention: Mention) -> tuple[Any, ...]:
    """Return what the merge rule compares of a mention besides its category ('' if unknown)."""
    return (
        mention.day,
        mention.source or "",
        mention.source_country or "",
        mention.target or "",
        mention.target_country or "",
        (mention.place or "").lower(),
        mention.place_country or "",
    )


SIGNATURE_NAMES = [c.name for c in canonical_signatures.c][1:]


def write_signatures(connection: Connection, groups: Mapping[str, Sequence[Mention]]) -> None:
    """Add the signatures of these mentions to their canonical events (by id)."""
    rows = {(canonical_id, *signature(m)) for canonical_id, group in groups.items() for m in group}
    if rows:
        names = ["canonical_id", *SIGNATURE_NAMES]
        found = [dict(zip(names, r, strict=True)) for r in rows]
        connection.execute(
            insert_rows(canonical_signatures, found, order_by=names).on_conflict_do_nothing()
        )


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
        "first_article_id": first.id,
    }


def _canonical_events(
    connection: Connection, members: Sequence[Any]
) -> tuple[list[list[Mention]], dict[tuple[str, int], str]]:
    """Group a story's event mentions into canonical events; return them and the mentions
    whose canonical id changes."""
    seen = {m.id: m.seen for m in members}
    rows = connection.execute(
        select(*MENTION_COLUMNS).where(events.c.article_id.in_(list(seen)))
    ).all()
    now = {(r.article_id, r.ordinal): r.canonical_id for r in rows}
    groups = canonical_groups(mention_of(r, seen[r.article_id]) for r in rows)
    changed = {
        (m.article_id, m.ordinal): g[0].id
        for g in groups
        for m in g
        if now[(m.article_id, m.ordinal)] != g[0].id
    }
    return groups, changed


MENTION_COLUMNS = [
    events.c[name]
    for name in (
        "article_id",
        "ordinal",
        "canonical_id",
        "outlet",
        "plover",
        "root_code",
        "source_code",
        "target_code",
        "source_country",
        "target_country",
        "day",
        "location_name",
        "location_country",
        "confidence",
    )
]
"""What the merge rule reads of an event row (and its canonical id)."""


def mention_of(row: Any, seen: Any) -> Mention:
    """Return an event row as the merge rule sees it."""
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
