"""Stories read from PostgreSQL: filtered pages (keyset cursors) and one story in full."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, Literal

from sqlalchemy import (
    ColumnElement,
    Engine,
    and_,
    bindparam,
    exists,
    func,
    literal,
    select,
    true,
    tuple_,
)

from newsflow.core.cursors import pack, unpack
from newsflow.core.event_filters import EventFilter, conditions
from newsflow.core.event_items import EVENTS_WITH_ARTICLES, ITEM_COLUMNS, item
from newsflow.core.schema import (
    article_entities,
    articles,
    canonical_events,
    entities,
    events,
    stories,
)

StorySort = Literal["newest", "biggest"]

STORY_SORTS: dict[str, tuple[ColumnElement[Any], Any]] = {
    "newest": (stories.c.last_seen, dt.datetime.fromisoformat),
    "biggest": (stories.c.num_articles, int),
}
"""Last seen first, or most articles first; ties by id, descending."""

MAX_STORY_ENTITIES = 30
"""Most entities one story lists."""

COUNT_COLUMNS = (
    canonical_events.c.id.label("canonical_id"),
    canonical_events.c.num_mentions,
    canonical_events.c.num_articles,
    canonical_events.c.num_sources,
    canonical_events.c.first_seen,
    canonical_events.c.last_seen,
)
"""What a canonical event adds to its face: its id and counts."""


STORY_ENTITIES = (
    select(
        entities.c.key,
        entities.c.name,
        entities.c.label,
        func.count().label("articles"),
    )
    .select_from(
        article_entities.join(articles, articles.c.id == article_entities.c.article_id).join(
            entities, entities.c.key == article_entities.c.key
        )
    )
    .where(articles.c.story_id == bindparam("story"))
    .group_by(entities.c.key, entities.c.name, entities.c.label)
    .order_by(func.count().desc(), entities.c.key)
    .limit(MAX_STORY_ENTITIES)
)
"""The entities a story's articles mention, by how many of them do."""

STORY_PLACES = (
    select(
        events.c.location_name.label("name"),
        events.c.location_country.label("country"),
        func.count().label("mentions"),
    )
    .select_from(events.join(articles, articles.c.id == events.c.article_id))
    .where(articles.c.story_id == bindparam("story"), events.c.location_name.is_not(None))
    .group_by(events.c.location_name, events.c.location_country)
    .order_by(func.count().desc(), events.c.location_name)
)
"""Where a story's events happened, by how many mentions say so."""


def story_item(row: Any) -> dict[str, Any]:
    """Return a story as the API lists it."""
    return {
        "id": row.id,
        "title": row.title,
        "first_seen": row.first_seen.isoformat(),
        "last_seen": row.last_seen.isoformat(),
        "num_articles": row.num_articles,
        "num_sources": row.num_sources,
        "num_events": row.num_events,
    }


def story_conditions(wanted: EventFilter) -> ColumnElement[bool]:
    """Return the condition of the stories with an event matching the filter's event part."""
    parts: list[ColumnElement[bool]] = []
    if wanted.since:
        parts.append(stories.c.last_seen >= wanted.since)
    if wanted.until:
        parts.append(stories.c.first_seen < wanted.until + dt.timedelta(days=1))
    if wanted.entity:
        parts.append(
            exists(
                select(literal(1))
                .select_from(articles.join(article_entities))
                .where(articles.c.story_id == stories.c.id, article_entities.c.key == wanted.entity)
            )
        )
    asked = wanted.model_dump(include=set(EventFilter.model_fields), exclude_defaults=True)
    rest = EventFilter.model_validate(
        {k: v for k, v in asked.items() if k not in ("since", "until", "entity")}
    )
    if rest.model_dump(exclude_defaults=True):
        parts.append(
            exists(
                select(literal(1))
                .select_from(EVENTS_WITH_ARTICLES)
                .where(articles.c.story_id == stories.c.id, conditions(rest))
            )
        )
    return and_(true(), *parts)


