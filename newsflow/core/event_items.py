"""Events as the API lists them: the columns read, the joins to their evidence and article.

A listing picks its page on the narrow `events` rows alone (KEY_COLUMNS) and joins only that
page's events to their evidence, article and happening (`details`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlalchemy import ColumnElement, Connection, and_, select, tuple_

from newsflow.core.event_filters import EventFilter, conditions
from newsflow.core.results import event_id
from newsflow.core.schema import articles, canonical_events, event_texts, events

KEY_COLUMNS = (
    events.c.article_id,
    events.c.ordinal,
    events.c.day,
    events.c.confidence,
    events.c.updated_at,
    events.c.published_at,
    events.c.canonical_id,
)
"""What places an event in a listing (its key and every sort's value): the narrow part."""

DETAIL_COLUMNS = (
    event_texts.c.evidence,
    articles.c.title,
    articles.c.url,
    articles.c.source,
    canonical_events.c.num_mentions,
    canonical_events.c.num_articles,
    canonical_events.c.num_sources,
)
"""What an event in a list shows besides: its evidence, and where it was reported."""

ITEM_COLUMNS = KEY_COLUMNS + DETAIL_COLUMNS

EVENTS_WITH_ARTICLES = (
    events.join(
        event_texts,
        (event_texts.c.article_id == events.c.article_id)
        & (event_texts.c.ordinal == events.c.ordinal),
    )
    .join(articles, articles.c.id == events.c.article_id)
    .outerjoin(canonical_events, canonical_events.c.id == events.c.canonical_id)
)

DETAILS_FROM = (
    event_texts.join(articles, articles.c.id == event_texts.c.article_id)
    .join(
        events,
        (events.c.article_id == event_texts.c.article_id)
        & (events.c.ordinal == event_texts.c.ordinal),
    )
    .outerjoin(canonical_events, canonical_events.c.id == events.c.canonical_id)
)
"""Where a page's details come from: evidence, article, and the happening's counts."""

IS_FACE = and_(
    canonical_events.c.face_article_id == events.c.article_id,
    canonical_events.c.face_ordinal == events.c.ordinal,
)
"""The mention that stands for its canonical event (one row per happening)."""

EVENTS_WITH_CANONICAL = events.join(
    canonical_events, canonical_events.c.id == events.c.canonical_id
)
"""Where `count=events` and `distinct=true` look: one row per happening, its face."""


def iso(value: dt.date | dt.datetime | None) -> str | None:
    """Return a date or time as ISO 8601 text (None stays None)."""
    return value.isoformat() if value is not None else None


def item(row: Mapping[Any, Any]) -> dict[str, Any]:
    """Return an event as the API lists it: the event, its id, and its article."""
    return {
        "id": event_id(row["article_id"], row["ordinal"]),
        **row["evidence"],
        "article": {
            "id": row["article_id"],
            "title": row["title"],
            "url": row["url"],
            "source": row["source"],
            "published_at": iso(row["published_at"]),
        },
        "updated_at": row["updated_at"].isoformat(),
        "canonical_id": row["canonical_id"] or event_id(row["article_id"], row["ordinal"]),
        "num_mentions": row["num_mentions"] or 1,
        "num_articles": row["num_articles"] or 1,
        "num_sources": row["num_sources"] or 1,
    }


def details(
    connection: Connection, found: list[tuple[str, int]]
) -> dict[tuple[str, int], dict[str, Any]]:
    """Return the evidence and article of each of these events."""
    if not found:
        return {}
    statement = (
        select(event_texts.c.article_id, event_texts.c.ordinal, *DETAIL_COLUMNS)
        .select_from(DETAILS_FROM)
        .where(tuple_(event_texts.c.article_id, event_texts.c.ordinal).in_(found))
    )
    return {
        (row.article_id, row.ordinal): dict(row._mapping) for row in connection.execute(statement)
    }


def counted_events(wanted: EventFilter, count: str) -> tuple[Any, ColumnElement[bool]]:
    """Return the rows to count and their condition: faces only when counting happenings."""
    if count == "events":
        return EVENTS_WITH_CANONICAL, and_(conditions(wanted), IS_FACE)
    return events, conditions(wanted)