def encode_cursor(sort: str, row: Any) -> str:
    """Return the cursor that continues a listing of stories after this row."""
    value = row.last_seen.isoformat() if sort == "newest" else row.num_articles
    return pack([sort, value, row.id])


def after_cursor(sort: str, cursor: str) -> ColumnElement[bool]:
    """Return the condition of the stories after a cursor, or raise InvalidCursor."""
    key, load = STORY_SORTS[sort]

    def bound(values: list[Any]) -> ColumnElement[Any]:
        name, value, story_id = values
        if name != sort or not isinstance(story_id, str):
            raise ValueError("cursor of another listing")
        return tuple_(literal(load(value)), literal(story_id))

    return tuple_(key, stories.c.id) < unpack(cursor, bound)


class StoryReader:
    """Stories listed by filter and read one at a time, with their articles and events."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def page(
        self, wanted: EventFilter, sort: str, limit: int, cursor: str | None = None
    ) -> tuple[list[dict[str, Any]], int, str | None]:
        """Return a page of stories, the filter's exact total, and the next page's cursor."""
        condition = story_conditions(wanted)
        key = STORY_SORTS[sort][0]
        statement = select(stories).where(condition).order_by(key.desc(), stories.c.id.desc())
        if cursor is not None:
            statement = statement.where(after_cursor(sort, cursor))
        with self.engine.connect() as connection:
            rows = connection.execute(statement.limit(limit + 1)).all()
            total = connection.scalar(select(func.count()).select_from(stories).where(condition))
        more = len(rows) > limit
        rows = rows[:limit]
        next_cursor = encode_cursor(sort, rows[-1]) if more and rows else None
        return [story_item(r) for r in rows], int(total or 0), next_cursor

    def get(self, story_id: str) -> dict[str, Any] | None:
        """Return one story: its articles side by side, its canonical events and mentions."""
        with self.engine.connect() as connection:
            row = connection.execute(select(stories).where(stories.c.id == story_id)).first()
            if row is None:
                return None
            members = connection.execute(
                select(
                    articles.c.id,
                    articles.c.title,
                    articles.c.url,
                    articles.c.source,
                    articles.c.published_at,
                    articles.c.created_at,
                )
                .where(articles.c.story_id == story_id)
                .order_by(
                    func.coalesce(articles.c.published_at, articles.c.created_at), articles.c.id
                )
            ).all()
            mentions = connection.execute(
                select(*ITEM_COLUMNS)
                .select_from(EVENTS_WITH_ARTICLES)
                .where(articles.c.story_id == story_id)
                .order_by(events.c.article_id, events.c.ordinal)
            ).all()
            canon = connection.execute(
                select(canonical_events)
                .where(canonical_events.c.story_id == story_id)
                .order_by(canonical_events.c.num_mentions.desc(), canonical_events.c.id)
            ).all()
            named = connection.execute(STORY_ENTITIES, {"story": story_id}).mappings().all()
            places = connection.execute(STORY_PLACES, {"story": story_id}).mappings().all()
        return {
            **story_item(row),
            "articles": [_article(m) for m in members],
            "entities": [dict(e) for e in named],
            "places": [dict(p) for p in places],
            "events": [_canonical(c, mentions) for c in canon],
        }


def _article(row: Any) -> dict[str, Any]:
    return {
        "id": row.id,
        "title": row.title,
        "url": row.url,
        "source": row.source,
        "published_at": row.published_at.isoformat() if row.published_at else None,
    }


def _canonical(row: Any, mentions: Sequence[Any]) -> dict[str, Any]:
    """Return a canonical event: its counts, its face and every mention with its evidence."""
    own = [item(m._mapping) for m in mentions if m.canonical_id == row.id]
    face_id = f"{row.face_article_id}~{row.face_ordinal}"
    return {
        "id": row.id,
        "num_mentions": row.num_mentions,
        "num_articles": row.num_articles,
        "num_sources": row.num_sources,
        "first_seen": row.first_seen.isoformat(),
        "last_seen": row.last_seen.isoformat(),
        "face": next((m for m in own if m["id"] == face_id), None),
        "mentions": own,
    }
